// Command gosmtp is the go-smtp test bed of smtpspec's real-server tests: a
// server built on github.com/emersion/go-smtp with a small policy backend,
// listening on 127.0.0.1 only.
//
// The domain example.test has the mailboxes alice and bob; postmaster (bare
// or in the domain, any case) is alice; other users get 550 at RCPT and
// other domains are refused as relaying (550), also after AUTH (it relays
// nothing). Accepted messages are read and dropped. STARTTLS uses a
// self-signed certificate made at start-up; AUTH PLAIN (alice/wonderland)
// is offered only under TLS (the library's default). Everything else is the
// library's defaults.
//
// Usage: gosmtp -addr 127.0.0.1:PORT
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"flag"
	"io"
	"log"
	"math/big"
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

type backend struct{}

func (backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{}, nil }

type session struct{ authed bool }

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
		if (identity != "" && identity != username) || username != "alice" || password != "wonderland" {
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

// selfSigned makes a certificate for hostname, valid for a day.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: hostname},
		DNSNames:     []string{hostname},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:2530", "listen address (loopback only)")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("gosmtp: -addr must be a loopback address with a port: %q", *addr)
	}
	cert, err := selfSigned()
	if err != nil {
		log.Fatalf("gosmtp: certificate: %v", err)
	}
	s := smtp.NewServer(backend{})
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
