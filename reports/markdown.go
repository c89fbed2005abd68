package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// maxMarkdownRows bounds each Markdown table, so that the summary fits a
// pull-request comment or a CI job summary.
const maxMarkdownRows = 40

// WriteMarkdown renders the report short enough for a pull-request comment
// or a CI job summary: the outcome and totals, the score per level, the
// failures and errors (ID, level, one line each), the warnings folded, and
// the regressions when the report has a Comparison.
func (r Report) WriteMarkdown(w io.Writer) {
	s := r.Summary
	fmt.Fprintf(w, "### smtpspec: %s — %s\n\n", outcomeWord(s.Outcome), mdEscape(r.targetName()))
	fmt.Fprintf(w, "%d requirements: **%d PASS**, **%d FAIL**, %d WARN, %d NOT APPLICABLE, %d ERROR", s.Total, s.Pass, s.Fail, s.Warn, s.NotApplicable, s.Error)
	if s.NotRun > 0 {
		fmt.Fprintf(w, ", %d NOT RUN", s.NotRun)
	}
	fmt.Fprintln(w, ".")
	if s.ObservedFail+s.ObservedWarn > 0 {
		fmt.Fprintf(w, "Observed on replies while the specs ran: %d FAIL, %d WARN.\n", s.ObservedFail, s.ObservedWarn)
	}
	if len(r.Rollups.Level) > 0 {
		var parts []string
		for _, t := range r.Rollups.Level {
			parts = append(parts, t.Key+" "+t.ScoreText())
		}
		fmt.Fprintf(w, "Score (kept of tested): %s.\n", strings.Join(parts, " · "))
	}
	if r.Interrupted {
		fmt.Fprintf(w, "\nThe run stopped early: %s.\n", mdEscape(r.StopReason))
	}
	if r.Comparison != nil {
		fmt.Fprintln(w)
		r.Comparison.WriteMarkdown(w)
	}
	var failures, warnings []Result
	for _, res := range r.Results {
		switch res.Verdict {
		case framework.Fail, framework.Error:
			failures = append(failures, res)
		case framework.Warn:
			if res.Failing {
				failures = append(failures, res)
			} else {
				warnings = append(warnings, res)
			}
		}
	}
	var failingObs []Observation
	for _, o := range r.Observations {
		if o.Failing {
			failingObs = append(failingObs, o)
		}
	}
	if len(failures)+len(failingObs) > 0 {
		fmt.Fprintf(w, "\n| Verdict | Requirement | Level | Why |\n| --- | --- | --- | --- |\n")
		n := 0
		for _, res := range failures {
			if n == maxMarkdownRows {
				break
			}
			fmt.Fprintf(w, "| %s%s | [`%s`](%s) | %s | %s |\n", res.Verdict, r.knownMark(res.ID), res.ID, res.Link, res.Level, mdEscape(clip(firstLine(res), 140)))
			n++
		}
		for _, o := range failingObs {
			if n == maxMarkdownRows {
				break
			}
			fmt.Fprintf(w, "| %s (observed) | `%s` | %s | %s |\n", o.Verdict, o.Rule, o.Level, mdEscape(clip(o.Detail+" (seen in "+strings.Join(o.Specs, ", ")+")", 140)))
			n++
		}
		if more := len(failures) + len(failingObs) - n; more > 0 {
			fmt.Fprintf(w, "| … | %d more in the full report | | |\n", more)
		}
	}
	if len(warnings) > 0 {
		fmt.Fprintf(w, "\n<details><summary>%s</summary>\n\n", plural(len(warnings), "warning"))
		for i, res := range warnings {
			if i == maxMarkdownRows {
				fmt.Fprintf(w, "- … and %d more\n", len(warnings)-i)
				break
			}
			fmt.Fprintf(w, "- `%s` [%s] %s\n", res.ID, res.Level, mdEscape(clip(firstLine(res), 140)))
		}
		fmt.Fprintf(w, "\n</details>\n")
	}
	fmt.Fprintf(w, "\n%s %s", r.Tool.Name, r.Tool.Version)
	if r.Tool.Commit != "" && r.Tool.Commit != "unknown" {
		fmt.Fprintf(w, " (%s)", shortCommit(r.Tool.Commit))
	}
	if !r.Started.IsZero() {
		fmt.Fprintf(w, ", %s, %.1f s", r.Started.UTC().Format("2006-01-02 15:04Z"), r.Duration)
	}
	fmt.Fprintln(w, ".")
}

// targetName names the target for people: the implementation's name and
// version when given, with the address.
func (r Report) targetName() string {
	name := ""
	if r.Implementation != nil {
		name = strings.TrimSpace(r.Implementation.Name + " " + r.Implementation.Version)
	}
	addr := r.Target.Address
	if r.Target.Embedded {
		addr += " (embedded reference server)"
	}
	switch {
	case name == "":
		return addr
	case addr == "":
		return name
	}
	return name + " at " + addr
}

func outcomeWord(o string) string {
	switch o {
	case OutcomePass:
		return "✅ pass"
	case OutcomeWarnings:
		return "✅ pass with warnings"
	case OutcomeFail:
		return "❌ fail"
	case OutcomeIncomplete:
		return "⚠️ incomplete"
	}
	return o
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// mdEscape makes s safe in one Markdown table cell: one line, no pipe, no
// HTML.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "`", "'", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// plural renders "1 warning", "2 warnings".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	if strings.HasSuffix(noun, "x") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// knownMark says, when the report has a baseline, whether a failure is a
// regression or was there before.
func (r Report) knownMark(id string) string {
	if r.Comparison == nil {
		return ""
	}
	for _, c := range r.Comparison.Regressions {
		if c.ID == id {
			return " (regression)"
		}
	}
	for _, c := range r.Comparison.Known {
		if c.ID == id {
			return " (known)"
		}
	}
	for _, c := range r.Comparison.New {
		if c.ID == id {
			return " (new)"
		}
	}
	return ""
}
