package dsn

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("DSN", func() {
	// RFC 3461 §4.1-§4.4: NOTIFY and ORCPT are RCPT parameters, RET and
	// ENVID MAIL parameters; RFC 5321 §4.1.1.11: 555 for a parameter the
	// command does not recognise.
	framework.It(framework.Requirement{
		ID: "RFC3461-4.1-param-placement", Commands: []string{"MAIL", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "refuses NOTIFY and ORCPT on MAIL, and RET and ENVID on RCPT", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		mail := "MAIL FROM:<" + t.Cfg.Sender + ">"
		s.Setup(mail, "250")
		s.Setup("RSET", "250")
		want := framework.Expectation{Pass: "5yz",
			Why: "RFC 3461 §4.1-§4.4 define NOTIFY and ORCPT for RCPT, RET and ENVID for MAIL; RFC 5321 §4.1.1.11: a parameter the command does not recognise gets 555"}
		framework.BadParams(t, s, mail, []framework.BadParam{
			{Param: "NOTIFY=NEVER", Want: want},
			{Param: "ORCPT=rfc822;" + xtext(mbx), Want: want},
		})
		s.Setup(mail, "250")
		rcpt := "RCPT TO:<" + mbx + ">"
		s.Setup(rcpt, "250 251") // the same RCPT without parameters is taken
		framework.BadParams(t, s, rcpt, []framework.BadParam{
			{Param: "RET=HDRS", Want: want},
			{Param: "ENVID=QQ314159", Want: want},
		})
	})

	// RFC 3461 §4.2: the ORCPT address need not follow its addr-type's
	// syntax; §5.1(b): a valid ORCPT does not change RCPT's reply.
	framework.It(framework.Requirement{
		ID: "RFC3461-4.2-orcpt-address-unconstrained", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT with ORCPT=rfc822;<not an addr-spec> as it answers RCPT without it", func(t *framework.T) {
		mbx := t.Mailbox()
		_, plain := rcptAlone(t, "")
		t.Policy(plain)
		for _, orcpt := range []string{
			"smtpspec-original-recipient",      // a bare name, no "@"
			"Original Recipient <" + mbx + ">", // a name-addr, not an addr-spec
		} {
			sent, with := rcptAlone(t, "ORCPT=rfc822;"+xtext(orcpt))
			sameCode(t, sent, plain, with, "RFC 3461 §4.2: the ORCPT address is NOT constrained to the syntax of its addr-type; §5.1(b): a valid ORCPT MUST NOT change the response")
		}
	})
})
