package core

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = Describe("RCPT", func() {
	// RFC 5321 §3.3: RCPT without a prior MAIL is a bad sequence of
	// commands and gets 503.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-rcpt-before-mail", Section: "RFC 5321 §3.3, §4.1.4", Level: framework.Must,
		Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
		Summary: "RCPT with no MAIL before it gets 503 (bad sequence of commands).",
	}, "answers RCPT before MAIL with 503", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		r := s.Cmd("RCPT TO:<" + mbx + ">")
		t.Expect(s, r, framework.Expectation{Pass: "503", Why: "RFC 5321 §3.3, §4.1.4: RCPT before MAIL is a bad sequence"})
	})
})
