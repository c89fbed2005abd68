// Command gosmtp is the go-smtp test bed of smtpspec's real-server tests: a
// server built on github.com/emersion/go-smtp with a small policy backend,
// listening on 127.0.0.1 only.
//
// The domain example.test has the mailboxes alice and bob; postmaster (bare
// or in the domain, any case) is alice; other users get 550 at RCPT and
// other domains are refused as relaying (550), also after AUTH (it relays
// nothing). Accepted messages are read and dropped. STARTTLS uses the
// certificate and key given (start.sh makes a self-signed one); AUTH PLAIN
// (the mechanism go-sasl has a server for) accepts one user, whose password
// is read from a file, and is offered only under TLS (the library's
// default). Everything else is the library's defaults.
//
// Usage: gosmtp -addr 127.0.0.1:PORT -cert FILE -key FILE -user USER -password-file FILE
package main

import (
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"flag"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	domain   = "example.test"
	hostname = "mail.example.test"
)

var mailboxes = map[string]bool{"alice": true, "bob": true, "postmaster": true}

// backend holds the one AUTH user and its password.
type backend struct{ user, password string }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

type session struct {
	b      backend
	authed bool
}

func (s *session) Reset()                                    {}
func (s *session) Logout() error                             { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *session) AuthMechanisms() []string                  { return []string{sasl.Plain} }
func (s *session) Data(r io.Reader) error                    { _, err := io.Copy(io.Discard, r); return err }
func (s *session) Auth(mech string) (sasl.Server, error)     { return s.plain(mech) }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { return rcpt(to) }

func (s *session) plain(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		userOK := subtle.ConstantTimeCompare([]byte(username), []byte(s.b.user)) == 1
		passOK := subtle.ConstantTimeCompare([]byte(password), []byte(s.b.password)) == 1
		if (identity != "" && identity != username) || !userOK || !passOK {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

// rcpt is the recipient policy.
func rcpt(to string) error {
	local, dom, found := strings.Cut(to, "@")
	if !found {
		if strings.EqualFold(to, "postmaster") {
			return nil
		}
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Address has no domain"}
	}
	if !strings.EqualFold(dom, domain) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relaying denied"}
	}
	if !mailboxes[strings.ToLower(local)] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}
	}
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:2530", "listen address (loopback only)")
	certFile := flag.String("cert", "", "PEM certificate for STARTTLS")
	keyFile := flag.String("key", "", "PEM private key for STARTTLS")
	user := flag.String("user", "", "the AUTH user")
	passwordFile := flag.String("password-file", "", "file holding the AUTH user's password")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("gosmtp: -addr must be a loopback address with a port: %q", *addr)
	}
	cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		log.Fatalf("gosmtp: certificate: %v", err)
	}
	pw, err := os.ReadFile(*passwordFile)
	if err != nil || *user == "" || strings.TrimSpace(string(pw)) == "" {
		log.Fatalf("gosmtp: -user and a non-empty -password-file are required (%v)", err)
	}
	s := smtp.NewServer(backend{user: *user, password: strings.TrimSpace(string(pw))})
	s.Addr = *addr
	s.Domain = hostname
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.EnableSMTPUTF8 = true
	// RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes for the next command.
	s.ReadTimeout = 5 * time.Minute
	s.WriteTimeout = 5 * time.Minute

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sig
		s.Close()
	}()
	log.Printf("gosmtp: listening on %s", *addr)
	if err := s.ListenAndServe(); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
		log.Fatalf("gosmtp: %v", err)
	}
}
