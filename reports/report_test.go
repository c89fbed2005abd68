package reports

import (
	"bytes"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/smtpspec/smtpspec/suites/framework"
)

func entry(name string, v any) types.ReportEntry {
	return types.ReportEntry{Name: name, Value: types.WrapEntryValue(v)}
}

func spec(id string, level framework.Level, state types.SpecState, v *framework.VerdictRecord, msg string) types.SpecReport {
	sr := types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "does " + id, State: state,
		LeafNodeLabels: []string{id, string(level), "rfc5321:3.3", "RCPT"}}
	sr.Failure.Message = msg
	sr.ReportEntries = append(sr.ReportEntries, entry(framework.EntryRequirement, framework.Requirement{ID: id, Section: "RFC 5321 §3.3", Level: level, Commands: []string{"RCPT"}, Summary: "s"}))
	if v != nil {
		sr.ReportEntries = append(sr.ReportEntries, entry(framework.EntryVerdict, *v))
	}
	sr.ReportEntries = append(sr.ReportEntries, entry(framework.EntryCodes, framework.CodeCounts{"RCPT": {503: 1}}))
	return sr
}

func TestBuild(t *testing.T) {
	g := NewWithT(t)
	warn := framework.Finding{Verdict: framework.Warn, Rule: "B", Expected: "550", Actual: `"554 no\r\n"`}
	gr := types.Report{SpecReports: types.SpecReports{
		spec("A", framework.Must, types.SpecStatePassed, &framework.VerdictRecord{Verdict: framework.Pass}, ""),
		spec("B", framework.Should, types.SpecStatePassed, &framework.VerdictRecord{Verdict: framework.Warn, Findings: []framework.Finding{warn}}, ""),
		spec("C", framework.Must, types.SpecStateFailed, &framework.VerdictRecord{Verdict: framework.Fail, Reason: "boom"}, "boom"),
		spec("D", framework.Must, types.SpecStateSkipped, &framework.VerdictRecord{Verdict: framework.NotApplicable, Reason: "not applicable: no mailbox"}, "not applicable: no mailbox"),
		spec("E", framework.Must, types.SpecStateFailed, &framework.VerdictRecord{Verdict: framework.Error, Reason: "ERROR: x"}, "ERROR: x"),
		spec("F", framework.Must, types.SpecStateSkipped, nil, ""),
	}}
	r := Build(gr, Suite{Name: "smtpspec", Version: "t"}, Target{Address: "127.0.0.1:25"})
	g.Expect(r.Schema).To(Equal(SchemaVersion))
	g.Expect(r.Summary).To(Equal(Summary{Total: 6, Pass: 1, Fail: 1, Warn: 1, NotApplicable: 1, Error: 1, NotRun: 1, Outcome: "failure"}))
	g.Expect(r.Codes).To(Equal(framework.CodeCounts{"RCPT": {503: 6}}))
	var failing []string
	for _, res := range r.Failing() {
		failing = append(failing, res.ID)
	}
	g.Expect(failing).To(Equal([]string{"C"}))

	strict := Build(gr, Suite{Strict: true}, Target{})
	failing = nil
	for _, res := range strict.Failing() {
		failing = append(failing, res.ID)
	}
	g.Expect(failing).To(Equal([]string{"B", "C"}), "--strict makes WARN fail")

	var out bytes.Buffer
	r.WriteSummary(&out)
	g.Expect(out.String()).To(ContainSubstring("6 specs: 1 PASS, 1 FAIL, 1 WARN, 1 NOT APPLICABLE, 1 ERROR, 1 not run (failure)"))
	g.Expect(out.String()).To(ContainSubstring("FAIL  C [MUST] boom"))
	g.Expect(out.String()).To(ContainSubstring(`WARN  B [SHOULD] expected 550, got "554 no\r\n"`))
}

func TestOutcome(t *testing.T) {
	g := NewWithT(t)
	g.Expect(summarise([]Result{{Verdict: framework.Pass}}).Outcome).To(Equal("success"))
	g.Expect(summarise([]Result{{Verdict: framework.Pass}, {Verdict: framework.NotApplicable}}).Outcome).To(Equal("partial"))
	g.Expect(summarise([]Result{{Verdict: framework.Warn}}).Outcome).To(Equal("success"))
	g.Expect(summarise([]Result{{Verdict: framework.Pass}, {Verdict: "NOT RUN"}}).Outcome).To(Equal("success"), "specs filtered out do not make a run partial")
}
