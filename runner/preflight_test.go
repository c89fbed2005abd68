package runner

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/config"
)

// selfSigned returns a self-signed certificate for 127.0.0.1 and
// mx.example.test.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx.example.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"mx.example.test"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// tlsServer is a small SMTP server: implicit TLS, or plain with STARTTLS
// (listed or not), answering MAIL with mail.
type tlsServer struct {
	implicit, listStartTLS bool
	mail                   string
}

func (s tlsServer) start(t *testing.T) string {
	t.Helper()
	cert := selfSigned(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c, cfg)
		}
	}()
	return ln.Addr().String()
}

func (s tlsServer) serve(c net.Conn, cfg *tls.Config) {
	defer c.Close()
	if s.implicit {
		c = tls.Server(c, cfg)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	c.Write([]byte("220 mx.example.test ESMTP\r\n"))
	inTLS := s.implicit
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); {
		case verb == "EHLO" && s.listStartTLS && !inTLS:
			c.Write([]byte("250-mx.example.test\r\n250 STARTTLS\r\n"))
		case verb == "EHLO":
			c.Write([]byte("250-mx.example.test\r\n250 PIPELINING\r\n"))
		case verb == "STARTTLS" && s.listStartTLS && !inTLS:
			c.Write([]byte("220 2.0.0 go ahead\r\n"))
			c = tls.Server(c, cfg)
			r = bufio.NewReader(c)
			inTLS = true
		case verb == "MAIL" && s.mail != "":
			c.Write([]byte(s.mail + "\r\n"))
		case verb == "QUIT":
			c.Write([]byte("221 2.0.0 bye\r\n"))
			return
		default:
			c.Write([]byte("250 2.0.0 ok\r\n"))
		}
	}
}

func preflightConfig(target string) config.Config {
	return config.Config{Target: target, Helo: "client.example.org", Sender: "s@example.org", Mailbox: "alice@example.test",
		ConnectTimeout: 2 * time.Second, ReplyTimeout: 2 * time.Second, Profile: config.ProfileMX}
}

// TestPreflightTLS: the preflight speaks the --tls mode the run asked for,
// and a mode the server cannot do stops the run with a message that says
// what to write instead.
func TestPreflightTLS(t *testing.T) {
	implicit := tlsServer{implicit: true}.start(t)
	starttls := tlsServer{listStartTLS: true}.start(t)
	plain := tlsServer{}.start(t)
	cases := []struct {
		name   string
		target string
		edit   func(*config.Config)
		code   int // 0: no stop
		msg    string
	}{
		{"implicit", implicit, func(c *config.Config) { c.TLSMode = config.TLSImplicit }, 0, ""},
		{"implicit against a plain port", plain, func(c *config.Config) { c.TLSMode = config.TLSImplicit }, ExitUntestable, "--tls implicit"},
		{"starttls", starttls, func(c *config.Config) { c.TLSMode = config.TLSStartTLS }, 0, ""},
		{"starttls not listed", plain, func(c *config.Config) { c.TLSMode = config.TLSStartTLS }, ExitUsage, "does not list STARTTLS"},
		{"verify a self-signed certificate", implicit, func(c *config.Config) { c.TLSMode, c.TLSVerify = config.TLSImplicit, true }, ExitUntestable, "not signed by a trusted authority"},
		{"auto stays plain", starttls, func(c *config.Config) {}, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := preflightConfig(tc.target)
			tc.edit(&cfg)
			g, stop := preflight(context.Background(), cfg)
			switch {
			case tc.code == 0 && stop != nil:
				t.Errorf("stopped: %s", stop.msg)
			case tc.code == 0 && g.Code != 220:
				t.Errorf("greeting %v", g)
			case tc.code != 0 && (stop == nil || stop.code != tc.code || !strings.Contains(stop.msg, tc.msg)):
				t.Errorf("stop %+v, want exit %d saying %q", stop, tc.code, tc.msg)
			}
		})
	}
}

// TestPreflightSubmission530: a 530 to MAIL is the rule of a submission
// server (RFC 6409 §4.1): under --profile submission the run goes on (the
// specs that meet it are NOT APPLICABLE); under mx it stops with a hint to
// write --profile submission.
func TestPreflightSubmission530(t *testing.T) {
	addr := tlsServer{mail: "530 5.7.0 Authentication required"}.start(t)
	cfg := preflightConfig(addr)
	if _, stop := preflight(context.Background(), cfg); stop == nil || stop.code != ExitUsage || !strings.Contains(stop.msg, "--profile submission") {
		t.Errorf("mx profile: %+v, want a usage stop naming --profile submission", stop)
	}
	cfg.Profile = config.ProfileSubmission
	if _, stop := preflight(context.Background(), cfg); stop != nil {
		t.Errorf("submission profile: stopped: %s", stop.msg)
	}
}

// TestPreflightTLSFirst: a server that lists STARTTLS and refuses MAIL in
// plaintext (RFC 3207 §4) stops a --tls auto run with the hint to write
// --tls starttls, whether it answers 530 or a 4yz of local policy.
func TestPreflightTLSFirst(t *testing.T) {
	for _, mail := range []string{"530 5.7.0 Must issue a STARTTLS command first", "451 4.7.0 TLS required"} {
		cfg := preflightConfig(tlsServer{listStartTLS: true, mail: mail}.start(t))
		if _, stop := preflight(context.Background(), cfg); stop == nil || !strings.Contains(stop.msg, "write --tls starttls") {
			t.Errorf("MAIL answered %q: %+v, want a stop naming --tls starttls", mail, stop)
		}
		cfg = preflightConfig(tlsServer{mail: mail}.start(t))
		if _, stop := preflight(context.Background(), cfg); stop == nil || strings.Contains(stop.msg, "--tls starttls") {
			t.Errorf("MAIL answered %q, no STARTTLS listed: %+v, want a stop without the TLS hint", mail, stop)
		}
	}
}
