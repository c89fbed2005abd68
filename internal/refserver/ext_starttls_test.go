package refserver

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// tlsClient verifies the reference server's self-signed certificate for its
// host name.
func tlsClient(t *testing.T, s *Server) *tls.Config {
	t.Helper()
	cert, err := x509.ParseCertificate(s.Certificate())
	if err != nil {
		t.Fatalf("the server's certificate: %v", err)
	}
	if cert.Subject.CommonName != DefaultHostname {
		t.Errorf("certificate CN %q, want %q", cert.Subject.CommonName, DefaultHostname)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{RootCAs: roots, ServerName: DefaultHostname}
}

// handshake runs the client's TLS handshake on c after the 220 to STARTTLS.
func (c *client) handshake(t *testing.T, cfg *tls.Config) {
	t.Helper()
	if n := c.r.Buffered(); n > 0 {
		extra, _ := c.r.Peek(n)
		t.Fatalf("plaintext after the 220 to STARTTLS: %q", extra)
	}
	tc := tls.Client(c.conn, cfg)
	tc.SetDeadline(time.Now().Add(replyWait))
	if err := tc.Handshake(); err != nil {
		t.Fatalf("TLS handshake: %v", err)
	}
	tc.SetDeadline(time.Time{})
	c.conn, c.r = tc, bufio.NewReader(tc)
}

// ehloKeywords sends EHLO and returns the keywords of the 250 reply.
func (c *client) ehloKeywords(t *testing.T) map[string]bool {
	t.Helper()
	c.send("EHLO client.example\r\n")
	r := c.reply()
	if !strings.HasPrefix(r, "250-ref.smtpspec.test greets client.example\r\n") {
		t.Fatalf("EHLO reply %q", r)
	}
	kw := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSuffix(r, "\r\n"), "\r\n")[1:] {
		kw[strings.Fields(l[4:])[0]] = true
	}
	return kw
}

// ehloUnderTLS checks that EHLO under TLS lists every extension of the
// server but STARTTLS (and those of without).
func (c *client) ehloUnderTLS(t *testing.T, without ...string) {
	t.Helper()
	kw := c.ehloKeywords(t)
	for _, k := range Extensions() {
		want := k != "STARTTLS" && !slices.Contains(without, k)
		if kw[k] != want {
			t.Errorf("EHLO under TLS: %s listed = %v, want %v (%v)", k, kw[k], want, kw)
		}
	}
}

// RFC 3207 §4, §4.2: 501 for an argument, 220 and the handshake, then the
// initial state (MAIL needs EHLO again), STARTTLS no longer listed, and a
// second STARTTLS refused with 503.
func TestStartTLS(t *testing.T) {
	s := start(t, Config{})
	c := open(t, s)
	if !c.ehloKeywords(t)["STARTTLS"] {
		t.Fatal("EHLO does not list STARTTLS")
	}
	c.run(steps(
		step{line: "STARTTLS now", want: "501 5.5.4 Syntax error (no parameters allowed)\r\n"},
		step{line: "STARTTLS", want: "220 2.0.0 Ready to start TLS\r\n"},
	))
	c.handshake(t, tlsClient(t, s))
	c.run(steps(
		step{line: "MAIL FROM:<sender@client.example>", want: "503 "},
	))
	c.ehloUnderTLS(t)
	c.run(steps(
		step{line: "STARTTLS", want: "503 5.5.1 TLS already active\r\n"},
		mailOK, rcptOK, dataGo,
		step{raw: "Subject: t\r\n\r\nover TLS\r\n.\r\n", want: "250 "},
		step{line: "QUIT", want: "221 "},
	))
	c.expectEOF()
}

// RFC 3207 §4.2: a transaction opened before STARTTLS is gone after it.
func TestStartTLSResetsTransaction(t *testing.T) {
	s := start(t, Config{})
	c := open(t, s)
	c.run(steps(ehlo, mailOK, rcptOK, step{line: "STARTTLS", want: "220 "}))
	c.handshake(t, tlsClient(t, s))
	c.run(steps(step{line: "RCPT TO:<alice@example.test>", want: "503 "}, step{line: "DATA", want: "503 "}))
}

// CVE-2011-0411: plaintext sent behind STARTTLS is discarded, never
// executed inside TLS; under the injection faults it is.
func TestStartTLSInjection(t *testing.T) {
	for _, tc := range []struct {
		fault, inject, want string
	}{
		{"", "NOOP\r\n", "250-ref.smtpspec.test"},
		{"", "EHLO attacker.example\r\nMAIL FROM:<attacker@example.org>\r\n", "250-ref.smtpspec.test"},
		{"SEC-STARTTLS-INJECTION", "NOOP\r\n", "250 2.0.0 Ok\r\n"},
		{"SEC-STARTTLS-INJECTION-TXN", "NOOP\r\n", "250-ref.smtpspec.test"},
		{"SEC-STARTTLS-INJECTION-TXN", "EHLO attacker.example\r\nMAIL FROM:<attacker@example.org>\r\n", "503 5.5.1 Send HELO/EHLO first\r\n"},
	} {
		t.Run(fmt.Sprintf("%s/%d-lines", tc.fault, strings.Count(tc.inject, "\n")), func(t *testing.T) {
			var faults []string
			if tc.fault != "" {
				faults = []string{tc.fault}
			}
			s := start(t, Config{Faults: faults})
			c := open(t, s)
			c.run(steps(ehlo, step{raw: "STARTTLS\r\n" + tc.inject, want: "220 "}))
			c.handshake(t, tlsClient(t, s))
			c.run(steps(step{line: "EHLO client.example", want: tc.want}))
		})
	}
}

// Without STARTTLS the command is not implemented (502); under implicit TLS
// it is not offered and gets 503.
func TestStartTLSUnoffered(t *testing.T) {
	c := open(t, start(t, Config{Without: []string{"STARTTLS"}}))
	c.run(steps(step{line: "EHLO client.example", want: "250-"}, step{line: "STARTTLS", want: "502 "}))

	s := start(t, Config{ImplicitTLS: true})
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: replyWait}, "tcp", s.Addr(), tlsClient(t, s))
	if err != nil {
		t.Fatalf("implicit TLS: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	ic := &client{t: t, conn: conn, r: bufio.NewReader(conn), wait: replyWait}
	ic.run(steps(step{want: "220 ref.smtpspec.test "}))
	ic.ehloUnderTLS(t)
	ic.run(steps(step{line: "STARTTLS", want: "503 "}, noopOK))
}

// The faults that change what the client sees before the handshake.
func TestStartTLSFaults(t *testing.T) {
	c := open(t, start(t, Config{Faults: []string{"RFC3207-4-keyword-no-param"}}))
	c.run(steps(step{line: "EHLO client.example", want: "250-"}))
	c = open(t, start(t, Config{Faults: []string{"SEC-STARTTLS-NO-EXTRA-RESPONSE"}}))
	c.run(steps(ehlo, step{line: "STARTTLS", want: "220 2.0.0 Ready to start TLS\r\n", more: []string{"220 2.0.0 Go ahead\r\n"}}))
	c = open(t, start(t, Config{Faults: []string{"RFC3207-4-no-arguments-501"}}))
	c.run(steps(ehlo, step{line: "STARTTLS now", want: "220 "}))
}

// Config.TLSOnly offers an extension only after the handshake.
func TestTLSOnly(t *testing.T) {
	s := start(t, Config{TLSOnly: []string{"size"}})
	c := open(t, s)
	if kw := c.ehloKeywords(t); kw["SIZE"] || !kw["STARTTLS"] {
		t.Fatalf("EHLO before TLS: %v, want STARTTLS and no SIZE", kw)
	}
	c.run(steps(
		step{line: "MAIL FROM:<sender@client.example> SIZE=100", want: "555 "},
		step{line: "STARTTLS", want: "220 "},
	))
	c.handshake(t, tlsClient(t, s))
	c.ehloUnderTLS(t)
	c.run(steps(step{line: "MAIL FROM:<sender@client.example> SIZE=100", want: "250 "}))
	for _, bad := range []string{"STARTTLS", "XNOPE"} {
		if _, err := Start(Config{TLSOnly: []string{bad}}); err == nil {
			t.Errorf("Start with TLSOnly %s: no error", bad)
		}
	}
}
