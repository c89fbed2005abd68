package core

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// vrfyMailbox matches a mailbox local-part@domain in a VRFY reply (RFC 5321
// §3.5.1, §3.5.2), with or without angle brackets, and vrfySourceRoute an
// "@domain:" source route, which the reply must not hold.
var (
	vrfyMailbox     = regexp.MustCompile(`<?[^\s<>@]+@[^\s<>@]+>?`)
	vrfySourceRoute = regexp.MustCompile(`<@[^\s<>:]+[,:]`)
)

// localPart returns the local part of mailbox.
func localPart(mailbox string) string {
	if i := strings.LastIndexByte(mailbox, '@'); i >= 0 {
		return mailbox[:i]
	}
	return mailbox
}

var _ = ginkgo.Describe("VRFY, EXPN and HELP", func() {
	// RFC 5321 §4.5.1, §4.3.2: VRFY is in the minimum command set, so it is
	// never answered as an unknown command (§3.5.3: 502 for a disabled VRFY
	// is "not in full compliance", WARN).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.1-vrfy-in-minimum-set", Commands: []string{"VRFY"},
	}, "answers VRFY postmaster with a VRFY reply, not 500", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("VRFY postmaster")
		t.Expect(s, r, framework.Expectation{Pass: "250 251 252 550 551 553 504", Warn: "502 501 503",
			Why: "RFC 5321 §4.5.1, §4.3.2: VRFY must be supported; 500 says it is not recognised"})
	})

	// RFC 5321 §7.3: a site that disables VRFY answers 252, never a code
	// that looks like a verified answer (catalogue §17.3: 502 WARN, one
	// failure code for every address FAIL).
	framework.It(framework.Requirement{
		ID: "RFC5321-7.3-vrfy-disabled-252", Commands: []string{"VRFY"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers VRFY with 252 when it does not tell mailboxes apart", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		missing := s.Cmd("VRFY <" + t.Cfg.UnknownMailbox + ">")
		r := s.Cmd("VRFY <" + mbx + ">")
		switch {
		case missing.Code == 250:
			// RFC 5321 §3.5.3: no 250 unless the address was verified. A
			// catch-all domain may verify any name, so the 250 is wrong only
			// if RCPT refuses the same mailbox as unknown.
			vrfyFalse250(t, s, missing)
		case r.Code != missing.Code:
			t.Checked() // VRFY tells the mailboxes apart: it is not disabled
		case r.Code == 252:
			t.Checked()
		case r.Code == 502:
			t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "252 (RFC 5321 §7.3)",
				Detail: "VRFY is disabled with 502 (RFC 5321 §3.5.3), where §7.3 asks for 252"})
		case r.Code == 530 || r.Class() == 4:
			t.NotApplicable("VRFY answered %d to both mailboxes (authentication or a temporary failure), so whether it is disabled cannot be told", r.Code)
		case r.Code == 250 || r.Code == 251 || r.Code == 550 || r.Code == 551 || r.Code == 553:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: missing.String() + " and " + r.String(),
				Expected: "252 when VRFY is disabled (RFC 5321 §7.3)",
				Detail:   fmt.Sprintf("VRFY answers %d, a verification result, for both an existing and a missing mailbox: a disabled VRFY must answer 252", r.Code)})
		default:
			// 500, 501, 503, 504: not a verification result, so not what
			// this requirement is about (RFC5321-4.5.1-vrfy-in-minimum-set
			// and the §4.3.2 table judge those).
			t.NotApplicable("VRFY answered %d to both mailboxes, which is not a verification result; other requirements judge it", r.Code)
		}
	})

	// RFC 5321 §7.3: answering 550 to every VRFY does not conform, so an
	// existing mailbox does not get 550.
	framework.It(framework.Requirement{
		ID: "RFC5321-7.3-vrfy-not-always-550", Commands: []string{"VRFY"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers VRFY <mailbox> with something other than 550", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		r := s.Cmd("VRFY <" + mbx + ">")
		if r.Code == 550 {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "250, 251 or 252 (RFC 5321 §7.3: returning 550 for every VRFY does not conform)",
				Detail:   "the server denies a mailbox it accepts mail for"})
			return
		}
		t.Checked()
	})

	// RFC 5321 §3.5.1, §3.5.2: a successful VRFY reply names the mailbox as
	// local-part@domain, in angle brackets (SHOULD), never with a source
	// route.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.5.2-vrfy-mailbox-form", Commands: []string{"VRFY"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers a successful VRFY with the mailbox", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		r := s.Cmd("VRFY " + mbx)
		if r.Code != 250 && r.Code != 251 && r.Code != 551 {
			t.NotApplicable("VRFY %s did not confirm the mailbox (%s), so there is no mailbox in the reply to check", mbx, r)
		}
		text := r.Text()
		switch m := vrfyMailbox.FindString(text); {
		case m == "" || vrfySourceRoute.MatchString(text):
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "a mailbox local-part@domain, no source route (RFC 5321 §3.5.1, §3.5.2)",
				Detail:   "the successful VRFY reply does not name the mailbox as local-part@domain"})
		case !strings.HasPrefix(m, "<") || !strings.HasSuffix(m, ">"):
			t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "<local-part@domain> (RFC 5321 §3.5.2: the mailbox SHOULD be in angle brackets)",
				Detail:   "the mailbox in the VRFY reply has no angle brackets"})
		default:
			t.Checked()
		}
	})

	// RFC 5321 §3.5.1: the local-part@domain form is accepted as a "user
	// name" argument to VRFY.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.5.1-vrfy-full-address", Commands: []string{"VRFY"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers VRFY local-part@domain as it answers VRFY local-part, not with 500 or 501", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		user := s.Cmd("VRFY " + localPart(mbx))
		r := s.Cmd("VRFY " + mbx)
		if (r.Code == 500 || r.Code == 501) && user.Code != r.Code {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: fmt.Sprintf("a reply of the class of the user-name form (%d) (RFC 5321 §3.5.1: the full address SHOULD be accepted)", user.Code),
				Detail:   "VRFY refuses the local-part@domain form as a syntax error"})
			return
		}
		t.Checked()
	})

	// RFC 5321 §4.1.1.6: VRFY needs an argument ("VRFY" SP String).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.6-vrfy-arg-required", Commands: []string{"VRFY"},
	}, "answers VRFY with no argument with 501", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("VRFY")
		t.Expect(s, r, framework.Expectation{Pass: "501 502", Warn: "500 252 4yz 5yz",
			Why: "RFC 5321 §4.1.1.6: \"VRFY\" SP String, so a missing argument is a syntax error (a disabled VRFY, 502, does not read it)"})
	})

	// RFC 5321 §4.1.1.6: VRFY does not touch the reverse-path,
	// forward-path or mail data buffers.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.6-vrfy-no-state-change", Commands: []string{"VRFY", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers DATA with 354 after VRFY inside a transaction", func(t *framework.T) {
		s := t.Transaction()
		s.Cmd("VRFY postmaster")
		dataStillAccepted(t, s, "RFC5321-4.1.1.6-vrfy-no-state-change", "RFC 5321 §4.1.1.6: VRFY has no effect on the buffers")
	})

	// RFC 5321 §4.1.1.7: EXPN has no effect on the buffers and may be sent
	// at any time.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.7-expn-no-state-change", Commands: []string{"EXPN", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers DATA with 354 after EXPN inside a transaction", func(t *framework.T) {
		s := t.Transaction()
		s.Cmd("EXPN postmaster")
		dataStillAccepted(t, s, "RFC5321-4.1.1.7-expn-no-state-change", "RFC 5321 §4.1.1.7: EXPN has no effect on the buffers")
	})

	// RFC 5321 §4.1.1.8: HELP has no effect on the transaction.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.8-help-no-state-change", Commands: []string{"HELP", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers DATA with 354 after HELP inside a transaction", func(t *framework.T) {
		s := t.Transaction()
		s.Cmd("HELP")
		dataStillAccepted(t, s, "RFC5321-4.1.1.8-help-no-state-change", "RFC 5321 §4.1.1.8: HELP has no effect on the transaction")
	})

	// RFC 5321 §4.1.4: VRFY, EXPN and HELP are handled without a prior
	// EHLO, with no 503.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-vrfy-expn-help-pre-ehlo", Commands: []string{"VRFY", "EXPN", "HELP"},
	}, "answers VRFY, EXPN and HELP on a fresh connection without 503", func(t *framework.T) {
		s := t.Dial()
		for _, cmd := range []string{"VRFY postmaster", "EXPN postmaster", "HELP"} {
			r := s.Cmd(cmd)
			if r.Code == 503 {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: "a reply other than 503 (RFC 5321 §4.1.4: these commands may be issued without a previous EHLO)",
					Detail:   "the server wants EHLO first"})
				continue
			}
			t.Checked()
		}
	})

	// RFC 5321 §4.3.2: VRFY and EXPN replies come from the reply table (VRFY
	// 250 251 252 550 551 553 502 504, EXPN 250 252 550 500 502 504, plus
	// 500 501 421).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.3.2-vrfy-expn-codes", Commands: []string{"VRFY", "EXPN"},
	}, "answers VRFY of an unknown user and EXPN with codes from the reply table", func(t *framework.T) {
		s := t.Greeted()
		for _, cmd := range []string{"VRFY smtpspec-no-such-user-7f3c9a", "EXPN postmaster"} {
			r := s.Cmd(cmd)
			allowed, _, _ := framework.AllowedCodes(strings.Fields(cmd)[0])
			t.Expect(s, r, framework.Expectation{Pass: allowed, Why: "RFC 5321 §4.3.2: the replies to " + strings.Fields(cmd)[0]})
		}
	})

	// RFC 5321 §3.5.2, §4.1.1.1: a server that supports EXPN lists it in
	// the EHLO reply.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.5.2-expn-listed", Commands: []string{"EHLO", "EXPN"},
	}, "lists EXPN in EHLO when EXPN is implemented", func(t *framework.T) {
		s := t.Dial()
		ehlo := s.Setup("EHLO "+t.Cfg.Helo, "250")
		r := s.Cmd("EXPN postmaster")
		// EXPN is shown to be supported only by an expansion (250, 251).
		// 500 and 502 say it is not implemented; 252 and a refusal such as
		// Exim's "550 Administrative prohibition" say it is disabled (RFC
		// 5321 §7.3 lets a site disable it), not that it is supported.
		switch {
		case r.Code != 250 && r.Code != 251 || ehlo.Lists("EXPN"):
			t.Policy(r)
			t.Checked()
		default:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String() + " after EHLO " + ehlo.String(),
				Expected: "EXPN listed in EHLO when the server expands lists (RFC 5321 §3.5.2: if EXPN is supported it MUST be listed)",
				Detail:   fmt.Sprintf("EXPN is supported (it answered %d with the expansion) but not listed in the EHLO reply", r.Code)})
		}
	})

	// RFC 5321 §4.1.1.8: HELP gives 211 or 214 information; an argument may
	// select a topic, or get 504.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.8-help", Commands: []string{"HELP"},
	}, "answers HELP with 214 and HELP MAIL with 214 or 504", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("HELP")
		t.Expect(s, r, framework.Expectation{Pass: "211 214", Warn: "502 500", Why: "RFC 5321 §4.1.1.8: HELP SHOULD give helpful information (211, 214)"})
		r = s.Cmd("HELP MAIL")
		t.Expect(s, r, framework.Expectation{Pass: "211 214 504", Warn: "502 500", Why: "RFC 5321 §4.1.1.8, §4.3.2: HELP with a topic gets 211, 214, or 504"})
	})
})

// vrfyFalse250 judges a 250 to VRFY of a mailbox the suite believes
// missing: a violation of RFC 5321 §3.5.3 when RCPT refuses that mailbox as
// unknown, so the 250 cannot have come from a verification.
func vrfyFalse250(t *framework.T, s *framework.Session, vrfy framework.Reply) {
	vrfySent := "VRFY <" + t.Cfg.UnknownMailbox + ">"
	s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
	r := s.Cmd("RCPT TO:<" + t.Cfg.UnknownMailbox + ">")
	s.Cmd("RSET")
	switch r.Code {
	case 550, 551, 553:
		t.Violation(framework.Finding{Sent: vrfySent + ", then MAIL and " + "RCPT TO:<" + t.Cfg.UnknownMailbox + ">",
			Actual:   vrfy.String() + " to VRFY, " + r.String() + " to RCPT",
			Expected: "no 250 to VRFY for a mailbox that does not exist (RFC 5321 §3.5.3: a server MUST NOT return 250 unless it has actually verified the address); 252 when VRFY is disabled (§7.3)",
			Detail:   "VRFY claims the mailbox exists, while RCPT refuses it as unknown"})
	default:
		t.Checked() // the server accepts mail for it too (a catch-all)
	}
}
