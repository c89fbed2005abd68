package chunking

import (
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// binaryMessage returns a MIME message for requirement id whose body is
// binary: NUL, a lone CR, a lone LF, octets above 127, and a CRLF.CRLF that
// DATA would read as the end (BDAT sends it as data, RFC 3030 §2).
func binaryMessage(id string) string {
	h := strings.TrimSuffix(scenarios.Headers(framework.Envelope(), id), "\r\n")
	h += "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"
	return h + "\x00\x01\x02 binary \r lone CR, \n lone LF, \xff\xfe\x80 high octets\r\n.\r\nafter a dot line\x00" + string(arbitraryLine(256))
}

var _ = ginkgo.Describe("BINARYMIME", func() {
	// RFC 3030 §3(5): body-value ::= "7BIT" / "8BITMIME" / "BINARYMIME".
	framework.It(framework.Requirement{
		ID: "RFC3030-3-binarymime-body-value", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<sender> BODY=BINARYMIME with 250", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RSET", "250")
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> BODY=BINARYMIME")
		t.Expect(s, r, framework.Expectation{Pass: "250",
			Why: "RFC 3030 §3: BINARYMIME is a BODY value of a server that lists BINARYMIME (the same MAIL without BODY got 250)"})
	})

	// RFC 3030 §3: accepting BODY=BINARYMIME is agreeing to take (and keep)
	// every octet of the BDAT chunks.
	framework.It(framework.Requirement{
		ID: "RFC3030-3-binarymime-binary-content", Commands: []string{"MAIL", "BDAT"}, Needs: mbxOnly,
	}, "takes a binary message (NUL, lone CR and LF, 8-bit octets) in BDAT chunks under BODY=BINARYMIME", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Require("CHUNKING") // RFC3030-3-binarymime-needs-chunking judges its absence
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+"> BODY=BINARYMIME", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		msg := binaryMessage(t.Req.ID)
		half := len(msg) / 2
		want := framework.Expectation{Pass: "250",
			Why: "RFC 3030 §3: having accepted BODY=BINARYMIME, the server agreed to preserve all bits in each octet passed with BDAT"}
		// After a refused chunk the client sends no more (RFC 3030 §2).
		if r := bdat(s, msg[:half], false); r.Code != 250 {
			t.Expect(s, r, want)
			return
		}
		t.Expect(s, bdat(s, msg[half:], true), want)
	})
})

// eightBitMessage returns a MIME message for requirement id with 8-bit
// text, as BDAT sends it.
func eightBitMessage(id string) string {
	h := strings.TrimSuffix(scenarios.Headers(framework.Envelope(), id), "\r\n")
	h += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
	return h + "Gr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln, sent in a BDAT chunk: \xc3\xa9t\xc3\xa9, \xe2\x82\xac 5.\r\n"
}

var _ = ginkgo.Describe("CHUNKING", func() {
	// RFC 3030 §2: CHUNKING can be used for any message, whether 7-bit,
	// 8BITMIME or BINARYMIME.
	framework.It(framework.Requirement{
		ID: "RFC3030-2-bdat-any-body", Commands: []string{"MAIL", "BDAT"}, Needs: mbxOnly,
	}, "takes through BDAT a message declared BODY=7BIT and one declared BODY=8BITMIME", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		if !s.Has("8BITMIME") {
			t.NotApplicable("8BITMIME, whose MAIL parameter BODY declares 7BIT or 8BITMIME, is not advertised in the EHLO reply")
		}
		type body struct{ param, msg string }
		for _, b := range []body{{"BODY=7BIT", message(t.Req.ID)}, {"BODY=8BITMIME", eightBitMessage(t.Req.ID)}} {
			s.Setup("MAIL FROM:<"+t.Cfg.Sender+"> "+b.param, "250")
			s.Setup("RCPT TO:<"+mbx+">", "250 251")
			r := bdat(s, b.msg, true)
			t.Expect(s, r, framework.Expectation{Pass: "250",
				Why: "RFC 3030 §2: CHUNKING can be used for any message, whether 7-bit, 8BITMIME or BINARYMIME (the MAIL with " + b.param + " was accepted)"})
			if r.Code != 250 {
				s.Setup("RSET", "250") // RFC 3030 §2: after a failed BDAT the state is indeterminate
			}
		}
	})
})
