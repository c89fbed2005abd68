// Package eightbitmime holds the specs of the 8BITMIME extension (RFC
// 6152): the keyword, the MAIL parameter BODY=, and 8-bit content, plus
// RFC 5321 §2.4's advice that servers offer it. Whether the octets are
// delivered intact needs the delivered copy, which the suite cannot read.
package eightbitmime

import (
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("8BITMIME", func() {
	// RFC 5321 §2.4: 8BITMIME SHOULD be supported.
	framework.It(framework.Requirement{
		ID: "RFC5321-2.4-8bitmime-should", Commands: []string{"EHLO"},
	}, "lists 8BITMIME in the EHLO reply", func(t *framework.T) {
		s := t.Greeted()
		if !s.Has("8BITMIME") {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
				Expected: "8BITMIME among the keywords (RFC 5321 §2.4)", Detail: "the server does not offer 8BITMIME"})
		}
		t.Checked()
	})

	// RFC 6152 §2(3): no parameter with the keyword.
	framework.Table("8BITMIME keyword", framework.KeywordAlone, framework.Row[framework.Keyword]{
		Req:  framework.Requirement{ID: "RFC6152-2-keyword-no-param", Commands: []string{"EHLO"}},
		Text: "lists 8BITMIME without a parameter", Data: framework.Keyword{Name: "8BITMIME", Rule: "RFC 6152 §2(3)"},
	})

	// RFC 6152 §2(4), §3: BODY=7BIT and BODY=8BITMIME, in any case.
	framework.It(framework.Requirement{
		ID: "RFC6152-3-body-values", Commands: []string{"MAIL"},
	}, "answers MAIL with BODY=8BITMIME, BODY=7BIT and body=8bitmime with 250", func(t *framework.T) {
		s := t.Greeted()
		for _, body := range []string{"BODY=8BITMIME", "BODY=7BIT", "body=8bitmime", "Body=7bit"} {
			r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> " + body)
			t.Expect(s, r, framework.Expectation{Pass: "250",
				Why: "RFC 6152 §3: a server listing 8BITMIME supports the extended MAIL; the value is case-insensitive (RFC 5234 §2.3)"})
			s.Setup("RSET", "250")
		}
	})

	// RFC 6152 §2(4), §3: body-value = "7BIT" / "8BITMIME", one BODY.
	framework.It(framework.Requirement{
		ID: "RFC6152-3-body-invalid", Commands: []string{"MAIL"},
	}, "answers MAIL with an invalid or repeated BODY with 501 or 555", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RSET", "250")
		grammar := framework.Expectation{Pass: "501 555", Warn: "5yz",
			Why: "RFC 6152 §2(4): body-value = \"7BIT\" / \"8BITMIME\"; another refusal is tolerated"}
		// "Only one BODY parameter may be used" (§3) has no keyword and
		// binds the client: a server that takes the second BODY gets a
		// WARN, not a FAIL.
		twice := framework.Expectation{Pass: "501 555", Warn: "5yz 250",
			Why: "RFC 6152 §3: only one BODY parameter may be used in a single MAIL command"}
		bad := []framework.BadParam{{Param: "BODY=FOO", Want: grammar}, {Param: "BODY=", Want: grammar}, {Param: "BODY=7BIT BODY=8BITMIME", Want: twice}}
		if !s.Has("BINARYMIME") {
			bad = append(bad, framework.BadParam{Param: "BODY=BINARYMIME", Want: grammar}) // RFC 3030 §3: a value only with BINARYMIME
		}
		framework.BadParams(t, s, "MAIL FROM:<"+t.Cfg.Sender+">", bad)
	})

	// RFC 6152 §3: a server listing 8BITMIME accepts MIME messages with
	// arbitrary octets.
	framework.It(framework.Requirement{
		ID: "RFC6152-3-accept-8bit-content", Commands: []string{"MAIL", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "takes a MIME message with 8-bit text sent under BODY=8BITMIME", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+"> BODY=8BITMIME", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		s.Setup("DATA", "354")
		h := strings.TrimSuffix(scenarios.Headers(framework.Envelope(), "RFC6152-3-accept-8bit-content"), "\r\n")
		h += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
		body := "Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln: \xc3\xa9t\xc3\xa9, na\xc3\xafve, \xe2\x82\xac 5.\r\n"
		s.SendRaw([]byte(h+scenarios.Stuff(body)+".\r\n"), "DATA-END")
		r := s.Read()
		t.Expect(s, r, framework.Expectation{Pass: "250",
			Why: "RFC 6152 §3: a server listing 8BITMIME will accept MIME messages with arbitrary octets"})
	})
})
