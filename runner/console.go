package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/reports"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// The console shows one summary: smtpspec's (reports.WriteConsoleSummary).
// Ginkgo's own console output (its banner with the working directory and
// the random seed, a dot per spec, its "Ran N of M Specs" summary) never
// reaches it: runGinkgo gives Ginkgo's reporter a discarded stream. What
// the console shows while the specs run comes from here, as each spec ends:
//
//   - on a terminal, one progress line rewritten in place:
//     "[57/134] RFC5321-3.3-rcpt-before-mail PASS 0.4s (1 FAIL, 2 WARN so far)";
//     nothing of it when stdout is not a terminal (CI logs stay clean);
//   - with --verbose, instead, the transcripts as they happen (the
//     framework echoes each line, prefixed with the spec's ID), and after
//     each spec a line with its verdict, time and the line of the spec
//     where the verdict was found, with why when it is not a PASS. Each
//     transcript is printed once: the summary does not repeat them.
//
// A serial run learns each spec's end from a ReportAfterEach node. In a
// --parallel run each child writes a line per spec end to its stdout
// (eventPrefix, then the specEnd as JSON), and the parent, which reads the
// children's stdout line by line, shows them as they come, with the
// children's transcript lines under --verbose.

// eventPrefix starts a line a --parallel child writes when one of its
// specs ends.
const eventPrefix = "smtpspec-spec-end "

// specEnded, when set, receives each spec's report as it ends.
var specEnded func(types.SpecReport)

// watchSpecEnds registers the ReportAfterEach node that calls specEnded.
// runGinkgo calls it right before RunSpecs: a setup node registered at the
// top level when the package loads would be lost to the run, as Ginkgo's
// PreviewSpecs (countSelected) leaves the suite with its containers and
// suite nodes only.
func watchSpecEnds() {
	ginkgo.ReportAfterEach(func(sr ginkgo.SpecReport) {
		if f := specEnded; f != nil {
			f(sr)
		}
	})
}

// specEnd is a spec's end as the console shows it.
type specEnd struct {
	ID      string            `json:"id"`
	Spec    string            `json:"spec"`
	Verdict framework.Verdict `json:"verdict"`
	Seconds float64           `json:"seconds"`
	// At is the line of the spec where a verdict other than PASS was
	// found, or the spec's own line.
	At     string `json:"at,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// endOf is sr's end, or false for a spec that did not run here: one
// filtered out, one another --parallel session claimed, one the run
// stopped before (NOT RUN: the summary tells).
func endOf(sr types.SpecReport) (specEnd, bool) {
	if sr.LeafNodeType != types.NodeTypeIt || sr.Failure.Message == claimedElsewhere {
		return specEnd{}, false
	}
	res := reports.SpecResult(sr)
	if res.Verdict == framework.NotRun {
		return specEnd{}, false
	}
	e := specEnd{ID: res.ID, Spec: res.Spec, Verdict: res.Verdict, Seconds: sr.RunTime.Seconds(), Reason: res.Reason}
	at := sr.LeafNodeLocation
	if loc, ok := failureLocation(sr); ok && res.Verdict != framework.Pass {
		at = loc
	}
	e.At = shortPath(at)
	return e, true
}

// failureLocation is the line of the spec the framework recorded as where
// its verdict was found (framework.EntryLocation).
func failureLocation(sr types.SpecReport) (types.CodeLocation, bool) {
	for _, e := range sr.ReportEntries {
		if e.Name != framework.EntryLocation {
			continue
		}
		loc, ok := e.Value.GetRawValue().(framework.Location) // in-process
		if !ok && json.Unmarshal([]byte(e.Value.AsJSON), &loc) != nil {
			continue // neither: not from this build
		}
		if loc.File != "" {
			return types.CodeLocation{FileName: loc.File, LineNumber: loc.Line}, true
		}
	}
	return types.CodeLocation{}, false
}

// locateFailures makes the failure location of every spec the one the
// framework recorded (the spec's own line) instead of the framework's line
// that reported it, in the report JUnit and the console are written from.
func locateFailures(gr *types.Report) {
	for i, sr := range gr.SpecReports {
		if loc, ok := failureLocation(sr); ok && sr.Failure.Message != "" {
			loc.FullStackTrace = sr.Failure.Location.FullStackTrace
			gr.SpecReports[i].Failure.Location = loc
		}
	}
}

// failureLocations maps the requirement ID of each spec that did not pass
// to its failure location, for the summary.
func failureLocations(gr types.Report) map[string]string {
	out := map[string]string{}
	for _, sr := range gr.SpecReports {
		if loc, ok := failureLocation(sr); ok {
			out[specID(sr)] = shortPath(loc)
		}
	}
	return out
}

// shortPath is loc with its file relative to the module's root
// ("suites/core/rcpt.go:20"), whatever directory the binary was built in.
func shortPath(loc types.CodeLocation) string {
	if loc.FileName == "" {
		return ""
	}
	f := loc.FileName
	if i := strings.LastIndex(f, "/suites/"); i >= 0 {
		f = f[i+1:]
	}
	return f + ":" + strconv.Itoa(loc.LineNumber)
}

// console is what the console shows while the specs run.
type console struct {
	mu      sync.Mutex
	w       io.Writer
	term    bool // stdout is a terminal: show the progress line (without --verbose)
	color   bool
	verbose bool
	width   int // the terminal's columns
	total   int
	// verdicts maps each spec seen to its last verdict (a spec run again
	// after a 421 counts once, with its new verdict).
	verdicts map[string]framework.Verdict
	shown    int // the length of the progress line on the screen
}

// newConsole is the console of a run of total specs on w.
func newConsole(o Options, w io.Writer, total int) *console {
	term := writerIsTerminal(w)
	return &console{w: w, term: term, color: colorOn(o, w), verbose: o.Verbose, width: termWidth(),
		total: total, verdicts: map[string]framework.Verdict{}}
}

// colorOn: colour only on a terminal, and not with --no-color or NO_COLOR
// (https://no-color.org).
func colorOn(o Options, w io.Writer) bool {
	return writerIsTerminal(w) && !o.NoColor && os.Getenv("NO_COLOR") == ""
}

// writerIsTerminal reports whether w is a terminal.
func writerIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

// termWidth is the terminal's width from $COLUMNS, else 80.
func termWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 20 {
		return n
	}
	return 80
}

// specDone shows e: the verbose block, the progress line.
func (c *console) specDone(e specEnd) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.verdicts[e.ID] = e.Verdict
	if c.verbose {
		writeEnd(c.w, e, c.color)
		return
	}
	if !c.term {
		return
	}
	var fails, warns int
	for _, v := range c.verdicts {
		switch v {
		case framework.Fail:
			fails++
		case framework.Warn:
			warns++
		}
	}
	line := progressLine(len(c.verdicts), c.total, e.ID, e.Verdict, e.Seconds, fails, warns, c.width-1)
	pad := max(c.shown-utf8.RuneCountInString(line), 0)
	fmt.Fprintf(c.w, "\r%s%s", paintVerdicts(c.color, line, e.Verdict), strings.Repeat(" ", pad))
	c.shown = utf8.RuneCountInString(line)
}

// pass prints a line a --parallel child wrote (a transcript line, under
// --verbose).
func (c *console) pass(l []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLine()
	_, _ = c.w.Write(l)
}

// done erases the progress line, before the summary.
func (c *console) done() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLine()
}

func (c *console) clearLine() {
	if c.shown > 0 {
		fmt.Fprintf(c.w, "\r%s\r", strings.Repeat(" ", c.shown))
		c.shown = 0
	}
}

// progressLine is the progress line after done of total specs, the last
// being id with verdict v in secs seconds, with fails and warns so far,
// shortened to width columns (the ID is cut in its middle): "[57/134]
// RFC5321-3.3-rcpt-before-mail PASS 0.4s (1 FAIL, 2 WARN so far)".
func progressLine(done, total int, id string, v framework.Verdict, secs float64, fails, warns, width int) string {
	head := fmt.Sprintf("[%d/%d] ", done, total)
	tail := fmt.Sprintf(" %s %s", v, seconds(secs))
	if fails+warns > 0 {
		var so []string
		if fails > 0 {
			so = append(so, fmt.Sprintf("%d FAIL", fails))
		}
		if warns > 0 {
			so = append(so, fmt.Sprintf("%d WARN", warns))
		}
		tail += " (" + strings.Join(so, ", ") + " so far)"
	}
	room := width - utf8.RuneCountInString(head) - utf8.RuneCountInString(tail)
	if n := utf8.RuneCountInString(id); n > room {
		r := []rune(id)
		if room < 5 {
			id = ""
		} else {
			keep := room - 1
			id = string(r[:keep/2]) + "…" + string(r[n-(keep-keep/2):])
		}
	}
	return head + id + tail
}

// seconds formats a duration in seconds for the progress line: "0.4s",
// "12s", "2m5s".
func seconds(secs float64) string {
	d := time.Duration(secs * float64(time.Second))
	switch {
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	}
	return d.Round(time.Second).String()
}

// paintVerdicts colours the verdict of the last spec and the counts so
// far in line.
func paintVerdicts(color bool, line string, v framework.Verdict) string {
	if !color {
		return line
	}
	var b strings.Builder
	head, tail, ok := strings.Cut(line, " "+string(v)+" ")
	if !ok {
		return line
	}
	b.WriteString(head + " " + reports.Paint(true, string(v), string(v)) + " ")
	for _, w := range []framework.Verdict{framework.Fail, framework.Warn} {
		tail = strings.Replace(tail, " "+string(w), " "+reports.Paint(true, string(w), string(w)), 1)
	}
	b.WriteString(tail)
	return b.String()
}

// writeEnd prints the line that ends a spec under --verbose: its ID,
// verdict, time and line, and why when it is not a PASS.
func writeEnd(w io.Writer, e specEnd, color bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s %s %s", e.ID, reports.Paint(color, string(e.Verdict), string(e.Verdict)), seconds(e.Seconds))
	if e.At != "" {
		fmt.Fprintf(&b, " (%s)", e.At)
	}
	b.WriteString("\n")
	if e.Verdict != framework.Pass && e.Reason != "" {
		for _, l := range strings.Split(strings.TrimRight(e.Reason, "\n"), "\n") {
			fmt.Fprintf(&b, "    %s\n", l)
		}
	}
	_, _ = io.WriteString(w, b.String())
}

// emitEvents makes this --parallel child write a line to w for each spec
// that ends.
func emitEvents(w io.Writer) {
	var mu sync.Mutex
	specEnded = func(sr types.SpecReport) {
		e, ok := endOf(sr)
		if !ok {
			return
		}
		b, err := json.Marshal(e)
		if err != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s%s\n", eventPrefix, b)
	}
}

// childOutput is a --parallel child's stdout as the parent reads it: each
// event line goes to the console, and so does any other line under
// --verbose (the transcripts); without it, other lines go to rest (the
// runner discards them).
type childOutput struct {
	c    *console
	rest io.Writer
	buf  []byte
}

func (o *childOutput) Write(p []byte) (int, error) {
	o.buf = append(o.buf, p...)
	for {
		i := bytes.IndexByte(o.buf, '\n')
		if i < 0 {
			break
		}
		o.line(o.buf[:i+1])
		o.buf = o.buf[i+1:]
	}
	return len(p), nil
}

func (o *childOutput) line(l []byte) {
	if rest, ok := bytes.CutPrefix(l, []byte(eventPrefix)); ok {
		var e specEnd
		if json.Unmarshal(rest, &e) == nil {
			o.c.specDone(e)
			return
		}
	}
	if o.c.verbose {
		o.c.pass(l)
		return
	}
	_, _ = o.rest.Write(l)
}

// flush passes on a last line without its newline.
func (o *childOutput) flush() {
	if len(o.buf) > 0 {
		o.line(append(o.buf, '\n'))
		o.buf = nil
	}
}
