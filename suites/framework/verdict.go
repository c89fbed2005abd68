package framework

import "github.com/smtpspec/smtpspec/internal/result"

// The outcome types live in internal/result, outside the Ginkgo glue, so
// that the reports can read them without importing Ginkgo.
type (
	// Verdict is the outcome of one spec.
	Verdict = result.Verdict
	// Finding is one observation that makes a spec something other than
	// a PASS.
	Finding = result.Finding
	// VerdictRecord is the value of the EntryVerdict report entry.
	VerdictRecord = result.VerdictRecord
	// CodeCounts counts the reply codes each command produced.
	CodeCounts = result.CodeCounts
)

// Verdicts.
const (
	Pass          = result.Pass
	Fail          = result.Fail
	Warn          = result.Warn
	NotApplicable = result.NotApplicable
	Error         = result.Error
	NotRun        = result.NotRun
)

// Report entry names.
const (
	EntryRequirement  = result.EntryRequirement
	EntryVerdict      = result.EntryVerdict
	EntryFinding      = result.EntryFinding
	EntryTranscript   = result.EntryTranscript
	EntryCodes        = result.EntryCodes
	EntryObservations = result.EntryObservations
)
