// Command smtpspec tests an SMTP server against RFC 5321, requirement by
// requirement. Run it with --help for the flags and exit codes.
//
// Besides a run (the default), it has two subcommands that read reports
// and contact no server:
//
//	smtpspec diff [--strict] OLD.json NEW.json
//	smtpspec matrix [--html PATH] [--markdown PATH] REPORT.json...
package main

import (
	"io"
	"os"

	"github.com/smtpspec/smtpspec/runner"
)

func main() { os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr)) }

// dispatch runs the subcommand args name, or a run.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "diff":
			return diffMain(args[1:], stdout, stderr)
		case "matrix":
			return matrixMain(args[1:], stdout, stderr)
		}
	}
	return runner.Main(args, stdout, stderr)
}
