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

// TestLevelCapsVerdict: only a MUST-level requirement can FAIL. The same
// violation of a SHOULD, MAY or descriptive requirement is a WARN, whatever
// the spec calls (RFC 2119: only MUST, MUST NOT, REQUIRED and SHALL are
// absolute).
func TestLevelCapsVerdict(t *testing.T) {
	g := NewWithT(t)
	for _, tc := range []struct {
		level Level
		want  Verdict
	}{{Must, Fail}, {Should, Warn}, {May, Warn}} {
		st := &T{Req: Requirement{ID: "RFC5321-0-x", Level: tc.level}, codes: CodeCounts{}}
		var stopped *abort
		func() {
			defer func() {
				if r := recover(); r != nil {
					a := r.(abort)
					stopped = &a
				}
			}()
			st.Failf(Finding{Detail: "broken"})
		}()
		g.Expect(st.warns).To(HaveLen(1), "level %s", tc.level)
		g.Expect(st.warns[0].Verdict).To(Equal(tc.want), "level %s", tc.level)
		if tc.want == Fail {
			g.Expect(stopped).NotTo(BeNil())
			g.Expect(stopped.verdict).To(Equal(Fail))
		} else {
			g.Expect(stopped).To(BeNil(), "a WARN lets the spec go on")
		}
	}
}

// TestFindingsUnderOtherRules: a finding under another rule is recorded
// once as an observation under that rule, and does not become the spec's
// verdict.
func TestFindingsUnderOtherRules(t *testing.T) {
	g := NewWithT(t)
	st := &T{Req: Requirement{ID: "RFC5321-0-x", Level: Must}, codes: CodeCounts{}}
	f := Finding{Rule: "RFC5321-4.2-code-syntax", Sent: `"NOOP\r\n"`, Actual: `"25O ok\r\n"`}
	st.finding(f, Must)
	st.finding(f, Must)
	st.finding(Finding{Rule: "RFC5321-4.3.2-help-codes", Sent: `"HELP\r\n"`, Actual: `"250 ok\r\n"`}, Should)
	g.Expect(st.warns).To(BeEmpty(), "the spec's own verdict is untouched")
	g.Expect(st.observations).To(HaveLen(2), "one observation per rule and reply")
	g.Expect(st.observations[0].Verdict).To(Equal(Fail))
	g.Expect(st.observations[1].Verdict).To(Equal(Warn))
}
