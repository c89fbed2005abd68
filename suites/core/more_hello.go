package core

import (
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("The required commands", func() {
	// RFC 5321 §4.5.1, §4.3.2: the required commands are always
	// recognized. Each is sent in a valid form, one session, in an order
	// in which each makes sense; with a mailbox the transaction goes as
	// far as a message, else DATA is left out (only a message to the
	// mailbox may be completed).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.3.2-required-never-unrecognised", Commands: []string{"EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY"},
	}, "never answers a required command with 500", func(t *framework.T) {
		s := t.Dial()
		rcpt := "RCPT TO:<postmaster>"
		if t.Cfg.Mailbox != "" {
			rcpt = "RCPT TO:<" + t.Cfg.Mailbox + ">"
		}
		check := func(r framework.Reply) {
			if r.Code == 500 {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: "a reply other than 500 (RFC 5321 §4.3.2: a \"command not recognized\" error to a required command is a violation; §4.5.1)",
					Detail:   "a required command, sent in a valid form on a short line, was answered as not recognized"})
			}
			t.Checked()
		}
		var last framework.Reply
		for _, line := range []string{"EHLO " + t.Cfg.Helo, "NOOP", "VRFY postmaster", "MAIL FROM:<" + t.Cfg.Sender + ">", rcpt} {
			last = s.Cmd(line)
			check(last)
		}
		if t.Cfg.Mailbox != "" && last.Class() == 2 {
			r := s.Cmd("DATA")
			check(r)
			if r.Code == 354 {
				sendMessage(s, t.Req.ID)
			}
		}
		for _, line := range []string{"RSET", "HELO " + t.Cfg.Helo, "QUIT"} {
			check(s.Cmd(line))
		}
	})

})

var _ = ginkgo.Describe("The 554 greeting", func() {
	// RFC 5321 §3.1: a server that refuses the session with a 554 greeting
	// says why in its text, to help debug the sending system.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.1-554-text", Commands: []string{"QUIT"},
	}, "explains a 554 greeting in its text", func(t *framework.T) {
		s := t.Connect()
		r, err := s.TryRead()
		if err != nil {
			t.Errorf("no greeting: %v", err)
		}
		if r.Code != 554 {
			connQuit(s)
			t.NotApplicable("the greeting is %d, not 554: the server does not refuse this client", r.Code)
		}
		words := strings.Fields(r.Text())
		if len(words) > 0 && domainWord.MatchString(words[0]) {
			words = words[1:] // the server's domain (RFC 5321 §4.2)
		}
		if len(words) > 0 && enhancedCode.MatchString(words[0]) {
			words = words[1:]
		}
		if len(words) == 0 {
			t.Violation(framework.Finding{Sent: "(connect)", Actual: r.String(),
				Expected: "a 554 greeting whose text says why the session is refused (RFC 5321 §3.1)",
				Detail:   "the 554 greeting gives no text beyond the domain"})
		}
		t.Checked()
		connQuit(s)
	})
})
