package core

import (
	"errors"
	"fmt"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/internal/wire"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// floodCloseMin: SEC-ERROR-FLOOD-CLOSE, closing after fewer errors than
// this is closing "after just one" (RFC 5321 §3.8, §7.8; catalogue §13.3).
const floodCloseMin = 3

var _ = ginkgo.Describe("Robustness", func() {
	// RFC 5321 §2.3.8: a bare LF does not end a command line.
	framework.It(framework.Requirement{
		ID: "SEC-BARE-LF-COMMAND", Commands: []string{"NOOP"},
	}, "answers NOOP<LF>NOOP<CRLF> with one reply", func(t *framework.T) {
		s := t.Greeted()
		// One line whose only line end is the final CRLF; a server that
		// takes the bare LF as a line end sees two NOOP commands and
		// answers both. The replies are counted up to QUIT's 221.
		s.SendRaw([]byte("NOOP\nNOOP\r\n"), "NOOP")
		sent := s.LastSent()
		a := s.Account()
		f := framework.Finding{Sent: sent, Actual: a.String(),
			Expected: "one reply to the one line (250, or 500/501 for the stray LF), then 221 to QUIT (RFC 5321 §2.3.8: no line terminator but CRLF)"}
		switch rs := a.Replies; {
		case len(rs) == 0:
			t.Errorf("the server closed the connection without a reply to %s", sent)
		case len(rs) == 1:
			t.Expect(s, rs[0], framework.Expectation{Pass: "250 500 501", Warn: "5yz",
				Why: "RFC 5321 §2.3.8, §4.1.2: the line is one command, answered or refused for the stray LF"})
		case rs[0].Class() == 2:
			f.Detail = fmt.Sprintf("%d replies: the server took the bare LF as the end of a command line and ran the command before it", len(rs))
			t.Violation(f)
		default:
			// A refusal at the bare LF, then the rest read as a new line:
			// nothing ran on the bare LF, but it did end a line.
			f.Detail = fmt.Sprintf("%d replies: the server refused the bare LF (%d) but then read what followed it as another command line", len(rs), rs[0].Code)
			t.Warnf(f)
		}
	})

	// RFC 5321 §2.3.8: a bare CR does not split a command line.
	framework.It(framework.Requirement{
		ID: "SEC-BARE-CR-COMMAND", Commands: []string{"NOOP", "RSET"},
	}, "answers NOOP<CR>RSET<CRLF> with one reply", func(t *framework.T) {
		s := t.Greeted()
		s.SendRaw([]byte("NOOP\rRSET\r\n"), "NOOP")
		sent := s.LastSent()
		a := s.Account()
		switch rs := a.Replies; {
		case len(rs) == 0:
			t.Errorf("the server closed the connection without a reply to %s", sent)
		case len(rs) > 1:
			t.Violation(framework.Finding{Sent: sent, Actual: a.String(),
				Expected: "exactly one reply, then 221 to QUIT (RFC 5321 §2.3.8: CRLF is the only line end)",
				Detail:   fmt.Sprintf("%d replies: the bare CR split the line into two commands", len(rs))})
		default:
			t.Expect(s, rs[0], framework.Expectation{Pass: "250 500 501", Warn: "5yz",
				Why: "RFC 5321 §2.3.8: the line is one command, answered or refused for the stray CR"})
		}
	})

	// RFC 5321 §4.1.2: a NUL is an invalid character in a command, which
	// gets 501 (or 500); the command is not run.
	framework.It(framework.Requirement{
		ID: "SEC-NUL-IN-COMMAND", Commands: []string{"NOOP"},
	}, "answers NO<NUL>OP with 500 or 501, then NOOP with 250", func(t *framework.T) {
		s := t.Greeted()
		s.SendRaw([]byte("NO\x00OP\r\n"), "")
		r := s.Read()
		t.Expect(s, r, framework.Expectation{Pass: "500 501", Warn: "4yz 5yz",
			Why: "RFC 5321 §4.1.2: invalid characters get 501; dropping the NUL would run NOOP"})
		r = s.Cmd("NOOP")
		t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.1.9: the session goes on"})
	})

	// RFC 5321 §4.5.3.1.4, §4.5.3.1.9: an overlong command line is one
	// command; it may be refused, but never cut into several.
	framework.It(framework.Requirement{
		ID: "SEC-OVERLONG-LINE-NO-SPLIT", Commands: []string{"NOOP"},
	}, "answers an 8000-octet NOOP line with one reply", func(t *framework.T) {
		overlongLine(t, 8007)
		t.Checked()
	})

	// RFC 5321 §7.8, §3.8: a server may close after many errors to defend
	// itself, but not after one or two.
	framework.It(framework.Requirement{
		ID: "SEC-ERROR-FLOOD-CLOSE", Commands: []string{floodVerb},
	}, "answers at least three of 50 unknown verbs before any close", func(t *framework.T) {
		s := t.Greeted()
		for i := 0; i < floodErrors; i++ {
			r, err := s.Try(floodVerb)
			if err != nil {
				if errors.Is(err, wire.ErrClosed) && i >= floodCloseMin {
					t.Checked() // RFC 5321 §7.8: a defensive close after several errors
					return
				}
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: err.Error(),
					Expected: fmt.Sprintf("a reply; a close only after at least %d errors or a 421 (RFC 5321 §3.8, §7.8)", floodCloseMin),
					Detail:   fmt.Sprintf("no reply to unknown command %d (%d answered)", i+1, i)})
				return
			}
			if r.Code == 421 {
				t.Checked() // RFC 5321 §3.8: ending the session with 421 is allowed
				return
			}
		}
		t.Checked()
	})
})
