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
	// Deadline bounds the whole run (0: no bound): when it passes, the
	// spec that is running and those not started are NOT RUN, exit 3.
	Deadline time.Duration
	// Parallel is the number of sessions run side by side (child
	// processes, each with a share of the specs); 1 runs in-process.
	Parallel int

	// Set by the parent of a --parallel run in its children (hidden).
	child childOptions
	// set is true for flags given on the command line.
	set map[string]bool
}

// childOptions are the hidden flags a --parallel parent gives its children.
type childOptions struct {
	// Claims is the directory where the children of one run claim specs:
	// each child walks the whole selected list and runs the specs it
	// claims first (see claim.go).
	Claims string
	// Session is the child's number, 1 to N, written into its claims.
	Session int
	// GinkgoJSON is where the child writes Ginkgo's own report of its
	// run, for the parent to merge.
	GinkgoJSON string
}

func (c childOptions) active() bool { return c.GinkgoJSON != "" }

// Defaults for the timeouts. RFC 5321 §4.5.3.2 gives clients 5 minutes for
// the greeting, MAIL and RCPT replies, 2 for the 354, 3 for each data block
// and 10 for the reply to the final dot. Real servers tarpit: after errors
// they hold replies back 1, 2, 4, 8, 16 s and more. The reply timeout rides
// that out; a wait cut shorter than the RFC's budget is ERROR, never FAIL.
// A dead or silent server is bounded by the run (the preflight, the specs
// that stop the run after timeouts in a row, --deadline), not by the reply.
// The TCP connect has no RFC budget and a live host answers it at once.
const (
	defaultReplyTimeout   = 30 * time.Second
	defaultConnectTimeout = 5 * time.Second
	// defaultDeadline bounds a whole run. A full run against a server
	// that tarpits every error takes minutes; one that has not finished
	// in an hour is stuck, and its partial report is worth more than a
	// wait without end. (It is also the bound Ginkgo itself sets.)
	defaultDeadline = time.Hour
	// embeddedParallel is the default --parallel against the embedded
	// reference server: it serves any number of sessions, and four keep
	// two cores busy through the specs that wait out a silence window.
	// Against --target the default is 1: third-party servers throttle
	// clients that open parallel sessions (421, or a tarpit), and a
	// conformance run must not look like a flood; ask for more with
	// --parallel N.
	embeddedParallel = 4
	// maxParallel caps --parallel: more sessions than this gain nothing
	// on the 134-spec suite and would only look like an attack.
	maxParallel = 32

	defaultSilence = time.Second
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
	fs := newFlagSet(&o, stderr)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (flags start with --; the target is --target host:port)", fs.Arg(0))
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if !o.set["parallel"] {
		o.Parallel = 1
		if o.Target == "" {
			o.Parallel = embeddedParallel
		}
	}
	return o, o.validate()
}

// newFlagSet defines smtpspec's flags on o.
func newFlagSet(o *Options, stderr io.Writer) *flag.FlagSet {
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
	fs.DurationVar(&o.ReplyTimeout, "timeout", defaultReplyTimeout, "wait for each reply, the greeting included (RFC 5321 §4.5.3.2 budgets: greeting, MAIL, RCPT 5 min; DATA 2 min; a data block 3 min; end of data 10 min); a reply later than this is ERROR, never FAIL")
	fs.DurationVar(&o.ConnectTimeout, "connect-timeout", defaultConnectTimeout, "wait for each TCP connect")
	fs.DurationVar(&o.Deadline, "deadline", defaultDeadline, "bound on the whole run; when it passes the running spec and the rest are NOT RUN and the run exits 3 (0: no bound)")
	fs.IntVar(&o.Parallel, "parallel", 0, "run the specs on N sessions at once, same verdicts as a serial run (default 4 against the embedded server, 1 against --target)")
	fs.StringVar(&o.child.Claims, "internal-claims", "", "")
	fs.IntVar(&o.child.Session, "internal-session", 0, "")
	fs.StringVar(&o.child.GinkgoJSON, "internal-ginkgo-json", "", "")
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
		fmt.Fprintf(stderr, "usage: smtpspec [--target host:port] [flags]\n\nTests an SMTP server against RFC 5321, requirement by requirement.\nWith no --target it tests the embedded reference server.\n\nExit codes: 0 conformant, 1 a requirement failed, 2 usage error (or --sender/--mailbox refused), 3 target could not be tested or the run stopped early.\n\nFlags:\n")
		printDefaults(fs)
	}
	return fs
}

// printDefaults is flag.PrintDefaults without the hidden internal flags.
func printDefaults(fs *flag.FlagSet) {
	shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	shown.SetOutput(fs.Output())
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.HasPrefix(f.Name, "internal-") {
			shown.Var(f.Value, f.Name, f.Usage)
			shown.Lookup(f.Name).DefValue = f.DefValue
		}
	})
	shown.PrintDefaults()
}

func (o Options) validate() error {
	switch {
	case o.ReplyTimeout <= 0:
		return errors.New("--timeout must be positive, e.g. --timeout 5s")
	case o.ConnectTimeout <= 0:
		return errors.New("--connect-timeout must be positive, e.g. --connect-timeout 5s")
	case o.Silence <= 0:
		return errors.New("--silence must be positive, e.g. --silence 1s")
	case o.Deadline < 0:
		return errors.New("--deadline must be positive, e.g. --deadline 30m (0: no bound)")
	case o.Parallel < 1 || o.Parallel > maxParallel:
		return fmt.Errorf("--parallel must be between 1 and %d", maxParallel)
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
