// Package smtputf8 holds the specs of the SMTPUTF8 extension (RFC 6531):
// the keyword, the MAIL parameter, UTF-8 mailboxes with and without it,
// the VRFY parameter, and ASCII-only replies. The rows that need a UTF-8
// mailbox configured on the server or the delivered mail are not covered.
package smtputf8

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/internal/wire"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// UTF-8 mailboxes the specs send (RFC 6531 §3.3: UTF8-non-ascii in atext).
const (
	utf8Sender = "j\u00f6e@example.org"   // jöe
	utf8Local  = "\u00fcn\u00ef.smtpspec" // ünï.smtpspec
)

// nonASCII returns the index of the first octet above 127 in b, or -1.
func nonASCII(b []byte) int {
	for i, c := range b {
		if c > 0x7f {
			return i
		}
	}
	return -1
}

var _ = ginkgo.Describe("SMTPUTF8", func() {
	// RFC 6531 §3.1(3): the EHLO response MUST NOT contain parameters for
	// the keyword.
	framework.Table("SMTPUTF8 keyword", framework.KeywordAlone, framework.Row[framework.Keyword]{
		Req:  framework.Requirement{ID: "RFC6531-3.1-keyword-no-params", Commands: []string{"EHLO"}},
		Text: "lists SMTPUTF8 without a parameter", Data: framework.Keyword{Name: "SMTPUTF8", Rule: "RFC 6531 §3.1(3)"},
	})

	// RFC 6531 §3.1(8): 8BITMIME is offered too.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.1-requires-8bitmime", Commands: []string{"EHLO"},
	}, "lists 8BITMIME along with SMTPUTF8", func(t *framework.T) {
		s := t.Greeted()
		if !s.Has("8BITMIME") {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
				Expected: "8BITMIME listed (RFC 6531 §3.1(8))", Detail: "the server offers SMTPUTF8 without announcing 8BITMIME"})
		}
		t.Checked()
	})

	// RFC 6531 §3.2: a UTF-8 string is accepted wherever a mailbox may
	// appear; refusing the mailbox itself (550, 553) is not refusing the
	// syntax.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.2-utf8-mailboxes", Commands: []string{"MAIL", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "takes UTF-8 mailboxes in MAIL ... SMTPUTF8 and RCPT without a syntax error", func(t *framework.T) {
		s := t.Greeted()
		e := framework.Expectation{Pass: "250 251 550 553", Warn: "551 552 554",
			Why: "RFC 6531 §3.2: a server listing SMTPUTF8 accepts UTF-8 mailboxes; a refusal of the mailbox (550, 553) is allowed, a syntax error (500, 501) or 555 is not"}
		r := s.Cmd("MAIL FROM:<" + utf8Sender + "> SMTPUTF8")
		t.Expect(s, r, e)
		if r.Code != 250 {
			// The UTF-8 sender was refused as a mailbox: use the ASCII one
			// to reach RCPT.
			s.Setup("MAIL FROM:<"+t.Cfg.Sender+"> SMTPUTF8", "250")
		}
		r = s.Cmd("RCPT TO:<" + utf8Local + "@" + mailDomain(t) + ">")
		t.Expect(s, r, e)
	})

	// RFC 6531 §3.1(4), §3.4: the parameter takes no value.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.4-param-no-value", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<sender> SMTPUTF8=yes with 501 or 555", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RSET", "250")
		framework.BadParams(t, s, "MAIL FROM:<"+t.Cfg.Sender+">", []framework.BadParam{{Param: "SMTPUTF8=yes",
			Want: framework.Expectation{Pass: "501 555", Warn: "5yz", Why: "RFC 6531 §3.1(4), §3.4: the SMTPUTF8 parameter does not accept a value"}}})
	})

	// RFC 5321 §2.4, RFC 6531 §3.4, §3.5: without the parameter a UTF-8
	// reverse-path is not permitted, so it should be refused.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.4-utf8-without-param", Commands: []string{"MAIL"},
	}, "refuses MAIL with a UTF-8 reverse-path and no SMTPUTF8 parameter", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("MAIL FROM:<" + utf8Sender + ">")
		t.Expect(s, r, framework.Expectation{Pass: "5yz",
			Why: "RFC 5321 §2.4, RFC 6531 §3.4, §3.5: a UTF-8 reverse-path without the SMTPUTF8 parameter should be refused (550 with X.6.7)"})
	})

	// RFC 6531 §3.7.1: domain names in the EHLO response are LDH labels or
	// A-labels.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.7.1-ehlo-ascii-names", Commands: []string{"EHLO"},
	}, "names its domain in the EHLO reply in ASCII", func(t *framework.T) {
		s := t.Greeted()
		first := ""
		if len(s.Ehlo.Lines) > 0 {
			first, _, _ = strings.Cut(s.Ehlo.Lines[0], " ")
		}
		if i := nonASCII([]byte(first)); i >= 0 {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
				Expected: "the server's domain in LDH labels or A-labels (RFC 6531 §3.7.1)",
				Detail:   fmt.Sprintf("the domain %s that opens the EHLO reply holds a non-ASCII octet (a U-label)", wire.Escape([]byte(first)))})
		}
		t.Checked()
	})

	// RFC 6531 §3.7.4.2: vrfy = "VRFY" SP String [ SP "SMTPUTF8" ] CRLF.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.7.4.2-vrfy-param-syntax", Commands: []string{"VRFY"},
	}, "answers VRFY postmaster SMTPUTF8 as it answers VRFY postmaster", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("NOOP", "250")
		plain := s.Cmd("VRFY postmaster")
		with := s.Cmd("VRFY postmaster SMTPUTF8")
		switch {
		case (with.Code == 500 || with.Code == 501 || with.Code == 555) && with.Code != plain.Code:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: with.String(),
				Expected: fmt.Sprintf("the class of the reply to VRFY postmaster (%d): the SMTPUTF8 parameter is part of VRFY's syntax (RFC 6531 §3.7.4.2)", plain.Code),
				Detail:   "the server refused the SMTPUTF8 parameter of VRFY as a syntax error"})
		case with.Class() != plain.Class():
			t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: with.String(),
				Expected: fmt.Sprintf("the class of the reply to VRFY postmaster (%d)", plain.Code),
				Detail:   "the SMTPUTF8 parameter changed the class of VRFY's reply; it only lets the reply hold UTF-8"})
		}
		t.Checked()
	})

	// RFC 6531 §3.7.4.2: without the parameter, no reply holds non-ASCII
	// octets, even to commands carrying UTF-8.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.7.4.2-no-utf8-replies", Commands: []string{"MAIL", "RCPT", "VRFY"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "keeps every reply ASCII in a session that never sends the SMTPUTF8 parameter", func(t *framework.T) {
		s := t.Greeted()
		rcpt := "RCPT TO:<" + utf8Local + "@" + mailDomain(t) + ">"
		check := func(r framework.Reply) {
			if i := nonASCII(r.Raw); i >= 0 {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: "a reply in ASCII: no SMTPUTF8 parameter permitted UTF-8 (RFC 6531 §3.7.4.1, §3.7.4.2)",
					Detail:   fmt.Sprintf("octet %d of the reply is above 127", i)})
			}
			t.Checked()
		}
		r := s.Cmd("MAIL FROM:<" + utf8Sender + ">")
		check(r)
		if r.Code == 250 {
			s.Setup("RSET", "250")
		}
		if r, err := s.Try("MAIL FROM:<" + t.Cfg.Sender + ">"); err == nil && r.Code == 250 {
			check(s.Cmd(rcpt))
			s.Setup("RSET", "250")
		}
		check(s.Cmd("VRFY " + utf8Local))
	})
})

// mailDomain is the domain of --mailbox, where the UTF-8 recipients are
// tried; without a mailbox the spec is NOT APPLICABLE (t.Mailbox says so).
func mailDomain(t *framework.T) string {
	mbx := t.Mailbox()
	return mbx[strings.LastIndexByte(mbx, '@')+1:]
}
