package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/config"
	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/internal/version"
	"github.com/smtpspec/smtpspec/reports"
	"github.com/smtpspec/smtpspec/suites"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// failer is the GinkgoTestingT of an in-process run: Ginkgo calls Fail when
// the suite fails; the exit code comes from the report instead.
type failer struct{}

func (failer) Fail() {}

// Main runs the command line and returns the exit code. Every usage error
// is found before any connection and printed as one line on stderr (exit
// 2); every run that gets past them writes its reports, including one that
// ends before any spec ran (exit 3, the report says why).
func Main(args []string, stdout, stderr io.Writer) int {
	start := time.Now()
	o, err := Parse(args, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "smtpspec: %v\n", err)
		return ExitUsage
	}
	switch {
	case o.Help:
		printUsage(stdout)
		return ExitOK
	case o.Version:
		fmt.Fprintln(stdout, version.String())
		return ExitOK
	case o.ListFaults:
		listFaults(stdout)
		return ExitOK
	case o.PrintConfig:
		if err := printConfig(stdout, o); err != nil {
			fmt.Fprintf(stderr, "smtpspec: --print-config: %v\n", err)
			return ExitUsage
		}
		return ExitOK
	}
	if o.child.active() {
		return runChild(o, stdout, stderr)
	}
	o.userLabelFilter = o.LabelFilter
	if o.RerunFailed != "" {
		if len(o.rerun) == 0 {
			fmt.Fprintf(stdout, "smtpspec: --rerun-failed %s: no requirement there was FAIL or ERROR%s: nothing to run\n",
				o.RerunFailed, map[bool]string{true: " (or WARN, under --strict)"}[o.Strict])
			return ExitOK
		}
		filter := strings.Join(o.rerun, " || ")
		if o.LabelFilter != "" {
			filter = "(" + o.LabelFilter + ") && (" + filter + ")"
		}
		o.LabelFilter = filter
	}
	keep, err := selection(o.LabelFilter, o.Focus, o.Skip)
	if err != nil {
		fmt.Fprintf(stderr, "smtpspec: %v\n", err)
		return ExitUsage
	}
	selected := 0
	if !o.DryRun {
		// A run whose filters select nothing would report "0 specs:
		// pass": that is a usage error, found before any connection.
		if selected = countSelected(o, keep); selected == 0 {
			fmt.Fprintf(stderr, "smtpspec: no spec is selected by %s: smtpspec --dry-run with the same flags lists what they select\n", filterFlags(o))
			return ExitUsage
		}
	}
	writes := !o.DryRun || o.set["out"] || o.set["json"]
	if writes {
		// Before anything connects: the reports can be written, and no
		// report of an earlier run is left behind to be mistaken for
		// this one's.
		if err := o.CheckOutputs(); err != nil {
			fmt.Fprintf(stderr, "smtpspec: %v\n", err)
			return ExitUsage
		}
		if err := removeStale(o.Config); err != nil {
			fmt.Fprintf(stderr, "smtpspec: %v\n", err)
			return ExitUsage
		}
	}
	cfg := o.Config
	meta := o.reportMeta(args)
	if o.Target == "" {
		meta.Embedded = true
		if o.DryRun {
			cfg.Target = "(embedded reference server)"
		} else {
			srv, err := refserver.Start(embeddedConfig(o.Config))
			if err != nil {
				msg := fmt.Sprintf("cannot start the embedded reference server: %v", err)
				fmt.Fprintf(stderr, "smtpspec: %s\n", msg)
				r := run{o: o, start: start, keep: keep, meta: meta, stdout: stdout, stderr: stderr}
				return r.stoppedBeforeStart(&preflightStop{code: ExitUntestable, msg: msg})
			}
			defer srv.Close()
			cfg.Target = srv.Addr()
			if cfg.AuthUser == "" {
				// The embedded server's test account, so that the AUTH
				// specs that need credentials run too.
				cfg.AuthUser, cfg.AuthPassword = refserver.DefaultAuthUser, refserver.DefaultAuthPassword
			}
			fmt.Fprintf(stdout, "smtpspec: no --target given: testing the embedded reference server at %s\n", cfg.Target)
			if len(o.ReferenceFaults) > 0 {
				fmt.Fprintf(stdout, "smtpspec: with faults switched on: %s\n", strings.Join(o.ReferenceFaults, ", "))
			}
		}
		meta.Target = cfg.Target
	}
	if len(o.rerun) > 0 {
		fmt.Fprintf(stdout, "smtpspec: --rerun-failed %s: running the %d requirements that were FAIL or ERROR there\n", o.RerunFailed, len(o.rerun))
	}
	o.Config = cfg
	framework.Configure(cfg)
	r := run{o: o, start: start, keep: keep, meta: meta, stdout: stdout, stderr: stderr}
	if o.DryRun {
		return r.dryRun()
	}

	stop := watchSignals()
	defer stop.close()
	r.stop = stop
	ctx := stop.ctx
	if o.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, start.Add(o.Deadline))
		defer cancel()
	}
	g, ps := preflight(ctx, cfg)
	switch {
	case stop.get() != "":
		ps = &preflightStop{code: ExitUntestable, greeted: g.Code != 0, msg: stop.get()}
	case o.Deadline > 0 && time.Since(start) >= o.Deadline:
		ps = &preflightStop{code: ExitUntestable, greeted: g.Code != 0, msg: fmt.Sprintf("run stopped: deadline passed (--deadline %s)", o.Deadline)}
	}
	if g.Code != 0 {
		r.meta.Greeting = g
	}
	if ps != nil {
		switch {
		case ps.code == ExitUsage:
			fmt.Fprintf(stderr, "smtpspec: %s\n", ps.msg)
		default:
			fmt.Fprintf(stderr, "smtpspec: cannot test %s: %s\n", cfg.Target, ps.msg)
		}
		return r.stoppedBeforeStart(ps)
	}
	if g.Code != 220 {
		fmt.Fprintf(stderr, "smtpspec: %s refuses service (greeting %s): specs that need a session will be ERROR\n", cfg.Target, g)
	}
	if o.Parallel > 1 {
		return r.parallel(cfg)
	}
	remaining := time.Duration(0)
	if o.Deadline > 0 {
		remaining = max(o.Deadline-time.Since(start), time.Millisecond)
	}
	con := newConsole(o, stdout, selected)
	specEnded = func(sr types.SpecReport) {
		if e, ok := endOf(sr); ok {
			con.specDone(e)
		}
	}
	gr, ok := runGinkgo(o, ginkgoRun{labelFilter: o.LabelFilter, timeout: remaining})
	specEnded = nil
	con.done()
	if !ok {
		fmt.Fprintln(stderr, "smtpspec: the suite ended without a report")
		return ExitUntestable
	}
	gr = prune(gr, keep)
	stop.annotate(&gr, o.Deadline)
	return r.finish(gr)
}

// listFaults prints the embedded reference server's faults, with a header
// that says what each column is.
func listFaults(w io.Writer) {
	fmt.Fprintln(w, "The embedded reference server's faults: switch one on with --reference-fault FAULT (no --target) to see its spec fail.")
	fmt.Fprintln(w, "FAULT: the requirement ID the fault breaks (/variant when it has several); MODE: how the server greets (normal: 220, refuse: 554);")
	fmt.Fprintln(w, "WHAT THE SERVER DOES WRONG: the fault's behaviour.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-50s %-7s %s\n", "FAULT", "MODE", "WHAT THE SERVER DOES WRONG")
	for _, f := range refserver.Faults() {
		fmt.Fprintf(w, "%-50s %-7s %s\n", f.ID, f.Mode, f.Description)
	}
}

// run is one invocation's state for the steps after the preflight.
type run struct {
	o      Options
	start  time.Time
	keep   func(types.SpecReport) bool
	meta   reports.Meta
	stop   *stopper
	stdout io.Writer
	stderr io.Writer
	// noCompare: the run stopped before any spec; no baseline comparison.
	noCompare bool
}

// ginkgoRun says how to run Ginkgo this once.
type ginkgoRun struct {
	labelFilter string
	dryRun      bool
	timeout     time.Duration // the whole run's bound (0: none)
}

// runGinkgo runs the suite in-process (once per process: Ginkgo allows one
// RunSpecs) and returns Ginkgo's report of it. Ginkgo's console output is
// discarded: the console shows smtpspec's progress and summary only
// (console.go).
func runGinkgo(o Options, g ginkgoRun) (types.Report, bool) {
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = g.labelFilter
	suiteConfig.FocusStrings = o.Focus
	suiteConfig.SkipStrings = o.Skip
	suiteConfig.DryRun = g.dryRun
	suiteConfig.RandomSeed = 1
	// Ginkgo's suite timeout is --deadline: when it passes, Ginkgo cancels
	// the running spec's context (which closes its connections) and skips
	// the rest. Zero means no bound.
	suiteConfig.Timeout = g.timeout
	reporterConfig.NoColor = true
	formatter.ColorableStdOut = io.Discard
	var (
		report types.Report
		got    bool
	)
	suites.OnReport = func(gr types.Report) { report, got = gr, true }
	if !g.dryRun {
		watchSpecEnds()
	}
	ginkgo.RunSpecs(failer{}, suiteDescription, suiteConfig, reporterConfig)
	return report, got
}

// countSelected counts the specs the filters select, from Ginkgo's preview
// of the spec tree (which leaves the suite free to run after it).
func countSelected(o Options, keep func(types.SpecReport) bool) int {
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = o.LabelFilter
	suiteConfig.FocusStrings = o.Focus
	suiteConfig.SkipStrings = o.Skip
	suiteConfig.RandomSeed = 1
	reporterConfig.NoColor = true
	n := 0
	for _, sr := range ginkgo.PreviewSpecs(suiteDescription, suiteConfig, reporterConfig).SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt && keep(sr) {
			n++
		}
	}
	return n
}

// filterFlags names the filters in use, for a message.
func filterFlags(o Options) string {
	var used []string
	if o.RerunFailed != "" {
		used = append(used, "--rerun-failed "+o.RerunFailed)
	}
	if o.userLabelFilter != "" {
		used = append(used, fmt.Sprintf("--label-filter %q", o.userLabelFilter))
	}
	for _, f := range o.Focus {
		used = append(used, fmt.Sprintf("--focus %q", f))
	}
	for _, f := range o.Skip {
		used = append(used, fmt.Sprintf("--skip %q", f))
	}
	if len(used) == 0 {
		return "the filters"
	}
	return strings.Join(used, " and ")
}

// dryRun lists the selected specs; with --out it writes the listing too.
func (r run) dryRun() int {
	gr, ok := runGinkgo(r.o, ginkgoRun{labelFilter: r.o.LabelFilter, dryRun: true})
	if !ok {
		fmt.Fprintln(r.stderr, "smtpspec: the suite ended without a report")
		return ExitUntestable
	}
	report := reports.BuildReport(prune(gr, r.keep), r.meta)
	writeListing(r.stdout, report)
	if r.o.set["out"] || r.o.set["json"] {
		// A dry run writes the listing as report.json only when asked
		// (the other reports of an earlier run in --out are removed).
		if err := report.WriteJSON(r.o.Reports.JSON); err != nil {
			fmt.Fprintf(r.stderr, "smtpspec: %v\n", err)
			return ExitUsage
		}
	}
	return ExitOK
}

// stoppedBeforeStart writes the report of a run that stopped before any
// spec (the target could not be reached or tested, the preflight stopped
// it): every selected spec NOT RUN, and the report says why. Its exit code
// is the stop's, and there is nothing to compare with a baseline.
func (r run) stoppedBeforeStart(ps *preflightStop) int {
	r.noCompare = true
	gr, ok := runGinkgo(r.o, ginkgoRun{labelFilter: r.o.LabelFilter, dryRun: true})
	if !ok {
		return ps.code
	}
	gr = prune(gr, r.keep)
	gr.SpecialSuiteFailureReasons = []string{"preflight: " + ps.msg}
	gr.SuiteSucceeded = false
	if code := r.finish(gr); code == ExitUsage {
		return code
	}
	return ps.code
}

// finish builds and writes the reports, prints the summary and returns the
// exit code.
func (r run) finish(gr types.Report) int {
	report := reports.BuildReport(gr, r.meta)
	compared := false
	if r.o.Baseline != "" && !r.noCompare {
		base, err := reports.DecodeReport(r.o.Baseline, r.o.baseline)
		if err != nil {
			fmt.Fprintf(r.stderr, "smtpspec: --baseline %s: %v\n", r.o.Baseline, err)
			return ExitUsage
		}
		report, compared = report.WithBaseline(base), true
	}
	locateFailures(&gr)
	written, err := writeReports(r.o.Config, gr, report)
	report.WriteConsoleSummary(r.stdout, reports.Style{Color: colorOn(r.o, r.stdout), Locations: failureLocations(gr)})
	if err != nil {
		fmt.Fprintf(r.stderr, "smtpspec: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(r.stdout, "reports: %s\n", strings.Join(written, ", "))
	if compared {
		// The regression gate: 1 only when a requirement got worse than
		// in the baseline (known failures stay visible, as known).
		switch {
		case report.GateFails():
			return ExitNonConform
		case report.Interrupted:
			return ExitUntestable
		}
		return ExitOK
	}
	return exitCode(report)
}

// exitCode: 1 if any requirement failed (WARN too, under --strict); else 3
// if anything could not be tested or the run was cut short; else 0.
func exitCode(r reports.Report) int {
	switch {
	case r.Fails():
		return ExitNonConform
	case r.Summary.Error > 0 || r.Interrupted:
		return ExitUntestable
	}
	return ExitOK
}

// writeListing prints the dry-run listing: one spec per line, with its ID,
// level and section.
func writeListing(w io.Writer, r reports.Report) {
	for _, res := range r.Results {
		fmt.Fprintf(w, "%-58s %-6s %-26s %s\n", res.ID, res.Level, sectionOf(res), res.Spec)
	}
	fmt.Fprintf(w, "%d specs\n", len(r.Results))
}

func sectionOf(res reports.Result) string {
	if res.Section != "" {
		return res.Section
	}
	return "-"
}

// isTerminal reports whether f is a terminal (colour only makes sense there).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Run is Main for the process: it exits with Main's code.
func Run() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// embeddedConfig is the reference server the runner starts without
// --target: with the faults of --reference-fault, and speaking TLS from the
// first octet under --tls implicit.
func embeddedConfig(c config.Config) refserver.Config {
	return refserver.Config{Addr: "127.0.0.1:0", Faults: c.ReferenceFaults, ImplicitTLS: c.TLSMode == config.TLSImplicit}
}

// reportMeta is what the reports say about this run besides its results:
// the tool, the target, the profile and TLS mode, the options and the
// command line that repeats it (secrets redacted), and what the user said
// the target is.
func (o Options) reportMeta(args []string) reports.Meta {
	rev, dirty := version.Commit()
	return reports.Meta{
		Tool:    reports.Tool{Name: "smtpspec", Version: version.Version, Commit: rev, Modified: dirty},
		Target:  o.Target,
		Profile: o.Profile,
		TLSMode: o.TLSMode,
		Strict:  o.Strict,
		Command: reports.CommandLine(args),
		Options: o.options,
		Implementation: reports.Implementation{Name: o.Implementation.Name, Version: o.Implementation.Version,
			Organization: o.Implementation.Organization},
	}
}
