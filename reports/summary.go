package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// WriteSummary prints the console summary: counts per verdict, then each
// FAIL, WARN and ERROR with its requirement ID and the first line of why.
func (r Report) WriteSummary(w io.Writer) {
	s := r.Summary
	fmt.Fprintf(w, "\nsmtpspec: %s: %d specs: %d PASS, %d FAIL, %d WARN, %d NOT APPLICABLE, %d ERROR",
		r.Target.Address, s.Total, s.Pass, s.Fail, s.Warn, s.NotApplicable, s.Error)
	if s.NotRun > 0 {
		fmt.Fprintf(w, ", %d NOT RUN", s.NotRun)
	}
	if s.ObservedFail+s.ObservedWarn > 0 {
		fmt.Fprintf(w, "; observed: %d FAIL, %d WARN", s.ObservedFail, s.ObservedWarn)
	}
	fmt.Fprintf(w, " (%s)\n", s.Outcome)
	for _, v := range []framework.Verdict{framework.Fail, framework.Warn, framework.Error} {
		for _, res := range r.Results {
			if res.Verdict != v {
				continue
			}
			fmt.Fprintf(w, "  %-5s %s [%s] %s\n", v, res.ID, res.Level, firstLine(res))
			if v == framework.Fail && res.Quote != "" {
				fmt.Fprintf(w, "        %s: %q\n", res.Section, clip(res.Quote, 200))
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
