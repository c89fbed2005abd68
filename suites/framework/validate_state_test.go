package framework

import (
	"testing"

	. "github.com/onsi/gomega"

	"github.com/smtpspec/smtpspec/internal/wire"
)

// reply builds a Reply with code and lines, as the parser would.
func reply(code int, lines ...string) Reply { return wire.Reply{Code: code, Lines: lines} }

// rules returns the rule IDs CheckEnhanced finds for r.
func rules(r Reply) []string {
	var out []string
	for _, p := range CheckEnhanced(r) {
		out = append(out, p.Rule)
	}
	return out
}

// The enhanced status code rules of RFC 2034 §3(4), §4 and RFC 3463 §2,
// each on a reply that breaks it alone, and on replies that keep them all.
func TestCheckEnhanced(t *testing.T) {
	g := NewWithT(t)
	for _, ok := range []Reply{
		reply(250, "2.1.0 <a@b.example>: Sender ok"),
		reply(550, "5.1.1 User unknown"),
		reply(221, "2.0.0"), // a code at the end of the line: no text after it
		reply(214, "2.0.0 one", "2.0.0 two"),
		reply(354, "End data with <CR><LF>.<CR><LF>"), // 3yz: not included (§4)
		reply(250, "2.123.999 big numbers"),
	} {
		g.Expect(CheckEnhanced(ok)).To(BeEmpty(), "%q", ok.Lines)
	}
	for _, c := range []struct {
		r    Reply
		want []string
	}{
		{reply(250, "Ok"), []string{RuleEnhancedMissing}},
		{reply(550, "4.1.1 User unknown"), []string{RuleEnhancedClass}},
		{reply(250, "2.1.0<a@b.example>: Sender ok"), []string{RuleEnhancedSpace}},
		{reply(500, "5.05.1 Command unrecognized"), []string{RuleEnhancedSyntax}},
		{reply(500, "5.1234.1 Command unrecognized"), []string{RuleEnhancedSyntax}},
		{reply(250, "6.0.0 Ok"), []string{RuleEnhancedSyntax, RuleEnhancedClass}},
		{reply(214, "2.0.0 one", "two", "2.0.1 three"), []string{RuleEnhancedMultiline}},
	} {
		g.Expect(rules(c.r)).To(Equal(c.want), "%q", c.r.Lines)
	}
}
