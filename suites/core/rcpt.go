package core

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("RCPT", func() {
	// RFC 5321 §3.3: RCPT without a prior MAIL is a bad sequence of
	// commands and gets 503.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-rcpt-before-mail", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT before MAIL with 503", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		r := s.Cmd("RCPT TO:<" + mbx + ">")
		t.Expect(s, r, framework.Expectation{Pass: "503", Why: "RFC 5321 §3.3, §4.1.4: RCPT before MAIL is a bad sequence"})
	})

	// RFC 5321 §3.3, §4.1.1.3: an acceptable recipient gets 250 (or 251
	// when forwarded); a refused RCPT earlier in the transaction does not
	// change that (the transaction stays open, §3.3).
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-rcpt-accept", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:<mailbox> after a refused recipient with 250", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		if r := s.Cmd("RCPT TO:<" + t.Cfg.UnknownMailbox + ">"); r.Class() == 2 {
			t.NotApplicable("the server accepted the unknown recipient %s (%s), so no RCPT was refused", t.Cfg.UnknownMailbox, r)
		}
		r := s.Cmd("RCPT TO:<" + mbx + ">")
		t.Expect(s, r, framework.Expectation{Pass: "250 251",
			Why: "RFC 5321 §3.3: an acceptable recipient gets 250 (251 if forwarded)"})
	})

	// RFC 5321 §3.3: a recipient known not to be deliverable normally gets
	// 550; accepting it (verification deferred), a temporary failure or
	// 551/553 are also allowed. A 3yz, or a 2yz other than 250/251, is not.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-rcpt-unknown-550", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT to an unknown user with 550", func(t *framework.T) {
		s := t.Transaction()
		r := s.Cmd("RCPT TO:<" + t.Cfg.UnknownMailbox + ">")
		t.Expect(s, r, framework.Expectation{Pass: "550 250 251 551 553 4yz", Warn: "5yz",
			Why: "RFC 5321 §3.3: an undeliverable recipient typically gets 550; deferring the check (250) is allowed"})
	})

	// RFC 5321 §4.1.1.3, §4.1.2: Forward-path = Path, which has no null
	// form: RCPT TO:<> is a syntax error.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.3-rcpt-null-path", Commands: []string{"RCPT"},
	}, "answers RCPT TO:<> with 501 or 553", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("RCPT TO:<>")
		t.Expect(s, r, framework.Expectation{Pass: "501 553", Warn: "5yz 4yz",
			Why: "RFC 5321 §4.1.2: Forward-path = Path; <> is only a Reverse-path"})
	})

	// RFC 5321 §4.1.1.3, §4.1.2: the forward-path needs angle brackets;
	// many servers accept the bare form (§17.8).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.3-rcpt-no-brackets", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:mailbox (no brackets) with 501 or 553", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("RCPT TO:" + mbx)
		t.Expect(s, r, framework.Expectation{Pass: "501 553", Warn: "250 5yz",
			Why: "RFC 5321 §4.1.2: Path = \"<\" [ A-d-l \":\" ] Mailbox \">\"; accepting the bare form is lenient (§17.8)"})
	})

	// RFC 5321 §4.5.1, §4.1.1.3: RCPT TO:<Postmaster>, with no domain, MUST
	// be supported.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.1-postmaster-bare", Commands: []string{"RCPT"},
	}, "answers RCPT TO:<Postmaster> with 250", func(t *framework.T) {
		s := postmasterSession(t)
		r := s.Cmd("RCPT TO:<Postmaster>")
		t.Expect(s, r, framework.Expectation{Pass: "250 251",
			Why: "RFC 5321 §4.5.1: every server that delivers or relays mail MUST support <Postmaster>"})
	})

	// RFC 5321 §4.5.1: postmaster@domain MUST be accepted for every domain
	// the server serves.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.1-postmaster-domain", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:<postmaster@domain> with 250", func(t *framework.T) {
		s := postmasterSession(t)
		r := s.Cmd("RCPT TO:<postmaster@" + t.Cfg.Domain() + ">")
		t.Expect(s, r, framework.Expectation{Pass: "250 251",
			Why: "RFC 5321 §4.5.1: postmaster at each served domain MUST be accepted"})
	})

	// RFC 5321 §4.1.1.3: "Postmaster" is matched without regard to case,
	// bare ...
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.3-postmaster-case-bare", Commands: []string{"RCPT"},
	}, "answers RCPT TO:<pOsTmAsTeR> with 250", func(t *framework.T) {
		s := postmasterSession(t)
		r := s.Cmd("RCPT TO:<pOsTmAsTeR>")
		t.Expect(s, r, framework.Expectation{Pass: "250 251",
			Why: "RFC 5321 §4.1.1.3: the reserved mailbox Postmaster is case-insensitive"})
	})

	// ... and with the served domain.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.3-postmaster-case-domain", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:<POSTMASTER@domain> with 250", func(t *framework.T) {
		s := postmasterSession(t)
		r := s.Cmd("RCPT TO:<POSTMASTER@" + t.Cfg.Domain() + ">")
		t.Expect(s, r, framework.Expectation{Pass: "250 251",
			Why: "RFC 5321 §4.1.1.3: the local part postmaster is case-insensitive"})
	})

	// RFC 5321 §4.1.1.3, App. C: a source route in the forward-path MUST be
	// recognised; the server SHOULD strip it and MAY decline the relay.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.3-source-route-forward", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:<@other.example:mailbox> with 250", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("RCPT TO:<@other.example:" + mbx + ">")
		t.Expect(s, r, framework.Expectation{Pass: "250 251", Warn: "550 551 553 554 4yz",
			Why: "RFC 5321 §4.1.1.3: the route must be recognised and should be ignored; declining the relay is allowed, 501 is not"})
	})

	// RFC 5321 §3.6.2, §7.9: a server may refuse to relay, and SHOULD use
	// 550 for such policy refusals. Accepting an unauthorised relay is an
	// open relay (a security failure the RFC itself does not make a MUST).
	// No DATA ever follows the probe.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.6.2-relay-denied-550", Commands: []string{"RCPT"},
	}, "answers RCPT to a foreign domain with 550", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("RCPT TO:<" + t.Cfg.ForeignRecipient + ">")
		t.Expect(s, r, framework.Expectation{Pass: "550", Warn: "5yz 4yz",
			Why: "RFC 5321 §3.6.2, §7.9: relaying for unauthorised clients is refused, with 550; 250 makes an open relay"})
	})

	// RFC 5321 §4.1.1.3, §4.1.1.11: a RCPT parameter of an extension that
	// was not advertised (NOTIFY without DSN) is unrecognised: 555.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.3-rcpt-param-not-advertised", Commands: []string{"EHLO", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:<mailbox> with a parameter of an unadvertised extension with 555", func(t *framework.T) {
		mbx := t.Mailbox()
		s, kws := envGreetedKeywords(t)
		// A parameter of each extension, tried in this order; the first
		// whose keyword is not in the EHLO reply is sent.
		candidates := []struct{ ext, param string }{
			{"DSN", "NOTIFY=NEVER"},               // RFC 3461 §4.1
			{"RRVS", "RRVS=2014-04-03T23:01:00Z"}, // RFC 7293 §3
		}
		for _, c := range candidates {
			if kws[c.ext] {
				continue
			}
			s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
			r := s.Cmd("RCPT TO:<" + mbx + "> " + c.param)
			t.Expect(s, r, framework.Expectation{Pass: "555", Warn: "501 504 250",
				Why: "RFC 5321 §4.1.1.11: " + c.ext + " is not advertised, so " + c.param + " is unrecognised"})
			return
		}
		t.NotApplicable("the server advertises every extension whose RCPT parameter the spec knows (DSN, RRVS)")
	})

	// RFC 5321 §4.3.2: RCPT answers 250 or 251, or fails with 550, 551, 552,
	// 553, 450, 451, 452, 503, 455 or 555 (plus the general 500, 501, 421,
	// 530, and 556 from RFC 7504).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.3.2-rcpt-codes", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers a battery of RCPT commands with codes from the §4.3.2 table", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		for _, line := range []string{
			"RCPT TO:<" + mbx + ">", // accepted
			"RCPT TO:<>",            // invalid forward-path
			"RCPT TO:<" + t.Cfg.ForeignRecipient + ">", // relay probe (never followed by DATA)
			"RCPT FROM:<" + mbx + ">",                  // wrong keyword
		} {
			envCheckCode(t, s, s.Cmd(line), "RCPT")
		}
	})
})

// postmasterSession opens a transaction for the postmaster specs. RFC 5321
// §4.5.1 binds servers that deliver or relay mail: the configured mailbox
// must be accepted first, or the server takes no mail from this client and
// the rule does not apply (NOT APPLICABLE).
func postmasterSession(t *framework.T) *framework.Session {
	mbx := t.Mailbox()
	s := t.Greeted()
	s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
	if r, err := s.Try("RCPT TO:<" + mbx + ">"); err != nil || (r.Code != 250 && r.Code != 251) {
		t.NotApplicable("the server refused the configured mailbox too (%s): it takes no mail from this client, so the postmaster rule of RFC 5321 §4.5.1 does not apply", r)
	}
	return s
}
