package runner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/reports"
	"github.com/smtpspec/smtpspec/suites"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// Version is the suite's version, stamped into every report.
var Version = "0.1.0-dev"

// Embedded reference server defaults: its served domain's first mailbox.
const embeddedMailbox = "alice@example.test"

// failer is the GinkgoTestingT of an in-process run: Ginkgo calls Fail when
// the suite fails; the exit code comes from the report instead.
type failer struct{}

func (failer) Fail() {}

// Main runs the command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	o, err := Parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "smtpspec: %v\n", err)
		return ExitUsage
	}
	if o.Version {
		fmt.Fprintf(stdout, "smtpspec %s\n", Version)
		return ExitOK
	}
	if o.ListFaults {
		for _, f := range refserver.Faults() {
			fmt.Fprintf(stdout, "%-50s %-7s %s\n", f.ID, f.Mode, f.Description)
		}
		return ExitOK
	}
	cfg := framework.Config{
		Target: o.Target, Helo: o.Helo, Sender: o.Sender, Mailbox: o.Mailbox,
		UnknownMailbox: o.UnknownMailbox, ForeignRecipient: o.ForeignRecipient, Strict: o.Strict,
		ConnectTimeout: o.ConnectTimeout, ReplyTimeout: o.ReplyTimeout, Silence: o.Silence, Verbose: o.Verbose,
	}
	target := reports.Target{Address: o.Target}
	if o.Target == "" {
		target.Embedded = true
		if !o.set["mailbox"] {
			cfg.Mailbox = embeddedMailbox
		}
		if !o.set["silence"] {
			cfg.Silence = embeddedSilence
		}
		if o.DryRun {
			cfg.Target = "(embedded reference server)"
		} else {
			srv, err := refserver.Start(embeddedConfig(o.ReferenceFaults))
			if err != nil {
				fmt.Fprintf(stderr, "smtpspec: --reference-fault: %v; smtpspec --list-faults lists them\n", strings.TrimSuffix(err.Error(), " (see refserver.Faults for the list)"))
				return ExitUsage
			}
			defer srv.Close()
			cfg.Target = srv.Addr()
			fmt.Fprintf(stdout, "smtpspec: no --target given: testing the embedded reference server at %s\n", cfg.Target)
			if len(o.ReferenceFaults) > 0 {
				fmt.Fprintf(stdout, "smtpspec: with faults switched on: %s\n", strings.Join(o.ReferenceFaults, ", "))
			}
		}
		target.Address = cfg.Target
	}
	if !o.DryRun {
		g, err := preflight(context.Background(), cfg)
		if err != nil {
			fmt.Fprintf(stderr, "smtpspec: cannot test %s: %v\n", cfg.Target, err)
			return ExitUntestable
		}
		target.Greeting = g.String()
		if g.Code != 220 {
			fmt.Fprintf(stderr, "smtpspec: %s refuses service (greeting %s): specs that need a session will be ERROR\n", cfg.Target, g)
		}
	}
	framework.Configure(cfg)

	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = o.LabelFilter
	suiteConfig.FocusStrings = o.Focus
	suiteConfig.SkipStrings = o.Skip
	suiteConfig.DryRun = o.DryRun
	suiteConfig.RandomSeed = 1
	reporterConfig.NoColor = o.NoColor || !isTerminal(os.Stdout)
	reporterConfig.Verbose = o.Verbose
	if o.DryRun {
		// The listing is the output; Ginkgo's progress line is noise.
		formatter.ColorableStdOut = io.Discard
	}

	suiteInfo := reports.Suite{Name: "smtpspec", Version: Version, Command: reproduce(args), Strict: o.Strict}
	var (
		report    reports.Report
		gotReport bool
		writeErr  error
	)
	suites.OnReport = func(gr types.Report) {
		report = reports.Build(gr, suiteInfo, target)
		gotReport = true
		switch {
		case !o.DryRun:
			writeErr = reports.WriteAll(o.Out, gr, report)
		case o.set["out"]:
			// A dry run writes the listing as report.json only when asked.
			writeErr = reports.WriteListing(o.Out, report)
		}
	}
	ginkgo.RunSpecs(failer{}, "smtpspec", suiteConfig, reporterConfig)

	if !gotReport {
		fmt.Fprintln(stderr, "smtpspec: the suite ended without a report")
		return ExitUntestable
	}
	if o.DryRun {
		writeListing(stdout, report)
		if writeErr != nil {
			fmt.Fprintf(stderr, "smtpspec: %v\n", writeErr)
			return ExitUsage
		}
		return ExitOK
	}
	report.WriteSummary(stdout)
	if writeErr != nil {
		fmt.Fprintf(stderr, "smtpspec: %v\n", writeErr)
		return ExitUsage
	}
	fmt.Fprintf(stdout, "reports: %s/report.json, %s/junit.xml\n", o.Out, o.Out)
	return exitCode(report)
}

// exitCode: 1 if any requirement failed (WARN too, under --strict); else 3
// if anything could not be tested or the run was cut short; else 0.
func exitCode(r reports.Report) int {
	switch {
	case len(r.Failing()) > 0:
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

// reproduce returns the command line that repeats this run.
func reproduce(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t'\"&|!()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		quoted[i] = a
	}
	return strings.TrimSpace("smtpspec " + strings.Join(quoted, " "))
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
