// Package reports turns Ginkgo's report of a run into smtpspec's compliance
// report: a typed, versioned schema (SchemaVersion), the console summary and
// the machine-readable files (report.json, and junit.xml through Ginkgo's
// own JUnit reporter).
package reports

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/catalog"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// SchemaVersion names the layout of report.json. It changes only when a
// field is removed or changes meaning. reports/schema/report.schema.json
// describes it (SchemaFile; Validate checks a report against it).
const SchemaVersion = "smtpspec.report/v3"

// Report is the compliance report of one run (schema SchemaVersion). Build
// or BuildReport makes it from Ginkgo's report of the run and the Meta the
// runner knows; Decode reads it back from report.json.
type Report struct {
	Schema string `json:"schema"`
	// Tool is the suite that produced the report.
	Tool Tool `json:"tool"`
	// Run is how the suite ran: the reproducing command line, the options,
	// the profile and TLS mode.
	Run Run `json:"run"`
	// Target is the server tested, with its greeting and EHLO reply.
	Target Target `json:"target"`
	// Implementation is what the user said the target is (optional).
	Implementation *Implementation `json:"implementation,omitempty"`
	Started        time.Time       `json:"started"`
	Finished       time.Time       `json:"finished"`
	// Duration is Finished - Started, in seconds.
	Duration float64 `json:"durationSeconds"`
	// Interrupted is true when the run was stopped before every spec ran;
	// StopReason says why (an interrupt, or the target going away).
	Interrupted bool   `json:"interrupted"`
	StopReason  string `json:"stopReason,omitempty"`
	// Summary counts verdicts.
	Summary Summary `json:"summary"`
	// Rollups count verdicts per RFC, section, feature, command and level.
	Rollups Rollups `json:"rollups"`
	// ReplyCodes is the reply-code matrix: per command, the codes the server
	// produced, each marked when RFC 5321 §4.3.2 does not list it for the
	// command.
	ReplyCodes []CodeRow `json:"replyCodes"`
	// Codes counts, per command, the reply codes the server produced (the
	// same data as ReplyCodes, as a map).
	Codes framework.CodeCounts `json:"codes"`
	// Results holds one entry per spec, in run order.
	Results []Result `json:"results"`
	// Observations are what the reply validator (and the close rule of
	// RFC 5321 §3.8) found while the specs ran, under their own rules:
	// one entry per rule, command and reply, listing every spec that saw
	// it. They do not change any spec's verdict; a FAIL among them fails
	// the run.
	Observations []Observation `json:"observations,omitempty"`
	// Comparison is the regression gate's view, when the run had a
	// baseline (WithBaseline).
	Comparison *Diff `json:"comparison,omitempty"`
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

// Suite identifies the suite that produced the report: the older input of
// Build (BuildReport takes a Meta).
type Suite struct {
	Name    string
	Version string
	Command string // the command line that reproduces the run
	Strict  bool
}

// Target identifies what was tested.
type Target struct {
	Address  string `json:"address"`
	Embedded bool   `json:"embedded"` // the embedded reference server
	// Greeting is the server's greeting, its octets as a string.
	Greeting string `json:"greeting,omitempty"`
	// Ehlo is the text of each line of the server's EHLO reply (the code
	// and separator removed), the first being its domain line.
	Ehlo []string `json:"ehlo,omitempty"`
	// Capabilities are the extensions the EHLO reply lists: keyword
	// (upper-cased) and parameters.
	Capabilities []Capability `json:"capabilities,omitempty"`
}

// Capability is one EHLO keyword line (RFC 5321 §4.1.1.1).
type Capability struct {
	Keyword string   `json:"keyword"`
	Params  []string `json:"params,omitempty"`
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
	ID string `json:"id"`
	// Title states the requirement in one sentence (the catalogue's).
	Title string `json:"title"`
	// RFC is the number of the RFC the requirement quotes (0: unknown).
	RFC int `json:"rfc,omitempty"`
	// Section cites every section the requirement relies on:
	// "RFC 5321 §3.3, §4.1.4".
	Section  string          `json:"section"`
	Level    framework.Level `json:"level"`
	Feature  string          `json:"feature,omitempty"`
	Commands []string        `json:"commands"`
	// Spec is the spec's text.
	Spec    string            `json:"spec"`
	Verdict framework.Verdict `json:"verdict"`
	Failing bool              `json:"failing"` // counts against the exit code
	Reason  string            `json:"reason,omitempty"`
	// Sent, Expected and Actual are the evidence the verdict rests on: the
	// spec's own finding for a FAIL or WARN, the last expectation it
	// checked for a PASS (absent when the spec judged otherwise).
	Sent     string              `json:"sent,omitempty"`
	Expected string              `json:"expected,omitempty"`
	Actual   string              `json:"actual,omitempty"`
	Findings []framework.Finding `json:"findings,omitempty"`
	// Started is when the spec started; Duration its run time in seconds.
	Started  time.Time            `json:"started,omitzero"`
	Duration float64              `json:"durationSeconds"`
	Codes    framework.CodeCounts `json:"codes,omitempty"`
	// Events is the spec's transcript, one event per write, read or note.
	Events []Event `json:"transcript,omitempty"`
	// Transcript is the transcript as text, one line per protocol line
	// ("   0.004s C: \"EHLO x\\r\\n\""). It is not in report.json (Events
	// is); Decode rebuilds it from Events.
	Transcript string `json:"-"`
	// Quote is the RFC sentence the requirement tests, Keyword its RFC 2119
	// keyword, Link the RFC section online.
	Quote   string `json:"quote,omitempty"`
	Keyword string `json:"keyword,omitempty"`
	Link    string `json:"link,omitempty"`
	// observations are the findings under other rules this spec made;
	// Build gathers them into Report.Observations.
	observations []framework.Finding
}

// Build makes the compliance report from Ginkgo's report, with what the
// older callers know (see BuildReport, which takes a Meta).
func Build(r types.Report, suite Suite, target Target) Report {
	m := Meta{Tool: ToolInfo(suite.Version), Target: target.Address, Embedded: target.Embedded,
		Command: suite.Command, Strict: suite.Strict}
	if suite.Name != "" {
		m.Tool.Name = suite.Name
	}
	out := BuildReport(r, m)
	if out.Target.Greeting == "" {
		out.Target.Greeting = target.Greeting
		if g, err := strconv.Unquote(target.Greeting); err == nil {
			out.Target.Greeting = g
		}
	}
	return out
}

// BuildReport makes the compliance report from Ginkgo's report r and what
// the runner knows (Meta).
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
func BuildReport(r types.Report, m Meta) Report {
	out := Report{Schema: SchemaVersion, Tool: m.Tool, Started: r.StartTime, Finished: r.EndTime,
		Codes: framework.CodeCounts{}, Results: []Result{}, ReplyCodes: []CodeRow{}}
	if out.Tool.Name == "" {
		out.Tool.Name = "smtpspec"
	}
	if out.Tool.Version == "" {
		out.Tool.Version = "unknown"
	}
	if out.Tool.Commit == "" {
		out.Tool.Commit = "unknown"
	}
	if !m.Started.IsZero() {
		out.Started = m.Started
	}
	if !m.Finished.IsZero() {
		out.Finished = m.Finished
	}
	if !out.Started.IsZero() && out.Finished.After(out.Started) {
		out.Duration = out.Finished.Sub(out.Started).Seconds()
	}
	out.Run = Run{Command: m.Command, Options: RedactOptions(m.Options), Strict: m.Strict, Profile: m.Profile, TLSMode: m.TLSMode}
	if !m.Implementation.IsZero() {
		impl := m.Implementation
		out.Implementation = &impl
	}
	out.Target = Target{Address: m.Target, Embedded: m.Embedded}
	if m.Greeting.Code != 0 {
		out.Target.Greeting = string(m.Greeting.Raw)
	}
	out.StopReason = StopReason(r)
	out.Interrupted = out.StopReason != ""
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		res := resultOf(sr, m.Strict, out.StopReason)
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
	if m.Ehlo.Code == 250 {
		out.Target.Ehlo = append([]string(nil), m.Ehlo.Lines...)
	} else {
		out.Target.Ehlo = ehloFromEvents(out.Results)
	}
	out.Target.Capabilities = capabilities(out.Target.Ehlo)
	out.Observations = gatherObservations(out.Results, m.Strict)
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
	out.Rollups = rollups(out.Results)
	out.ReplyCodes = codeMatrix(out.Codes)
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
	res := Result{Spec: sr.FullText(), Duration: sr.RunTime.Seconds(), Started: sr.StartTime, Commands: []string{}}
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
	var (
		rec   *framework.VerdictRecord
		check *framework.Check
	)
	for _, e := range sr.ReportEntries {
		switch e.Name {
		case framework.EntryRequirement:
			var req framework.Requirement
			if decode(e, &req) == nil {
				res.ID, res.Section, res.Level, res.Title = req.ID, req.Section, req.Level, req.Summary
				if req.Commands != nil {
					res.Commands = req.Commands
				}
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
		case framework.EntryEvents:
			var ev []framework.TranscriptEvent
			if decode(e, &ev) == nil {
				res.Events = eventsOf(ev)
			}
		case framework.EntryCheck:
			var c framework.Check
			if decode(e, &c) == nil {
				check = &c
			}
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
	res.evidence(check)
	if c, ok := catalog.Lookup(res.ID); ok {
		res.RFC, res.Feature = c.RFC, c.Feature
		if res.Title == "" {
			res.Title, res.Quote, res.Keyword, res.Link = c.Title, c.Quote, c.Keyword, c.Link()
		}
	}
	if res.Transcript == "" && len(res.Events) > 0 {
		res.Transcript = TranscriptText(res.Events)
	}
	res.Failing = res.Verdict == framework.Fail || (strict && res.Verdict == framework.Warn)
	return res
}

// evidence fills in Sent, Expected and Actual: from the spec's own finding
// (or else its first) for a verdict other than PASS, from the last check it
// found kept for a PASS.
func (res *Result) evidence(check *framework.Check) {
	switch res.Verdict {
	case framework.Pass:
		if check != nil {
			res.Sent, res.Expected, res.Actual = check.Sent, check.Expected, check.Actual
		}
	case framework.Fail, framework.Warn:
		if len(res.Findings) == 0 {
			return
		}
		f := res.Findings[0]
		for _, g := range res.Findings {
			if g.Rule == res.ID {
				f = g
				break
			}
		}
		res.Sent, res.Expected, res.Actual = f.Sent, f.Expected, f.Actual
		if res.Expected == "" {
			res.Expected = f.Detail
		}
	}
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
