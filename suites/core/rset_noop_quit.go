package core

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/internal/wire"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// nonMailDefence: after more than this many commands that send no mail, a
// close (with 421 or without) is a defence RFC 5321 §7.8 tolerates, not a
// breach of §4.1.1.5 (the catalogue counts 10 or more).
const nonMailDefence = 10

// quitCloseWait bounds the wait for the close after 221: the catalogue
// (RFC5321-4.1.1.10-quit-221-close) expects EOF within 10 s.
const quitCloseWait = 10 * time.Second

// domainWord matches a domain (RFC 5321 §4.1.2: sub-domains of letters,
// digits and hyphens, with at least one letter, so that an enhanced status
// code such as "2.0.0" is not taken for one) or an address literal.
var domainWord = regexp.MustCompile(`^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*|\[[^\[\]\s]+\])$`)

var _ = ginkgo.Describe("RSET", func() {
	// RFC 5321 §4.1.1.5: RSET with no argument gets 250, in every state.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.5-rset-250", Commands: []string{"RSET"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RSET with 250 during a transaction, after a message and after EHLO", func(t *framework.T) {
		mbx := t.Mailbox()
		want := framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.1.5: the server MUST send a 250 OK reply to RSET"}
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		t.Expect(s, s.Cmd("RSET"), want)
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		s.Setup("DATA", "354")
		sendMessage(s, "RFC5321-4.1.1.5-rset-250")
		t.Expect(s, s.Cmd("RSET"), want)
		s.Setup("EHLO "+t.Cfg.Helo, "250")
		t.Expect(s, s.Cmd("RSET"), want)
	})

	// RFC 5321 §4.1.1.5: RSET discards the stored sender, recipients and
	// mail data.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.5-rset-discards", Commands: []string{"RSET", "RCPT", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT after RSET with 503, then DATA with 503 or 554", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("RSET", "250")
		r := s.Cmd("RCPT TO:<" + t.Mailbox() + ">")
		t.Expect(s, r, framework.Expectation{Pass: "503", Warn: "4yz 5yz", Why: "RFC 5321 §4.1.1.5, §3.3: RSET cleared the sender, so no MAIL is in effect"})
		r = s.Cmd("DATA")
		if r.Code == 354 {
			dataControl(t, "RFC5321-3.3-data-without-mail")
		}
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "4yz 5yz", Why: "RFC 5321 §4.1.1.5, §3.3: RSET cleared the recipients"})
	})

	// RFC 5321 §4.1.1.5: RSET never makes the server close the connection.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.5-rset-no-close", Commands: []string{"RSET"},
	}, "keeps the connection open through 25 RSETs", func(t *framework.T) {
		// Only the close is judged here: which code RSET gets is
		// RFC5321-4.1.1.5-rset-250's requirement.
		s := t.Greeted()
		for i := 1; i <= 25; i++ {
			r, err := s.Try("RSET")
			if err == nil && r.Code != 421 {
				t.Checked()
				continue
			}
			f := framework.Finding{Sent: s.LastSent(), Expected: "a reply, and the connection open (RFC 5321 §4.1.1.5: the receiver MUST NOT close the connection as the result of a RSET)",
				Actual: r.String(), Detail: fmt.Sprintf("the server ended the session at RSET number %d (%v)", i, err)}
			if i > nonMailDefence {
				// RFC 5321 §7.8: after many commands that send no mail a
				// server may end the session to defend itself (Exim's
				// smtp_accept_max_nonmail answers 554 "Too many nonmail
				// commands" and closes): tolerated, not the RSET's doing.
				f.Detail += fmt.Sprintf(" (after more than %d commands without mail: a defence RFC 5321 §7.8 tolerates)", nonMailDefence)
				t.Warnf(f)
				return
			}
			t.Violation(f)
		}
		if _, err := s.Try("NOOP"); err != nil {
			t.Violation(framework.Finding{Sent: s.LastSent(), Expected: "a reply (the connection stays open after RSET, RFC 5321 §4.1.1.5)",
				Actual: err.Error(), Detail: "the connection did not survive 25 RSETs"})
		}
		t.Checked()
	})

	// RFC 5321 §4.1.1.5: RSET aborts only the mail transaction; the EHLO
	// identity holds, so MAIL needs no new EHLO.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.5-rset-keeps-greeting", Commands: []string{"RSET", "MAIL"},
	}, "accepts MAIL after EHLO and RSET", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("RSET", "250")
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">")
		switch {
		case r.Code == 503:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "250 (RFC 5321 §4.1.1.5: RSET clears the transaction, not the EHLO; §4.1.4)",
				Detail:   "the server wants a new EHLO after RSET"})
		case r.Code == 250:
			t.Checked()
		default:
			t.Policy(r)
			t.Errorf("MAIL FROM:<%s> was refused (%s), so the EHLO identity cannot be checked", t.Cfg.Sender, r)
		}
	})

	// RFC 5321 §4.1.4: RSET is handled normally before any EHLO.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-rset-before-ehlo", Commands: []string{"RSET"},
	}, "answers RSET on a fresh connection with 250", func(t *framework.T) {
		s := t.Dial()
		r := s.Cmd("RSET")
		t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.4: RSET may be issued without a previous EHLO"})
	})

	// RFC 5321 §4.1.1, §4.3.2: RSET takes no argument, so one gets 501
	// (catalogue §17.24: many servers ignore it, WARN).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1-rset-args-501", Commands: []string{"RSET"},
	}, "answers RSET with an argument with 501", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("RSET now")
		t.Expect(s, r, framework.Expectation{Pass: "501", Why: "RFC 5321 §4.1.1: RSET has no parameters, so the argument is a syntax error"})
	})
})

var _ = ginkgo.Describe("NOOP", func() {
	// RFC 5321 §4.1.1.9: NOOP specifies no action other than a 250 reply,
	// in every state.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.9-noop-250", Commands: []string{"NOOP"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers NOOP with 250 in every state", func(t *framework.T) {
		mbx := t.Mailbox()
		want := framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.1.9: NOOP gets 250 OK and nothing else"}
		s := t.Greeted()
		t.Expect(s, s.Cmd("NOOP"), want)
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		t.Expect(s, s.Cmd("NOOP"), want)
		s.Setup("DATA", "354")
		sendMessage(s, "RFC5321-4.1.1.9-noop-250")
		t.Expect(s, s.Cmd("NOOP"), want)
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		t.Expect(s, s.Cmd("NOOP"), want)
	})

	// RFC 5321 §4.1.1.9: an argument to NOOP is ignored.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.9-noop-arg-ignored", Commands: []string{"NOOP"},
	}, "answers NOOP hello world with 250", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("NOOP hello world")
		t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.1.9: if a parameter string is given, it SHOULD be ignored"})
	})

	// RFC 5321 §4.1.1.9: NOOP has no effect on the transaction.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.9-noop-no-state-change", Commands: []string{"NOOP", "RCPT", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "accepts RCPT and DATA after MAIL and NOOP", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("NOOP", "250")
		noStateChange(t, s, "RFC5321-4.1.1.9-noop-no-state-change", mbx, "RFC 5321 §4.1.1.9: NOOP has no effect on previously entered commands")
	})

	// RFC 5321 §4.1.4: NOOP is handled normally before any EHLO.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-noop-before-ehlo", Commands: []string{"NOOP"},
	}, "answers NOOP on a fresh connection with 250", func(t *framework.T) {
		s := t.Dial()
		r := s.Cmd("NOOP")
		t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.4: NOOP may be issued without a previous EHLO"})
	})
})

// noStateChange checks that the transaction opened before the command under
// test goes on: RCPT to mbx is accepted, then DATA gets 354 (see
// dataStillAccepted). why cites the rule.
func noStateChange(t *framework.T, s *framework.Session, id, mbx, why string) {
	r := s.Cmd("RCPT TO:<" + mbx + ">")
	if !framework.CodeSet("250 251").Has(r.Code) {
		t.Violation(framework.Finding{Sent: s.LastSent(), Expected: "250 or 251 (" + why + ")", Actual: r.String(),
			Detail: "the transaction was changed: the sender given before it is gone"})
		return
	}
	dataStillAccepted(t, s, id, why)
}

// dataStillAccepted checks that DATA gets 354 in a transaction with an
// accepted recipient, after the command under test, and sends a small
// message to the mailbox.
func dataStillAccepted(t *framework.T, s *framework.Session, id, why string) {
	r := s.Cmd("DATA")
	if r.Code != 354 {
		t.Violation(framework.Finding{Sent: s.LastSent(), Expected: "354 (" + why + ")", Actual: r.String(),
			Detail: "the transaction was changed: its recipients are gone"})
		return
	}
	t.Checked()
	sendMessage(s, id)
}

var _ = ginkgo.Describe("QUIT", func() {
	// RFC 5321 §4.1.1.10, §3.8: QUIT gets 221, and then the server closes
	// the channel.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.10-quit-221-close", Commands: []string{"QUIT"},
	}, "answers QUIT with 221 and closes the connection", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("QUIT")
		t.Expect(s, r, framework.Expectation{Pass: "221", Why: "RFC 5321 §4.1.1.10: the receiver MUST send a 221 OK reply"})
		wait := max(quitCloseWait, t.Cfg.ReplyTimeout)
		if closed, got := s.WaitClose(wait); !closed {
			t.Violation(framework.Finding{Sent: s.LastSent(), Expected: "221, then the close (RFC 5321 §4.1.1.10: the receiver then closes the transmission channel)",
				Actual: r.String() + " then " + wire.Escape(got), Detail: fmt.Sprintf("the connection was still open %s after the 221", wait)})
		}
	})

	// RFC 5321 §4.1.1.10, §4.1.4: QUIT may be issued at any time, before
	// EHLO and inside a transaction.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.10-quit-any-time", Commands: []string{"QUIT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers QUIT with 221 on a fresh connection and inside a transaction", func(t *framework.T) {
		want := framework.Expectation{Pass: "221", Why: "RFC 5321 §4.1.1.10: QUIT may be issued at any time"}
		s := t.Dial()
		t.Expect(s, s.Cmd("QUIT"), want)
		s = t.Transaction()
		t.Expect(s, s.Cmd("QUIT"), want)
	})

	// RFC 5321 §4.1.1, §4.3.2: QUIT takes no argument, so one gets 501 and
	// the session goes on (catalogue §17.24: many servers quit anyway, WARN).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1-quit-args-501", Commands: []string{"QUIT"},
	}, "answers QUIT with an argument with 501 and keeps the session", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("QUIT now")
		t.Expect(s, r, framework.Expectation{Pass: "501", Why: "RFC 5321 §4.1.1: QUIT has no parameters, so the argument is a syntax error"})
		if r.Code == 501 {
			t.Expect(s, s.Cmd("NOOP"), framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.1.9: the refused QUIT left the session open"})
		}
	})

	// RFC 5321 §4.2, §4.2.2: the 221 text starts with the server's domain,
	// which machines may parse (catalogue §17.16: "221 2.0.0 Bye" is common,
	// WARN).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2-221-domain", Commands: []string{"QUIT"},
	}, "answers QUIT with 221 <domain>", func(t *framework.T) {
		s := t.Dial()
		r := s.Setup("QUIT", "221")
		first, coded := "", false
		f := strings.Fields(r.Text())
		if len(f) > 1 && enhancedCode.MatchString(f[0]) {
			// RFC 2034 §3(4): an enhanced status code prefaces the text;
			// the domain follows it ("221 2.0.0 mx.example.org ..."), and
			// a word without a dot there is taken for text ("Bye").
			f, coded = f[1:], true
		}
		if len(f) > 0 {
			first = f[0]
		}
		if !domainWord.MatchString(first) || (coded && !strings.ContainsAny(first, ".[")) {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "221 <domain> ... (RFC 5321 §4.2.2: 221 <domain> Service closing transmission channel)",
				Detail:   fmt.Sprintf("the 221 text starts with %q, not the server's domain", first)})
			return
		}
		t.Checked()
	})
})
