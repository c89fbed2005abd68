package core

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// registeredKeywords are the EHLO keywords of the IANA registry "SMTP
// Service Extensions" (RFC 5321 §2.2.2, §8), each with the document that
// registers it. Keywords starting with X are private and never registered.
var registeredKeywords = map[string]string{
	"SEND": "RFC 1869", "SOML": "RFC 1869", "SAML": "RFC 1869", "EXPN": "RFC 1869", "HELP": "RFC 1869", "TURN": "RFC 1869",
	"VRFY": "RFC 5321", "VERB": "IANA (Allman)", "ONEX": "IANA (Allman)",
	"8BITMIME": "RFC 6152", "SIZE": "RFC 1870", "CHUNKING": "RFC 3030", "BINARYMIME": "RFC 3030", "CHECKPOINT": "RFC 1845",
	"PIPELINING": "RFC 2920", "DSN": "RFC 3461", "ETRN": "RFC 1985", "ENHANCEDSTATUSCODES": "RFC 2034", "STARTTLS": "RFC 3207",
	"NO-SOLICITING": "RFC 3865", "MTRK": "RFC 3885", "ATRN": "RFC 2645", "AUTH": "RFC 4954", "BURL": "RFC 4468",
	"FUTURERELEASE": "RFC 4865", "CONPERM": "RFC 4141", "CONNEG": "RFC 4141", "DELIVERBY": "RFC 2852", "SUBMITTER": "RFC 4405",
	"UTF8SMTP": "RFC 5336", "SMTPUTF8": "RFC 6531", "MT-PRIORITY": "RFC 6710", "RRVS": "RFC 7293", "REQUIRETLS": "RFC 8689",
	"LIMITS": "RFC 9422",
}

var _ = ginkgo.Describe("The required commands and the registered keywords", func() {
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

	// RFC 5321 §2.2.2: an EHLO keyword that does not start with X names an
	// extension registered with IANA.
	framework.It(framework.Requirement{
		ID: "RFC5321-2.2.2-registered-keywords", Commands: []string{"EHLO"},
	}, "lists only registered EHLO keywords, or X- ones", func(t *framework.T) {
		s := t.Greeted()
		var unknown []string
		for kw := range s.Ehlo.Keywords() {
			kw = strings.ToUpper(kw)
			if i := strings.IndexByte(kw, '='); i > 0 {
				kw = kw[:i] // the legacy "AUTH=LOGIN" line: its syntax is RFC5321-4.1.1.1-ehlo-line-syntax's
			}
			if strings.HasPrefix(kw, "X") || registeredKeywords[kw] != "" {
				continue
			}
			unknown = append(unknown, kw)
		}
		sort.Strings(unknown)
		if len(unknown) > 0 {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
				Expected: "keywords of the IANA SMTP Service Extensions registry, or starting with X (RFC 5321 §2.2.2)",
				Detail:   fmt.Sprintf("not registered and not X-prefixed: %s", strings.Join(unknown, ", "))})
		}
		t.Checked()
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
