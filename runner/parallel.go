package runner

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// A --parallel N run shards the selected specs over N child processes of
// this binary, each a serial run of its share against the same target, and
// merges their Ginkgo reports, in the serial order, into one report. Ginkgo's
// own parallel mode needs its CLI; a child process per session keeps each
// run in-process and its state (the framework's configuration, the run's
// breakers) its own.
//
// The parent lists the specs its filters select (a dry run in-process),
// deals them out round-robin, and starts each child with the user's flags
// plus --target (the embedded server the parent started, when there was no
// --target), the time left to --deadline, and two hidden flags: the shard
// (a file of requirement IDs) and where to write Ginkgo's JSON report. The
// children run in their own process group, so a Ctrl-C on the terminal
// reaches the parent only, which passes SIGINT and SIGTERM on to each
// child once. When a child's run aborts (the target stopped accepting
// connections), the parent interrupts the others. Children's console
// output is not shown (with --verbose it is, one child after another),
// so the console stays readable.

// shardChild is one child process of a --parallel run.
type shardChild struct {
	ids    []string
	cmd    *exec.Cmd
	json   string
	out    bytes.Buffer
	errOut bytes.Buffer
	report *types.Report
	err    error
}

func (r run) parallel(args []string, cfg framework.Config) int {
	list, ok := runGinkgo(r.o, ginkgoRun{labelFilter: r.o.LabelFilter, dryRun: true, quiet: true})
	if !ok {
		fmt.Fprintln(r.stderr, "smtpspec: the suite ended without a report")
		return ExitUntestable
	}
	list = prune(list, r.keep)
	var ids []string
	for _, sr := range list.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			ids = append(ids, specID(sr))
		}
	}
	n := min(r.o.Parallel, len(ids))
	if n < 1 {
		n = 1
	}
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
	base := childArgs(args, r.o, cfg)
	remaining := time.Duration(0) // the children's --deadline: what is left of ours
	if r.o.Deadline > 0 {
		remaining = max(r.o.Deadline-time.Since(r.start), time.Millisecond)
	}
	children := make([]*shardChild, n)
	for i := range children {
		children[i] = &shardChild{json: filepath.Join(dir, fmt.Sprintf("shard-%d.json", i+1))}
	}
	for i, id := range ids {
		c := children[i%n]
		c.ids = append(c.ids, id)
	}
	fmt.Fprintf(r.stdout, "smtpspec: running %d specs on %d sessions at once (--parallel %d)\n", len(ids), n, r.o.Parallel)

	var mu sync.Mutex // guards the start and the signalling of children
	running := map[*shardChild]bool{}
	signalAll := func(sig os.Signal) {
		mu.Lock()
		defer mu.Unlock()
		for c := range running {
			_ = c.cmd.Process.Signal(sig)
		}
	}
	r.stop.setForward(signalAll)
	defer r.stop.setForward(nil)

	var wg sync.WaitGroup
	for i, c := range children {
		shard := filepath.Join(dir, fmt.Sprintf("shard-%d.ids", i+1))
		if err := os.WriteFile(shard, []byte(strings.Join(c.ids, "\n")+"\n"), 0o644); err != nil {
			fmt.Fprintf(r.stderr, "smtpspec: --parallel: %v\n", err)
			return ExitUsage
		}
		cargs := append(append([]string(nil), base...),
			"--out", filepath.Join(dir, fmt.Sprintf("out-%d", i+1)),
			"--deadline", remaining.String(),
			"--internal-shard", shard, "--internal-ginkgo-json", c.json)
		c.cmd = exec.Command(self, cargs...)
		c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.errOut
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
		go func(c *shardChild) {
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

	for i, c := range children {
		if r.o.Verbose && c.out.Len() > 0 {
			fmt.Fprintf(r.stdout, "--- session %d of %d (%d specs)\n", i+1, n, len(c.ids))
			_, _ = io.Copy(r.stdout, &c.out)
		}
		if c.report == nil && c.cmd != nil && c.cmd.Process != nil {
			why := fmt.Sprintf("session %d of %d ended without a report (%v)", i+1, n, c.err)
			if tail := lastLine(c.errOut.String()); tail != "" {
				why += ": " + tail
			}
			fmt.Fprintf(r.stderr, "smtpspec: %s\n", why)
			r.stop.set(why)
		}
	}
	merged := mergeReports(list, children, started, r.stop.get())
	r.stop.annotate(&merged, r.o.Deadline)
	return r.finish(merged)
}

// mergeReports puts the children's spec reports back in the serial order of
// list. A spec whose child left no report of it is not run.
func mergeReports(list types.Report, children []*shardChild, started time.Time, stopReason string) types.Report {
	byID := map[string]types.SpecReport{}
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
	for _, c := range children {
		if c.report == nil {
			continue
		}
		mine := map[string]bool{}
		for _, id := range c.ids {
			mine[id] = true
		}
		for _, sr := range c.report.SpecReports {
			if sr.LeafNodeType == types.NodeTypeIt && mine[specID(sr)] {
				byID[specID(sr)] = sr
			}
		}
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
		if got, ok := byID[specID(sr)]; ok {
			merged.SpecReports = append(merged.SpecReports, got)
			continue
		}
		sr.State, sr.Failure = types.SpecStateSkipped, types.Failure{}
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
	if stopReason != "" && len(merged.SpecialSuiteFailureReasons) == 0 {
		// Stopped (an abort elsewhere, a signal) after every spec ended.
		merged.SuiteSucceeded = false
	}
	return merged
}

// runChild is a --parallel child: a serial run of its shard, without
// preflight or reports; it writes Ginkgo's report for the parent.
func runChild(o Options, cfg framework.Config, stderr io.Writer) int {
	b, err := os.ReadFile(o.child.Shard)
	if err != nil {
		fmt.Fprintf(stderr, "smtpspec: --internal-shard: %v\n", err)
		return ExitUsage
	}
	ids := strings.Fields(string(b))
	if len(ids) == 0 {
		fmt.Fprintln(stderr, "smtpspec: --internal-shard: no specs")
		return ExitUsage
	}
	filter := strings.Join(ids, " || ")
	if o.LabelFilter != "" {
		filter = "(" + o.LabelFilter + ") && (" + filter + ")"
	}
	framework.Configure(cfg)
	gr, ok := runGinkgo(o, ginkgoRun{labelFilter: filter, timeout: o.Deadline})
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

// childArgs are the user's flags for a child: the parent's own run-level
// flags are dropped (the target, faults, output, parallelism, deadline),
// and the child gets the parent's target, with the embedded server's
// defaults when there was no --target.
func childArgs(args []string, o Options, cfg framework.Config) []string {
	drop := map[string]bool{"target": true, "reference-fault": true, "out": true, "parallel": true, "deadline": true,
		"dry-run": true, "list-faults": true, "version": true, "internal-shard": true, "internal-ginkgo-json": true}
	var probe Options
	fs := newFlagSet(&probe, io.Discard)
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			out = append(out, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		takesNext := f != nil && !hasValue && !isBoolFlag(f)
		if !drop[name] {
			out = append(out, a)
		}
		if takesNext && i+1 < len(args) {
			i++
			if !drop[name] {
				out = append(out, args[i])
			}
		}
	}
	out = append(out, "--target", cfg.Target, "--parallel", "1", "--no-color")
	if o.Target == "" {
		if !o.set["mailbox"] {
			out = append(out, "--mailbox", cfg.Mailbox)
		}
		if !o.set["silence"] {
			out = append(out, "--silence", cfg.Silence.String())
		}
	}
	return out
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
