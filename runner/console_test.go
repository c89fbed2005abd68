package runner

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// TestProgressLine: the terminal's progress line, as the issue writes it,
// with the failures so far, cut to the terminal's width in the ID's middle.
func TestProgressLine(t *testing.T) {
	const id = "RFC5321-3.3-rcpt-before-mail"
	cases := []struct {
		done, total  int
		v            framework.Verdict
		secs         float64
		fails, warns int
		width        int
		want         string
	}{
		{57, 134, framework.Pass, 0.42, 0, 0, 200, "[57/134] " + id + " PASS 0.4s"},
		{57, 134, framework.Fail, 0.04, 1, 0, 200, "[57/134] " + id + " FAIL 0.0s (1 FAIL so far)"},
		{57, 134, framework.Warn, 12.6, 1, 2, 200, "[57/134] " + id + " WARN 12s (1 FAIL, 2 WARN so far)"},
		{3, 134, framework.NotApplicable, 125, 0, 3, 200, "[3/134] " + id + " NOT APPLICABLE 2m5s (3 WARN so far)"},
		{57, 134, framework.Pass, 0.4, 0, 0, 30, "[57/134] RFC53…-mail PASS 0.4s"},
	}
	for _, tc := range cases {
		got := progressLine(tc.done, tc.total, id, tc.v, tc.secs, tc.fails, tc.warns, tc.width)
		if got != tc.want {
			t.Errorf("progressLine(%d, %d, %s, %.2fs, %d, %d, width %d) = %q, want %q", tc.done, tc.total, tc.v, tc.secs, tc.fails, tc.warns, tc.width, got, tc.want)
		}
		if n := utf8.RuneCountInString(got); n > tc.width {
			t.Errorf("%q is %d columns wide, more than %d", got, n, tc.width)
		}
		if strings.ContainsAny(got, "\x1b\r\n") {
			t.Errorf("%q holds control characters", got)
		}
	}
}

// TestConsoleQuietOffTerminal: off a terminal the console writes nothing
// while specs run (CI logs stay clean); on one it rewrites one line in
// place and erases it before the summary.
func TestConsoleQuietOffTerminal(t *testing.T) {
	ends := []specEnd{
		{ID: "A", Verdict: framework.Pass, Seconds: 0.1},
		{ID: "B-with-a-longer-id", Verdict: framework.Fail, Seconds: 0.2},
		{ID: "C", Verdict: framework.Warn, Seconds: 0.3},
	}
	var off bytes.Buffer
	c := newConsole(Options{}, &off, len(ends))
	for _, e := range ends {
		c.specDone(e)
	}
	c.done()
	if off.Len() != 0 {
		t.Errorf("off a terminal the console wrote %q", off.String())
	}

	var on bytes.Buffer
	c = newConsole(Options{}, &on, len(ends))
	c.term = true
	for _, e := range ends {
		c.specDone(e)
	}
	c.done()
	got := on.String()
	if strings.Contains(got, "\n") || strings.Contains(got, "\x1b") {
		t.Errorf("the progress line holds a newline or a colour code without colour: %q", got)
	}
	if !strings.Contains(got, "\r[3/3] C WARN 0.3s (1 FAIL, 1 WARN so far)") {
		t.Errorf("no progress line for the last spec in %q", got)
	}
	if !strings.HasSuffix(got, "\r") || strings.TrimRight(got[strings.LastIndex(got[:len(got)-1], "\r")+1:], "\r ") != "" {
		t.Errorf("the progress line is not erased at the end: %q", got)
	}
}

// TestConsoleVerboseEnds: with --verbose each spec ends with one line
// (verdict, time, line of the spec) and why when it is not a PASS; the
// progress line stays away (the transcripts are the progress).
func TestConsoleVerboseEnds(t *testing.T) {
	var out bytes.Buffer
	c := newConsole(Options{}, &out, 2)
	c.verbose, c.term = true, true
	c.specDone(specEnd{ID: "A", Verdict: framework.Pass, Seconds: 0.1, At: "suites/core/a.go:10"})
	c.specDone(specEnd{ID: "B", Verdict: framework.Fail, Seconds: 0.2, At: "suites/core/b.go:20", Reason: "B [MUST] x\n  Sent: y"})
	c.done()
	want := "--- A PASS 0.1s (suites/core/a.go:10)\n--- B FAIL 0.2s (suites/core/b.go:20)\n    B [MUST] x\n      Sent: y\n"
	if out.String() != want {
		t.Errorf("verbose ends:\n%q\nwant\n%q", out.String(), want)
	}
}

// TestChildOutput: a --parallel child's stdout is split into lines however
// it arrives; spec ends go to the console, other lines to the rest (to the
// console under --verbose).
func TestChildOutput(t *testing.T) {
	e, _ := json.Marshal(specEnd{ID: "A", Verdict: framework.Fail, Seconds: 0.5})
	stream := "A    0.000s C: \"EHLO x\\r\\n\"\n" + eventPrefix + string(e) + "\nlast words"
	for _, verbose := range []bool{false, true} {
		var screen, rest bytes.Buffer
		c := newConsole(Options{}, &screen, 1)
		c.verbose = verbose
		o := &childOutput{c: c, rest: &rest}
		for i := 0; i < len(stream); i += 7 {
			_, _ = o.Write([]byte(stream[i:min(i+7, len(stream))]))
		}
		o.flush()
		if c.verdicts["A"] != framework.Fail {
			t.Errorf("verbose %v: the spec end did not reach the console: %v", verbose, c.verdicts)
		}
		// Without --verbose the other lines are kept aside (rest); with
		// it they are shown (screen).
		shown, kept := rest.String(), screen.String()
		if verbose {
			shown, kept = screen.String(), rest.String()
		}
		if (!verbose && kept != "") || (verbose && !strings.Contains(shown, "--- A FAIL 0.5s\n")) || strings.Contains(shown+kept, eventPrefix) {
			t.Errorf("verbose %v: screen %q, rest %q", verbose, screen.String(), rest.String())
		}
		if want := "A    0.000s C: \"EHLO x\\r\\n\"\n"; !strings.HasPrefix(shown, want) || !strings.Contains(shown, "last words") {
			t.Errorf("verbose %v: the other lines are not kept whole: %q", verbose, shown)
		}
	}
}

// TestLocateFailures: the failure location becomes the spec's line the
// framework recorded, from an in-process report and from a --parallel
// child's JSON one; specs without one keep Ginkgo's.
func TestLocateFailures(t *testing.T) {
	loc := framework.Location{File: "/build/smtpspec/suites/core/rcpt.go", Line: 18}
	asJSON, _ := json.Marshal(loc)
	framework := types.CodeLocation{FileName: "/build/smtpspec/suites/framework/spec.go", LineNumber: 145}
	spec := func(id string, entry *types.ReportEntry) types.SpecReport {
		sr := types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeLabels: []string{id}, State: types.SpecStateFailed,
			Failure: types.Failure{Message: "boom", Location: framework}}
		if entry != nil {
			sr.ReportEntries = types.ReportEntries{*entry}
		}
		return sr
	}
	gr := types.Report{SpecReports: types.SpecReports{
		spec("in-process", &types.ReportEntry{Name: "smtpspec.location", Value: types.WrapEntryValue(loc)}),
		spec("from-json", &types.ReportEntry{Name: "smtpspec.location", Value: types.ReportEntryValue{AsJSON: string(asJSON)}}),
		spec("none", nil),
	}}
	locateFailures(&gr)
	for i, want := range []string{"/build/smtpspec/suites/core/rcpt.go:18", "/build/smtpspec/suites/core/rcpt.go:18", framework.String()} {
		if got := gr.SpecReports[i].Failure.Location.String(); got != want {
			t.Errorf("%s: failure location %s, want %s", specID(gr.SpecReports[i]), got, want)
		}
	}
	if got := failureLocations(gr); len(got) != 2 || got["from-json"] != "suites/core/rcpt.go:18" {
		t.Errorf("failureLocations = %v", got)
	}
}
