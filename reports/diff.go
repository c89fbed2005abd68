package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// Diff is the regression gate's view of a run against a baseline (an
// earlier report of the same target): which requirements got worse, which
// were fixed, and which failures were there before.
//
// A requirement counts by its verdict and, for the validator's rules, as
// "observed:RULE" with the worst verdict observed under the rule. It is
// failing when its verdict is FAIL, or WARN under strict. It
//
//   - regressed when it is failing now and was not (PASS → FAIL, and
//     under strict PASS → WARN), or is ERROR now and was not ERROR before;
//   - is fixed when it was failing or ERROR and is now PASS, or WARN
//     without strict;
//   - is a known failure when it is failing (or ERROR) in both;
//   - is new when the baseline does not have it, gone when this run does
//     not (a filter, a suite change); neither makes the run worse. A
//     validator rule is recorded only when a reply breaks it, so one
//     missing from either report counts as PASS there.
//
// Every other change of verdict (PASS → NOT APPLICABLE, WARN → PASS, any
// → NOT RUN) is listed under Changed and does not make it worse either.
type Diff struct {
	Strict      bool     `json:"strict"`
	Baseline    DiffSide `json:"baseline"`
	Current     DiffSide `json:"current"`
	Regressions []Change `json:"regressions"`
	Fixes       []Change `json:"fixes"`
	Known       []Change `json:"known"`
	New         []Change `json:"new"`
	Gone        []Change `json:"gone"`
	Changed     []Change `json:"changed"`
}

// DiffSide names one of the two reports compared.
type DiffSide struct {
	Target   string `json:"target"`
	Name     string `json:"name,omitempty"` // the implementation, when given
	Version  string `json:"version,omitempty"`
	Tool     string `json:"tool"`
	Started  string `json:"started,omitempty"`
	Outcome  string `json:"outcome"`
	Requires int    `json:"requirements"`
}

// Change is one requirement in a Diff.
type Change struct {
	ID    string            `json:"id"`
	Level framework.Level   `json:"level,omitempty"`
	Was   framework.Verdict `json:"was,omitempty"`
	Now   framework.Verdict `json:"now,omitempty"`
	// Why is the first line of the current (or, when gone, the earlier)
	// reason.
	Why string `json:"why,omitempty"`
}

// observedPrefix names a validator rule among the requirements compared.
const observedPrefix = "observed:"

// Worse reports whether any requirement regressed.
func (d Diff) Worse() bool { return len(d.Regressions) > 0 }

// entryOf is one requirement's verdict in a report, for comparing.
type entryOf struct {
	level   framework.Level
	verdict framework.Verdict
	why     string
}

// verdicts returns every requirement's verdict and the order of the IDs:
// the results, then one "observed:RULE" per validator rule.
func verdicts(r Report) (map[string]entryOf, []string) {
	m := map[string]entryOf{}
	var order []string
	for _, res := range r.Results {
		if _, ok := m[res.ID]; !ok {
			order = append(order, res.ID)
		}
		m[res.ID] = entryOf{res.Level, res.Verdict, firstLine(res)}
	}
	for _, o := range r.Observations {
		id := observedPrefix + o.Rule
		e, ok := m[id]
		if !ok {
			order = append(order, id)
			e = entryOf{o.Level, o.Verdict, o.Detail}
		}
		if o.Verdict == framework.Fail && e.verdict != framework.Fail {
			e = entryOf{o.Level, o.Verdict, o.Detail}
		}
		m[id] = e
	}
	return m, order
}

// Compare compares the current report with a baseline. strict makes WARN
// count as failing (as --strict does for the exit code).
func Compare(baseline, current Report, strict bool) Diff {
	d := Diff{Strict: strict, Baseline: sideOf(baseline), Current: sideOf(current),
		Regressions: []Change{}, Fixes: []Change{}, Known: []Change{}, New: []Change{}, Gone: []Change{}, Changed: []Change{}}
	failing := func(v framework.Verdict) bool { return v == framework.Fail || (strict && v == framework.Warn) }
	old, oldOrder := verdicts(baseline)
	now, order := verdicts(current)
	for _, id := range order {
		n := now[id]
		o, had := old[id]
		if !had && strings.HasPrefix(id, observedPrefix) && len(baseline.Results) > 0 {
			// A rule of the validator is recorded only when a reply breaks
			// it: a baseline without it saw it kept.
			o, had = entryOf{n.level, framework.Pass, ""}, true
		}
		c := Change{ID: id, Level: n.level, Was: o.verdict, Now: n.verdict, Why: n.why}
		switch {
		case !had:
			if n.verdict != framework.Pass {
				d.New = append(d.New, c)
			}
		case failing(n.verdict) && !failing(o.verdict),
			n.verdict == framework.Error && o.verdict != framework.Error:
			d.Regressions = append(d.Regressions, c)
		case (failing(o.verdict) || o.verdict == framework.Error) && (n.verdict == framework.Pass || n.verdict == framework.Warn && !strict):
			d.Fixes = append(d.Fixes, c)
		case failing(n.verdict) || n.verdict == framework.Error:
			d.Known = append(d.Known, c)
		case n.verdict != o.verdict:
			d.Changed = append(d.Changed, c)
		}
	}
	for _, id := range oldOrder {
		if _, ok := now[id]; ok {
			continue
		}
		o := old[id]
		if strings.HasPrefix(id, observedPrefix) && len(current.Results) > 0 {
			// Not observed now: the replies kept the rule.
			c := Change{ID: id, Level: o.level, Was: o.verdict, Now: framework.Pass}
			if failing(o.verdict) {
				d.Fixes = append(d.Fixes, c)
			} else if o.verdict != framework.Pass {
				d.Changed = append(d.Changed, c)
			}
			continue
		}
		d.Gone = append(d.Gone, Change{ID: id, Level: o.level, Was: o.verdict, Why: o.why})
	}
	return d
}

func sideOf(r Report) DiffSide {
	s := DiffSide{Target: r.Target.Address, Tool: strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version),
		Outcome: r.Summary.Outcome, Requires: len(r.Results)}
	if r.Implementation != nil {
		s.Name, s.Version = r.Implementation.Name, r.Implementation.Version
	}
	if !r.Started.IsZero() {
		s.Started = r.Started.UTC().Format("2006-01-02 15:04:05Z")
	}
	return s
}

// label names a side for people: "Postfix 3.7 (127.0.0.1:25)".
func (s DiffSide) label() string {
	name := strings.TrimSpace(s.Name + " " + s.Version)
	switch {
	case name != "" && s.Target != "":
		name += " (" + s.Target + ")"
	case name == "":
		name = s.Target
	}
	if s.Started != "" {
		name += ", " + s.Started
	}
	return name
}

// WriteText renders the diff for the console.
func (d Diff) WriteText(w io.Writer) {
	fmt.Fprintf(w, "baseline: %s\ncurrent:  %s\n", d.Baseline.label(), d.Current.label())
	verdict := "not worse"
	if d.Worse() {
		verdict = "WORSE"
	}
	strict := ""
	if d.Strict {
		strict = ", --strict"
	}
	fmt.Fprintf(w, "%s: %s, %s, %s, %d new, %d gone, %s%s\n", verdict, plural(len(d.Regressions), "regression"),
		plural(len(d.Fixes), "fix"), plural(len(d.Known), "known failure"), len(d.New), len(d.Gone), plural(len(d.Changed), "other change"), strict)
	for _, g := range d.groups() {
		if len(g.list) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s:\n", g.title)
		for _, c := range g.list {
			fmt.Fprintf(w, "  %-56s %-7s %s\n", c.ID, c.Level, c.transition())
			if c.Why != "" && g.why {
				fmt.Fprintf(w, "      %s\n", clip(c.Why, 160))
			}
		}
	}
}

// WriteMarkdown renders the diff as Markdown (a pull-request comment).
func (d Diff) WriteMarkdown(w io.Writer) {
	verdict := "no regression"
	if d.Worse() {
		verdict = "**" + plural(len(d.Regressions), "regression") + "**"
	}
	fmt.Fprintf(w, "Compared with the baseline (%s): %s, %s, %s", mdEscape(d.Baseline.label()), verdict, plural(len(d.Fixes), "fix"), plural(len(d.Known), "known failure"))
	if len(d.New) > 0 {
		fmt.Fprintf(w, ", %d new", len(d.New))
	}
	if len(d.Gone) > 0 {
		fmt.Fprintf(w, ", %d gone", len(d.Gone))
	}
	fmt.Fprintln(w, ".")
	for _, g := range d.groups() {
		if len(g.list) == 0 || !g.markdown {
			continue
		}
		fmt.Fprintf(w, "\n**%s**\n\n| Requirement | Level | Verdict | Why |\n| --- | --- | --- | --- |\n", g.title)
		for i, c := range g.list {
			if i == maxMarkdownRows {
				fmt.Fprintf(w, "| … and %d more | | | |\n", len(g.list)-i)
				break
			}
			fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", c.ID, c.Level, c.transition(), mdEscape(clip(c.Why, 140)))
		}
	}
}

type changeGroup struct {
	title         string
	list          []Change
	why, markdown bool
}

func (d Diff) groups() []changeGroup {
	return []changeGroup{
		{"Regressions", d.Regressions, true, true},
		{"Fixes", d.Fixes, false, true},
		{"Known failures (failing in the baseline too)", d.Known, true, true},
		{"New (not in the baseline)", d.New, true, true},
		{"Gone (not in this run)", d.Gone, false, false},
		{"Other changes", d.Changed, false, false},
	}
}

func (c Change) transition() string {
	switch {
	case c.Was == "":
		return string(c.Now)
	case c.Now == "":
		return string(c.Was) + " → (absent)"
	}
	return string(c.Was) + " → " + string(c.Now)
}

// GateFails reports whether the run fails the gate: with a baseline
// (WithBaseline), only when a requirement regressed; without one, when the
// run fails (Fails). The runner's exit code is 1 exactly then.
func (r Report) GateFails() bool {
	if r.Comparison != nil {
		return r.Comparison.Worse()
	}
	return r.Fails()
}

// WithBaseline returns r with its Comparison against baseline set (under
// r's own strictness).
func (r Report) WithBaseline(baseline Report) Report {
	d := Compare(baseline, r, r.Run.Strict)
	r.Comparison = &d
	return r
}

// UnmarshalJSON reads a result of report.json: schema v3's transcript
// events, or schema v2's transcript text. Transcript gets the text either
// way.
func (res *Result) UnmarshalJSON(b []byte) error {
	type plain Result
	var aux struct {
		*plain
		Events json.RawMessage `json:"transcript"`
		Title  string          `json:"title"`
		V2     string          `json:"summary"`
	}
	aux.plain = (*plain)(res)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	res.Title = aux.Title
	if res.Title == "" {
		res.Title = aux.V2
	}
	switch raw := strings.TrimSpace(string(aux.Events)); {
	case raw == "" || raw == "null":
	case raw[0] == '"':
		return json.Unmarshal(aux.Events, &res.Transcript)
	default:
		if err := json.Unmarshal(aux.Events, &res.Events); err != nil {
			return err
		}
		res.Transcript = TranscriptText(res.Events)
	}
	return nil
}

// ReadReport reads and decodes a report.json (schema v3, or v2 for a
// baseline written by an earlier smtpspec). The error is one line.
func ReadReport(path string) (Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return Report{}, fmt.Errorf("%s: %v", path, err)
	}
	return DecodeReport(path, b)
}

// DecodeReport decodes a report.json's bytes; name names them in errors.
func DecodeReport(name string, b []byte) (Report, error) {
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Report{}, fmt.Errorf("%s: not a report.json: %v", name, err)
	}
	// No schema validation here: a report of a later smtpspec may carry
	// fields this one does not know, and a baseline should still read.
	switch head.Schema {
	case SchemaVersion, "smtpspec.report/v2":
	default:
		return Report{}, fmt.Errorf("%s: not an smtpspec report (schema %q; want %s or smtpspec.report/v2)", name, head.Schema, SchemaVersion)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return Report{}, fmt.Errorf("%s: %v", name, oneLine(err.Error()))
	}
	for i, res := range r.Results {
		if res.ID == "" || res.Verdict == "" {
			return Report{}, fmt.Errorf("%s: result %d has no id or verdict", name, i+1)
		}
	}
	if head.Schema != SchemaVersion {
		var v2 struct {
			Suite struct {
				Name, Version, Command string
				Strict                 bool
			} `json:"suite"`
		}
		_ = json.Unmarshal(b, &v2)
		r.Tool = Tool{Name: v2.Suite.Name, Version: v2.Suite.Version, Commit: "unknown"}
		r.Run.Command, r.Run.Strict = v2.Suite.Command, v2.Suite.Strict
	}
	return r, nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return clip(s, 300)
}
