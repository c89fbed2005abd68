package core

import (
	"fmt"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// etrnNode is the node name given to ETRN: the mailbox's domain when one is
// configured, else the suite's own EHLO domain.
func etrnNode(t *framework.T) string {
	if d := t.Cfg.Domain(); d != "" {
		return d
	}
	return t.Cfg.Helo
}

var _ = ginkgo.Describe("TURN, ETRN, ATRN, SEND, SOML, SAML", func() {
	// RFC 5321 App. F.1: TURN SHOULD NOT be used unless the client is
	// authenticated; an unauthenticated TURN gets 502 (RFC 821 §4.3 lists
	// 250 and 502). Honouring it (250) reverses the roles and can divert
	// mail: FAIL whatever the level, as the catalogue grades it.
	framework.It(framework.Requirement{
		ID: "RFC5321-F.1-turn-unauth", Commands: []string{"TURN"},
	}, "answers TURN without authentication with 502", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("TURN")
		if r.Class() == 2 {
			t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "502 (RFC 5321 App. F.1: TURN SHOULD NOT be honoured for an unauthenticated client)",
				Detail:   "the server agrees to reverse roles for an unauthenticated client, which can divert mail from its proper destination"})
		}
		t.Expect(s, r, framework.Expectation{Pass: "502", Warn: "500 503 530",
			Why: "RFC 5321 App. F.1, §4.2.4: TURN is obsolete; 502 says it is known and not implemented"})
	})

	// RFC 5321 App. F.6: SEND, SOML and SAML are optional; a server that
	// implements them uses the RFC 821 model and lists them in EHLO
	// (§4.1.1.1).
	framework.It(framework.Requirement{
		ID: "RFC5321-F.6-send-soml-saml", Commands: []string{"SEND", "SOML", "SAML"},
	}, "lists SEND, SOML and SAML in EHLO when it accepts them", func(t *framework.T) {
		s := t.Dial()
		ehlo := s.Setup("EHLO "+t.Cfg.Helo, "250")
		for _, verb := range []string{"SEND", "SOML", "SAML"} {
			r := s.Cmd(verb + " FROM:<" + t.Cfg.Sender + ">")
			if r.Class() != 2 {
				t.Checked() // not implemented (500, 502) or refused
				continue
			}
			if !ehlo.Lists(verb) {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String() + " after EHLO " + ehlo.String(),
					Expected: fmt.Sprintf("500 or 502, or %s listed in EHLO (RFC 5321 App. F.6, §4.1.1.1)", verb),
					Detail:   fmt.Sprintf("%s is accepted but not listed in the EHLO reply", verb)})
			}
			t.Checked()
			s.Cmd("RSET") // end the transaction the command may have opened
		}
	})

	// RFC 1985 §2, RFC 5321 §4.1.1.1: a server that implements ETRN lists
	// the ETRN keyword in EHLO.
	framework.It(framework.Requirement{
		ID: "RFC1985-etrn-keyword", Commands: []string{"EHLO", "ETRN"},
	}, "lists ETRN in EHLO when ETRN is implemented", func(t *framework.T) {
		s := t.Dial()
		ehlo := s.Setup("EHLO "+t.Cfg.Helo, "250")
		r := s.Cmd("ETRN " + etrnNode(t))
		switch {
		case r.Code == 500 || r.Code == 502 || ehlo.Lists("ETRN"):
			t.Checked()
		case r.Code == 530:
			t.NotApplicable("ETRN answered 530 (authentication first), so whether it is implemented cannot be told")
		case r.Class() == 2:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String() + " after EHLO " + ehlo.String(),
				Expected: "500 or 502, or ETRN listed in EHLO (RFC 1985 §2; RFC 5321 §4.1.1.1)",
				Detail:   fmt.Sprintf("ETRN is implemented (it answered %d) but not listed in the EHLO reply", r.Code)})
		default:
			// A refusal (458, 459, another 4yz/5yz) does not show ETRN is
			// implemented: a server with ETRN disabled may refuse it so
			// (Exim's "458 Administrative prohibition"). RFC 5321 §4.2.4
			// asks for 502 for a known but unimplemented command.
			t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "502 for a disabled ETRN (RFC 5321 §4.2.4), or ETRN listed in EHLO",
				Detail:   fmt.Sprintf("ETRN is not listed in EHLO and was refused with %d rather than 502", r.Code)})
		}
	})

	// RFC 2645 §4: ATRN belongs to the ODMR service on port 366; an
	// ordinary MTA port treats it as not implemented (a convention, WARN
	// otherwise).
	framework.It(framework.Requirement{
		ID: "RFC2645-atrn-on-mta-port", Commands: []string{"ATRN"},
	}, "answers ATRN with 500 or 502", func(t *framework.T) {
		s := t.Greeted()
		if s.Has("ATRN") {
			// The port offers ODMR: RFC 2645's own rules apply (suites/atrn).
			t.NotApplicable("ATRN is advertised in the EHLO reply, so RFC 2645 §5.2.1 governs it (RFC2645-5.2.1-atrn-needs-auth)")
		}
		r := s.Cmd("ATRN " + etrnNode(t))
		t.Expect(s, r, framework.Expectation{Pass: "500 502", Warn: "530", Why: "RFC 2645 §4: ATRN is an ODMR command (port 366); RFC 5321 §4.2.4: 502 or 500 elsewhere"})
	})
})
