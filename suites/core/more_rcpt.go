package core

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("Relaying through a source route", func() {
	// RFC 5321 §7.9, §4.1.1.3, App. C: a server that refuses to relay to a
	// foreign domain refuses it also when the recipient is written with a
	// source route through its own domain, which it strips before
	// delivering to the final mailbox. Nothing is sent after the probes
	// (never DATA after a relay probe).
	framework.It(framework.Requirement{
		ID: "SEC-OPEN-RELAY", Commands: []string{"MAIL", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "refuses <@its-domain:user@foreign> when it refuses <user@foreign>", func(t *framework.T) {
		t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("RCPT TO:<" + t.Cfg.ForeignRecipient + ">")
		if r.Class() == 2 {
			t.NotApplicable("the server accepts <%s> from this client (%d), so there is no relay filter to get around; RFC5321-3.6.2-relay-denied-550 reports it", t.Cfg.ForeignRecipient, r.Code)
		}
		t.Policy(r)
		s.Setup("RSET", "250")
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r = s.Cmd("RCPT TO:<@" + t.Cfg.Domain() + ":" + t.Cfg.ForeignRecipient + ">")
		switch {
		case r.Class() == 2:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "a refusal, as for <" + t.Cfg.ForeignRecipient + "> (RFC 5321 §7.9: relay filtering; §4.1.1.3, App. C: the route is stripped and the mail goes to the final mailbox)",
				Detail:   "the server refuses to relay to the foreign mailbox, but accepts it behind a source route through its own domain"})
		case r.Code == 530 || r.Code == 421:
			t.Policy(r)
		}
		t.Checked()
	})
})
