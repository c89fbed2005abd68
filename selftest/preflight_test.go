package selftest

import (
	"bufio"
	"net"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/internal/refserver"
)

// scriptedServer greets, accepts EHLO, and answers MAIL and RCPT with the
// given replies (RSET 250, QUIT 221, anything else 250).
func scriptedServer(t *testing.T, mail, rcpt string) string {
	return fakeServer(t, func(c net.Conn) {
		c.Write([]byte("220 scripted.example ESMTP\r\n"))
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
			case "EHLO":
				c.Write([]byte("250-scripted.example\r\n250 PIPELINING\r\n"))
			case "MAIL":
				c.Write([]byte(mail + "\r\n"))
			case "RCPT":
				c.Write([]byte(rcpt + "\r\n"))
			case "QUIT":
				c.Write([]byte("221 2.0.0 bye\r\n"))
				return
			default:
				c.Write([]byte("250 2.0.0 ok\r\n"))
			}
		}
	})
}

// TestPreflightSenderAndMailbox: before the specs, the runner checks that the
// server takes --sender and --mailbox, and stops with the server's words
// instead of blaming the server for its own policy.
func TestPreflightSenderAndMailbox(t *testing.T) {
	srv, err := refserver.Start(refserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown mailbox at the reference server", []string{"--target", srv.Addr(), "--mailbox", "nobody@example.test"},
			2, "smtpspec: --mailbox nobody@example.test refused: 550 5.1.1"},
		{"unknown mailbox at the embedded server", []string{"--mailbox", "nobody@example.test"},
			2, "smtpspec: --mailbox nobody@example.test refused: 550 5.1.1"},
		{"sender refused", []string{"--target", scriptedServer(t, "553 5.7.1 <bad@example.org>: Sender address rejected", "250 ok"), "--mailbox", "alice@example.test", "--sender", "bad@example.org"},
			2, "smtpspec: --sender bad@example.org refused: 553 5.7.1 <bad@example.org>: Sender address rejected"},
		{"authentication required", []string{"--target", scriptedServer(t, "530 5.7.0 Authentication required", "250 ok"), "--mailbox", "alice@example.test"},
			2, "requires authentication before MAIL FROM (530 5.7.0 Authentication required)"},
		{"greylisted", []string{"--target", scriptedServer(t, "250 ok", "450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted"), "--mailbox", "alice@example.test"},
			3, "--mailbox alice@example.test deferred: RCPT TO answered 450 4.2.0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runSuite(t, tc.args...)
			if res.Code != tc.code {
				t.Errorf("exit %d, want %d\n%s\n%s", res.Code, tc.code, res.Stdout, res.Stderr)
			}
			if !strings.Contains(res.Stderr, tc.stderr) {
				t.Errorf("stderr does not say %q:\n%s", tc.stderr, res.Stderr)
			}
			s := res.Report.Summary
			if s.Total == 0 || s.NotRun != s.Total || !strings.Contains(res.Report.StopReason, "preflight: ") {
				t.Errorf("want a report with every spec NOT RUN and the preflight's reason: %+v %q", s, res.Report.StopReason)
			}
		})
	}
	// The configured mailbox and the default sender pass the preflight.
	ok := runSuite(t, "--target", srv.Addr(), "--mailbox", "bob@example.test", "--label-filter", "RFC5321-3.3-rcpt-before-mail")
	if ok.Code != 0 {
		t.Errorf("--mailbox bob@example.test: exit %d, want 0\n%s%s", ok.Code, ok.Stdout, ok.Stderr)
	}
}
