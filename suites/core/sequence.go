package core

import (
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// The state matrix (catalogue §10.2): S0 connected, S1 after EHLO, S2 MAIL
// accepted, S3 a RCPT accepted, S4 just after the 250 for a message. Each
// spec below is one out-of-order cell, or checks that a bad sequence leaves
// the state alone (RFC 5321 §4.1.4: 503, "and the SMTP server MUST stay in
// the same state").
var _ = ginkgo.Describe("Sequencing", func() {
	// RFC 5321 §3.3, §4.1.4 (S0): RCPT before EHLO and MAIL gets 503.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-rcpt-before-ehlo", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT before EHLO with 503", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Dial()
		r := s.Cmd("RCPT TO:<" + mbx + ">")
		t.Expect(s, r, framework.Expectation{Pass: "503", Why: "RFC 5321 §4.1.4, §3.3: RCPT out of sequence gets 503"})
	})

	// RFC 5321 §3.3, §4.1.4 (S0): DATA before EHLO gets 503 or 554, never
	// 354.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-data-before-ehlo", Commands: []string{"DATA"},
	}, "answers DATA before EHLO with 503 or 554", func(t *framework.T) {
		s := t.Dial()
		r := s.Cmd("DATA")
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "5yz 4yz",
			Why: "RFC 5321 §3.3: DATA with no MAIL gets 503 or 554 (§17.1); 354 would start mail data with no transaction"})
	})

	// RFC 5321 §3.3, §4.3.2 (S1): DATA with no MAIL gets "command out of
	// sequence" (503) or "no valid recipients" (554); the MAY is the choice
	// of code, refusing is the §4.1.4 MUST.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-data-without-mail", Commands: []string{"DATA"},
	}, "answers DATA after EHLO (no MAIL) with 503 or 554", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("DATA")
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "5yz 4yz",
			Why: "RFC 5321 §3.3: DATA with no MAIL gets 503 or 554 (§17.1); 354 is a violation"})
	})

	// RFC 5321 §3.3, §4.1.4 (S2): DATA after MAIL with no RCPT gets 503 or
	// 554.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-data-before-rcpt", Commands: []string{"MAIL", "DATA"},
	}, "answers DATA after MAIL with no RCPT with 503 or 554", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("DATA")
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "5yz 4yz",
			Why: "RFC 5321 §3.3: DATA with no RCPT gets 503 or 554 (§17.1); 354 is a violation"})
	})

	// RFC 5321 §3.3, §4.3.2; RFC 2920 §3.2(2): DATA when every RCPT was
	// refused gets 503 or 554.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-data-without-valid-rcpt", Commands: []string{"MAIL", "RCPT", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers DATA when every RCPT was refused with 503 or 554", func(t *framework.T) {
		t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		if r := s.Cmd("RCPT TO:<" + t.Cfg.UnknownMailbox + ">"); r.Class() == 2 || r.Class() == 3 {
			// Never DATA to a recipient that was not refused.
			t.NotApplicable("the server accepted the unknown recipient %s (%s), so no RCPT was refused", t.Cfg.UnknownMailbox, r)
		}
		r := s.Cmd("DATA")
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "5yz 4yz",
			Why: "RFC 5321 §3.3: DATA when all RCPTs were rejected gets 503 or 554 (§17.1); 354 is a violation"})
	})

	// RFC 5321 §4.1.4 (S3): MAIL inside a transaction with recipients is out
	// of sequence: 503 (an implicit reset, 250, is tolerated).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-mail-after-rcpt", Commands: []string{"MAIL"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers MAIL after MAIL and RCPT with 503", func(t *framework.T) {
		s := t.Transaction()
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">")
		t.Expect(s, r, framework.Expectation{Pass: "503", Warn: "250",
			Why: "RFC 5321 §4.1.4: a nested MAIL is out of sequence (503); 250 (an implicit reset) is tolerated"})
	})

	// RFC 5321 §4.1.1.4, §3.3 (S4): the end of the data clears the buffers,
	// so DATA right after a finished message gets 503 or 554.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-data-after-message", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers DATA right after a finished message with 503 or 554", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		s.SendRaw(scenarios.MessageData(framework.Envelope(), "RFC5321-4.1.4-data-after-message", "Test message.\r\n", false), "DATA-END")
		if r := s.Read(); r.Code != 250 {
			t.Errorf("the test message to the mailbox got %s, needed 250", r)
		}
		r := s.Cmd("DATA")
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "5yz 4yz",
			Why: "RFC 5321 §4.1.1.4: the transaction ended with the message; a new DATA has no MAIL (354 is a violation)"})
	})

	// RFC 5321 §3.3, §4.1.4: the order is MAIL, RCPT, DATA; an out-of-order
	// command gets 503 and the state does not change, so MAIL and RCPT work
	// afterwards.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-transaction-order", Commands: []string{"RCPT", "MAIL"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT before MAIL with 503, then MAIL and RCPT with 250", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		r := s.Cmd("RCPT TO:<postmaster@" + t.Cfg.Domain() + ">")
		t.Expect(s, r, framework.Expectation{Pass: "503", Why: "RFC 5321 §4.1.4: RCPT before MAIL is out of sequence"})
		r = s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">")
		sameState(t, s, r, "250", "RFC 5321 §4.1.4: after the 503 the server stays in the same state, so MAIL is accepted")
		r = s.Cmd("RCPT TO:<" + mbx + ">")
		sameState(t, s, r, "250 251", "RFC 5321 §3.3: RCPT after an accepted MAIL adds the recipient")
	})
})

// dataControl tells a transaction kept by mistake from a server that takes
// DATA with no transaction at all. A spec that saw 354 to DATA where a
// reset (EHLO, HELO, RSET, a new MAIL) should have left no transaction, or
// no recipient, calls it with the commands that rebuild that state after
// EHLO on a fresh session. If DATA gets 354 there too, the 354 says
// nothing about the reset under test (rule is the spec that judges the
// server's DATA), and the spec ends as ERROR.
func dataControl(t *framework.T, rule string, steps ...string) {
	c := t.Greeted()
	for _, line := range steps {
		c.Setup(line, "250")
	}
	if r := c.Cmd("DATA"); r.Code == 354 {
		after := "EHLO"
		if len(steps) > 0 {
			after = "EHLO, " + strings.Join(steps, ", ")
		}
		t.Errorf("DATA got 354 on a fresh session too, after %s only: the server takes DATA without a transaction or recipient (%s judges that), so the 354 here does not show what the command under test kept", after, rule)
	}
}
