package size

import (
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("SIZE", func() {
	// RFC 1870 §3(4): size-value ::= 1*20DIGIT; §6.1: a size over the
	// fixed maximum gets 552 (452 when storage is short for now).
	framework.It(framework.Requirement{
		ID: "RFC1870-3-size-value-20-digits", Commands: []string{"MAIL"},
	}, "answers MAIL with a 20-digit SIZE (twenty nines) as a size, not as a syntax error", func(t *framework.T) {
		s := t.Greeted()
		mailPolicy(t, s)
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> SIZE=" + strings.Repeat("9", 20))
		// 250 passes here whatever the limit: a declared size over a fixed
		// maximum is RFC1870-6.1-declared-too-big-552's to judge.
		t.Expect(s, r, framework.Expectation{Pass: "552 452 250", Warn: "550 551 553 554",
			Why: "RFC 1870 §3(4): size-value ::= 1*20DIGIT, so twenty digits are a size; §6.1: one larger than the fixed maximum gets 552 (452: no room for now)"})
	})
})
