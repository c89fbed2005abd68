package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/config"
	"github.com/smtpspec/smtpspec/reports"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// A --parallel N run spreads the selected specs over N child processes of
// this binary, each a serial run against the same target, and merges their
// Ginkgo reports, in the serial order, into one report. Ginkgo's own
// parallel mode needs its CLI; a child process per session keeps each run
// in-process and its state (the framework's configuration, the run's
// breakers) its own.
//
// The parent lists the specs its filters select (a dry run in-process) and
// starts each child with the user's flags plus --target (the embedded
// server the parent started, when there was no --target), the time left to
// --deadline, and hidden flags: the claim directory and the session number
// (claim.go: the children share the specs out as they go), and where to
// write Ginkgo's JSON report. The children run in their own process group,
// so a Ctrl-C on the terminal reaches the parent only, which passes SIGINT
// and SIGTERM on to each child once. When a child's run aborts (the target
// stopped accepting connections), the parent interrupts the others.
// Each child writes a line to its stdout as each of its specs ends; the
// parent shows them on its console as they come (console.go), so a
// parallel run shows the same progress line as a serial one. Under
// --verbose the children's other lines (the transcripts, each marked with
// its spec's ID) are shown as they come too; without it there are none.

// session is one child process of a --parallel run.
type session struct {
	n      int
	cmd    *exec.Cmd
	json   string
	events *childOutput // its stdout
	errOut bytes.Buffer
	report *types.Report
	err    error
}

func (r run) parallel(cfg config.Config) int {
	list, ok := runGinkgo(r.o, ginkgoRun{labelFilter: r.o.LabelFilter, dryRun: true})
	if !ok {
		fmt.Fprintln(r.stderr, "smtpspec: the suite ended without a report")
		return ExitUntestable
	}
	list = prune(list, r.keep)
	specs := 0
	for _, sr := range list.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			specs++
		}
	}
	n := max(min(r.o.Parallel, specs), 1)
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(r.stderr, "smtpspec: --parallel: cannot find this program to start its sessions: %v\n", err)
		return ExitUsage
	}
	dir, err := os.MkdirTemp("", "smtpspec-parallel-")
	if err != nil {
		fmt.Fprintf(r.stderr, "smtpspec: --parallel: %v\n", err)
		return ExitUsage
	}
	defer os.RemoveAll(dir)

	started := time.Now()
	base, err := childArgs(dir, r.o, cfg)
	if err != nil {
		fmt.Fprintf(r.stderr, "smtpspec: --parallel: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(r.stdout, "smtpspec: running %d specs on %d sessions at once (--parallel %d)\n", specs, n, r.o.Parallel)
	con := newConsole(r.o, r.stdout, specs)
	defer con.done()
	children, claimDir, err := r.runSessions(con, self, filepath.Join(dir, "1"), base, n)
	if err != nil {
		fmt.Fprintf(r.stderr, "smtpspec: --parallel: %v\n", err)
		return ExitUsage
	}
	merged := mergeReports(list, children, func(id string) int { return claimant(claimDir, id) }, started, r.stop.get())

	// A server that throttles parallel clients answers some sessions with
	// 421, which makes their spec ERROR (or NOT APPLICABLE). Every spec
	// that met a 421 runs once more, one at a time, after the others, and
	// its verdict is the one of that serial run.
	if ids := throttled(reports.BuildReport(merged, r.meta)); len(ids) > 0 && r.stop.get() == "" {
		fmt.Fprintf(r.stdout, "smtpspec: %d specs met a 421 reply while %d sessions were open: running them again, one at a time\n", len(ids), n)
		filter := strings.Join(ids, " || ")
		if r.o.LabelFilter != "" {
			filter = "(" + r.o.LabelFilter + ") && (" + filter + ")"
		}
		again, againDir, err := r.runSessions(con, self, filepath.Join(dir, "2"), append(append([]string(nil), base...), "--label-filter", filter), 1)
		if err != nil {
			fmt.Fprintf(r.stderr, "smtpspec: --parallel: %v\n", err)
			return ExitUsage
		}
		if again[0].report != nil {
			retried := map[string]types.SpecReport{}
			for _, sr := range again[0].report.SpecReports {
				if sr.LeafNodeType == types.NodeTypeIt && claimant(againDir, specID(sr)) == 1 {
					retried[specID(sr)] = sr
				}
			}
			for i, sr := range merged.SpecReports {
				if got, ok := retried[specID(sr)]; ok && sr.LeafNodeType == types.NodeTypeIt {
					merged.SpecReports[i] = got
				}
			}
			for _, why := range again[0].report.SpecialSuiteFailureReasons {
				merged.SpecialSuiteFailureReasons = append(merged.SpecialSuiteFailureReasons, why)
				merged.SuiteSucceeded = false
			}
		}
		merged.EndTime = time.Now()
		merged.RunTime = merged.EndTime.Sub(merged.StartTime)
	}
	r.stop.annotate(&merged, r.o.Deadline)
	con.done()
	return r.finish(merged)
}

// throttle421 finds a 421 reply in a transcript (wire.Transcript's form).
var throttle421 = regexp.MustCompile(`(?m)^ *[0-9.]+s S: "421[ -]`)

// throttled lists the specs that met a 421 reply (greeting or command),
// whatever their verdict: a throttled session ends as ERROR, or NOT
// APPLICABLE where a spec only applies after a 220 greeting. A spec whose
// 421 is the server's answer to the spec itself (an error flood) runs
// again too, and gets the same verdict as before.
func throttled(rep reports.Report) []string {
	var ids []string
	for _, res := range rep.Results {
		if res.Verdict != framework.NotRun && throttle421.MatchString(res.Transcript) {
			ids = append(ids, res.ID)
		}
	}
	return ids
}

// runSessions runs n children with base's flags, sharing the specs out
// through a claim directory under dir, and returns them once they have all
// ended, with the claim directory. The children's spec ends go to con as
// they come.
func (r run) runSessions(con *console, self, dir string, base []string, n int) ([]*session, string, error) {
	claimDir := filepath.Join(dir, "claims")
	if err := os.MkdirAll(claimDir, 0o755); err != nil {
		return nil, "", err
	}
	remaining := time.Duration(0) // the children's --deadline: what is left of ours
	if r.o.Deadline > 0 {
		remaining = max(r.o.Deadline-time.Since(r.start), time.Millisecond)
	}
	var mu sync.Mutex // guards the start and the signalling of children
	running := map[*session]bool{}
	signalAll := func(sig os.Signal) {
		mu.Lock()
		defer mu.Unlock()
		for c := range running {
			_ = c.cmd.Process.Signal(sig)
		}
	}
	r.stop.setForward(signalAll)
	defer r.stop.setForward(nil)

	children := make([]*session, n)
	var wg sync.WaitGroup
	for i := range children {
		c := &session{n: i + 1, json: filepath.Join(dir, fmt.Sprintf("session-%d.json", i+1))}
		children[i] = c
		cargs := append(append([]string(nil), base...),
			"--out", filepath.Join(dir, fmt.Sprintf("out-%d", c.n)),
			"--deadline", remaining.String(),
			"--internal-claims", claimDir, "--internal-session", strconv.Itoa(c.n),
			"--internal-ginkgo-json", c.json)
		c.cmd = exec.Command(self, cargs...)
		c.cmd.Env = childEnv(r.o.Config)
		c.events = &childOutput{c: con, rest: io.Discard}
		c.cmd.Stdout, c.cmd.Stderr = c.events, &c.errOut
		ownProcessGroup(c.cmd)
		mu.Lock()
		if r.stop.get() != "" {
			mu.Unlock()
			break // interrupted while starting: start no more
		}
		if err := c.cmd.Start(); err != nil {
			mu.Unlock()
			c.err = err
			continue
		}
		running[c] = true
		mu.Unlock()
		wg.Add(1)
		go func(c *session) {
			defer wg.Done()
			c.err = c.cmd.Wait()
			mu.Lock()
			delete(running, c)
			mu.Unlock()
			c.report = readGinkgoJSON(c.json)
			if c.report == nil {
				return
			}
			for _, sr := range c.report.SpecReports {
				if sr.State.Is(types.SpecStateAborted) && r.stop.set(sr.Failure.Message) {
					// One session's run aborted (the target went
					// away): stop the others too.
					signalAll(os.Interrupt)
				}
			}
		}(c)
	}
	wg.Wait()
	con.done()

	for _, c := range children {
		if c.events != nil {
			c.events.flush()
		}
		if c.report == nil && c.cmd.Process != nil {
			why := fmt.Sprintf("session %d of %d ended without a report (%v)", c.n, n, c.err)
			if tail := lastLine(c.errOut.String()); tail != "" {
				why += ": " + tail
			}
			fmt.Fprintf(r.stderr, "smtpspec: %s\n", why)
			r.stop.set(why)
		}
	}
	return children, claimDir, nil
}

// mergeReports puts the children's spec reports back in the serial order of
// list: each spec's report comes from the session that claimed it. A spec
// no session claimed (the run stopped first) comes from any session that
// reports it (skipped, so NOT RUN), or from the listing.
func mergeReports(list types.Report, children []*session, claimedBy func(id string) int, started time.Time, stopReason string) types.Report {
	merged := list
	merged.SuiteConfig.DryRun = false
	merged.StartTime, merged.EndTime = started, time.Now()
	merged.RunTime = merged.EndTime.Sub(merged.StartTime)
	merged.SuiteSucceeded = true
	merged.SpecialSuiteFailureReasons = nil
	addReason := func(why string) {
		for _, have := range merged.SpecialSuiteFailureReasons {
			if have == why {
				return
			}
		}
		merged.SpecialSuiteFailureReasons = append(merged.SpecialSuiteFailureReasons, why)
	}
	bySession := map[int]map[string]types.SpecReport{}
	for _, c := range children {
		if c.report == nil {
			continue
		}
		m := map[string]types.SpecReport{}
		for _, sr := range c.report.SpecReports {
			if sr.LeafNodeType == types.NodeTypeIt {
				m[specID(sr)] = sr
			}
		}
		bySession[c.n] = m
		merged.SuiteSucceeded = merged.SuiteSucceeded && c.report.SuiteSucceeded
		for _, why := range c.report.SpecialSuiteFailureReasons {
			addReason(why)
		}
	}
	merged.SpecReports = nil
	missing := false
	for _, sr := range list.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		id := specID(sr)
		if got, ok := bySession[claimedBy(id)][id]; ok {
			merged.SpecReports = append(merged.SpecReports, got)
			continue
		}
		// Nobody ran it. Ginkgo skipped it in every session that got
		// this far; the merged report shows it skipped: NOT RUN.
		sr.State, sr.Failure = types.SpecStateSkipped, types.Failure{}
		for _, c := range children {
			if got, ok := bySession[c.n][id]; ok && got.Failure.Message != claimedElsewhere {
				sr = got
				break
			}
		}
		if sr.State.Is(types.SpecStateSkipped) && sr.Failure.Message != "" {
			sr.Failure = types.Failure{}
		}
		merged.SpecReports = append(merged.SpecReports, sr)
		missing = true
	}
	if missing {
		merged.SuiteSucceeded = false
		if stopReason == "" {
			stopReason = "a session ended without running all of its specs"
		}
		if len(merged.SpecialSuiteFailureReasons) == 0 {
			addReason(stopReason)
		}
	}
	return merged
}

// runChild is a --parallel child: a serial run of the specs it claims,
// without preflight or reports; it writes a line to stdout as each spec
// ends (console.go) and Ginkgo's report for the parent.
func runChild(o Options, stdout, stderr io.Writer) int {
	if o.child.Claims == "" || o.child.Session < 1 {
		fmt.Fprintln(stderr, "smtpspec: --internal-ginkgo-json needs --internal-claims and --internal-session")
		return ExitUsage
	}
	claims.dir, claims.session = o.child.Claims, o.child.Session
	framework.Configure(o.Config)
	emitEvents(stdout)
	gr, ok := runGinkgo(o, ginkgoRun{labelFilter: o.LabelFilter, timeout: o.Deadline})
	if !ok {
		fmt.Fprintln(stderr, "smtpspec: the suite ended without a report")
		return ExitUntestable
	}
	if err := reporters.GenerateJSONReport(gr, o.child.GinkgoJSON); err != nil {
		fmt.Fprintf(stderr, "smtpspec: %v\n", err)
		return ExitUsage
	}
	return ExitOK
}

// readGinkgoJSON reads a report GenerateJSONReport wrote (a list of one).
func readGinkgoJSON(path string) *types.Report {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var rs []types.Report
	if json.Unmarshal(b, &rs) != nil || len(rs) != 1 {
		return nil
	}
	return &rs[0]
}

// childArgs are the flags of every child: one config file, written into
// dir, holding the parent's effective settings (its flags and its config
// file resolved, the embedded server's address and defaults filled in),
// except the run-level ones the parent keeps: faults, parallelism, the
// earlier reports, where the reports go. The parent adds the child's own
// output directory, deadline, claims and session. A label filter a
// retry adds comes after, on the command line, and overrides the file's.
// The password is not in the file: the child gets it in its environment
// (childEnv).
func childArgs(dir string, o Options, cfg config.Config) ([]string, error) {
	child := o
	child.Config = cfg
	child.ReferenceFaults = nil
	child.Parallel = 1
	child.NoColor = true
	child.RerunFailed, child.Baseline = "", ""
	child.Reports = config.Reports{}
	child.AuthPasswordFile = ""
	var buf bytes.Buffer
	if err := printConfig(&buf, child); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "session.yaml")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return nil, err
	}
	return []string{"--config", path}, nil
}

// childEnv is the children's environment: the parent's, with the AUTH
// password (from whichever source) in config.PasswordEnv.
func childEnv(cfg config.Config) []string {
	env := os.Environ()
	if cfg.AuthPassword == "" {
		return env
	}
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, config.PasswordEnv+"=") {
			out = append(out, kv)
		}
	}
	return append(out, config.PasswordEnv+"="+cfg.AuthPassword)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
