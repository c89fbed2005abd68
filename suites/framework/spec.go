package framework

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"
)

// It registers one spec for one requirement. text says the stimulus and the
// expected observation: "answers RCPT before MAIL with 503". The body gets a
// *T; it opens sessions with t.Dial and judges with t.Expect and friends.
func It(req Requirement, text string, body func(t *T)) bool {
	if err := req.Validate(); err != nil {
		// A malformed requirement is a bug in the spec tree; Ginkgo reports
		// it when the tree is built, before any server is contacted.
		return ginkgo.It(text, func() { ginkgo.Fail(err.Error()) })
	}
	args := []any{ginkgo.Offset(1), ginkgo.Label(req.Labels()...), ginkgo.SpecTimeout(specTimeout()), func(ctx ginkgo.SpecContext) {
		run(ctx, req, body)
	}}
	return ginkgo.It(text, args...)
}

// specTimeout bounds a whole spec. Every read already has its own deadline;
// this is the belt to those braces, sized for the longest spec (a hundred
// recipients, each with a reply timeout).
func specTimeout() time.Duration {
	d := 40 * current.ReplyTimeout
	if d < 30*time.Second {
		d = 30 * time.Second
	}
	return d
}

// T is a running spec: its requirement, its sessions and its verdict so far.
type T struct {
	Ctx      context.Context
	Cfg      Config
	Req      Requirement
	sessions []*Session
	warns    []Finding
	checks   int
	codes    CodeCounts
}

// abort is the panic value T uses to end a spec after recording its verdict;
// run turns it back into the matching Ginkgo outcome.
type abort struct {
	verdict Verdict
	message string
}

func run(ctx context.Context, req Requirement, body func(t *T)) {
	t := &T{Ctx: ctx, Cfg: current, Req: req, codes: CodeCounts{}}
	ginkgo.AddReportEntry(EntryRequirement, req, ginkgo.ReportEntryVisibilityNever)
	var stop *abort
	func() {
		defer func() {
			if r := recover(); r != nil {
				a, ok := r.(abort)
				if !ok {
					panic(r)
				}
				stop = &a
			}
		}()
		body(t)
	}()
	t.finish(stop)
}

// finish closes the sessions, attaches the evidence and settles the verdict.
func (t *T) finish(stop *abort) {
	for _, s := range t.sessions {
		s.c.Close()
	}
	if len(t.codes) > 0 {
		ginkgo.AddReportEntry(EntryCodes, t.codes, ginkgo.ReportEntryVisibilityNever)
	}
	var tr strings.Builder
	for i, s := range t.sessions {
		if len(t.sessions) > 1 {
			fmt.Fprintf(&tr, "--- session %d\n", i+1)
		}
		tr.WriteString(s.c.Transcript().String())
	}
	if tr.Len() > 0 {
		ginkgo.AddReportEntry(EntryTranscript, tr.String(), ginkgo.ReportEntryVisibilityFailureOrVerbose)
	}
	if stop != nil {
		t.record(stop.verdict, stop.message)
		switch stop.verdict {
		case NotApplicable:
			ginkgo.Skip(stop.message)
		default:
			ginkgo.Fail(stop.message)
		}
		return
	}
	if t.checks == 0 {
		t.record(Error, "internal: the spec made no check, so it cannot pass")
		ginkgo.Fail("internal: the spec made no check, so it cannot pass")
	}
	if len(t.warns) > 0 {
		msg := t.warnText()
		t.record(Warn, msg)
		if t.Cfg.Strict {
			ginkgo.Fail(msg + "\n(--strict: WARN fails the run)")
		}
		return
	}
	t.record(Pass, "")
}

func (t *T) warnText() string {
	parts := make([]string, len(t.warns))
	for i, w := range t.warns {
		parts[i] = w.String()
	}
	return strings.Join(parts, "\n")
}

func (t *T) record(v Verdict, reason string) {
	rec := VerdictRecord{Verdict: v, Reason: reason, Findings: t.warns}
	ginkgo.AddReportEntry(EntryVerdict, rec, ginkgo.ReportEntryVisibilityNever)
}

// consecutiveDialFailures counts specs in a row that could not connect; at
// breakerLimit the run stops instead of letting every spec time out.
var consecutiveDialFailures atomic.Int32

const breakerLimit = 3

// Checked records that the spec verified something and found it right.
func (t *T) Checked() { t.checks++ }

// Failf ends the spec with a FAIL: the server broke a requirement.
func (t *T) Failf(f Finding) {
	f.Verdict = Fail
	if f.Rule == "" {
		f.Rule = t.Req.ID
	}
	if f.Cite == "" {
		f.Cite = t.Req.Section
	}
	t.warns = append(t.warns, f)
	panic(abort{verdict: Fail, message: t.failText(f)})
}

// Violation records a breach of the spec's own requirement: a FAIL for a
// MUST, a WARN for a SHOULD or MAY.
func (t *T) Violation(f Finding) {
	if t.Req.Level == Must {
		t.Failf(f)
	}
	t.Warnf(f)
}

// Warnf records a tolerated deviation (a missed SHOULD, or what the RFC
// allows but discourages). The spec goes on.
func (t *T) Warnf(f Finding) {
	f.Verdict = Warn
	if f.Rule == "" {
		f.Rule = t.Req.ID
	}
	if f.Cite == "" {
		f.Cite = t.Req.Section
	}
	t.checks++
	t.warns = append(t.warns, f)
}

// Errorf ends the spec with ERROR: the requirement could not be tested.
func (t *T) Errorf(format string, args ...any) {
	panic(abort{verdict: Error, message: "ERROR: could not test " + t.Req.ID + ": " + fmt.Sprintf(format, args...)})
}

// NotApplicable ends the spec as NOT APPLICABLE, saying which precondition
// is missing.
func (t *T) NotApplicable(format string, args ...any) {
	panic(abort{verdict: NotApplicable, message: "not applicable: " + fmt.Sprintf(format, args...)})
}

func (t *T) failText(f Finding) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s [%s] %s: %s\n", t.Req.ID, t.Req.Level, t.Req.Section, t.Req.Summary)
	sb.WriteString(f.String())
	for _, w := range t.warns[:len(t.warns)-1] {
		sb.WriteString("\n" + w.String())
	}
	return sb.String()
}

// Mailbox returns the configured local mailbox, or ends the spec as not
// applicable when there is none.
func (t *T) Mailbox() string {
	if t.Cfg.Mailbox == "" {
		t.NotApplicable("needs a local mailbox the server accepts (pass --mailbox ADDR)")
	}
	return t.Cfg.Mailbox
}

// Expectation is what the RFC allows in reply to a stimulus.
type Expectation struct {
	// Pass lists the conforming codes.
	Pass CodeSet
	// Warn lists tolerated deviations.
	Warn CodeSet
	// Why cites the rule: "RFC 5321 §3.3: RCPT before MAIL is a bad sequence".
	Why string
}

// Expect judges reply r to the last command sent on s: a code in e.Pass
// passes, one in e.Warn is a WARN, anything else breaks the requirement
// (FAIL for a MUST, WARN for a SHOULD).
func (t *T) Expect(s *Session, r Reply, e Expectation) {
	switch {
	case e.Pass.Has(r.Code):
		t.checks++
	case e.Warn.Has(r.Code):
		t.Warnf(Finding{Sent: s.LastSent(), Expected: e.expected(), Actual: r.String(),
			Detail: fmt.Sprintf("%d is tolerated but not what the RFC asks for", r.Code)})
	default:
		t.Violation(Finding{Sent: s.LastSent(), Expected: e.expected(), Actual: r.String()})
	}
}

func (e Expectation) expected() string {
	s := e.Pass.String()
	if e.Why != "" {
		s += " (" + e.Why + ")"
	}
	return s
}
