package core

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// contentCase is a message the server must not refuse for what it holds:
// extra header fields, put on top of the suite's test header.
type contentCase struct {
	id, text string
	// fields returns the header fields (each ending in CRLF) that make the
	// message what the requirement is about.
	fields func(t *framework.T) string
	// body, when set, returns the body (CRLF-terminated lines, not yet
	// dot-stuffed) in place of the suite's one-line test body.
	body func() string
	// why says what the server must not refuse the message for; detail,
	// when set, says what the refused message added.
	why, detail string
}

// loopHops is the number of Received: fields of the loop spec: RFC 5321
// §6.3 asks for a rejection threshold of at least 100.
const loopHops = 99

var contentCases = []contentCase{
	{id: "RFC5321-3.3-no-reject-resent", text: "accepts a message with Resent-To: but no Resent-From: or Resent-Date:",
		fields: func(t *framework.T) string { return "Resent-To: <" + t.Cfg.Mailbox + ">\r\n" },
		why:    "RFC 5321 §3.3: servers MUST NOT reject messages in which Resent-to appears without Resent-from and/or Resent-date"},
	{id: "RFC5321-3.3-no-reject-header-defects", text: "accepts a message whose multipart Content-Type has no boundary",
		fields: func(*framework.T) string { return "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n" },
		why:    "RFC 5321 §3.3: servers SHOULD NOT reject messages based on perceived defects in the MIME header section"},
	{id: "RFC5321-3.7.2-no-reject-trace-format", text: "accepts a message with a malformed Received: field",
		fields: func(*framework.T) string { return "Received: total garbage ;;;\r\n" },
		why:    "RFC 5321 §3.7.2: receiving systems MUST NOT reject mail based on the format of a trace header field"},
	{id: "RFC5321-6.3-loop-threshold", text: fmt.Sprintf("accepts a message with %d Received: fields", loopHops),
		fields: func(*framework.T) string {
			var b strings.Builder
			for i := loopHops; i >= 1; i-- {
				fmt.Fprintf(&b, "Received: from hop%d.example (hop%d.example [192.0.2.%d])\r\n\tby hop%d.example with ESMTP id smtpspec%d;\r\n\tTue, 1 Dec 2026 10:%02d:00 +0000\r\n",
					i, i, i, i+1, i, i%60)
			}
			return b.String()
		},
		why: "RFC 5321 §6.3: servers counting Received: fields SHOULD use a rejection threshold of at least 100"},
	{id: "RFC5321-4.5.3.1.8-no-reject-header-recipients", text: fmt.Sprintf("accepts a message whose Cc: field lists %d addresses", headerRecipients),
		fields: func(*framework.T) string { return ccField() },
		why:    "RFC 5321 §4.5.3.1.8: messages SHOULD NOT be rejected based on the total number of recipients shown in header fields",
		detail: fmt.Sprintf("the server accepted the plain test message but refused it with a Cc: field of %d addresses (the envelope has one recipient)", headerRecipients)},
	{id: "RFC5321-4.1.1.4-control-characters", text: "accepts a message whose text holds ASCII control characters",
		fields: func(*framework.T) string { return "" }, body: func() string { return testBody + controlText() },
		why:    "RFC 5321 §4.1.1.4, §4.5.2: the mail data may contain any of the 128 ASCII characters, control characters included",
		detail: "the server accepted the plain test message but refused it with a line of ASCII control characters (no NUL, CR or LF) in the body"},
}

// testBody is the one-line body of the suite's test messages.
const testBody = "smtpspec test message\r\n"

// deliver sends MAIL, RCPT to the mailbox, DATA and the message whose
// header starts with fields, and returns the reply to the final dot.
func deliver(t *framework.T, s *framework.Session, fields string) framework.Reply {
	return deliverBody(t, s, fields, testBody)
}

// judgeDelivery judges the reply to a message the server must not refuse;
// the plain message was accepted in the same session, so a 5yz refuses
// what the stimulus added.
func judgeDelivery(t *framework.T, s *framework.Session, r framework.Reply, why, detail string) {
	switch {
	case r.Class() == 2:
		t.Checked()
	case r.Class() == 5:
		t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
			Expected: "250 (" + why + ")", Detail: detail})
	default:
		t.Policy(r)
		t.Errorf("the message got %s, neither accepted nor refused", r)
	}
}

var _ = ginkgo.Describe("What a message is not refused for", func() {
	// RFC 5321 §3.3, §3.7.2, §6.3: a plain test message is accepted first;
	// then, in the same session, the same message with the fields of the
	// case, which the server must (or should) not refuse it for.
	for _, c := range contentCases {
		framework.It(framework.Requirement{
			ID: c.id, Commands: []string{"MAIL", "RCPT", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
		}, c.text, func(t *framework.T) {
			t.Mailbox()
			s := t.Greeted()
			if r := deliver(t, s, ""); r.Class() != 2 {
				t.Policy(r)
				t.Errorf("the plain test message was refused (%s), so what the server refuses cannot be told", r)
			}
			body, detail := testBody, "the server accepted the plain test message but refused it with these header fields added"
			if c.body != nil {
				body = c.body()
			}
			if c.detail != "" {
				detail = c.detail
			}
			judgeDelivery(t, s, deliverBody(t, s, c.fields(t), body), c.why, detail)
		})
	}

	// RFC 5321 §4.1.4: a server may check the EHLO argument against the
	// client's address but must not refuse a message when they differ. The
	// message is sent twice: after EHLO with the client's own address
	// literal, then after EHLO with a documentation address (RFC 5737).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-no-refuse-on-ehlo-mismatch", Commands: []string{"EHLO", "MAIL", "RCPT", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "accepts a message after EHLO with an address literal that is not the client's", func(t *framework.T) {
		t.Mailbox()
		s := t.Dial()
		own := addressLiteral(s.Conn().LocalAddr())
		if own == "" {
			t.Errorf("the client's address %s cannot be written as an address literal", s.Conn().LocalAddr())
		}
		s.Setup("EHLO "+own, "250")
		if r := deliver(t, s, ""); r.Class() != 2 {
			t.Policy(r)
			t.Errorf("the test message was refused after EHLO %s, the client's own address (%s)", own, r)
		}
		other := literalV4
		if own == other {
			other = "[192.0.2.2]"
		}
		why := "RFC 5321 §4.1.4: a failed verification of the EHLO argument MUST NOT be a reason to refuse a message"
		detail := fmt.Sprintf("the message was accepted after EHLO %s, the client's address, and refused after EHLO %s", own, other)
		s.Conn().Close() // one session at a time: a server may limit concurrent sessions
		s = t.Dial()
		for _, c := range []struct {
			line string
			ok   framework.CodeSet
		}{{"EHLO " + other, "250"}, {"MAIL FROM:<" + t.Cfg.Sender + ">", "250"}, {"RCPT TO:<" + t.Cfg.Mailbox + ">", "250 251"}, {"DATA", "354"}} {
			r := s.Cmd(c.line)
			if r.Class() == 5 {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: c.ok.String() + " (" + why + ")", Detail: detail})
			}
			if !c.ok.Has(r.Code) {
				t.Policy(r)
				t.Errorf("%s got %s", s.LastSent(), r)
			}
		}
		s.SendRaw(scenarios.MessageData(framework.Envelope(), t.Req.ID, "smtpspec test message\r\n", false), "DATA-END")
		judgeDelivery(t, s, s.Read(), why, detail)
	})
})

// addressLiteral writes the IP address of a TCP address as an RFC 5321
// §4.1.3 address literal: "[192.0.2.1]" or "[IPv6:2001:db8::1]".
func addressLiteral(a net.Addr) string {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return ""
	}
	ip := ap.Addr().Unmap()
	if ip.Is4() {
		return "[" + ip.String() + "]"
	}
	return "[IPv6:" + ip.WithZone("").String() + "]"
}
