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

// RFC 6531 §3.7.4.1, §3.7.4.2: UTF-8 reply text is allowed only in a 251 or
// 551 to RCPT after a MAIL that carried SMTPUTF8, and in the reply to a VRFY
// or EXPN sent with SMTPUTF8.
func TestUTF8TextAllowed(t *testing.T) {
	g := NewWithT(t)
	s := &Session{}
	read := func(line string, r Reply) bool {
		s.lastSent, s.verb = line, verbOf(line)
		ok := s.utf8TextAllowed(r)
		s.trackUTF8(r)
		return ok
	}
	forwarded := reply(251, "2.1.5 User not local; will forward to <jörg@example.org>")
	g.Expect(read("MAIL FROM:<a@example.org>", reply(250, "Ok"))).To(BeFalse())
	g.Expect(read("RCPT TO:<j@example.org>", forwarded)).To(BeFalse(), "no SMTPUTF8 on MAIL")
	g.Expect(read("MAIL FROM:<a@example.org> SMTPUTF8", reply(250, "Ok"))).To(BeFalse())
	g.Expect(read("RCPT TO:<j@example.org>", forwarded)).To(BeTrue(), "MAIL carried SMTPUTF8")
	g.Expect(read("RCPT TO:<j@example.org>", reply(250, "2.1.5 jörg ok"))).To(BeFalse(), "only 251 and 551")
	g.Expect(read("RCPT TO:<j@example.org>", reply(251, "2.1.5 bad \xff octet"))).To(BeFalse(), "not UTF-8")
	read("RSET", reply(250, "Ok"))
	g.Expect(read("RCPT TO:<j@example.org>", forwarded)).To(BeFalse(), "RSET ended the transaction")
	g.Expect(read("VRFY jörg SMTPUTF8", reply(250, "Jörg <jörg@example.org>"))).To(BeTrue())
	g.Expect(read("VRFY jörg", reply(250, "Jörg <jörg@example.org>"))).To(BeFalse())
}
