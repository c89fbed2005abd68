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
	g.Expect(r.Summary).To(Equal(Summary{Total: 6, Pass: 1, Fail: 1, Warn: 1, NotApplicable: 1, Error: 1, NotRun: 1, Outcome: "fail"}))
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
	g.Expect(out.String()).To(ContainSubstring("6 specs: 1 PASS, 1 FAIL, 1 WARN, 1 NOT APPLICABLE, 1 ERROR, 1 NOT RUN (fail)"))
	g.Expect(out.String()).To(ContainSubstring("FAIL  C [MUST] boom"))
	g.Expect(out.String()).To(ContainSubstring(`WARN  B [SHOULD] expected 550, got "554 no\r\n"`))
}

// TestOutcome: the run's outcome says what the exit code says; NOT
// APPLICABLE alone leaves a run complete.
func TestOutcome(t *testing.T) {
	g := NewWithT(t)
	of := func(strict, interrupted bool, obs []Observation, vs ...framework.Verdict) string {
		r := Report{Interrupted: interrupted, Observations: obs}
		for _, v := range vs {
			r.Results = append(r.Results, Result{Verdict: v, Failing: v == framework.Fail || (strict && v == framework.Warn)})
		}
		r.Summary = summarise(r.Results)
		for _, o := range obs {
			if o.Verdict == framework.Warn {
				r.Summary.ObservedWarn++
			}
		}
		return r.outcome()
	}
	g.Expect(of(false, false, nil, framework.Pass)).To(Equal(OutcomePass))
	g.Expect(of(false, false, nil, framework.Pass, framework.NotApplicable)).To(Equal(OutcomePass), "NOT APPLICABLE is not incomplete")
	g.Expect(of(false, false, nil, framework.Pass, framework.Warn)).To(Equal(OutcomeWarnings))
	g.Expect(of(true, false, nil, framework.Pass, framework.Warn)).To(Equal(OutcomeFail), "--strict")
	g.Expect(of(false, false, nil, framework.Pass, framework.Error)).To(Equal(OutcomeIncomplete))
	g.Expect(of(false, true, nil, framework.Pass, framework.NotRun)).To(Equal(OutcomeIncomplete))
	g.Expect(of(false, false, nil, framework.Fail, framework.Error)).To(Equal(OutcomeFail))
	warn := Observation{Finding: framework.Finding{Verdict: framework.Warn}}
	fail := Observation{Finding: framework.Finding{Verdict: framework.Fail}, Failing: true}
	g.Expect(of(false, false, []Observation{warn}, framework.Pass)).To(Equal(OutcomeWarnings))
	g.Expect(of(false, false, []Observation{fail}, framework.Pass)).To(Equal(OutcomeFail))
}

// TestCutShortIsNotRun: after an interrupt, an abort or the deadline, the
// spec that was running and the specs not started are NOT RUN with the
// reason, whatever verdict the running one had recorded; the specs that
// ended before keep theirs; junit.xml shows them as skipped, not as
// failures or errors.
func TestCutShortIsNotRun(t *testing.T) {
	pass := &framework.VerdictRecord{Verdict: framework.Pass}
	errRec := &framework.VerdictRecord{Verdict: framework.Error, Reason: "ERROR: read: connection closed"}
	cases := []struct {
		name    string
		running types.SpecReport
		reasons []string
		why     string
	}{
		{"interrupt", spec("B", framework.Must, types.SpecStateInterrupted, errRec, "Interrupted by User"), []string{"run interrupted by SIGINT"}, "run interrupted by SIGINT"},
		{"ginkgo interrupt", spec("B", framework.Must, types.SpecStateInterrupted, nil, "Interrupted by User"), []string{"Interrupted by User"}, "run interrupted"},
		{"abort", spec("B", framework.Must, types.SpecStateAborted, nil, "target stopped accepting connections"), nil, "target stopped accepting connections"},
		{"deadline", spec("B", framework.Must, types.SpecStateTimedout, errRec, "A suite timeout occurred"), []string{"Suite Timeout Elapsed"}, "run stopped: deadline passed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			gr := types.Report{SpecialSuiteFailureReasons: tc.reasons, SpecReports: types.SpecReports{
				spec("A", framework.Must, types.SpecStatePassed, pass, ""),
				tc.running,
				spec("C", framework.Must, types.SpecStateSkipped, nil, ""),
			}}
			r := Build(gr, Suite{}, Target{})
			g.Expect(r.Interrupted).To(BeTrue())
			g.Expect(r.StopReason).To(Equal(tc.why))
			g.Expect(r.Summary).To(Equal(Summary{Total: 3, Pass: 1, NotRun: 2, Outcome: "incomplete"}))
			for _, res := range r.Results[1:] {
				g.Expect(res.Verdict).To(Equal(framework.NotRun), res.ID)
				g.Expect(res.Reason).To(ContainSubstring(tc.why), res.ID)
				g.Expect(res.Findings).To(BeEmpty())
			}
			view := JUnitView(gr, r)
			g.Expect(view.SpecReports[0].State).To(Equal(types.SpecStatePassed))
			for _, sr := range view.SpecReports[1:] {
				g.Expect(sr.State).To(Equal(types.SpecStateSkipped))
				g.Expect(sr.Failure.Message).To(HavePrefix("NOT RUN: "))
			}
			g.Expect(gr.SpecReports[1].State).To(Equal(tc.running.State), "JUnitView must not change the report it is given")
			var out bytes.Buffer
			r.WriteSummary(&out)
			g.Expect(out.String()).To(ContainSubstring("2 NOT RUN (incomplete)"))
			g.Expect(out.String()).To(ContainSubstring("the run stopped early (" + tc.why + ")"))
		})
	}
}

// A spec timeout (one spec too slow) is not the deadline: it stays ERROR.
func TestSpecTimeoutIsError(t *testing.T) {
	g := NewWithT(t)
	gr := types.Report{SpecReports: types.SpecReports{spec("A", framework.Must, types.SpecStateTimedout, nil, "A spec timeout occurred")}}
	r := Build(gr, Suite{}, Target{})
	g.Expect(r.Interrupted).To(BeFalse())
	g.Expect(r.Results[0].Verdict).To(Equal(framework.Error))
}
