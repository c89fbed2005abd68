package core

import (
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("The reply to HELO", func() {
	// RFC 5321 §4.1.1.1: the server identifies itself in the greeting and
	// in the reply to HELO, so the reply opens with its domain or address
	// literal, as the greeting does (§4.2).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.1-helo-reply-domain", Commands: []string{"HELO"},
	}, "names itself at the start of the reply to HELO", func(t *framework.T) {
		s := t.Dial()
		r := s.Cmd("HELO " + t.Cfg.Helo)
		if r.Code != 250 {
			t.Policy(r)
			t.NotApplicable("HELO got %s, not 250; RFC5321-2.2.1-helo-supported judges that", r)
		}
		text := r.Lines[0]
		if words := strings.Fields(text); len(words) > 0 && enhancedCode.MatchString(words[0]) {
			text = strings.TrimSpace(strings.TrimPrefix(text, words[0])) // an enhanced status code, which RFC 2034 does not ask after HELO
		}
		problem, doubt := serverName(text)
		f := framework.Finding{Sent: s.LastSent(), Actual: r.String(),
			Expected: "250 SP the server's domain or address literal [SP text] (RFC 5321 §4.1.1.1: the server identifies itself in the response to HELO)"}
		switch {
		case problem != "":
			f.Detail = "the reply to HELO does not name the server: " + problem
			t.Violation(f)
		case doubt != "":
			f.Detail = "the reply to HELO: " + doubt
			t.Warnf(f)
		default:
			t.Checked()
		}
	})
})
