// Package reports turns Ginkgo's report of a run into smtpspec's compliance
// report: a typed, versioned schema (SchemaVersion), the console summary and
// the machine-readable files (report.json, and junit.xml through Ginkgo's
// own JUnit reporter).
package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/catalog"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// SchemaVersion names the layout of report.json. It changes only when a
// field is removed or changes meaning.
const SchemaVersion = "smtpspec.report/v2"

// Report is the compliance report of one run.
type Report struct {
	Schema   string    `json:"schema"`
	Suite    Suite     `json:"suite"`
	Target   Target    `json:"target"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Interrupted is true when the run was stopped before every spec ran;
	// StopReason says why (an interrupt, or the target going away).
	Interrupted bool   `json:"interrupted"`
	StopReason  string `json:"stopReason,omitempty"`
	// Summary counts verdicts.
	Summary Summary `json:"summary"`
	// Codes counts, per command, the reply codes the server produced.
	Codes framework.CodeCounts `json:"codes"`
	// Results holds one entry per spec, in run order.
	Results []Result `json:"results"`
	// Observations are what the reply validator (and the close rule of
	// RFC 5321 §3.8) found while the specs ran, under their own rules:
	// one entry per rule, command and reply, listing every spec that saw
	// it. They do not change any spec's verdict; a FAIL among them fails
	// the run.
	Observations []Observation `json:"observations,omitempty"`
}

// Observation is one finding under a rule of the reply validator, made
// once or more while the specs ran.
type Observation struct {
	framework.Finding
	// Level is the rule's level (its quoted sentence's keyword).
	Level framework.Level `json:"level,omitempty"`
	// Quote is the RFC sentence of the rule.
	Quote string `json:"quote,omitempty"`
	// Specs are the specs that saw it, in run order.
	Specs []string `json:"specs"`
	// Failing: it counts against the exit code (a FAIL, or a WARN under
	// --strict).
	Failing bool `json:"failing"`
}

// Suite identifies the suite that produced the report.
type Suite struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Command string `json:"command"` // the command line that reproduces the run
	Strict  bool   `json:"strict"`
}

// Target identifies what was tested.
type Target struct {
	Address  string `json:"address"`
	Embedded bool   `json:"embedded"` // the embedded reference server
	Greeting string `json:"greeting,omitempty"`
}

// Summary counts verdicts.
type Summary struct {
	Total         int `json:"total"`
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Warn          int `json:"warn"`
	NotApplicable int `json:"notApplicable"`
	Error         int `json:"error"`
	NotRun        int `json:"notRun"`
	// ObservedFail and ObservedWarn count the observations (findings under
	// the validator's own rules, see Report.Observations).
	ObservedFail int `json:"observedFail"`
	ObservedWarn int `json:"observedWarn"`
	// Outcome rolls the run up, as the exit code does: "pass" (every
	// applicable requirement kept), "pass with warnings" (a SHOULD missed
	// or a tolerated deviation, nothing failed), "fail" (a MUST broken, or
	// a WARN under --strict; exit 1) or "incomplete" (nothing failed, but
	// specs could not be tested (ERROR) or the run stopped early (NOT
	// RUN); exit 3). NOT APPLICABLE alone leaves a run complete.
	Outcome string `json:"outcome"`
}

// Result is the verdict on one requirement.
type Result struct {
	ID         string               `json:"id"`
	Section    string               `json:"section"`
	Level      framework.Level      `json:"level"`
	Commands   []string             `json:"commands"`
	Summary    string               `json:"summary"`
	Spec       string               `json:"spec"`
	Verdict    framework.Verdict    `json:"verdict"`
	Failing    bool                 `json:"failing"` // counts against the exit code
	Reason     string               `json:"reason,omitempty"`
	Findings   []framework.Finding  `json:"findings,omitempty"`
	Duration   float64              `json:"durationSeconds"`
	Codes      framework.CodeCounts `json:"codes,omitempty"`
	Transcript string               `json:"transcript,omitempty"`
	// Quote is the RFC sentence the requirement tests, Keyword its RFC 2119
	// keyword, Link the RFC section online.
	Quote   string `json:"quote,omitempty"`
	Keyword string `json:"keyword,omitempty"`
	Link    string `json:"link,omitempty"`
	// observations are the findings under other rules this spec made;
	// Build gathers them into Report.Observations.
	observations []framework.Finding
}

// Build makes the compliance report from Ginkgo's report.
//
// A run that stopped early (an interrupt, the deadline, an abort) says why in
// StopReason: the message of the spec that aborted the run, else the
// report's special suite failure reasons (the runner rewrites Ginkgo's
// generic ones, "Interrupted by User" and "Suite Timeout Elapsed", into
// its own words before it calls Build). In such a run the spec that was
// running and every spec that had not started are NOT RUN, never PASS,
// FAIL or ERROR. Specs that a filter left out should be removed from r
// before Build: any spec Ginkgo skipped without a message is taken as not
// run.
func Build(r types.Report, suite Suite, target Target) Report {
	out := Report{Schema: SchemaVersion, Suite: suite, Target: target, Started: r.StartTime, Finished: r.EndTime,
		Codes: framework.CodeCounts{}}
	out.StopReason = StopReason(r)
	out.Interrupted = out.StopReason != ""
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		res := resultOf(sr, suite.Strict, out.StopReason)
		out.Results = append(out.Results, res)
		for verb, m := range res.Codes {
			for code, n := range m {
				if out.Codes[verb] == nil {
					out.Codes[verb] = map[int]int{}
				}
				out.Codes[verb][code] += n
			}
		}
	}
	out.Observations = gatherObservations(out.Results, suite.Strict)
	out.Summary = summarise(out.Results)
	for _, o := range out.Observations {
		switch o.Verdict {
		case framework.Fail:
			out.Summary.ObservedFail++
		case framework.Warn:
			out.Summary.ObservedWarn++
		}
	}
	out.Summary.Outcome = out.outcome()
	return out
}

// StopReason says why the run of r stopped before every spec ran, or ""
// when it did not: the message of the spec that aborted the run, else the
// special suite failure reasons.
func StopReason(r types.Report) string {
	for _, sr := range r.SpecReports {
		if sr.State.Is(types.SpecStateAborted) && sr.Failure.Message != "" {
			return sr.Failure.Message
		}
	}
	var reasons []string
	for _, why := range r.SpecialSuiteFailureReasons {
		switch why {
		case "Interrupted by User":
			why = "run interrupted"
		case "Suite Timeout Elapsed":
			why = "run stopped: deadline passed"
		}
		if !slices.Contains(reasons, why) {
			reasons = append(reasons, why)
		}
	}
	return strings.Join(reasons, "; ")
}

// cutShort reports whether sr is a spec the end of the run cut short: it was
// running when an interrupt or an abort came, or when the whole run's time
// (Ginkgo's suite timeout, the runner's --deadline) ran out.
func cutShort(sr types.SpecReport) bool {
	switch {
	case sr.State.Is(types.SpecStateInterrupted | types.SpecStateAborted):
		return true
	case sr.State.Is(types.SpecStateTimedout):
		return strings.HasPrefix(sr.Failure.Message, "A suite timeout occurred")
	}
	return false
}

func resultOf(sr types.SpecReport, strict bool, stopReason string) Result {
	res := Result{Spec: sr.FullText(), Duration: sr.RunTime.Seconds()}
	labels := sr.Labels()
	if len(labels) >= 2 {
		// Without a requirement entry (a dry run), the labels tell:
		// ID, level, then rfcNNNN:section and command labels.
		res.ID, res.Level = labels[0], framework.Level(labels[1])
		var sections []string
		lastRFC := ""
		for _, l := range labels[2:] {
			switch {
			case strings.HasPrefix(l, "rfc"):
				rfc, sec, _ := strings.Cut(strings.TrimPrefix(l, "rfc"), ":")
				ref := "§" + sec
				if len(sec) > 0 && sec[0] >= 'A' && sec[0] <= 'Z' {
					ref = "App. " + sec
				}
				if rfc != lastRFC {
					ref = "RFC " + rfc + " " + ref
					lastRFC = rfc
				}
				sections = append(sections, ref)
			case !strings.Contains(l, ":"):
				res.Commands = append(res.Commands, l)
			}
		}
		res.Section = strings.Join(sections, ", ")
	}
	var rec *framework.VerdictRecord
	for _, e := range sr.ReportEntries {
		switch e.Name {
		case framework.EntryRequirement:
			var req framework.Requirement
			if decode(e, &req) == nil {
				res.ID, res.Section, res.Level, res.Commands, res.Summary = req.ID, req.Section, req.Level, req.Commands, req.Summary
				res.Quote, res.Keyword, res.Link = req.Quote, req.Keyword, req.Link
			}
		case framework.EntryVerdict:
			var v framework.VerdictRecord
			if decode(e, &v) == nil {
				rec = &v
			}
		case framework.EntryCodes:
			var c framework.CodeCounts
			if decode(e, &c) == nil {
				res.Codes = c
			}
		case framework.EntryTranscript:
			res.Transcript = e.StringRepresentation()
		case framework.EntryObservations:
			var obs []framework.Finding
			if decode(e, &obs) == nil {
				res.observations = obs
			}
		}
	}
	stopped := func() string {
		if stopReason != "" {
			return "not run: " + stopReason
		}
		return "not run: the run stopped first"
	}
	switch {
	case cutShort(sr):
		// Whatever the spec had seen, the stop came before it could
		// settle a verdict it can stand by (rule: a spec cut short has
		// none).
		res.Verdict, res.Reason = framework.NotRun, stopped()
		if sr.State.Is(types.SpecStateAborted) && sr.Failure.Message != "" && sr.Failure.Message != stopReason {
			res.Reason = "not run: " + sr.Failure.Message
		}
	case rec != nil:
		res.Verdict, res.Reason, res.Findings = rec.Verdict, rec.Reason, rec.Findings
	case sr.State == types.SpecStateSkipped && sr.Failure.Message == "" && stopReason != "":
		res.Verdict, res.Reason = framework.NotRun, stopped()
	case sr.State == types.SpecStateSkipped && sr.Failure.Message == "":
		res.Verdict, res.Reason = framework.NotRun, "not run (filtered out)"
	case sr.State.Is(types.SpecStateSkipped):
		res.Verdict, res.Reason = framework.NotApplicable, sr.Failure.Message
	case sr.State.Is(types.SpecStatePending):
		res.Verdict, res.Reason = framework.NotRun, "pending"
	case sr.State == types.SpecStatePassed && stopReason != "":
		// A listing of specs the run never started (the runner stopped
		// before them, for example in its preflight).
		res.Verdict, res.Reason = framework.NotRun, stopped()
	case sr.State == types.SpecStatePassed:
		// Only a dry run passes a spec without a verdict entry.
		res.Verdict, res.Reason = framework.NotRun, "dry run"
	default:
		res.Verdict, res.Reason = framework.Error, strings.TrimSpace(sr.State.String()+": "+sr.Failure.Message)
	}
	if res.Verdict == framework.NotRun {
		res.Findings = nil
	}
	res.Failing = res.Verdict == framework.Fail || (strict && res.Verdict == framework.Warn)
	return res
}

// decode reads a report entry's value back into v. In-process the value is
// the original Go value; from a JSON report it is its JSON form.
func decode(e types.ReportEntry, v any) error {
	raw := e.Value.AsJSON
	if raw == "" {
		b, err := json.Marshal(e.Value.GetRawValue())
		if err != nil {
			return err
		}
		raw = string(b)
	}
	return json.Unmarshal([]byte(raw), v)
}

func summarise(results []Result) Summary {
	var s Summary
	for _, r := range results {
		s.Total++
		switch r.Verdict {
		case framework.Pass:
			s.Pass++
		case framework.Fail:
			s.Fail++
		case framework.Warn:
			s.Warn++
		case framework.NotApplicable:
			s.NotApplicable++
		case framework.Error:
			s.Error++
		default: // NOT RUN
			s.NotRun++
		}
	}
	return s
}

// Outcomes of a run (Summary.Outcome).
const (
	OutcomePass       = "pass"
	OutcomeWarnings   = "pass with warnings"
	OutcomeFail       = "fail"
	OutcomeIncomplete = "incomplete"
)

// outcome rolls the report up (see Summary.Outcome). Specs a filter left
// out are not in the report, so they change nothing.
func (r Report) outcome() string {
	s := r.Summary
	switch {
	case r.Fails():
		return OutcomeFail
	case s.Error > 0 || r.Interrupted:
		return OutcomeIncomplete
	case s.Warn > 0 || s.ObservedWarn > 0:
		return OutcomeWarnings
	}
	return OutcomePass
}

// gatherObservations merges the specs' findings under other rules: one
// Observation per rule, command sent and reply, with every spec that saw
// it. A spec that did not run to a verdict contributes none.
func gatherObservations(results []Result, strict bool) []Observation {
	var out []Observation
	index := map[string]int{}
	for _, res := range results {
		if res.Verdict == framework.NotRun {
			continue
		}
		for _, f := range res.observations {
			key := f.Rule + "\x00" + f.Sent + "\x00" + f.Actual
			i, ok := index[key]
			if !ok {
				o := Observation{Finding: f}
				if c, ok := catalog.Lookup(f.Rule); ok {
					o.Level, o.Quote = c.Level, c.Quote
				}
				o.Failing = f.Verdict == framework.Fail || (strict && f.Verdict == framework.Warn)
				i = len(out)
				index[key] = i
				out = append(out, o)
			}
			if !slices.Contains(out[i].Specs, res.ID) {
				out[i].Specs = append(out[i].Specs, res.ID)
			}
		}
	}
	return out
}

// Fails reports whether the run failed: a requirement or an observation
// counts against the exit code.
func (r Report) Fails() bool {
	if len(r.Failing()) > 0 {
		return true
	}
	for _, o := range r.Observations {
		if o.Failing {
			return true
		}
	}
	return false
}

// Failing returns the results that count against the exit code.
func (r Report) Failing() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Failing {
			out = append(out, res)
		}
	}
	return out
}

// WriteJSON writes the report to path, indented.
func (r Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("reports: encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	return nil
}

// WriteJUnit writes Ginkgo's own JUnit report of the run to path.
func WriteJUnit(r types.Report, path string) error {
	if err := reporters.GenerateJUnitReportWithConfig(r, path, reporters.JunitReportConfig{OmitLeafNodeType: true}); err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	return nil
}

// WriteListing writes the report of a dry run (every spec NOT RUN, with its
// metadata) as report.json in dir.
func WriteListing(dir string, r Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: create %s: %w", dir, err)
	}
	return r.WriteJSON(filepath.Join(dir, "report.json"))
}

// WriteAll writes report.json and junit.xml into dir, creating it.
func WriteAll(dir string, gr types.Report, r Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: create %s: %w", dir, err)
	}
	if err := r.WriteJSON(filepath.Join(dir, "report.json")); err != nil {
		return err
	}
	return WriteJUnit(JUnitView(gr, r), filepath.Join(dir, "junit.xml"))
}

// JUnitView returns gr with every spec that r says is NOT RUN shown as
// skipped, with the reason, so that junit.xml gives no pass, failure or
// error to a spec the run cut short. gr must be the report r was built
// from (its It specs pair with r.Results in order).
func JUnitView(gr types.Report, r Report) types.Report {
	out := gr
	out.SpecReports = make(types.SpecReports, len(gr.SpecReports))
	copy(out.SpecReports, gr.SpecReports)
	i := 0
	for j, sr := range out.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		if i < len(r.Results) && r.Results[i].Verdict == framework.NotRun {
			sr.State = types.SpecStateSkipped
			sr.Failure = types.Failure{Message: string(framework.NotRun) + ": " + strings.TrimPrefix(r.Results[i].Reason, "not run: ")}
			out.SpecReports[j] = sr
		}
		i++
	}
	return out
}
