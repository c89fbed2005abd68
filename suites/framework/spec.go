package framework

import (
	"github.com/smtpspec/smtpspec/internal/catalog"

	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// It registers one spec for one requirement. text says the stimulus and the
// expected observation: "answers RCPT before MAIL with 503". The body gets a
// *T; it opens sessions with t.Dial and judges with t.Expect and friends.
func It(req Requirement, text string, body func(t *T)) bool {
	req, err := req.resolve()
	if err == nil {
		err = req.Validate()
	}
	if err != nil {
		// A malformed requirement is a bug in the spec tree; Ginkgo reports
		// it when the tree is built, before any server is contacted.
		return ginkgo.It(text, ginkgo.Offset(1), func() { ginkgo.Fail(err.Error()) })
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
	// warns are the findings about the spec's own requirement.
	warns []Finding
	// observations are findings under other rules (the reply validator's,
	// RFC 5321 §3.8's close rule) made while the spec ran; they do not
	// change its verdict and are reported once per rule and reply.
	observations []Finding
	checks       int
	codes        CodeCounts
	// timedOut: a reply did not come within the suite's timeout.
	timedOut bool
	// lastCheck is the last expectation found kept (entries_report.go).
	lastCheck *Check
	// warnAt is where the spec's first WARN was found (the failure
	// location of a WARN under --strict).
	warnAt types.CodeLocation
}

// abort is the panic value T uses to end a spec after recording its verdict;
// run turns it back into the matching Ginkgo outcome.
type abort struct {
	verdict Verdict
	message string
	// at is the line of the spec that ended it (specLocation).
	at types.CodeLocation
}

func run(ctx context.Context, req Requirement, body func(t *T)) {
	if n := consecutiveTimeouts.Load(); n >= timeoutBreakerLimit {
		ginkgo.AbortSuite(fmt.Sprintf("target %s stopped answering: %d specs in a row got no reply within --timeout %s", current.Target, n, current.ReplyTimeout))
	}
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

// stopWithFindings ends the spec here, its verdict settled by the findings
// recorded so far (a WARN, when there are any).
func (t *T) stopWithFindings() {
	panic(abort{verdict: Pass})
}

// finish closes the sessions, attaches the evidence and settles the verdict.
func (t *T) finish(stop *abort) {
	if stop != nil && stop.verdict == Pass {
		stop = nil // stopWithFindings: settled below, as at the end of the body
	}
	for _, s := range t.sessions {
		s.c.Close()
	}
	if len(t.codes) > 0 {
		ginkgo.AddReportEntry(EntryCodes, t.codes, ginkgo.ReportEntryVisibilityNever)
	}
	if len(t.observations) > 0 {
		ginkgo.AddReportEntry(EntryObservations, t.observations, ginkgo.ReportEntryVisibilityNever)
	}
	if t.timedOut {
		consecutiveTimeouts.Add(1)
	} else {
		consecutiveTimeouts.Store(0)
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
	t.addReportEntries()
	if stop != nil {
		t.locate(stop.at)
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
		t.locate(ginkgo.CurrentSpecReport().LeafNodeLocation)
		t.record(Error, "internal: the spec made no check, so it cannot pass")
		ginkgo.Fail("internal: the spec made no check, so it cannot pass")
	}
	if len(t.warns) > 0 {
		msg := t.warnText()
		t.locate(t.warnAt)
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

// EntryLocation holds the line of the spec (a Location) where its
// verdict other than PASS was found: the check that failed or warned, the
// precondition that was missing. Ginkgo's own failure location is the line
// in this package that reports the verdict; the runner puts this one in
// its place, so that JUnit and the console point into the spec's file.
const EntryLocation = "smtpspec.location"

// Location is the value of the EntryLocation report entry (a
// types.CodeLocation given to AddReportEntry would be taken for the
// entry's own location).
type Location struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// locate records at as the spec's failure location (when it is known).
func (t *T) locate(at types.CodeLocation) {
	if at.FileName != "" {
		ginkgo.AddReportEntry(EntryLocation, Location{File: at.FileName, Line: at.LineNumber}, ginkgo.ReportEntryVisibilityNever)
	}
}

// frameworkPrefix is the prefix of this package's function names.
var frameworkPrefix = reflect.TypeFor[T]().PkgPath() + "."

// specLocation returns the innermost caller outside this package: the line
// of the spec (or of the spec's own helper) whose check is being reported.
func specLocation() types.CodeLocation {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		if f.Function != "" && !strings.HasPrefix(f.Function, frameworkPrefix) && !strings.HasPrefix(f.Function, "runtime.") {
			return types.CodeLocation{FileName: f.File, LineNumber: f.Line}
		}
		if !more {
			return types.CodeLocation{}
		}
	}
}

func (t *T) record(v Verdict, reason string) {
	rec := VerdictRecord{Verdict: v, Reason: reason, Findings: t.warns}
	ginkgo.AddReportEntry(EntryVerdict, rec, ginkgo.ReportEntryVisibilityNever)
}

// consecutiveDialFailures counts specs in a row that could not connect; at
// breakerLimit the run stops instead of letting every spec time out.
var consecutiveDialFailures atomic.Int32

const breakerLimit = 3

// consecutiveTimeouts counts specs in a row that ended because a reply did
// not come within --timeout. At timeoutBreakerLimit the run stops (the
// specs not run are NOT RUN): the run is bounded as a whole, not by cutting
// each wait short of what RFC 5321 §4.5.3.2 allows.
var consecutiveTimeouts atomic.Int32

const timeoutBreakerLimit = 3

// Checked records that the spec verified something and found it right.
func (t *T) Checked() { t.checks++ }

// Failf ends the spec with a FAIL: the server broke the spec's own
// requirement. Only a MUST-level requirement can FAIL: for a SHOULD, MAY or
// descriptive one the finding is a WARN (RFC 2119 keywords decide the
// verdict, not the spec). A finding under another rule is recorded as an
// observation under that rule, and the spec, unable to judge its own, ends
// as ERROR.
func (t *T) Failf(f Finding) {
	if f.Rule != "" && f.Rule != t.Req.ID {
		t.finding(f, Must)
		t.Errorf("%s: %s (recorded under %s)", f.Rule, firstLine(f.Detail), f.Rule)
	}
	if t.Req.Level != Must {
		t.Warnf(f)
		return
	}
	f.Verdict = Fail
	f.Rule = t.Req.ID
	if f.Cite == "" {
		f.Cite = t.Req.Section
	}
	t.warns = append(t.warns, f)
	panic(abort{verdict: Fail, message: t.failText(f), at: specLocation()})
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// finding records f, found at the given level of its own rule. A finding
// under the spec's own requirement is judged as the spec's (Violation);
// any other is an observation under its rule, which leaves the spec's
// verdict alone and is reported once per rule and reply.
func (t *T) finding(f Finding, level Level) {
	if f.Rule == t.Req.ID {
		f.Rule = ""
		t.Violation(f)
		return
	}
	// Only a MUST-level rule can give FAIL: the rule's catalogue level
	// lowers the level the caller found it at, never raises it (a close
	// seen in passing is a WARN even though the close rule is a MUST: RFC
	// 5321 §7.8 lets a server close as a defence, which only the close
	// rule's own spec can tell apart).
	if c, ok := catalog.Lookup(f.Rule); ok && c.Level != Must {
		level = c.Level
	}
	f.Verdict = Warn
	if level == Must {
		f.Verdict = Fail
	}
	for _, o := range t.observations {
		if o.Rule == f.Rule && o.Actual == f.Actual && o.Sent == f.Sent {
			return
		}
	}
	t.observations = append(t.observations, f)
}

// Policy is policy for specs that judge replies themselves: it ends the
// spec when r is a refusal that says nothing about the requirement (see
// policy), and returns for any other reply.
func (t *T) Policy(r Reply) { t.policy(r) }

// policy ends the spec when r is a refusal that says nothing about the
// requirement: 530 (authentication or TLS required first, RFC 4954 §6,
// RFC 3207 §4) makes it NOT APPLICABLE; a 4yz (a temporary refusal: rate
// limit, greylisting, resources) makes it ERROR. It returns for any other
// reply.
func (t *T) policy(r Reply) {
	switch {
	case r.Code == 530:
		t.NotApplicable("the server requires authentication (or TLS) first: %s", r)
	case r.Code == 421:
		t.Errorf("the server ended the session with 421: %s", r)
	case r.Class() == 4:
		t.Errorf("temporary refusal (rate limit, greylisting or resources; RFC 5321 §4.2.1: try again later), which says nothing about the requirement: %s", r)
	}
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
	if len(t.warns) == 0 {
		t.warnAt = specLocation()
	}
	t.warns = append(t.warns, f)
}

// Errorf ends the spec with ERROR: the requirement could not be tested.
func (t *T) Errorf(format string, args ...any) {
	panic(abort{verdict: Error, message: "ERROR: could not test " + t.Req.ID + ": " + fmt.Sprintf(format, args...), at: specLocation()})
}

// NotApplicable ends the spec as NOT APPLICABLE, saying which precondition
// is missing.
func (t *T) NotApplicable(format string, args ...any) {
	panic(abort{verdict: NotApplicable, message: "not applicable: " + fmt.Sprintf(format, args...), at: specLocation()})
}

func (t *T) failText(f Finding) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s [%s] %s: %s\n", t.Req.ID, t.Req.Level, t.Req.Section, t.Req.Summary)
	if t.Req.Quote != "" {
		fmt.Fprintf(&sb, "  The RFC: %q\n", t.Req.Quote)
	}
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
		t.noteCheck(s, r, e)
		return
	case !e.Warn.HasExact(r.Code) && (r.Code == 530 || r.Code == 421 || r.Class() == 4):
		// Authentication required, the service closing, or a temporary
		// refusal (rate limit, greylisting): policy, which says nothing
		// about the requirement, unless the spec names the code itself.
		t.policy(r)
	case r.Code == 500 || r.Code == 502:
		t.Unimplemented(s, r)
	}
	if e.Warn.Has(r.Code) {
		t.Warnf(Finding{Sent: s.LastSent(), Expected: e.expected(), Actual: r.String(),
			Detail: fmt.Sprintf("%d is tolerated but not what the RFC asks for", r.Code)})
		return
	}
	t.Violation(Finding{Sent: s.LastSent(), Expected: e.expected(), Actual: r.String()})
}

// Unimplemented ends the spec with ERROR when r, the reply to the last
// command on s, is a 500 or 502 to EHLO or HELO and the server does not
// recognise or implement that command at all: a fresh session's plain
// "<verb> <--helo>" gets 500 or 502 too. Expect calls it; specs that judge replies themselves call it before
// they judge.
// Then the 502 says nothing about the requirement on the argument; that the
// command is missing is RFC5321-2.2.1-ehlo-supported's (or helo-supported's)
// verdict. When the plain command is accepted, it returns and the 502 is
// judged as the spec's reply.
func (t *T) Unimplemented(s *Session, r Reply) {
	verb := s.verb
	if (r.Code != 500 && r.Code != 502) || (verb != "EHLO" && verb != "HELO") {
		return
	}
	probe := t.Dial()
	plain := probe.Cmd(verb + " " + t.Cfg.Helo)
	if plain.Code == 500 || plain.Code == 502 {
		t.Errorf("the server does not implement %s (%d to %q as well), so the requirement on its argument cannot be tested; RFC5321-2.2.1-%s-supported judges that: %s", verb, plain.Code, verb+" "+t.Cfg.Helo, strings.ToLower(verb), r)
	}
}

func (e Expectation) expected() string {
	s := e.Pass.String()
	if e.Why != "" {
		s += " (" + e.Why + ")"
	}
	return s
}
