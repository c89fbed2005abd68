package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/suites/framework"
)

func reportOf(vs map[string]framework.Verdict, order ...string) Report {
	r := Report{Schema: SchemaVersion, Target: Target{Address: "127.0.0.1:25"}}
	for _, id := range order {
		r.Results = append(r.Results, Result{ID: id, Level: framework.Must, Verdict: vs[id], Reason: "why " + id})
	}
	return r
}

func ids(cs []Change) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return strings.Join(out, " ")
}

// TestCompare: regressions, fixes, known failures, new and gone are told
// apart; only regressions make a run worse.
func TestCompare(t *testing.T) {
	const (
		P = framework.Pass
		F = framework.Fail
		W = framework.Warn
		N = framework.NotApplicable
		E = framework.Error
		R = framework.NotRun
	)
	order := []string{"pf", "pw", "pe", "ff", "fp", "ee", "ep", "wp", "ww", "pn", "pr", "nf", "fw"}
	old := reportOf(map[string]framework.Verdict{"pf": P, "pw": P, "pe": P, "ff": F, "fp": F, "ee": E, "ep": E, "wp": W, "ww": W, "pn": P, "pr": P, "nf": N, "fw": F, "gone": F},
		append(order, "gone")...)
	now := reportOf(map[string]framework.Verdict{"pf": F, "pw": W, "pe": E, "ff": F, "fp": P, "ee": E, "ep": P, "wp": P, "ww": W, "pn": N, "pr": R, "nf": F, "fw": W, "new": F},
		append(order, "new")...)

	d := Compare(old, now, false)
	for _, c := range []struct{ name, got, want string }{
		{"regressions", ids(d.Regressions), "pf pe nf"},
		{"fixes", ids(d.Fixes), "fp ep fw"},
		{"known", ids(d.Known), "ff ee"},
		{"new", ids(d.New), "new"},
		{"gone", ids(d.Gone), "gone"},
		{"changed", ids(d.Changed), "pw wp pn pr"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if !d.Worse() {
		t.Error("not worse")
	}

	strict := Compare(old, now, true)
	if got := ids(strict.Regressions); got != "pf pw pe nf" {
		t.Errorf("strict regressions %q: PASS → WARN is one under --strict", got)
	}
	if got := ids(strict.Known); got != "ff ee ww fw" {
		t.Errorf("strict known %q", got)
	}

	same := Compare(old, old, false)
	if same.Worse() || len(same.Known) != 6 {
		t.Errorf("a run compared with itself: worse %v, known %q", same.Worse(), ids(same.Known))
	}

	var text, md bytes.Buffer
	d.WriteText(&text)
	d.WriteMarkdown(&md)
	for _, want := range []string{"WORSE: 3 regressions, 3 fixes, 2 known failures", "Regressions:\n  pf", "PASS → FAIL", "Known failures"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text diff lacks %q:\n%s", want, text.String())
		}
	}
	if !strings.Contains(md.String(), "**3 regressions**") || !strings.Contains(md.String(), "| `pf` | MUST | PASS → FAIL |") {
		t.Errorf("markdown diff:\n%s", md.String())
	}
}

// TestCompareObservations: a validator rule observed failing only now is a
// regression, under its "observed:" name.
func TestCompareObservations(t *testing.T) {
	old := reportOf(map[string]framework.Verdict{"a": framework.Pass}, "a")
	now := old
	now.Observations = []Observation{{Finding: framework.Finding{Verdict: framework.Fail, Rule: "RFC5321-2.3.8-reply-crlf", Detail: "bare LF"}, Specs: []string{"a"}, Failing: true}}
	d := Compare(old, now, false)
	if ids(d.Regressions) != "observed:RFC5321-2.3.8-reply-crlf" || !d.Worse() {
		t.Errorf("a rule observed failing only now: regressions %q, worse %v", ids(d.Regressions), d.Worse())
	}
	if back := Compare(now, old, false); ids(back.Fixes) != "observed:RFC5321-2.3.8-reply-crlf" {
		t.Errorf("a rule no longer observed: fixes %q", ids(back.Fixes))
	}
	old.Observations = []Observation{{Finding: framework.Finding{Verdict: framework.Warn, Rule: "RFC5321-2.3.8-reply-crlf"}}}
	d = Compare(old, now, false)
	if ids(d.Regressions) != "observed:RFC5321-2.3.8-reply-crlf" {
		t.Errorf("WARN → FAIL observation: regressions %q", ids(d.Regressions))
	}
}

// TestBaselineInEveryReport: with a baseline, the console summary, the
// HTML and the Markdown list the regressions, and the gate fails only
// for them.
func TestBaselineInEveryReport(t *testing.T) {
	_, r := fixture(t)
	if !r.GateFails() {
		t.Error("without a baseline a FAIL fails the gate")
	}
	if r.WithBaseline(r).GateFails() {
		t.Error("against itself (known failures only) the gate fails")
	}
	base := r
	base.Results = append([]Result(nil), r.Results...)
	for i := range base.Results {
		if base.Results[i].ID == "RFC5321-3.3-rcpt-before-mail" {
			base.Results[i].Verdict = framework.Pass
		}
	}
	cur := r.WithBaseline(base)
	if !cur.GateFails() {
		t.Error("a regression does not fail the gate")
	}
	var console, html bytes.Buffer
	cur.WriteSummary(&console)
	if err := cur.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(console.String(), "Regressions:\n  RFC5321-3.3-rcpt-before-mail") {
		t.Errorf("console:\n%s", console.String())
	}
	if !strings.Contains(html.String(), `<h3>Regressions</h3><ul class="changes"><li><a href="#req-RFC5321-3.3-rcpt-before-mail">`) {
		t.Errorf("the HTML does not list the regression")
	}
	b, _ := cur.JSON()
	if err := Validate(b); err != nil {
		t.Error(err)
	}
}
