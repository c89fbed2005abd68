package smtputf8

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// uLabelSender is a mailbox whose domain holds a U-label (RFC 6531 §3.3:
// sub-domain =/ U-label): ümläut.example.org.
const uLabelSender = "joe@\u00fcml\u00e4ut.example.org"

// asciiReply judges a reply that no SMTPUTF8 parameter permitted to hold
// UTF-8 (RFC 6531 §3.7.4.1, §3.7.4.2): any octet above 127 is a violation.
func asciiReply(t *framework.T, s *framework.Session, r framework.Reply, why string) {
	if i := nonASCII(r.Raw); i >= 0 {
		t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
			Expected: "a reply in ASCII (" + why + ")", Detail: fmt.Sprintf("octet %d of the reply is above 127", i)})
	}
	t.Checked()
}

var _ = ginkgo.Describe("SMTPUTF8", func() {
	// RFC 6531 §3.7.4.2: a VRFY or EXPN reply that needs UTF-8, to a
	// command without the parameter, is 252 or 550.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.7.4.2-vrfy-without-param", Commands: []string{"VRFY", "EXPN"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers VRFY and EXPN of a UTF-8 mailbox sent without SMTPUTF8 with 252 or 550, never a positive reply holding UTF-8", func(t *framework.T) {
		s := t.Greeted()
		addr := utf8Local + "@" + mailDomain(t)
		for _, cmd := range []string{"VRFY " + utf8Local, "VRFY <" + addr + ">", "EXPN <" + addr + ">"} {
			// Only a positive reply (250, 251) shows the mailbox, so only
			// there does non-ASCII text mean the answer needed UTF-8; an
			// error reply that echoes the argument breaks
			// RFC6531-3.7.4.2-no-utf8-replies, not this rule.
			r := s.Cmd(cmd)
			i := nonASCII(r.Raw)
			if r.Class() != 2 || r.Code == 252 || i < 0 {
				t.Checked()
				continue
			}
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "252 or 550: the answer needs UTF-8 and the command did not carry the SMTPUTF8 parameter (RFC 6531 §3.7.4.2)",
				Detail:   fmt.Sprintf("a %d reply holding a non-ASCII octet (octet %d)", r.Code, i)})
		}
	})

	// RFC 6531 §3.7.4.2: the parameter enables UTF-8 replies for its own
	// command only; §3.7.4.1: for a MAIL without it, no 251/551 holds a
	// non-ASCII mailbox.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.7.4.2-utf8-reply-scope", Commands: []string{"VRFY", "EXPN", "MAIL", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers in ASCII once the command or transaction that carried SMTPUTF8 is over", func(t *framework.T) {
		s := t.Greeted()
		addr := "<" + utf8Local + "@" + mailDomain(t) + ">"
		// Each probe is sent first without the parameter: a server that
		// answers it with UTF-8 before any parameter was sent breaks
		// RFC6531-3.7.4.2-no-utf8-replies, and the scope of a permission
		// cannot be told from its replies.
		before := func(cmd string) {
			if r := s.Cmd(cmd); nonASCII(r.Raw) >= 0 {
				t.NotApplicable("the server answers %q with non-ASCII octets before any SMTPUTF8 parameter was sent (RFC6531-3.7.4.2-no-utf8-replies judges that): %s", cmd, r)
			}
		}
		for _, verb := range []string{"VRFY", "EXPN"} {
			before(verb + " " + addr)
			s.Cmd(verb + " " + addr + " SMTPUTF8") // its reply may hold UTF-8
			asciiReply(t, s, s.Cmd(verb+" "+addr), "RFC 6531 §3.7.4.2: the SMTPUTF8 parameter of the previous "+verb+" enabled UTF-8 replies for that command only")
		}
		mail := "MAIL FROM:<" + t.Cfg.Sender + ">"
		rcpt := "RCPT TO:" + addr
		if r := s.Cmd(mail); r.Code == 250 {
			before(rcpt)
			s.Setup("RSET", "250")
		}
		if r := s.Cmd(mail + " SMTPUTF8"); r.Code == 250 {
			s.Cmd(rcpt) // its reply may hold UTF-8
			s.Setup("RSET", "250")
		}
		r := s.Cmd(mail)
		asciiReply(t, s, r, "RFC 6531 §3.7.4.2")
		if r.Code == 250 {
			asciiReply(t, s, s.Cmd(rcpt), "RFC 6531 §3.7.4.1: this MAIL did not carry the SMTPUTF8 parameter, the previous transaction's did")
		}
	})

	// RFC 6531 §3.3: sub-domain =/ U-label.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.3-u-label-domain", Commands: []string{"MAIL"},
	}, "takes MAIL FROM a mailbox whose domain is a U-label, with SMTPUTF8, without a syntax error", func(t *framework.T) {
		s := t.Greeted()
		mail := "MAIL FROM:<" + t.Cfg.Sender + "> SMTPUTF8"
		s.Setup(mail, "250") // the parameter itself is taken
		s.Setup("RSET", "250")
		r := s.Cmd("MAIL FROM:<" + uLabelSender + "> SMTPUTF8")
		t.Expect(s, r, framework.Expectation{Pass: "250 550 553", Warn: "551 552 554",
			Why: "RFC 6531 §3.3: sub-domain =/ U-label, so the domain is in the grammar; a refusal of the mailbox (550, 553) is allowed, a syntax error (500, 501) or 555 is not"})
	})

	// RFC 6531 §3.6: SMTPUTF8 with BODY=8BITMIME, or BODY=BINARYMIME when
	// BINARYMIME is listed.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.6-with-body-param", Commands: []string{"MAIL"},
	}, "answers MAIL ... SMTPUTF8 BODY=8BITMIME (and BODY=BINARYMIME where listed) with 250", func(t *framework.T) {
		s := t.Greeted()
		mail := "MAIL FROM:<" + t.Cfg.Sender + ">"
		bodies := []string{"BODY=8BITMIME"}
		if s.Has("BINARYMIME") {
			bodies = append(bodies, "BODY=BINARYMIME")
		}
		s.Setup(mail+" SMTPUTF8", "250")
		s.Setup("RSET", "250")
		for _, body := range bodies {
			s.Setup(mail+" "+body, "250") // the BODY value alone is taken
			s.Setup("RSET", "250")
			r := s.Cmd(mail + " SMTPUTF8 " + body)
			t.Expect(s, r, framework.Expectation{Pass: "250",
				Why: "RFC 6531 §3.6: the SMTPUTF8 extension MAY be used with BODY=8BITMIME, or BODY=BINARYMIME where BINARYMIME is advertised (each parameter alone got 250)"})
			if r.Code == 250 {
				s.Setup("RSET", "250")
			}
		}
	})
})

// x67 matches the enhanced status code X.6.7 at the start of a reply line
// (RFC 6531 §3.5, RFC 5248).
var x67 = regexp.MustCompile(`^[245]\.6\.7( |$)`)

var _ = ginkgo.Describe("SMTPUTF8", func() {
	// RFC 6531 §3.5: a MAIL refused for want of an ASCII address gets 550,
	// a RCPT 553, with X.6.7 under enhanced status codes.
	framework.It(framework.Requirement{
		ID: "RFC6531-3.5-ascii-only-codes", Commands: []string{"MAIL", "RCPT"},
	}, "refuses a UTF-8 reverse-path without the SMTPUTF8 parameter with 550, a UTF-8 forward-path with 553 (X.6.7 with ENHANCEDSTATUSCODES)", func(t *framework.T) {
		s := t.Greeted()
		esc := s.Has("ENHANCEDSTATUSCODES")
		judged := false
		mail := "MAIL FROM:<" + t.Cfg.Sender + ">"
		s.Setup(mail, "250")
		s.Setup("RSET", "250")
		r := s.Cmd("MAIL FROM:<" + utf8Sender + ">")
		t.Policy(r)
		switch {
		case r.Code == 250:
			// Taken without the parameter: RFC6531-3.4-utf8-without-param
			// judges that; nothing to say about the code here.
			s.Setup("RSET", "250")
		case r.Code != 550:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "550 (RFC 6531 §3.5: a MAIL rejected because it requires an ASCII address gets 550)",
				Detail:   fmt.Sprintf("the reverse-path that needs SMTPUTF8 was refused with %d", r.Code)})
		case esc && !hasX67(r):
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "550 5.6.7 (RFC 6531 §3.5: with enhanced status codes, X.6.7, non-ASCII addresses not permitted)",
				Detail:   "the 550 does not carry the enhanced status code 5.6.7"})
		}
		judged = r.Code != 250
		if t.Cfg.Mailbox != "" {
			s.Setup(mail, "250")
			r = s.Cmd("RCPT TO:<" + utf8Local + "@" + mailDomain(t) + ">")
			t.Policy(r)
			switch {
			case r.Class() != 5:
			case hasX67(r) && r.Code != 553:
				judged = true
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: "553 (RFC 6531 §3.5: a RCPT rejected because it requires an ASCII address gets 553)",
					Detail:   fmt.Sprintf("the reply says X.6.7 (non-ASCII address not permitted) with %d", r.Code)})
			case r.Code == 553 && esc && !hasX67(r):
				judged = true
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: "553 5.6.7 (RFC 6531 §3.5: with enhanced status codes, X.6.7)",
					Detail:   "the 553 to a UTF-8 recipient without SMTPUTF8 does not carry the enhanced status code 5.6.7"})
			case r.Code == 553:
				judged = true
			}
			// Any other refusal (550 5.1.1 ...) may be for another reason,
			// which §3.5 leaves to RFC 5321.
		}
		if !judged {
			t.NotApplicable("the server refused neither the UTF-8 reverse-path nor the UTF-8 recipient for want of the SMTPUTF8 parameter (RFC6531-3.4-utf8-without-param judges the first): %s", r)
		}
		t.Checked()
	})
})

// hasX67 reports whether reply r opens with the enhanced status code X.6.7.
func hasX67(r framework.Reply) bool { return len(r.Lines) > 0 && x67.MatchString(r.Lines[0]) }

var _ = ginkgo.Describe("SMTPUTF8", func() {
	// RFC 6531 §3.2: SMTPUTF8 does not change relaying (RFC 5321 §7.9).
	// Nothing is sent after the probes (never DATA after a relay probe).
	framework.It(framework.Requirement{
		ID: "RFC6531-3.2-relaying-unchanged", Commands: []string{"MAIL", "RCPT"},
	}, "refuses a UTF-8 recipient in a foreign domain when it refuses the ASCII one", func(t *framework.T) {
		s := t.Greeted()
		foreign := t.Cfg.ForeignRecipient
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+"> SMTPUTF8", "250")
		r := s.Cmd("RCPT TO:<" + foreign + ">")
		if r.Class() == 2 {
			t.NotApplicable("the server accepts <%s> from this client (%d), so there is no relay filter to compare with; RFC5321-3.6.2-relay-denied-550 reports it", foreign, r.Code)
		}
		t.Policy(r)
		utf8Foreign := "r\u00e9lay-probe-\u00fcn\u00ef" + foreign[strings.LastIndexByte(foreign, '@'):]
		r = s.Cmd("RCPT TO:<" + utf8Foreign + ">")
		t.Policy(r)
		if r.Class() == 2 {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "a refusal, as for <" + foreign + "> (RFC 6531 §3.2: SMTPUTF8 does not change the relaying behaviour of RFC 5321, §7.9)",
				Detail:   "the server refuses to relay to the ASCII mailbox in the foreign domain, but takes a UTF-8 one in the same domain"})
		}
		t.Checked()
	})
})
