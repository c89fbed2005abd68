package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// Style says how the console summary is printed.
type Style struct {
	// Color marks verdicts and the outcome with ANSI colours (a terminal,
	// without --no-color).
	Color bool
	// Locations maps a requirement ID to the line of its spec where its
	// verdict was found ("suites/core/rcpt.go:20"); the summary shows it
	// under each FAIL and ERROR.
	Locations map[string]string
}

// ANSI colours of the verdicts and outcomes.
var colors = map[string]string{
	string(framework.Pass): "32", string(framework.Fail): "31", string(framework.Warn): "33",
	string(framework.Error): "35", string(framework.NotRun): "35",
	OutcomePass: "32", OutcomeWarnings: "33", OutcomeFail: "31", OutcomeIncomplete: "35",
}

// Paint wraps s in the colour of key (a verdict or an outcome) when color
// is on; otherwise, and for a key without a colour, it returns s.
func Paint(color bool, key, s string) string {
	c, ok := colors[key]
	if !color || !ok {
		return s
	}
	return "\x1b[" + c + "m" + s + "\x1b[0m"
}

// SpecResult is the result of one spec, as the report will hold it: what
// the console shows as each spec ends.
func SpecResult(sr types.SpecReport) Result {
	return resultOf(sr, false, "")
}

// WriteSummary prints the console summary without colour (see
// WriteConsoleSummary).
func (r Report) WriteSummary(w io.Writer) {
	r.WriteConsoleSummary(w, Style{})
}

// WriteConsoleSummary prints the console summary: counts per verdict, then
// each FAIL, WARN and ERROR with its requirement ID and the first line of
// why, the observations, and a hint for each option whose absence made
// specs NOT APPLICABLE.
func (r Report) WriteConsoleSummary(w io.Writer, st Style) {
	s := r.Summary
	count := func(n int, v framework.Verdict) string {
		text := fmt.Sprintf("%d %s", n, v)
		if n == 0 {
			return text
		}
		return Paint(st.Color, string(v), text)
	}
	fmt.Fprintf(w, "\nsmtpspec: %s: %d specs: %s, %s, %s, %d NOT APPLICABLE, %s",
		r.Target.Address, s.Total, count(s.Pass, framework.Pass), count(s.Fail, framework.Fail),
		count(s.Warn, framework.Warn), s.NotApplicable, count(s.Error, framework.Error))
	if s.NotRun > 0 {
		fmt.Fprintf(w, ", %s", count(s.NotRun, framework.NotRun))
	}
	if s.ObservedFail+s.ObservedWarn > 0 {
		fmt.Fprintf(w, "; observed: %d FAIL, %d WARN", s.ObservedFail, s.ObservedWarn)
	}
	fmt.Fprintf(w, " (%s)\n", Paint(st.Color, s.Outcome, s.Outcome))
	for _, v := range []framework.Verdict{framework.Fail, framework.Warn, framework.Error} {
		for _, res := range r.Results {
			if res.Verdict != v {
				continue
			}
			fmt.Fprintf(w, "  %s %s [%s] %s\n", Paint(st.Color, string(v), fmt.Sprintf("%-5s", v)), res.ID, res.Level, firstLine(res))
			if v == framework.Fail && res.Quote != "" {
				fmt.Fprintf(w, "        %s: %q\n", res.Section, clip(res.Quote, 200))
			}
			if at := st.Locations[res.ID]; at != "" && v != framework.Warn {
				fmt.Fprintf(w, "        spec: %s\n", at)
			}
		}
	}
	if len(r.Observations) > 0 {
		fmt.Fprintf(w, "  observed while the specs ran (each once, under its own rule):\n")
		for _, v := range []framework.Verdict{framework.Fail, framework.Warn} {
			for _, o := range r.Observations {
				if o.Verdict != v {
					continue
				}
				seen := strings.Join(o.Specs, ", ")
				if len(o.Specs) > 3 {
					seen = fmt.Sprintf("%s and %d more", strings.Join(o.Specs[:3], ", "), len(o.Specs)-3)
				}
				fmt.Fprintf(w, "  %-5s %s [%s] %s (sent %s; seen in %s)\n", v, o.Rule, o.Level, o.Detail, o.Sent, seen)
			}
		}
	}
	for _, h := range r.Hints() {
		fmt.Fprintf(w, "  hint: %s\n", h)
	}
	if len(r.Codes) > 0 {
		fmt.Fprintf(w, "  reply codes seen: %s\n", r.Codes)
	}
	if r.Interrupted {
		fmt.Fprintf(w, "  the run stopped early (%s): %d specs NOT RUN, without a verdict\n", r.StopReason, s.NotRun)
	}
	if r.Comparison != nil {
		fmt.Fprintf(w, "compared with the baseline:\n")
		r.Comparison.WriteText(w)
	}
}

// needs are the options whose absence makes specs NOT APPLICABLE, each
// with what to give: the reason of such a spec names the option
// (framework's T.Mailbox: "pass --mailbox ADDR").
var needs = []struct{ option, give string }{
	{"--mailbox", "give a local recipient the server accepts (--mailbox ADDR)"},
	{"--auth-user", "give a user the server accepts (--auth-user USER, the password in SMTPSPEC_PASSWORD or --auth-password-file)"},
}

// Hints says, for each option that was not given, how many specs were NOT
// APPLICABLE for its lack: "12 specs need --mailbox: give a local
// recipient the server accepts (--mailbox ADDR)".
func (r Report) Hints() []string {
	var hints []string
	for _, n := range needs {
		c := 0
		for _, res := range r.Results {
			if res.Verdict == framework.NotApplicable && strings.Contains(res.Reason, n.option) {
				c++
			}
		}
		switch {
		case c == 1:
			hints = append(hints, fmt.Sprintf("1 spec needs %s: %s", n.option, n.give))
		case c > 1:
			hints = append(hints, fmt.Sprintf("%d specs need %s: %s", c, n.option, n.give))
		}
	}
	return hints
}

// firstLine says why a result is not a PASS: its own rule's finding first,
// else the first finding the validator made, else the reason.
func firstLine(res Result) string {
	findings := append([]framework.Finding(nil), res.Findings...)
	sort.SliceStable(findings, func(i, j int) bool { return findings[i].Rule == res.ID && findings[j].Rule != res.ID })
	for _, f := range findings {
		if f.Verdict != framework.Warn && f.Verdict != framework.Fail {
			continue
		}
		d := f.Detail
		if d == "" {
			d = "expected " + f.Expected + ", got " + f.Actual
		}
		if f.Rule != res.ID {
			d = f.Rule + ": " + d
		}
		return d
	}
	line, _, _ := strings.Cut(res.Reason, "\n")
	return line
}

// clip shortens s to about n characters, at a word.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		n = i
	}
	return s[:n] + " …"
}
