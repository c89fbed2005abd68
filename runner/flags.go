// Package runner is smtpspec's command line: it reads the flags, checks the
// target can be tested at all, runs the Ginkgo suite in-process, writes the
// reports and decides the exit code.
package runner

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/refserver"
)

// Exit codes, documented in the README.
const (
	ExitOK         = 0 // no failing requirement
	ExitNonConform = 1 // the server failed at least one requirement
	ExitUsage      = 2 // bad flag or configuration
	ExitUntestable = 3 // the target could not be tested (or some specs could not)
)

// Options are the parsed command-line settings.
type Options struct {
	Target           string
	Out              string
	Helo             string
	Sender           string
	Mailbox          string
	UnknownMailbox   string
	ForeignRecipient string
	Strict           bool
	ReplyTimeout     time.Duration
	ConnectTimeout   time.Duration
	Silence          time.Duration
	LabelFilter      string
	Focus            []string
	Skip             []string
	DryRun           bool
	Verbose          bool
	NoColor          bool
	Version          bool
	// ReferenceFaults switch faults on in the embedded reference server
	// (no --target), to see what a failure looks like.
	ReferenceFaults []string
	ListFaults      bool
	// set is true for flags given on the command line.
	set map[string]bool
}

// Defaults for the timeouts. RFC 5321 §4.5.3.2 gives clients 5 minutes for
// the greeting, MAIL and RCPT replies, 2 for the 354 and 10 for the reply to
// the final dot; a conformance run waits far less, so a dead or silent
// server ends the run in seconds. Raise --timeout for slow servers.
const (
	defaultReplyTimeout   = 5 * time.Second
	defaultConnectTimeout = 5 * time.Second
	defaultSilence        = time.Second
	// embeddedSilence is the silence window against the embedded server on
	// loopback, which replies in microseconds.
	embeddedSilence = 150 * time.Millisecond
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// Parse reads the command line. Errors name the offending flag.
func Parse(args []string, stderr io.Writer) (Options, error) {
	var o Options
	fs := flag.NewFlagSet("smtpspec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Target, "target", "", "SMTP server to test, host:port (default: the embedded reference server)")
	fs.StringVar(&o.Out, "out", "out", "directory for report.json and junit.xml")
	fs.StringVar(&o.Helo, "helo", "smtpspec.example.org", "domain the suite gives in EHLO/HELO")
	fs.StringVar(&o.Sender, "sender", "smtpspec@example.org", "reverse-path for MAIL FROM (an address the server's policy accepts)")
	fs.StringVar(&o.Mailbox, "mailbox", "", "a local recipient the server accepts; specs that need one are not applicable without it")
	fs.StringVar(&o.UnknownMailbox, "unknown-mailbox", "", "a recipient in the mailbox's domain that does not exist (default: smtpspec-no-such-user-7f3c9a@ that domain)")
	fs.StringVar(&o.ForeignRecipient, "foreign-recipient", "smtpspec-relay-probe@example.net", "an address in a domain the server does not serve (relay probe; never followed by DATA)")
	fs.BoolVar(&o.Strict, "strict", false, "SHOULD-level misses (WARN) fail the run")
	fs.DurationVar(&o.ReplyTimeout, "timeout", defaultReplyTimeout, "wait for each reply (RFC 5321 §4.5.3.2 clients wait 2-10 min)")
	fs.DurationVar(&o.ConnectTimeout, "connect-timeout", defaultConnectTimeout, "wait for each TCP connect")
	fs.DurationVar(&o.Silence, "silence", defaultSilence, "how long to watch for a reply that must not come (150ms against the embedded server)")
	fs.StringVar(&o.LabelFilter, "label-filter", "", "Ginkgo label filter, e.g. 'MUST && RCPT' or 'rfc5321:3.3'")
	fs.Var((*listFlag)(&o.Focus), "focus", "run only specs whose text matches this regexp (repeatable)")
	fs.Var((*listFlag)(&o.Skip), "skip", "skip specs whose text matches this regexp (repeatable)")
	fs.BoolVar(&o.DryRun, "dry-run", false, "list the specs with their IDs and levels; contact no server")
	fs.BoolVar(&o.Verbose, "verbose", false, "print each transcript as it happens")
	fs.BoolVar(&o.NoColor, "no-color", false, "no colour in the console output")
	fs.BoolVar(&o.Version, "version", false, "print the version and exit")
	fs.Var((*listFlag)(&o.ReferenceFaults), "reference-fault", "without --target: switch on this fault (a requirement ID) in the embedded reference server, to see its spec fail (repeatable)")
	fs.BoolVar(&o.ListFaults, "list-faults", false, "list the embedded reference server's faults and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: smtpspec [--target host:port] [flags]\n\nTests an SMTP server against RFC 5321, requirement by requirement.\nWith no --target it tests the embedded reference server.\n\nExit codes: 0 conformant, 1 a requirement failed, 2 usage error, 3 target could not be tested.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (flags start with --; the target is --target host:port)", fs.Arg(0))
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	return o, o.validate()
}

func (o Options) validate() error {
	switch {
	case o.ReplyTimeout <= 0:
		return errors.New("--timeout must be positive, e.g. --timeout 5s")
	case o.ConnectTimeout <= 0:
		return errors.New("--connect-timeout must be positive, e.g. --connect-timeout 5s")
	case o.Silence <= 0:
		return errors.New("--silence must be positive, e.g. --silence 1s")
	case o.Out == "":
		return errors.New("--out must name a directory")
	case o.Helo == "" || strings.ContainsAny(o.Helo, " \t\r\n<>"):
		return fmt.Errorf("--helo %q must be a domain name", o.Helo)
	case !looksLikeAddress(o.Sender):
		return fmt.Errorf("--sender %q is not an address like user@example.org", o.Sender)
	case o.Mailbox != "" && !looksLikeAddress(o.Mailbox):
		return fmt.Errorf("--mailbox %q is not an address like user@example.org", o.Mailbox)
	case o.UnknownMailbox != "" && !looksLikeAddress(o.UnknownMailbox):
		return fmt.Errorf("--unknown-mailbox %q is not an address like user@example.org", o.UnknownMailbox)
	case !looksLikeAddress(o.ForeignRecipient):
		return fmt.Errorf("--foreign-recipient %q is not an address like user@example.net", o.ForeignRecipient)
	}
	if o.Target != "" && len(o.ReferenceFaults) > 0 {
		return errors.New("--reference-fault applies to the embedded reference server: drop --target")
	}
	if o.Target != "" {
		if _, port, ok := strings.Cut(o.Target, ":"); !ok || port == "" || strings.HasSuffix(o.Target, "]") {
			return fmt.Errorf("--target %q must be host:port, e.g. --target mail.example.org:25", o.Target)
		}
	}
	if o.LabelFilter != "" {
		if _, err := types.ParseLabelFilter(o.LabelFilter); err != nil {
			return fmt.Errorf("--label-filter %q: %v", o.LabelFilter, err)
		}
	}
	return nil
}

func looksLikeAddress(a string) bool {
	at := strings.LastIndexByte(a, '@')
	return at > 0 && at < len(a)-1 && !strings.ContainsAny(a, " \t\r\n<>")
}

// embeddedConfig is the reference server the runner starts without --target.
func embeddedConfig(faults []string) refserver.Config {
	return refserver.Config{Addr: "127.0.0.1:0", Faults: faults}
}
