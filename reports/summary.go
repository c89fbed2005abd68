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
	fmt.Fprintf(w, " (%s)\n", s.Outcome)
	for _, v := range []framework.Verdict{framework.Fail, framework.Warn, framework.Error} {
		for _, res := range r.Results {
			if res.Verdict != v {
				continue
			}
			fmt.Fprintf(w, "  %-5s %s [%s] %s\n", v, res.ID, res.Level, firstLine(res))
		}
	}
	if len(r.Codes) > 0 {
		fmt.Fprintf(w, "  reply codes seen: %s\n", r.Codes)
	}
	if r.Interrupted {
		fmt.Fprintf(w, "  the run stopped early (%s): %d specs NOT RUN, without a verdict\n", r.StopReason, s.NotRun)
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
