package selftest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/smtpspec/smtpspec/reports"
)

// A pin file (testbed/expected/<instance>.txt) lists, one a line, every spec
// whose verdict against that real-server instance is not PASS:
//
//	REQUIREMENT-ID VERDICT  # <the RFC sentence's keyword part> — <what the server does>
//
// VERDICT is FAIL, WARN, NOT APPLICABLE or ERROR. Blank lines and lines
// starting with # are comments. A spec that is not listed must be PASS.

// pin is one pinned verdict.
type pin struct {
	verdict string
	comment string // after the '#', trimmed
	line    int
}

// pinFile is a parsed pin file: its pins, and its lines in order (for
// writing a re-pinned copy that keeps the layout and comments).
type pinFile struct {
	path  string
	pins  map[string]pin
	lines []pinLine
}

// pinLine is one line of a pin file: a pin (id set) or a comment/blank.
type pinLine struct {
	id   string
	text string
}

var pinVerdicts = map[string]bool{"FAIL": true, "WARN": true, "NOT APPLICABLE": true, "ERROR": true}

// parsePins parses a pin file's contents.
func parsePins(path string, data []byte) (pinFile, error) {
	pf := pinFile{path: path, pins: map[string]pin{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			pf.lines = append(pf.lines, pinLine{text: text})
			continue
		}
		body, comment, _ := strings.Cut(trimmed, "#")
		fields := strings.Fields(body)
		if len(fields) < 2 {
			return pf, fmt.Errorf("%s:%d: want REQUIREMENT-ID VERDICT [# comment], got %q", path, n, text)
		}
		id, verdict := fields[0], strings.Join(fields[1:], " ")
		if !pinVerdicts[verdict] {
			return pf, fmt.Errorf("%s:%d: verdict %q is not FAIL, WARN, NOT APPLICABLE or ERROR (PASS is never listed)", path, n, verdict)
		}
		if old, dup := pf.pins[id]; dup {
			return pf, fmt.Errorf("%s:%d: %s is already pinned on line %d", path, n, id, old.line)
		}
		pf.pins[id] = pin{verdict: verdict, comment: strings.TrimSpace(comment), line: n}
		pf.lines = append(pf.lines, pinLine{id: id, text: text})
	}
	return pf, sc.Err()
}

// loadPins reads testbed/expected/<instance>.txt.
func loadPins(root, instance string) (pinFile, error) {
	path := filepath.Join(root, "testbed", "expected", instance+".txt")
	data, err := os.ReadFile(path)
	if err != nil {
		return pinFile{path: path, pins: map[string]pin{}}, err
	}
	return parsePins(path, data)
}

// oneLine squeezes a reason into one line of at most max bytes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// pinDiff lists each spec whose verdict differs from its pin (PASS when not
// pinned), with the pin's comment and the run's reason.
func pinDiff(results []reports.Result, pf pinFile) []string {
	var diff []string
	seen := map[string]bool{}
	for _, r := range results {
		seen[r.ID] = true
		got := string(r.Verdict)
		want, comment := "PASS", "not pinned"
		if p, ok := pf.pins[r.ID]; ok {
			want, comment = p.verdict, fmt.Sprintf("pinned on line %d: %s", p.line, p.comment)
		}
		if got != want {
			reason := oneLine(r.Reason, 600)
			if reason == "" {
				reason = "(no reason given)"
			}
			diff = append(diff, fmt.Sprintf("%s: got %s, want %s (%s)\n\treason: %s", r.ID, got, want, comment, reason))
		}
	}
	for id, p := range pf.pins {
		if !seen[id] {
			diff = append(diff, fmt.Sprintf("%s: no such spec ran (pinned %s on line %d)", id, p.verdict, p.line))
		}
	}
	sort.Strings(diff)
	return diff
}

// repin returns the pin file that matches results: the existing file's
// lines in order, comments kept; a pin whose verdict still holds is kept as
// it is, one whose verdict changed is rewritten (the spec's reason as its
// comment, the old pin noted), one that now passes or no longer runs is
// dropped (noted in a comment); specs newly not PASS are appended with the
// spec's reason as their comment, for review.
func repin(results []reports.Result, pf pinFile, instance string) []byte {
	got := map[string]reports.Result{}
	for _, r := range results {
		got[r.ID] = r
	}
	var b bytes.Buffer
	done := map[string]bool{}
	for _, l := range pf.lines {
		if l.id == "" {
			fmt.Fprintln(&b, l.text)
			continue
		}
		done[l.id] = true
		p := pf.pins[l.id]
		r, ran := got[l.id]
		switch {
		case !ran:
			fmt.Fprintf(&b, "# REPIN: %s no longer runs (was %s  # %s)\n", l.id, p.verdict, p.comment)
		case string(r.Verdict) == p.verdict:
			fmt.Fprintln(&b, l.text)
		case r.Verdict == "PASS":
			fmt.Fprintf(&b, "# REPIN: %s now passes (was %s  # %s)\n", l.id, p.verdict, p.comment)
		default:
			fmt.Fprintf(&b, "%s %s  # REPIN: was %s (%s); reason now: %s\n", l.id, r.Verdict, p.verdict, p.comment, oneLine(r.Reason, 300))
		}
	}
	var fresh []reports.Result
	for _, r := range results {
		if r.Verdict != "PASS" && !done[r.ID] {
			fresh = append(fresh, r)
		}
	}
	sort.Slice(fresh, func(i, j int) bool { return fresh[i].ID < fresh[j].ID })
	if len(fresh) > 0 {
		if len(pf.lines) == 0 {
			fmt.Fprintf(&b, "# Pinned non-PASS verdicts of smtpspec against the %s test bed.\n", instance)
		}
		fmt.Fprintf(&b, "\n# REPIN: not PASS now, not pinned before; the comment is the spec's reason:\n")
		fmt.Fprintf(&b, "# review each and replace it with '<RFC keyword part> — <what the server does>'.\n")
		for _, r := range fresh {
			fmt.Fprintf(&b, "%s %s  # %s\n", r.ID, r.Verdict, oneLine(r.Reason, 300))
		}
	}
	return b.Bytes()
}
