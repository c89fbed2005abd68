package selftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/reports"
)

// The console (issue 7, "Console"): one summary, smtpspec's; no Ginkgo
// noise; no progress line and no colour off a terminal; hints for the
// options whose absence made specs NOT APPLICABLE; the failure location in
// the spec's own file; --verbose prints each transcript once. The progress
// line itself is tested in runner (TestProgressLine), without a terminal.

const consoleFault = "RFC5321-3.3-rcpt-before-mail"

// consoleRun runs the binary with args and --out in a fresh directory,
// without --no-color (stdout is a pipe: colour must be off anyway), and
// returns the run with the directory.
func consoleRun(t *testing.T, args ...string) (runResult, string) {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command(binary, append(args, "--out", out)...)
	cmd.Env = append(os.Environ(), "NO_COLOR=") // an empty NO_COLOR does not turn colour off
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := runResult{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running smtpspec %v: %v", args, err)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatalf("smtpspec %v wrote no report.json: %v\n%s%s", args, err, res.Stdout, res.Stderr)
	}
	if err := json.Unmarshal(b, &res.Report); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	return res, out
}

// ginkgoNoise is what Ginkgo's own reporter prints: none of it may reach
// the console.
var ginkgoNoise = []string{"Ran ", "Random Seed", "Running Suite", "Will run", "Passed |", "Summarizing",
	"[FAILED]", "Timeline", "•", "Pending", "smtpspec.transcript"}

var summaryLine = regexp.MustCompile(`(?m)^smtpspec: \S+: \d+ specs: \d+ PASS, \d+ FAIL, \d+ WARN, \d+ NOT APPLICABLE, \d+ ERROR.* \((pass|pass with warnings|fail|incomplete)\)$`)

// TestConsoleOneSummary: a run with a failing spec, serial and parallel,
// prints smtpspec's summary once and nothing of Ginkgo's, no progress line
// and no colour (stdout is not a terminal), and the failure location, on
// the console and in junit.xml, is the line of the spec's own file that
// made the failing check.
func TestConsoleOneSummary(t *testing.T) {
	for _, par := range []string{"1", "2"} {
		t.Run("parallel "+par, func(t *testing.T) {
			res, out := consoleRun(t, "--reference-fault", consoleFault, "--label-filter", "RCPT", "--parallel", par)
			if res.Code != 1 || res.verdicts()[consoleFault] != "FAIL" {
				t.Fatalf("exit %d, %s %s; want 1 and FAIL\n%s%s", res.Code, consoleFault, res.verdicts()[consoleFault], res.Stdout, res.Stderr)
			}
			if n := len(summaryLine.FindAllString(res.Stdout, -1)); n != 1 {
				t.Errorf("%d summary lines, want 1:\n%s", n, res.Stdout)
			}
			for _, noise := range ginkgoNoise {
				if strings.Contains(res.Stdout+res.Stderr, noise) {
					t.Errorf("Ginkgo's %q reached the console:\n%s%s", noise, res.Stdout, res.Stderr)
				}
			}
			if root, _ := filepath.Abs(".."); strings.Contains(res.Stdout, root) {
				t.Errorf("the console shows paths of the build tree (%s):\n%s", root, res.Stdout)
			}
			if strings.ContainsAny(res.Stdout, "\r\x1b") || strings.Contains(res.Stdout, "[1/") {
				t.Errorf("a progress line or colour off a terminal:\n%q", res.Stdout)
			}
			want := fmt.Sprintf("%d specs: %d PASS, 1 FAIL", res.Report.Summary.Total, res.Report.Summary.Pass)
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("the summary does not say %q:\n%s", want, res.Stdout)
			}

			at := regexp.MustCompile(`(?m)^        spec: (suites/core/rcpt\.go):(\d+)$`).FindStringSubmatch(res.Stdout)
			if at == nil {
				t.Fatalf("the summary does not give the failing spec's line in suites/core/rcpt.go:\n%s", res.Stdout)
			}
			checkExpectLine(t, at[1], at[2])
			junit, err := os.ReadFile(filepath.Join(out, "junit.xml"))
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`In \[It\] at: \S*/suites/core/rcpt\.go:` + at[2] + ` `).Match(junit) {
				t.Errorf("junit.xml does not locate the failure at suites/core/rcpt.go:%s", at[2])
			}
			if bytes.Contains(junit, []byte("suites/framework/")) {
				t.Errorf("junit.xml locates a failure in the framework:\n%s", regexp.MustCompile(`In \[It\] at: \S+`).FindAll(junit, -1))
			}
		})
	}
}

// checkExpectLine: line of file (relative to the module's root) is the
// spec's check, not its It nor a framework line.
func checkExpectLine(t *testing.T, file, line string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", file))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(line)
	lines := strings.Split(string(src), "\n")
	if n < 1 || n > len(lines) || !strings.Contains(lines[n-1], "t.Expect(") {
		t.Errorf("%s:%s is not the spec's failing check", file, line)
	}
}

// TestConsoleMailboxHint: against a server without --mailbox, the summary
// says how many specs need one and what to give; with one, it says
// nothing of the kind.
func TestConsoleMailboxHint(t *testing.T) {
	srv, err := refserver.Start(refserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const filter = "RCPT && feature:core"
	without, _ := consoleRun(t, "--target", srv.Addr(), "--label-filter", filter)
	need := 0
	for _, r := range without.Report.Results {
		if r.Verdict == "NOT APPLICABLE" && strings.Contains(r.Reason, "--mailbox") {
			need++
		}
	}
	if without.Code != 0 || need == 0 {
		t.Fatalf("exit %d, %d specs NOT APPLICABLE for lack of --mailbox; want 0 and some\n%s%s", without.Code, need, without.Stdout, without.Stderr)
	}
	hint := fmt.Sprintf("\n  hint: %d specs need --mailbox: give a local recipient the server accepts", need)
	if !strings.Contains(without.Stdout, hint) {
		t.Errorf("the summary does not say %q:\n%s", hint, without.Stdout)
	}
	with, _ := consoleRun(t, "--target", srv.Addr(), "--label-filter", filter, "--mailbox", "alice@example.test")
	if with.Code != 0 || strings.Contains(with.Stdout, "need --mailbox") || strings.Contains(with.Stdout, "hint:") {
		t.Errorf("with --mailbox: exit %d, and a hint:\n%s", with.Code, with.Stdout)
	}
}

// TestConsoleVerboseOnce: --verbose prints each transcript once (as it
// happens, each line marked with its spec's ID) and one end line per spec,
// serial and parallel; the summary does not repeat them.
func TestConsoleVerboseOnce(t *testing.T) {
	rcpt := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(consoleFault) + ` +[0-9.]+s C: "RCPT TO:<alice@example\.test>\\r\\n"$`)
	for _, par := range []string{"1", "2"} {
		t.Run("parallel "+par, func(t *testing.T) {
			// RCPT's specs, and one row of a table (framework.Table).
			res, _ := consoleRun(t, "--reference-fault", consoleFault, "--label-filter", "RCPT || SEC-SMUG-CR-DOT-CR", "--parallel", par, "--verbose")
			if res.Code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", res.Code, res.Stdout, res.Stderr)
			}
			if n := len(rcpt.FindAllString(res.Stdout, -1)); n != 1 {
				t.Errorf("the failing spec's RCPT line is printed %d times, want 1:\n%s", n, res.Stdout)
			}
			if bare := regexp.MustCompile(`(?m)^ *[0-9]+\.[0-9]{3}s [CS*]:? `).FindAllString(res.Stdout, -1); len(bare) > 0 {
				t.Errorf("%d transcript lines printed without their spec's ID (a second copy):\n%s", len(bare), res.Stdout)
			}
			located := regexp.MustCompile(`(?m)^--- \S+ [A-Z ]+ \S+s \((\S+)\)$`).FindAllStringSubmatch(res.Stdout, -1)
			if len(located) != len(res.Report.Results) {
				t.Errorf("%d specs end with their line, %d ran", len(located), len(res.Report.Results))
			}
			for _, m := range located {
				// The spec's own file is in its area's package (suites/core,
				// suites/dsn, ...), never in the framework.
				if !strings.HasPrefix(m[1], "suites/") || strings.HasPrefix(m[1], "suites/framework/") {
					t.Errorf("a spec is located outside its own file: %s", m[0])
				}
			}
			echoed := echoedLines(res.Stdout)
			for _, r := range res.Report.Results {
				end := "\n--- " + r.ID + " " + string(r.Verdict) + " "
				if n := strings.Count(res.Stdout, end); n != 1 {
					t.Errorf("%q is printed %d times, want 1", end, n)
				}
				// The spec's transcript, line by line, as often as in
				// the report: once.
				want := map[string]int{}
				for _, l := range strings.Split(reports.TranscriptText(r.Events), "\n") {
					if m := transcriptLine.FindStringSubmatch(l); m != nil {
						want[m[1]]++
					}
				}
				if len(want) == 0 && r.Verdict != "NOT APPLICABLE" {
					t.Errorf("%s has no transcript in the report", r.ID)
				}
				if !reflect.DeepEqual(echoed[r.ID], want) && !(len(want) == 0 && len(echoed[r.ID]) == 0) {
					t.Errorf("%s: the console shows its transcript lines %v times, the report %v", r.ID, echoed[r.ID], want)
				}
			}
			if n := len(summaryLine.FindAllString(res.Stdout, -1)); n != 1 {
				t.Errorf("%d summary lines, want 1", n)
			}
			for _, noise := range ginkgoNoise {
				if strings.Contains(res.Stdout, noise) {
					t.Errorf("Ginkgo's %q reached the console", noise)
				}
			}
		})
	}
}

// transcriptLine is a line of a transcript without its time.
var transcriptLine = regexp.MustCompile(`^ *[0-9]+\.[0-9]{3}s (.*)$`)

// echoLine is a transcript line as --verbose echoes it, marked with its
// spec's ID.
var echoLine = regexp.MustCompile(`(?m)^(\S+) +[0-9]+\.[0-9]{3}s (.*)$`)

// echoedLines counts the transcript lines the console echoed, per spec ID
// (without their time).
func echoedLines(stdout string) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, m := range echoLine.FindAllStringSubmatch(stdout, -1) {
		if out[m[1]] == nil {
			out[m[1]] = map[string]int{}
		}
		out[m[1]][m[2]]++
	}
	return out
}
