package reports

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/smtpspec/smtpspec/internal/catalog"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// Rollups count the verdicts of the results per group. A requirement with
// several commands counts once under each.
type Rollups struct {
	RFC     []Tally `json:"rfc"`
	Section []Tally `json:"section"`
	Feature []Tally `json:"feature"`
	Command []Tally `json:"command"`
	Level   []Tally `json:"level"`
}

// Tally counts the verdicts of one group.
type Tally struct {
	// Key names the group: "RFC 5321", "RFC 5321 §3.3", "core", "MAIL",
	// "MUST".
	Key           string `json:"key"`
	Total         int    `json:"total"`
	Pass          int    `json:"pass"`
	Fail          int    `json:"fail"`
	Warn          int    `json:"warn"`
	NotApplicable int    `json:"notApplicable"`
	Error         int    `json:"error"`
	NotRun        int    `json:"notRun"`
	// Score is Pass / (Pass + Fail + Warn): the share of the requirements
	// tested to a verdict that the server kept. NOT APPLICABLE, ERROR and
	// NOT RUN are left out (they say nothing about the server). Absent when
	// nothing was tested.
	Score *float64 `json:"score,omitempty"`
}

// Tested is the number of requirements tested to a verdict about the
// server: PASS, FAIL or WARN.
func (t Tally) Tested() int { return t.Pass + t.Fail + t.Warn }

// ScoreText renders the score as "97% (82/84)", or "-" when nothing was
// tested.
func (t Tally) ScoreText() string {
	if t.Score == nil {
		return "-"
	}
	return fmt.Sprintf("%.0f%% (%d/%d)", *t.Score*100, t.Pass, t.Tested())
}

func (t *Tally) add(v framework.Verdict) {
	t.Total++
	switch v {
	case framework.Pass:
		t.Pass++
	case framework.Fail:
		t.Fail++
	case framework.Warn:
		t.Warn++
	case framework.NotApplicable:
		t.NotApplicable++
	case framework.Error:
		t.Error++
	default:
		t.NotRun++
	}
}

func (t *Tally) finish() {
	if n := t.Tested(); n > 0 {
		s := float64(t.Pass) / float64(n)
		t.Score = &s
	}
}

// tallier groups verdicts under keys, keeping the keys' order function.
type tallier struct {
	m    map[string]*Tally
	less func(a, b string) bool
}

func (g *tallier) add(key string, v framework.Verdict) {
	if g.m == nil {
		g.m = map[string]*Tally{}
	}
	t, ok := g.m[key]
	if !ok {
		t = &Tally{Key: key}
		g.m[key] = t
	}
	t.add(v)
}

func (g *tallier) list() []Tally {
	out := make([]Tally, 0, len(g.m))
	for _, t := range g.m {
		t.finish()
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return g.less(out[i].Key, out[j].Key) })
	return out
}

// Overall tallies every result.
func Overall(results []Result) Tally {
	t := Tally{Key: "all"}
	for _, r := range results {
		t.add(r.Verdict)
	}
	t.finish()
	return t
}

func rollups(results []Result) Rollups {
	rfc := tallier{less: lessNatural}
	section := tallier{less: lessNatural}
	feature := tallier{less: func(a, b string) bool {
		if (a == catalog.FeatureCore) != (b == catalog.FeatureCore) {
			return a == catalog.FeatureCore
		}
		return a < b
	}}
	command := tallier{less: lessCommand}
	level := tallier{less: func(a, b string) bool { return levelRank(a) < levelRank(b) }}
	for _, r := range results {
		rfc.add(rfcKey(r), r.Verdict)
		section.add(sectionKey(r), r.Verdict)
		f := r.Feature
		if f == "" {
			f = "unknown"
		}
		feature.add(f, r.Verdict)
		for _, c := range r.Commands {
			command.add(strings.ToUpper(c), r.Verdict)
		}
		level.add(string(r.Level), r.Verdict)
	}
	return Rollups{RFC: rfc.list(), Section: section.list(), Feature: feature.list(), Command: command.list(), Level: level.list()}
}

// rfcKey names a result's RFC: "RFC 5321".
func rfcKey(r Result) string {
	if r.RFC != 0 {
		return fmt.Sprintf("RFC %d", r.RFC)
	}
	if f := strings.Fields(r.Section); len(f) >= 2 && f[0] == "RFC" {
		return "RFC " + strings.TrimSuffix(f[1], ",")
	}
	return "unknown"
}

// sectionKey names a result's main section: "RFC 5321 §3.3".
func sectionKey(r Result) string {
	if c, ok := catalog.Lookup(r.ID); ok && len(c.Sections) > 0 {
		return catalog.Cite{RFC: c.RFC, Section: c.Sections[0]}.String()
	}
	if s, _, _ := strings.Cut(r.Section, ","); s != "" {
		return strings.TrimSpace(s)
	}
	return "unknown"
}

func levelRank(l string) int {
	switch framework.Level(l) {
	case framework.Must:
		return 0
	case framework.Should:
		return 1
	case framework.May:
		return 2
	case framework.Defined:
		return 3
	}
	return 4
}

// lessNatural orders strings with their digit runs compared as numbers:
// "RFC 5321 §3.9" before "RFC 5321 §3.10".
func lessNatural(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		switch {
		case da > 0 && db > 0:
			na, _ := strconv.Atoi(a[:da])
			nb, _ := strconv.Atoi(b[:db])
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
		case a[0] != b[0]:
			return a[0] < b[0]
		default:
			a, b = a[1:], b[1:]
		}
	}
	return len(a) < len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// commandOrder is the order of a session: the reply-code matrix and the
// command roll-up list commands so.
var commandOrder = []string{"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "DATA-END", "BDAT", "RSET", "NOOP", "VRFY", "EXPN", "HELP", "TURN", "ETRN", "ATRN", "QUIT"}

func lessCommand(a, b string) bool {
	ia, ib := commandIndex(a), commandIndex(b)
	if ia != ib {
		return ia < ib
	}
	return a < b
}

func commandIndex(c string) int {
	for i, o := range commandOrder {
		if o == c {
			return i
		}
	}
	return len(commandOrder)
}

// CodeRow is one command's row of the reply-code matrix.
type CodeRow struct {
	Command string `json:"command"`
	// InTable: RFC 5321 §4.3.2 (with the general codes 500, 501, 421 and
	// 530) lists the replies to this command, so Outside can be told.
	InTable bool       `json:"inTable"`
	Codes   []CodeCell `json:"codes"`
}

// CodeCell is how often the server gave one code to one command.
type CodeCell struct {
	Code  int `json:"code"`
	Count int `json:"count"`
	// Outside: RFC 5321 §4.3.2 does not list the code for the command
	// (after a 554 or 521 greeting, 503 is expected outside the table).
	Outside bool `json:"outside,omitempty"`
}

func codeMatrix(c framework.CodeCounts) []CodeRow {
	out := []CodeRow{}
	for verb, m := range c {
		allowed, _, ok := framework.AllowedCodes(verb)
		row := CodeRow{Command: verb, InTable: ok}
		for code, n := range m {
			row.Codes = append(row.Codes, CodeCell{Code: code, Count: n, Outside: ok && !allowed.Has(code)})
		}
		sort.Slice(row.Codes, func(i, j int) bool { return row.Codes[i].Code < row.Codes[j].Code })
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool { return lessCommand(out[i].Command, out[j].Command) })
	return out
}

// CodesSeen returns every code in the matrix, in order.
func CodesSeen(rows []CodeRow) []int {
	seen := map[int]bool{}
	var out []int
	for _, r := range rows {
		for _, c := range r.Codes {
			if !seen[c.Code] {
				seen[c.Code] = true
				out = append(out, c.Code)
			}
		}
	}
	sort.Ints(out)
	return out
}
