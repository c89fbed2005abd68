// Package result holds the types a run's outcome is made of (verdicts,
// findings, reply-code counts and the names of the report entries that carry
// them), shared by the Ginkgo glue that records them (suites/framework) and
// the reports that read them (reports), without importing Ginkgo.
package result

import (
	"fmt"
	"sort"
	"strings"
)

// Verdict is the outcome of one spec.
type Verdict string

// Verdicts, after Autobahn and Http11Probe.
const (
	Pass          Verdict = "PASS"
	Fail          Verdict = "FAIL"
	Warn          Verdict = "WARN"
	NotApplicable Verdict = "NOT APPLICABLE"
	Error         Verdict = "ERROR"
	// NotRun is a spec that has no verdict: the run stopped (interrupt,
	// --deadline, abort) before it started or while it ran, or it was only
	// listed (--dry-run).
	NotRun Verdict = "NOT RUN"
)

// Report entry names the runner and the reports read back.
const (
	EntryRequirement = "smtpspec.requirement"
	EntryVerdict     = "smtpspec.verdict"
	EntryFinding     = "smtpspec.finding"
	EntryTranscript  = "smtpspec.transcript"
	EntryCodes       = "smtpspec.codes"
	// EntryObservations holds the findings under other rules (the reply
	// validator's) made while a spec ran.
	EntryObservations = "smtpspec.observations"
)

// Finding is one observation that makes a spec something other than a PASS:
// what was sent, what the RFC allows (and where), what came back.
type Finding struct {
	Verdict  Verdict `json:"verdict"`
	Rule     string  `json:"rule"`
	Cite     string  `json:"cite,omitempty"`
	Sent     string  `json:"sent,omitempty"`
	Expected string  `json:"expected,omitempty"`
	Actual   string  `json:"actual,omitempty"`
	Detail   string  `json:"detail,omitempty"`
}

// String renders the finding the way failures print it.
func (f Finding) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s", f.Verdict, f.Rule)
	if f.Cite != "" {
		fmt.Fprintf(&sb, " (%s)", f.Cite)
	}
	if f.Detail != "" {
		fmt.Fprintf(&sb, "\n  %s", f.Detail)
	}
	if f.Sent != "" {
		fmt.Fprintf(&sb, "\n  Sent:     %s", f.Sent)
	}
	if f.Expected != "" {
		fmt.Fprintf(&sb, "\n  Expected: %s", f.Expected)
	}
	if f.Actual != "" {
		fmt.Fprintf(&sb, "\n  Actual:   %s", f.Actual)
	}
	return sb.String()
}

// VerdictRecord is the value of the EntryVerdict report entry.
type VerdictRecord struct {
	Verdict  Verdict   `json:"verdict"`
	Reason   string    `json:"reason,omitempty"`
	Findings []Finding `json:"findings,omitempty"`
}

// CodeCounts counts the reply codes each command produced.
type CodeCounts map[string]map[int]int

// Add counts one reply with code to verb.
func (c CodeCounts) Add(verb string, code int) {
	if c[verb] == nil {
		c[verb] = map[int]int{}
	}
	c[verb][code]++
}

// String renders the counts compactly: "MAIL 250×2 503×1; RCPT 250×1".
func (c CodeCounts) String() string {
	verbs := make([]string, 0, len(c))
	for v := range c {
		verbs = append(verbs, v)
	}
	sort.Strings(verbs)
	var parts []string
	for _, v := range verbs {
		codes := make([]int, 0, len(c[v]))
		for code := range c[v] {
			codes = append(codes, code)
		}
		sort.Ints(codes)
		s := v
		for _, code := range codes {
			s += fmt.Sprintf(" %d×%d", code, c[v][code])
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
