// Package enhancedstatuscodes holds the specs of ENHANCEDSTATUSCODES (RFC
// 2034) and the status code syntax of RFC 3463 §2.
//
// The rules on every reply (a code on each 2yz/4yz/5yz reply after EHLO,
// its class, the space after it, its syntax, the same code on every line)
// are checked by the session's reply validator (suites/framework,
// validate_state.go) on every reply of every spec, as observations. The
// specs here provoke a handful of replies on purpose, so that each rule has
// a verdict of its own: a finding of the validator under the spec's own
// rule is the spec's violation.
package enhancedstatuscodes

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// replyRules are the rules checked on a sample of replies: a successful
// MAIL (2yz), a refused RCPT (5yz), NOOP and RSET (2yz), an unknown command
// (500), VRFY and QUIT.
var replyRules = []struct{ id, text string }{
	{framework.RuleEnhancedMissing, "prefaces every 2yz, 4yz and 5yz reply after EHLO with an enhanced status code"},
	{framework.RuleEnhancedClass, "gives each enhanced status code the class of its reply code"},
	{framework.RuleEnhancedSpace, "follows each enhanced status code with a space"},
	{framework.RuleEnhancedSyntax, "writes each enhanced status code as class.subject.detail without leading zeros"},
}

// sampleReplies sends commands whose replies span the classes, each read
// through the validator: MAIL, a RCPT for an unknown user in the mailbox's
// domain (when a mailbox is known), NOOP, RSET, an unknown verb, VRFY and
// QUIT. each, when set, sees every command line and its reply.
func sampleReplies(t *framework.T, s *framework.Session, each func(line string, r framework.Reply)) {
	lines := []string{"MAIL FROM:<" + t.Cfg.Sender + ">"}
	if mbx := t.Cfg.Mailbox; mbx != "" {
		domain := mbx[strings.LastIndexByte(mbx, '@')+1:]
		lines = append(lines, "RCPT TO:<smtpspec-no-such-user-2034@"+domain+">")
	}
	lines = append(lines, "NOOP", "RSET", "XSMTPSPEC2034", "VRFY postmaster", "QUIT")
	for _, line := range lines {
		r := s.Cmd(line)
		if each != nil {
			each(line, r)
		}
	}
}

var _ = ginkgo.Describe("ENHANCEDSTATUSCODES", func() {
	// RFC 2034 §3(3): the keyword takes no parameter.
	framework.It(framework.Requirement{
		ID: "RFC2034-3-keyword-no-param", Commands: []string{"EHLO"},
	}, "lists ENHANCEDSTATUSCODES without a parameter", func(t *framework.T) {
		s := t.Greeted()
		if p := s.Ehlo.Params("ENHANCEDSTATUSCODES"); len(p) > 0 {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
				Expected: "ENHANCEDSTATUSCODES alone (RFC 2034 §3(3): no parameter is used with the keyword)",
				Detail:   fmt.Sprintf("the keyword is listed with %q", strings.Join(p, " "))})
		}
		t.Checked()
	})

	// RFC 2034 §3(4), §4; RFC 3463 §2: every reply of the sample is judged
	// by the validator; a finding under the spec's own rule is its verdict.
	for _, r := range replyRules {
		framework.It(framework.Requirement{
			ID: r.id, Commands: []string{"MAIL", "RCPT", "NOOP", "RSET", "VRFY", "QUIT"},
		}, r.text, func(t *framework.T) {
			sampleReplies(t, t.Greeted(), nil)
			t.Checked()
		})
	}

	// RFC 2034 §4, §5: the codes do not depend on EHLO. After HELO the
	// validator no longer judges the replies (the state is a HELO
	// session), so the spec does: no code at all after HELO is the common
	// deviation of catalogue §17.15 (WARN); codes on some replies and not
	// on others are missing codes (FAIL).
	framework.It(framework.Requirement{
		ID: "RFC2034-4-regardless-of-ehlo", Commands: []string{"HELO", "MAIL", "RCPT", "NOOP", "RSET", "VRFY", "QUIT"},
	}, "sends enhanced status codes in a HELO session too", func(t *framework.T) {
		s := t.Greeted() // learns that the server offers the extension
		s.Setup("HELO "+t.Cfg.Helo, "250")
		var with, without []string
		check := func(line string) {
			r := s.Cmd(line)
			if r.Class() == 3 {
				return
			}
			desc := fmt.Sprintf("%s → %s", strings.TrimSpace(s.LastSent()), r)
			if p := framework.CheckEnhanced(r); len(p) == 0 || p[0].Rule != framework.RuleEnhancedMissing {
				with = append(with, desc)
			} else {
				without = append(without, desc)
			}
		}
		check("MAIL FROM:<" + t.Cfg.Sender + ">")
		if mbx := t.Cfg.Mailbox; mbx != "" {
			check("RCPT TO:<smtpspec-no-such-user-2034@" + mbx[strings.LastIndexByte(mbx, '@')+1:] + ">")
		}
		check("NOOP")
		check("RSET")
		check("XSMTPSPEC2034")
		check("VRFY postmaster")
		check("QUIT")
		f := framework.Finding{Sent: "HELO, then MAIL, RCPT, NOOP, RSET, an unknown verb, VRFY and QUIT",
			Expected: "an enhanced status code on every 2yz, 4yz and 5yz reply (RFC 2034 §4: regardless of whether EHLO is employed)",
			Actual:   "without a code: " + strings.Join(without, "; ")}
		switch {
		case len(without) > 0 && len(with) == 0:
			f.Detail = "no reply of the HELO session carries an enhanced code (catalogue §17.15: common, tolerated)"
			t.Warnf(f)
		case len(without) > 0:
			f.Detail = fmt.Sprintf("%d replies of the HELO session carry codes and %d do not", len(with), len(without))
			t.Violation(f)
		}
		t.Checked()
	})

	// RFC 2034 §4: each line of a multiline reply starts with the same
	// code. HELP is the command whose reply is usually several lines long.
	framework.It(framework.Requirement{
		ID: framework.RuleEnhancedMultiline, Commands: []string{"HELP"},
	}, "starts every line of a multiline reply with the same enhanced status code", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("HELP")
		if !r.Multiline() || r.Class() == 3 {
			t.NotApplicable("HELP got a one-line reply (%s), and no other command reliably gets a multiline one", r)
		}
		t.Checked()
	})
})
