package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// TestSummaryHints: specs NOT APPLICABLE for lack of --mailbox or
// --auth-user are counted in a hint that says what to give; other NOT
// APPLICABLE specs are not.
func TestSummaryHints(t *testing.T) {
	g := NewWithT(t)
	na := func(id, why string) types.SpecReport {
		return spec(id, framework.Must, types.SpecStateSkipped, &framework.VerdictRecord{Verdict: framework.NotApplicable, Reason: why}, why)
	}
	gr := types.Report{SpecReports: types.SpecReports{
		na("A", "not applicable: needs a local mailbox the server accepts (pass --mailbox ADDR)"),
		na("B", "not applicable: needs a local mailbox the server accepts (pass --mailbox ADDR)"),
		na("C", "not applicable: needs credentials (pass --auth-user USER)"),
		na("D", "not applicable: SIZE is not advertised in the EHLO reply"),
		spec("E", framework.Must, types.SpecStatePassed, &framework.VerdictRecord{Verdict: framework.Pass}, ""),
	}}
	r := Build(gr, Suite{}, Target{Address: "127.0.0.1:25"})
	g.Expect(r.Hints()).To(Equal([]string{
		"2 specs need --mailbox: give a local recipient the server accepts (--mailbox ADDR)",
		"1 spec needs --auth-user: give a user the server accepts (--auth-user USER, the password in SMTPSPEC_PASSWORD or --auth-password-file)",
	}))
	var out bytes.Buffer
	r.WriteSummary(&out)
	g.Expect(out.String()).To(ContainSubstring("\n  hint: 2 specs need --mailbox: give a local recipient the server accepts"))
	g.Expect(out.String()).To(ContainSubstring("\n  hint: 1 spec needs --auth-user"))

	none := Build(types.Report{SpecReports: gr.SpecReports[3:]}, Suite{}, Target{})
	g.Expect(none.Hints()).To(BeEmpty())
}

// TestSummaryStyle: colour only when asked for, the same text otherwise;
// the spec's line under each FAIL and ERROR.
func TestSummaryStyle(t *testing.T) {
	g := NewWithT(t)
	gr := types.Report{SpecReports: types.SpecReports{
		spec("A", framework.Must, types.SpecStatePassed, &framework.VerdictRecord{Verdict: framework.Pass}, ""),
		spec("C", framework.Must, types.SpecStateFailed, &framework.VerdictRecord{Verdict: framework.Fail, Reason: "boom"}, "boom"),
	}}
	r := Build(gr, Suite{}, Target{Address: "127.0.0.1:25"})
	var plain, styled, colored bytes.Buffer
	r.WriteSummary(&plain)
	r.WriteConsoleSummary(&styled, Style{Locations: map[string]string{"C": "suites/core/rcpt.go:18"}})
	r.WriteConsoleSummary(&colored, Style{Color: true})
	g.Expect(plain.String()).NotTo(ContainSubstring("\x1b"))
	g.Expect(plain.String()).To(ContainSubstring("2 specs: 1 PASS, 1 FAIL, 0 WARN, 0 NOT APPLICABLE, 0 ERROR (fail)\n"))
	g.Expect(styled.String()).To(Equal(strings.Replace(plain.String(), "boom\n", "boom\n        spec: suites/core/rcpt.go:18\n", 1)))
	g.Expect(colored.String()).To(ContainSubstring("\x1b[31m1 FAIL\x1b[0m"))
	g.Expect(colored.String()).To(ContainSubstring("(\x1b[31mfail\x1b[0m)"))
	g.Expect(colored.String()).To(ContainSubstring("  \x1b[31mFAIL \x1b[0m C [MUST] boom"))
}
