// Package pipelining holds the specs of PIPELINING (RFC 2920): the keyword,
// replies to a pipelined group kept whole and in order, DATA answered by
// the group's recipients, the end of a message grouped with the next
// transaction, and commands split across TCP segments.
//
// Every spec here is gated on the PIPELINING keyword: without it the suite
// never pipelines. A group's replies are counted up to QUIT's 221, sent
// once the replies the spec needs to see first have come, so that a lost
// command shows as a missing reply and never as a wait.
package pipelining

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

var mbxOnly = []framework.Need{framework.NeedMailbox}

// unknownAt returns a recipient that does not exist in the mailbox's
// domain.
func unknownAt(t *framework.T, tag string) string {
	mbx := t.Mailbox()
	return "smtpspec-no-such-user-" + tag + "@" + mbx[strings.LastIndexByte(mbx, '@')+1:]
}

// group sends lines as one write (a pipelined group, RFC 2920 §3.1).
func group(s *framework.Session, lines ...string) {
	s.SendRaw([]byte(strings.Join(lines, "\r\n")+"\r\n"), "")
}

// readN reads n replies to a group.
func readN(s *framework.Session, n int) []framework.Reply {
	out := make([]framework.Reply, n)
	for i := range out {
		out[i] = s.Read()
	}
	return out
}

var _ = ginkgo.Describe("PIPELINING", func() {
	// RFC 2920 §2(3): the keyword has no parameter.
	framework.It(framework.Requirement{
		ID: "RFC2920-2-keyword", Commands: []string{"EHLO"},
	}, "lists PIPELINING without a parameter", func(t *framework.T) {
		s := t.Greeted()
		if p := s.Ehlo.Params("PIPELINING"); len(p) > 0 {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
				Expected: "PIPELINING alone (RFC 2920 §2(3): no parameter is used with the keyword)",
				Detail:   fmt.Sprintf("the keyword is listed with %q", strings.Join(p, " "))})
		}
		t.Checked()
	})

	// RFC 2920 §3.2 (1), (9): a refused RCPT in a group loses nothing
	// after it, and the replies come in order.
	framework.It(framework.Requirement{
		ID: "RFC2920-3.2-no-input-loss", Commands: []string{"MAIL", "RCPT", "RSET"}, Needs: mbxOnly,
	}, "answers every command of a group with a refused RCPT in it, in order", func(t *framework.T) {
		bad := unknownAt(t, "2920")
		s := t.Greeted()
		group(s, "MAIL FROM:<"+t.Cfg.Sender+">", "RCPT TO:<"+bad+">", "RCPT TO:<"+t.Mailbox()+">", "RSET")
		sent := s.LastSent()
		first := readN(s, 2) // MAIL's and the refused RCPT's
		t.Policy(first[0])
		a := s.QuitAndCount()
		expected := "four replies, one per command (MAIL, RCPT, RCPT, RSET), then 221 to QUIT (RFC 2920 §3.2 (1), (9))"
		if len(a.Replies) != 2 {
			t.Violation(framework.Finding{Sent: sent + ", then QUIT", Actual: fmt.Sprintf("%d %d, then %s", first[0].Code, first[1].Code, a.Codes()), Expected: expected,
				Detail: fmt.Sprintf("%d replies after the refused RCPT where 2 were owed: commands buffered after it were lost", len(a.Replies))})
		}
		t.Checked()
	})

	// RFC 2920 §3.2 (3): DATA in a group gets 354 if and only if a RCPT
	// of the transaction was accepted: also when the last one was refused.
	framework.It(framework.Requirement{
		ID: "RFC2920-3.2-data-iff-valid-rcpt", Commands: []string{"MAIL", "RCPT", "DATA"}, Needs: mbxOnly,
	}, "answers a pipelined DATA with 354 when a RCPT was accepted, and refuses it when none was", func(t *framework.T) {
		s := t.Greeted()
		group(s, "MAIL FROM:<"+t.Cfg.Sender+">", "RCPT TO:<"+t.Mailbox()+">", "RCPT TO:<"+unknownAt(t, "a")+">", "DATA")
		sent := s.LastSent()
		r := readN(s, 4)
		t.Policy(r[0])
		if r[1].Class() != 2 {
			t.Errorf("the mailbox was refused in the group (%s)", r[1])
		}
		if r[3].Code != 354 {
			t.Violation(framework.Finding{Sent: sent, Actual: r[3].String(),
				Expected: "354: a RCPT of the group was accepted (RFC 2920 §3.2 (3): positive if and only if one or more valid RCPT TO)",
				Detail:   "DATA was refused though the first RCPT was accepted; only the last one was refused"})
		} else {
			s.SendRaw(scenarios.MessageData(framework.Envelope(), t.Req.ID, "smtpspec test message\r\n", false), "DATA-END")
			s.Read()
		}
		group(s, "MAIL FROM:<"+t.Cfg.Sender+">", "RCPT TO:<"+unknownAt(t, "b")+">", "RCPT TO:<"+unknownAt(t, "c")+">", "DATA")
		sent = s.LastSent()
		r = readN(s, 4)
		switch {
		case r[1].Class() == 2 || r[2].Class() == 2:
			// Unknown recipients accepted: nothing to judge in this half.
		case r[3].Code == 354:
			t.Violation(framework.Finding{Sent: sent, Actual: r[3].String(),
				Expected: "503 or 554: no RCPT of the group was accepted (RFC 2920 §3.2 (3); RFC 5321 §3.3)",
				Detail:   "DATA got 354 with no valid recipient"})
			s.SendRaw([]byte(".\r\n"), "DATA-END") // RFC 2920 §3.1: then the client sends a single dot
			s.Read()
		}
		t.Checked()
	})

	// RFC 2920 §3.1: the end of a message and the next transaction's
	// commands in one write.
	framework.It(framework.Requirement{
		ID: "RFC2920-3.1-content-then-next-transaction", Commands: []string{"DATA", "MAIL", "RCPT", "RSET"}, Needs: mbxOnly,
	}, "answers the end of a message and the MAIL, RCPT and RSET sent with it", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		data := scenarios.MessageData(framework.Envelope(), t.Req.ID, "smtpspec test message\r\n", false)
		next := "MAIL FROM:<" + t.Cfg.Sender + ">\r\nRCPT TO:<" + t.Mailbox() + ">\r\nRSET\r\n"
		s.SendRaw(append(data, next...), "DATA-END")
		if r := s.Read(); r.Class() != 2 {
			t.Policy(r)
			t.Errorf("the message was refused (%s)", r)
		}
		a := s.QuitAndCount()
		if len(a.Replies) != 3 {
			t.Violation(framework.Finding{Sent: "the message's last line, the terminator, MAIL, RCPT and RSET in one write, then QUIT", Actual: a.String(),
				Expected: "250 to MAIL, RCPT and RSET after the message's, then 221 to QUIT (RFC 2920 §3.1)",
				Detail:   fmt.Sprintf("%d replies after the message's where 3 were owed (%s)", len(a.Replies), a.Codes())})
		}
		t.Checked()
	})

	// RFC 2920 §3.2 (8): a command that arrives in two segments is one
	// command.
	framework.It(framework.Requirement{
		ID: "RFC2920-3.2-no-lookahead", Commands: []string{"DATA"}, Needs: mbxOnly,
	}, "takes DATA sent as \"DA\" and, after a pause, \"TA\\r\\n\" as one DATA command", func(t *framework.T) {
		s := t.Transaction()
		s.SendRaw([]byte("DA"), "DATA")
		s.Pause()
		s.SendRaw([]byte("TA\r\n"), "DATA")
		r := s.Read()
		t.Expect(s, r, framework.Expectation{Pass: "354", Why: "RFC 2920 §3.2 (8): the server MUST NOT make assumptions about commands yet to be received; DATA split in two is DATA"})
		s.SendRaw(scenarios.MessageData(framework.Envelope(), t.Req.ID, "smtpspec test message\r\n", false), "DATA-END")
		s.Read()
	})
})
