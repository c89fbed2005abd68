package selftest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestRealServerTLSAuth checks that every real-server test bed runs with
// STARTTLS and AUTH as its start script configures them: EHLO, STARTTLS and
// a handshake against the instance's own self-signed certificate (verified:
// chain and host name), EHLO again listing AUTH with the expected
// mechanisms, AUTH PLAIN with the test user's password answered 235, and on
// a second connection a wrong password answered 535 (except by inbucket,
// which accepts any credentials).
//
// The test itself is not parallel, so it runs before the pinned-verdict
// tests (which are) start their suite runs: its connections never overlap
// theirs. Its subtests run side by side.
func TestRealServerTLSAuth(t *testing.T) {
	if testing.Short() {
		note(t, "real-server STARTTLS/AUTH test NOT RUN: -short")
		t.SkipNow()
	}
	names := make([]string, 0, len(realServers))
	for name := range realServers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := realServers[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if !s.tls && !s.auth {
				note(t, "%s STARTTLS/AUTH test: the test bed configures neither", s.instance)
				return
			}
			addr := startRealServer(t, s, envOr(s.portEnv, s.port))
			checkTLSAuth(t, s, addr)
		})
	}
}

// checkTLSAuth runs the STARTTLS and AUTH checks of one instance.
func checkTLSAuth(t *testing.T, s realServer, addr string) {
	dir := testbedDir()
	var password string
	if s.auth {
		path := s.passwordPath(dir)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatalf("password file: %v", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is mode %v; want no group or other access (0600)", path, fi.Mode().Perm())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		password = strings.TrimSpace(string(b))
		if password == "" {
			t.Fatalf("%s is empty", path)
		}
	}
	var tlsConf *tls.Config
	if s.tls {
		pem, err := os.ReadFile(s.certPath(dir))
		if err != nil {
			t.Fatalf("the instance's certificate: %v", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			t.Fatalf("%s holds no PEM certificate", s.certPath(dir))
		}
		tlsConf = &tls.Config{RootCAs: roots, ServerName: s.tlsName, MinVersion: tls.VersionTLS12}
	}

	c := dialSMTP(t, addr)
	defer c.Close()
	hasTLS, _ := c.Extension("STARTTLS")
	hasAuth, _ := c.Extension("AUTH")
	if hasTLS != s.tls {
		t.Fatalf("EHLO lists STARTTLS: %v; the test bed says %v", hasTLS, s.tls)
	}
	if s.auth && hasAuth != s.authPlain {
		t.Errorf("EHLO before STARTTLS lists AUTH: %v; the test bed says %v", hasAuth, s.authPlain)
	}
	if s.tls {
		if err := c.StartTLS(tlsConf); err != nil {
			t.Fatalf("STARTTLS (handshake verified against %s, name %s): %v", s.certPath(dir), s.tlsName, err)
		}
		st, _ := c.TLSConnectionState()
		if len(st.PeerCertificates) == 0 || st.PeerCertificates[0].Subject.CommonName != s.tlsName {
			t.Errorf("TLS peer certificate subject is not CN=%s", s.tlsName)
		}
		// net/smtp sent EHLO again after the handshake.
	}
	if !s.auth {
		return
	}
	ok, params := c.Extension("AUTH")
	if !ok {
		t.Fatalf("EHLO after STARTTLS does not list AUTH")
	}
	mechs := strings.Fields(strings.ToUpper(params))
	want := slices.Clone(s.authMechs)
	slices.Sort(mechs)
	slices.Sort(want)
	if !slices.Equal(mechs, want) {
		t.Errorf("AUTH mechanisms after STARTTLS: %v; the test bed says %v", mechs, want)
	}
	if err := c.Auth(smtp.PlainAuth("", s.authUser, password, "127.0.0.1")); err != nil {
		t.Fatalf("AUTH PLAIN as %s after STARTTLS: want 235, got %v", s.authUser, err)
	}
	// QUIT's reply is not judged here (that is the suite's business; Dovecot
	// answers 421 when its relay server cannot be reached).
	_ = c.Quit()

	// A wrong password, on a new connection.
	c2 := dialSMTP(t, addr)
	defer c2.Close()
	if s.tls {
		if err := c2.StartTLS(tlsConf); err != nil {
			t.Fatalf("STARTTLS (second connection): %v", err)
		}
	}
	err := c2.Auth(smtp.PlainAuth("", s.authUser, password+"-wrong", "127.0.0.1"))
	var te *textproto.Error
	switch {
	case s.anyPassword:
		if err != nil {
			t.Errorf("AUTH PLAIN with a wrong password: the test bed says the server accepts any, got %v", err)
		}
	case err == nil:
		t.Errorf("AUTH PLAIN with a wrong password was accepted")
	case !errors.As(err, &te) || te.Code != 535:
		t.Errorf("AUTH PLAIN with a wrong password: want 535, got %v", err)
	}
	_ = c2.Quit()
	note(t, "%s STARTTLS/AUTH test: handshake verified (CN=%s), AUTH %s after STARTTLS (also before: %v), PLAIN as %s: 235",
		s.instance, s.tlsName, strings.Join(s.authMechs, " "), s.authPlain, s.authUser)
}

// dialSMTP connects, reads the greeting and says EHLO as the suite does.
func dialSMTP(t *testing.T, addr string) *smtp.Client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// Greeting pauses (qpsmtpd: 1 s) and Exim's 200 ms QUIT poll fit easily.
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	c, err := smtp.NewClient(conn, "127.0.0.1")
	if err != nil {
		conn.Close()
		t.Fatalf("greeting: %v", err)
	}
	if err := c.Hello("smtpspec.example.org"); err != nil {
		c.Close()
		t.Fatalf("EHLO: %v", err)
	}
	return c
}
