package core

import (
	"fmt"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// documentedCodes are the reply codes some standard defines (catalogue
// §15: RFC 5321 §4.2.2, RFC 1985, 2645, 3207, 4954, 7504), plus 523 of
// the RFC 5248 registry (X.7.10).
var documentedCodes = framework.CodeSet("211 214 220 221 235 250 251 252 253 334 354 " +
	"421 432 450 451 452 453 454 455 458 459 " +
	"500 501 502 503 504 521 523 530 534 535 538 550 551 552 553 554 555 556")

// exchange is one command of a reply battery and its reply.
type exchange struct {
	sent  string
	reply framework.Reply
}

// replyBattery opens a session and sends, one at a time, EHLO, HELP, NOOP,
// an unknown verb, VRFY postmaster and RSET: replies of one and of several
// lines, success and error.
func replyBattery(t *framework.T, verb string) (*framework.Session, []exchange) {
	s := t.Dial()
	var out []exchange
	for _, line := range []string{"EHLO " + t.Cfg.Helo, "HELP", "NOOP", verb, "VRFY postmaster", "RSET"} {
		r := s.Cmd(line)
		out = append(out, exchange{s.LastSent(), r})
	}
	return s, out
}

// replyRuleCheck judges the battery by the reply validator's findings for
// the spec's own rule: a MUST-level one has already failed the spec when the
// reply was read, a SHOULD-level one is reported here as the spec's own.
func replyRuleCheck(t *framework.T, battery []exchange) {
	for _, e := range battery {
		for _, v := range e.reply.Violations {
			if v.Rule == t.Req.ID {
				t.Violation(framework.Finding{Sent: e.sent, Actual: e.reply.String(), Detail: v.Detail})
			}
		}
	}
	t.Checked()
}

// noExtraReply sends QUIT and counts the replies up to its 221: any before
// it is a reply no command asked for.
func noExtraReply(t *framework.T, s *framework.Session, why string) {
	a := s.QuitAndCount()
	if len(a.Replies) > 0 {
		t.Violation(framework.Finding{Sent: "QUIT (every command before it had its reply)", Expected: "221 to QUIT, with no reply before it (" + why + ")",
			Actual: a.String(), Detail: fmt.Sprintf("%d more replies arrived than the commands asked for", len(a.Replies))})
	}
	t.Checked()
}

var _ = ginkgo.Describe("Reply syntax", func() {
	// RFC 5321 §4.2: every command gets exactly one reply.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2-one-reply-per-command", Commands: []string{"EHLO", "HELP", "NOOP", unknownVerb, "VRFY", "RSET", "MAIL"},
	}, "answers a battery of commands, some wrong, with one reply each", func(t *framework.T) {
		s, battery := replyBattery(t, unknownVerb)
		if battery[0].reply.Keywords()["PIPELINING"] {
			// RFC 2920 §3.1: RSET and MAIL may be anywhere in a group, NOOP
			// only last. The MAIL lacks its ">", so it gets 501.
			s.SendRaw([]byte("RSET\r\nMAIL FROM:<"+t.Cfg.Sender+"\r\nNOOP\r\n"), "")
			for i := 0; i < 3; i++ {
				s.Read()
			}
		}
		noExtraReply(t, s, "RFC 5321 §4.2: one reply per command")
	})

	// RFC 5321 §4.2: a reply code is three digits, the first 2-5 and the
	// second 0-5, followed by SP, "-" or CRLF.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2-code-syntax", Commands: []string{"EHLO", "HELP", "NOOP", unknownVerb, "VRFY", "RSET"},
	}, "answers a battery of commands with well-formed reply codes", func(t *framework.T) {
		_, battery := replyBattery(t, unknownVerb)
		replyRuleCheck(t, battery)
	})

	// RFC 5321 §4.2.1: every line of a multiline reply but the last has a
	// "-" after the code.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2.1-multiline-hyphen", Commands: []string{"EHLO", "HELP", "NOOP", unknownVerb, "VRFY", "RSET"},
	}, "answers a battery of commands with well-formed multiline replies", func(t *framework.T) {
		s, _ := replyBattery(t, unknownVerb)
		// A line that ends the reply too early leaves the rest of it to
		// arrive as an extra reply.
		noExtraReply(t, s, "RFC 5321 §4.2.1: the lines of one reply all but the last have \"-\"")
	})

	// RFC 5321 §4.2.1: every line of a multiline reply has the same code.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2.1-multiline-same-code", Commands: []string{"EHLO", "HELP", "NOOP", unknownVerb, "VRFY", "RSET"},
	}, "answers a battery of commands with one code per reply", func(t *framework.T) {
		_, battery := replyBattery(t, unknownVerb)
		replyRuleCheck(t, battery)
	})

	// RFC 5321 §4.2.1, §4.2: the code is followed by SP (and text), even
	// when there is no text.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2.1-space-after-code", Commands: []string{"EHLO", "HELP", "NOOP", unknownVerb, "VRFY", "RSET"},
	}, "answers a battery of commands with SP after every code", func(t *framework.T) {
		_, battery := replyBattery(t, unknownVerb)
		replyRuleCheck(t, battery)
	})

	// RFC 5321 §4.2 (textstring): reply text is HT and printable US-ASCII.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2-textstring-charset", Commands: []string{"EHLO", "HELP", "NOOP", unknownVerb, "VRFY", "RSET"},
	}, "answers a battery of commands with 7-bit printable text", func(t *framework.T) {
		_, battery := replyBattery(t, unknownVerb)
		replyRuleCheck(t, battery)
	})

	// RFC 5321 §2.3.8: reply lines end with CRLF, never a bare CR or LF.
	framework.It(framework.Requirement{
		ID: "RFC5321-2.3.8-reply-crlf", Commands: []string{"EHLO", "HELP", "NOOP", unknownVerb, "VRFY", "RSET"},
	}, "answers a battery of commands with CRLF-terminated lines", func(t *framework.T) {
		_, battery := replyBattery(t, unknownVerb)
		replyRuleCheck(t, battery)
	})

	// RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets, code and
	// CRLF included.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.5-reply-line-512", Commands: []string{"EHLO", "HELP", "NOOP", unknownVerb, "VRFY", "RSET"},
	}, "answers a battery of commands with lines of at most 512 octets", func(t *framework.T) {
		_, battery := replyBattery(t, unknownVerb)
		replyRuleCheck(t, battery)
	})

	// RFC 5321 §4.2, §4.2.1: the server sends only codes a standard
	// defines.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2-documented-codes-only", Commands: []string{"EHLO", "HELP", "NOOP", unknownVerb, "VRFY", "RSET"},
	}, "answers a battery of commands with documented codes", func(t *framework.T) {
		_, battery := replyBattery(t, unknownVerb)
		for _, e := range battery {
			if !documentedCodes.Has(e.reply.Code) {
				t.Violation(framework.Finding{Sent: e.sent, Actual: e.reply.String(),
					Expected: "a code defined by RFC 5321 §4.2.2 or an extension (catalogue §15)",
					Detail:   fmt.Sprintf("%d is not a code any standard defines", e.reply.Code)})
			}
		}
		t.Checked()
	})

	// RFC 5321 §4.2.4: 500 is for a command not recognized, 502 for one
	// recognized but not implemented.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2.4-500-vs-502", Commands: []string{unknownVerb},
	}, "answers an unrecognized verb with 500", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd(unknownVerb)
		t.Expect(s, r, framework.Expectation{Pass: "500", Why: "RFC 5321 §4.2.4: 500 for a command not recognized; 502 is for one recognized but not implemented"})
	})
})
