package core

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// maxCommandLine: RFC 5321 §4.5.3.1.4, a command line of 512 octets, verb
// and CRLF included, must be accepted.
const maxCommandLine = 512

// overlongLine sends a NOOP line of n octets, CRLF included, then a plain
// NOOP, and reports every reply that came: RFC 5321 §4.5.3.1.9 lets the
// first be 500 "line too long", but there must be exactly two.
func overlongLine(t *framework.T, n int) (first framework.Reply, sent string) {
	s := t.Greeted()
	werr := s.TrySendRaw([]byte("NOOP "+strings.Repeat("a", n-len("NOOP \r\n"))+"\r\n"), "NOOP")
	sent = s.LastSent()
	first, err := s.TryRead()
	if err != nil {
		// The long line may be refused, but gets a reply (RFC 5321 §4.2,
		// §4.5.3.1.9). A close without one is recorded under RFC 5321
		// §3.8 (a defence may close, §7.8); this spec, about splitting,
		// cannot tell.
		detail := "the server closed the connection without replying to the long line"
		if werr != nil {
			detail += fmt.Sprintf(" (the write failed: %v)", werr)
		}
		t.Errorf("%s: %v", detail, err)
	}
	// The replies after the first are counted up to QUIT's 221: a line cut
	// into pieces gets one reply per piece.
	a := s.QuitAndCount()
	if len(a.Replies) > 0 {
		t.Violation(framework.Finding{Sent: sent + ", then QUIT",
			Expected: "one reply to the long line (250, or 500 line too long), then 221 to QUIT (RFC 5321 §4.5.3.1.4, §4.5.3.1.9: the long line is one command)",
			Actual:   first.String() + " " + a.String(),
			Detail:   fmt.Sprintf("%d replies to the long line: it was answered as several commands", 1+len(a.Replies))})
	}
	return first, sent
}

var _ = ginkgo.Describe("Limits", func() {
	// RFC 5321 §4.5.3.1.4: a command line of 512 octets, CRLF included,
	// is accepted; "too long" below that violates the RFC (§4.3.2).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.4-command-512", Commands: []string{"NOOP"},
	}, "answers a 512-octet NOOP line with 250", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("NOOP " + strings.Repeat("x", maxCommandLine-len("NOOP \r\n")))
		if r.Code == 250 {
			t.Checked()
			return
		}
		long := s.LastSent()
		// Not 250: the RFC is broken only if the length is the reason, so
		// a short line of the same form must get another answer.
		control := s.Cmd("NOOP xxxxx")
		if control.Code == r.Code {
			t.Checked() // RFC5321-4.1.1.9-noop-arg-ignored's business
			return
		}
		t.Violation(framework.Finding{Sent: long, Actual: r.String(),
			Expected: fmt.Sprintf("%d, as for \"NOOP xxxxx\" (RFC 5321 §4.5.3.1.4: 512 octets must be accepted)", control.Code),
			Detail:   "a command line of exactly 512 octets is refused for its length"})
	})

	// RFC 5321 §4.5.3.1.9: a longer command line may be refused with 500,
	// but it is one command: never cut into several.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.9-overlong-command", Commands: []string{"NOOP"},
	}, "answers a 4000-octet NOOP line with one 250 or 500", func(t *framework.T) {
		first, sent := overlongLine(t, 4007)
		if first.Code != 250 && first.Code != 500 {
			t.Violation(framework.Finding{Sent: sent, Actual: first.String(),
				Expected: "250, or 500 \"line too long\" (RFC 5321 §4.5.3.1.9, §4.3.2)",
				Detail:   "the long line got neither its command's reply nor 500"})
		}
		t.Checked()
	})
})
