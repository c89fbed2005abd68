// Package dsn holds the specs of the DSN extension (RFC 3461): the keyword,
// the MAIL parameters RET and ENVID, the RCPT parameters NOTIFY and ORCPT,
// and their sizes. The notifications themselves (§5.2.3) would need the
// sender's mailbox, which the suite cannot read.
package dsn

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// xtext encodes s as RFC 3461 §4 xtext: "+", "=" and characters outside
// "!".."~" as "+" and two upper-case hexadecimal digits.
func xtext(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '!' || c > '~' || c == '+' || c == '=' {
			fmt.Fprintf(&b, "+%02X", c)
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// sameCode judges a reply to a command with valid DSN parameters against
// the reply to the same command without them (RFC 3461 §5.1).
func sameCode(t *framework.T, sent string, plain, with framework.Reply, why string) {
	t.Policy(with)
	if plain.Code != with.Code {
		t.Violation(framework.Finding{Sent: sent, Actual: with.String(),
			Expected: fmt.Sprintf("%d, as without the parameters (%s)", plain.Code, why),
			Detail:   fmt.Sprintf("the command without the DSN parameters got %d, with them %d", plain.Code, with.Code)})
	}
	t.Checked()
}

// rcptAlone sends RCPT TO the configured mailbox with params (none when
// empty) in a transaction of its own, on a connection of its own, closed
// before the next opens (neither RSET nor QUIT, whose own requirements are
// not the spec's): a comparison of its replies depends on nothing but the
// parameters.
func rcptAlone(t *framework.T, params string) (sent string, r framework.Reply) {
	mbx := t.Mailbox()
	s := t.Greeted()
	s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
	r = s.Cmd(strings.TrimSpace("RCPT TO:<" + mbx + "> " + params))
	sent = s.LastSent()
	s.Conn().Close()
	return sent, r
}

var _ = ginkgo.Describe("DSN", func() {
	// RFC 3461 §2(3): no parameters with the keyword.
	framework.Table("DSN keyword", framework.KeywordAlone, framework.Row[framework.Keyword]{
		Req:  framework.Requirement{ID: "RFC3461-2-keyword-no-param", Commands: []string{"EHLO"}},
		Text: "lists DSN without a parameter", Data: framework.Keyword{Name: "DSN", Rule: "RFC 3461 §2(3)"},
	})

	// RFC 3461 §5.1(a): valid RET and ENVID do not change MAIL's reply.
	framework.It(framework.Requirement{
		ID: "RFC3461-5.1a-ret-envid-neutral", Commands: []string{"MAIL"},
	}, "answers MAIL with valid RET and ENVID as it answers MAIL without them", func(t *framework.T) {
		s := t.Greeted()
		mail := "MAIL FROM:<" + t.Cfg.Sender + ">"
		plain := s.Cmd(mail)
		t.Policy(plain)
		for _, params := range []string{"RET=HDRS ENVID=QQ314159", "RET=FULL", "ENVID=" + xtext("smtpspec 1+1=2")} {
			if plain.Code == 250 {
				s.Setup("RSET", "250")
			}
			sameCode(t, s.LastSent(), plain, s.Cmd(mail+" "+params), "RFC 3461 §5.1(a)")
		}
	})

	// RFC 3461 §5.1(a), §4.3-§4.5: invalid or repeated RET/ENVID get 501.
	framework.It(framework.Requirement{
		ID: "RFC3461-5.1a-bad-ret-envid-501", Commands: []string{"MAIL"},
	}, "answers MAIL with an invalid or repeated RET or ENVID with 501", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RSET", "250")
		want := framework.Expectation{Pass: "501", Warn: "555 504",
			Why: "RFC 3461 §5.1(a): an invalid or repeated RET or ENVID gets 501; 555 and 504 are tolerated (catalogue §17.4)"}
		framework.BadParams(t, s, "MAIL FROM:<"+t.Cfg.Sender+">", []framework.BadParam{
			{Param: "RET=BODY", Want: want},          // neither FULL nor HDRS (§4.3)
			{Param: "RET=FULL RET=HDRS", Want: want}, // twice (§4.5)
			{Param: "ENVID=a+ZZ", Want: want},        // "+" not followed by two hex digits (§4)
			{Param: "ENVID=x ENVID=y", Want: want},   // twice (§4.5)
		})
	})

	// RFC 3461 §5.1(b): valid NOTIFY and ORCPT do not change RCPT's reply.
	framework.It(framework.Requirement{
		ID: "RFC3461-5.1b-notify-orcpt-neutral", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT with valid NOTIFY and ORCPT as it answers RCPT without them", func(t *framework.T) {
		mbx := t.Mailbox()
		_, plain := rcptAlone(t, "")
		t.Policy(plain)
		for _, params := range []string{"NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;" + xtext(mbx), "NOTIFY=NEVER", "ORCPT=rfc822;" + xtext(mbx)} {
			sent, with := rcptAlone(t, params)
			sameCode(t, sent, plain, with, "RFC 3461 §5.1(b)")
		}
	})

	// RFC 3461 §5.1(b), §4.1, §4.2, §4.5: invalid or repeated NOTIFY/ORCPT
	// should get 501.
	framework.It(framework.Requirement{
		ID: "RFC3461-5.1b-bad-notify-orcpt-501", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT with an invalid or repeated NOTIFY or ORCPT with 501", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		want := framework.Expectation{Pass: "501", Warn: "5yz",
			Why: "RFC 3461 §5.1(b), §4.5: an invalid or repeated NOTIFY or ORCPT should get 501"}
		framework.BadParams(t, s, "RCPT TO:<"+mbx+">", []framework.BadParam{
			{Param: "NOTIFY=NEVER,SUCCESS", Want: want},          // NEVER must appear alone (§4.1)
			{Param: "NOTIFY=SOMETIMES", Want: want},              // not a notify-list-element (§4.1)
			{Param: "ORCPT=rfc822", Want: want},                  // no ";" (§4.2)
			{Param: "ORCPT=rfc822;a+G1", Want: want},             // "+" not followed by two hex digits (§4)
			{Param: "NOTIFY=SUCCESS NOTIFY=FAILURE", Want: want}, // twice (§4.5)
		})
	})

	// RFC 3461 §4.1(b): NOTIFY keywords in any case.
	framework.It(framework.Requirement{
		ID: "RFC3461-4.1-notify-case-insensitive", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT with NOTIFY=success,Delay with 250", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		s.Conn().Close()
		s = t.Greeted() // a transaction of its own, on a new connection
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("RCPT TO:<" + mbx + "> NOTIFY=success,Delay")
		t.Expect(s, r, framework.Expectation{Pass: "250 251",
			Why: "RFC 3461 §4.1(b): NOTIFY keywords may be spelled in any case (the same RCPT without NOTIFY was accepted)"})
	})

	// RFC 3461 §4.3: RET values in any case.
	framework.It(framework.Requirement{
		ID: "RFC3461-4.3-ret-case-insensitive", Commands: []string{"MAIL"},
	}, "answers MAIL with RET=full with 250", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RSET", "250")
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> RET=full")
		t.Expect(s, r, framework.Expectation{Pass: "250",
			Why: "RFC 3461 §4.3: FULL and HDRS may be spelled in any case (the same MAIL without RET was accepted)"})
	})

	// RFC 3461 §5.4: parameters at their minimum sizes, and RCPT lines
	// past 512 octets.
	framework.It(framework.Requirement{
		ID: "RFC3461-5.4-parameter-sizes", Commands: []string{"MAIL", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "takes ENVID of 100, RET of 8, NOTIFY of 28 and ORCPT of 500 characters", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		envid := "ENVID=" + strings.Repeat("E", 100-len("ENVID="))
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> " + envid + " RET=HDRS")
		t.Expect(s, r, framework.Expectation{Pass: "250",
			Why: "RFC 3461 §5.4: ENVID of 100 and RET of 8 characters must be accepted"})
		// An ORCPT parameter of exactly 500 characters: an address of
		// dot-separated atoms at the mailbox's domain.
		orcpt := "ORCPT=rfc822;"
		tail := "@" + t.Cfg.Domain()
		local := []byte(strings.Repeat("o", 500-len(orcpt)-len(tail)))
		for i := 39; i < len(local)-1; i += 40 {
			local[i] = '.'
		}
		orcpt += string(local) + tail
		line := "RCPT TO:<" + mbx + "> NOTIFY=SUCCESS,FAILURE,DELAY " + orcpt
		r = s.Cmd(line)
		t.Expect(s, r, framework.Expectation{Pass: "250 251",
			Why: fmt.Sprintf("RFC 3461 §5.4: NOTIFY of 28 and ORCPT of 500 characters, on a RCPT line of %d octets (up to 1036 must be taken), must be accepted", len(line)+2)})
	})
})
