package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/smtpspec/smtpspec/reports"
)

// Exit codes of the subcommands (the run's own are in runner).
const (
	exitOK    = 0
	exitWorse = 1
	exitUsage = 2
)

const diffUsage = `usage: smtpspec diff [--strict] [--markdown] OLD.json NEW.json

Compares two report.json files of the same target (OLD the baseline) and
lists the requirements that got worse (regressions: PASS → FAIL, → WARN
under --strict, or newly ERROR), the fixes and the failures both have.
Exit 1 when something got worse, 0 otherwise, 2 on bad input.
`

// diffMain is "smtpspec diff".
func diffMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("smtpspec diff", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	strict := fs.Bool("strict", false, "count WARN as failing (default: as the NEW report's run did)")
	markdown := fs.Bool("markdown", false, "print Markdown (a pull-request comment) instead of text")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, diffUsage)
			return exitOK
		}
		return usageError(stderr, "diff", err.Error())
	}
	if fs.NArg() != 2 {
		return usageError(stderr, "diff", fmt.Sprintf("want two reports, OLD and NEW, got %d arguments", fs.NArg()))
	}
	old, err := reports.ReadReport(fs.Arg(0))
	if err != nil {
		return usageError(stderr, "diff", err.Error())
	}
	cur, err := reports.ReadReport(fs.Arg(1))
	if err != nil {
		return usageError(stderr, "diff", err.Error())
	}
	isStrict := cur.Run.Strict
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "strict" {
			isStrict = *strict
		}
	})
	d := reports.Compare(old, cur, isStrict)
	if *markdown {
		d.WriteMarkdown(stdout)
	} else {
		d.WriteText(stdout)
	}
	if d.Worse() {
		return exitWorse
	}
	return exitOK
}

// usageError prints one line and returns exitUsage.
func usageError(stderr io.Writer, cmd, msg string) int {
	msg = strings.Join(strings.Fields(msg), " ")
	fmt.Fprintf(stderr, "smtpspec %s: %s (smtpspec %s --help)\n", cmd, msg, cmd)
	return exitUsage
}
