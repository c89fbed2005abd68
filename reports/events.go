package reports

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smtpspec/smtpspec/internal/wire"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// Event directions.
const (
	DirClient = "client" // the suite sent it
	DirServer = "server" // the server sent it
	DirNote   = "note"   // a remark: connect, TLS, close
)

// Event is one step of a spec's transcript.
type Event struct {
	// Session numbers the spec's sessions from 1.
	Session int       `json:"session"`
	Time    time.Time `json:"time"`
	Dir     string    `json:"dir"`
	// Data is the octets as a JSON string: each octet as the character it
	// is when they are UTF-8 (for SMTP, ASCII), else each invalid octet as
	// U+FFFD, and then DataBase64 holds them exactly. For a note it is the
	// note's text. AUTH payloads are already redacted.
	Data       string `json:"data"`
	DataBase64 []byte `json:"dataBase64,omitempty"`
	// Octets is how many octets there really were; Truncated: Data holds
	// only the first of them (the transcript keeps 2048 per event).
	Octets    int  `json:"octets"`
	Truncated bool `json:"truncated,omitempty"`
}

// Raw returns the event's octets as recorded.
func (e Event) Raw() []byte {
	if e.DataBase64 != nil {
		return e.DataBase64
	}
	return []byte(e.Data)
}

func eventsOf(tes []framework.TranscriptEvent) []Event {
	out := make([]Event, 0, len(tes))
	for _, te := range tes {
		e := Event{Session: te.Session, Time: te.Time, Octets: te.Octets}
		switch te.Dir {
		case "C":
			e.Dir = DirClient
		case "S":
			e.Dir = DirServer
		default:
			e.Dir = DirNote
		}
		e.Data = string(te.Data)
		if !utf8.Valid(te.Data) {
			e.Data = strings.ToValidUTF8(e.Data, "\uFFFD")
			e.DataBase64 = te.Data
		}
		e.Truncated = te.Octets > len(te.Data)
		out = append(out, e)
	}
	return out
}

// TranscriptText renders events the way the console and the text
// transcript do: one line per protocol line, escaped, with the time since
// the session's first event, and "--- session N" between sessions when
// there are several.
func TranscriptText(events []Event) string {
	var sb strings.Builder
	multi := false
	for _, e := range events {
		if e.Session != events[0].Session {
			multi = true
			break
		}
	}
	session, start := 0, time.Time{}
	for _, e := range events {
		if e.Session != session {
			session, start = e.Session, e.Time
			if multi {
				fmt.Fprintf(&sb, "--- session %d\n", session)
			}
		}
		at := e.Time.Sub(start).Seconds()
		if e.Dir == DirNote {
			fmt.Fprintf(&sb, "%8.3fs *  %s\n", at, e.Data)
			continue
		}
		dir := 'C'
		if e.Dir == DirServer {
			dir = 'S'
		}
		raw := e.Raw()
		lines := splitLines(raw)
		for i, l := range lines {
			suffix := ""
			if i == len(lines)-1 && e.Octets > len(raw) {
				suffix = fmt.Sprintf(" ... (%d more octets)", e.Octets-len(raw))
			}
			fmt.Fprintf(&sb, "%8.3fs %c: %s%s\n", at, dir, wire.Escape(l), suffix)
		}
	}
	return sb.String()
}

// splitLines splits after each LF, keeping the terminators.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := strings.IndexByte(string(b), '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}
