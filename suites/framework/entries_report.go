package framework

import (
	"time"

	"github.com/onsi/ginkgo/v2"
)

// Report entries for the compliance report's evidence (package reports reads
// them back; a --parallel run carries them through Ginkgo's JSON report).
const (
	// EntryEvents holds the spec's transcript as structured events
	// ([]TranscriptEvent), one per write, read or note, in order.
	EntryEvents = "smtpspec.events"
	// EntryCheck holds the last expectation a spec checked and found kept
	// (a Check): what a PASS was judged on.
	EntryCheck = "smtpspec.check"
)

// TranscriptEvent is one step of a spec's sessions: octets sent or
// received, or a note (connect, TLS, close). Data is what the transcript
// recorded: at most 2048 octets of the real Octets, and AUTH payloads
// already replaced by their redacted form.
type TranscriptEvent struct {
	// Session numbers the spec's sessions from 1, in the order they were
	// opened.
	Session int       `json:"session"`
	Time    time.Time `json:"time"`
	// Dir is "C" (client: the suite), "S" (server) or "*" (note).
	Dir    string `json:"dir"`
	Data   []byte `json:"data"`
	Octets int    `json:"octets"`
}

// Check is an expectation a spec found kept: what it sent, what the RFC
// allows, what came back.
type Check struct {
	Sent     string `json:"sent,omitempty"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
}

// transcriptEvents returns the events of sessions, in order within each
// session.
func transcriptEvents(sessions []*Session) []TranscriptEvent {
	var out []TranscriptEvent
	for i, s := range sessions {
		tr := s.c.Transcript()
		start := tr.Start()
		for _, e := range tr.Entries() {
			out = append(out, TranscriptEvent{Session: i + 1, Time: start.Add(e.At), Dir: string(rune(e.Dir)), Data: e.Data, Octets: e.Len})
		}
	}
	return out
}

// addReportEntries attaches the evidence the compliance report shows
// beyond the verdict: the transcript as events, and the last check kept.
func (t *T) addReportEntries() {
	if ev := transcriptEvents(t.sessions); len(ev) > 0 {
		ginkgo.AddReportEntry(EntryEvents, ev, ginkgo.ReportEntryVisibilityNever)
	}
	if t.lastCheck != nil {
		ginkgo.AddReportEntry(EntryCheck, *t.lastCheck, ginkgo.ReportEntryVisibilityNever)
	}
}

// noteCheck records e as kept by reply r to the last command on s.
func (t *T) noteCheck(s *Session, r Reply, e Expectation) {
	t.lastCheck = &Check{Sent: s.LastSent(), Expected: e.expected(), Actual: r.String()}
}
