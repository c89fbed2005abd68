package wire

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Direction says who sent a transcript entry.
type Direction byte

// Directions of transcript entries.
const (
	DirClient Direction = 'C'
	DirServer Direction = 'S'
	DirNote   Direction = '*'
)

// maxEntry caps the octets one transcript entry keeps, so that a 1 MiB probe
// does not turn into a 1 MiB report.
const maxEntry = 2048

// Entry is one step of a transcript.
type Entry struct {
	At   time.Duration // since the transcript started
	Dir  Direction
	Data []byte // possibly truncated to maxEntry
	Len  int    // the real length
}

// Transcript records a session's traffic. It is safe for concurrent use.
// A nil *Transcript records nothing.
type Transcript struct {
	mu      sync.Mutex
	start   time.Time
	entries []Entry
	echo    io.Writer // when set, each entry is also written here as it happens
	prefix  string
}

// Echo makes the transcript also write each entry to w as it is recorded,
// each line starting with prefix (for --verbose).
func (t *Transcript) Echo(w io.Writer, prefix string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.echo, t.prefix = w, prefix
}

// NewTranscript starts an empty transcript.
func NewTranscript() *Transcript { return &Transcript{start: time.Now()} }

func (t *Transcript) add(dir Direction, b []byte) {
	if t == nil || len(b) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e := Entry{At: time.Since(t.start), Dir: dir, Len: len(b)}
	e.Data = append([]byte(nil), truncate(b, maxEntry)...)
	t.entries = append(t.entries, e)
	if t.echo != nil {
		_ = writeEntry(t.echo, t.prefix, e)
	}
}

// Note records a remark (connect, TLS, close) in the transcript.
func (t *Transcript) Note(format string, args ...any) {
	t.add(DirNote, []byte(fmt.Sprintf(format, args...)))
}

// Entries returns a copy of the entries so far.
func (t *Transcript) Entries() []Entry {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Entry(nil), t.entries...)
}

// String renders the transcript one line per protocol line:
//
//	C: "MAIL FROM:<a@b>\r\n"
//	S: "250 OK\r\n"
func (t *Transcript) String() string {
	var sb strings.Builder
	_ = t.Write(&sb)
	return sb.String()
}

// Write renders the transcript to w.
func (t *Transcript) Write(w io.Writer) error {
	for _, e := range t.Entries() {
		if err := writeEntry(w, "", e); err != nil {
			return err
		}
	}
	return nil
}

func writeEntry(w io.Writer, prefix string, e Entry) error {
	if e.Dir == DirNote {
		_, err := fmt.Fprintf(w, "%s%8.3fs *  %s\n", prefix, e.At.Seconds(), e.Data)
		return err
	}
	lines := splitKeepCRLF(e.Data)
	for i, l := range lines {
		suffix := ""
		if i == len(lines)-1 && e.Len > len(e.Data) {
			suffix = fmt.Sprintf(" ... (%d more octets)", e.Len-len(e.Data))
		}
		if _, err := fmt.Fprintf(w, "%s%8.3fs %c: %s%s\n", prefix, e.At.Seconds(), e.Dir, Escape(l), suffix); err != nil {
			return err
		}
	}
	return nil
}

// splitKeepCRLF splits after each LF, keeping the terminators, so each
// protocol line gets its own transcript line.
func splitKeepCRLF(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}
