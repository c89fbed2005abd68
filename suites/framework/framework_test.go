package framework

import (
	"testing"

	. "github.com/onsi/gomega"
)

func TestCodeSet(t *testing.T) {
	g := NewWithT(t)
	g.Expect(CodeSet("503 554").Has(503)).To(BeTrue())
	g.Expect(CodeSet("503 554").Has(550)).To(BeFalse())
	g.Expect(CodeSet("5yz").Has(550)).To(BeTrue())
	g.Expect(CodeSet("5yz").Has(450)).To(BeFalse())
	g.Expect(CodeSet("").Has(250)).To(BeFalse())
	g.Expect(CodeSet("503 554").String()).To(Equal("503 or 554"))
	g.Expect(CodeSet("250 251 252").String()).To(Equal("250, 251 or 252"))
}

func TestAllowedCodes(t *testing.T) {
	g := NewWithT(t)
	codes, rule, ok := AllowedCodes("rcpt")
	g.Expect(ok).To(BeTrue())
	g.Expect(rule).To(Equal("RFC5321-4.3.2-rcpt-codes"))
	g.Expect(codes.Has(250)).To(BeTrue())
	g.Expect(codes.Has(501)).To(BeTrue(), "the general codes apply to every command")
	g.Expect(codes.Has(354)).To(BeFalse())
	_, _, ok = AllowedCodes("XYZZY")
	g.Expect(ok).To(BeFalse())
}

func TestRequirementLabels(t *testing.T) {
	g := NewWithT(t)
	r := Requirement{ID: "RFC5321-3.3-rcpt-before-mail", Section: "RFC 5321 §3.3, §4.1.4; RFC 7504 §3", Level: Must,
		Commands: []string{"rcpt"}, Needs: []Need{NeedMailbox}, Summary: "x"}
	g.Expect(r.Validate()).To(Succeed())
	g.Expect(r.Labels()).To(Equal([]string{"RFC5321-3.3-rcpt-before-mail", "MUST", "rfc5321:3.3", "rfc5321:4.1.4", "rfc7504:3", "RCPT", "needs:mailbox"}))
	g.Expect(Requirement{ID: "RFC5321-F.1-turn", Section: "RFC 5321 App. F.1 §F.1", Level: Should, Commands: []string{"TURN"}, Summary: "x"}.Labels()).To(ContainElement("rfc5321:F.1"))

	bad := r
	bad.ID = "rcpt before mail"
	g.Expect(bad.Validate()).To(MatchError(ContainSubstring("not of the form")))
	bad = r
	bad.Level = "MUST (syntax)"
	g.Expect(bad.Validate()).To(MatchError(ContainSubstring("level")))
	bad = r
	bad.Section = "somewhere"
	g.Expect(bad.Validate()).To(MatchError(ContainSubstring("cites no RFC section")))
}

func TestConfigure(t *testing.T) {
	g := NewWithT(t)
	Configure(Config{Target: "127.0.0.1:25", Mailbox: "alice@example.test"})
	g.Expect(Current().UnknownMailbox).To(HaveSuffix("@example.test"))
	g.Expect(Current().ForeignRecipient).To(HaveSuffix("@example.net"))
	g.Expect(Current().Domain()).To(Equal("example.test"))
}
