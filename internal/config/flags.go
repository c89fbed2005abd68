package config

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RegisterFlags defines the flags of c's settings on fs, with their
// defaults. Each flag's name is also its key in a config file.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Target, "target", "", "SMTP server to test, host:port (default: the embedded reference server)")
	fs.StringVar(&c.Helo, "helo", "smtpspec.example.org", "domain the suite gives in EHLO/HELO")
	fs.StringVar(&c.Sender, "sender", "smtpspec@example.org", "reverse-path for MAIL FROM (an address the server's policy accepts)")
	fs.StringVar(&c.Mailbox, "mailbox", "", "a local recipient the server accepts; specs that need one are NOT APPLICABLE without it (embedded server: alice@example.test)")
	fs.StringVar(&c.UnknownMailbox, "unknown-mailbox", "", "a recipient in the mailbox's domain that does not exist (default: smtpspec-no-such-user-7f3c9a@ that domain)")
	fs.StringVar(&c.ForeignRecipient, "foreign-recipient", "smtpspec-relay-probe@example.net", "an address in a domain the server does not serve (relay probe; never followed by DATA)")
	fs.StringVar(&c.Profile, "profile", ProfileMX, "mx (port 25: relay refused, AUTH optional) or submission (RFC 6409: AUTH required before MAIL)")
	fs.Var(&tlsValue{&c.TLSMode}, "tls", "auto (plain, upgrading with STARTTLS where a spec needs it), starttls (every session), implicit (TLS from the first octet, port 465) or none")
	fs.BoolVar(&c.TLSVerify, "tls-verify", false, "verify the server's certificate (default: not verified)")
	fs.StringVar(&c.TLSServerName, "tls-server-name", "", "the TLS server name (SNI) sent (default: the target's host)")
	fs.StringVar(&c.AuthUser, "auth-user", "", "user name for AUTH; the password comes from $"+PasswordEnv+" or --auth-password-file (without them only the negative AUTH specs run)")
	fs.StringVar(&c.AuthPasswordFile, "auth-password-file", "", "file whose first line is the AUTH password (default: $"+PasswordEnv+")")
	fs.BoolVar(&c.Strict, "strict", false, "SHOULD-level misses (WARN) fail the run")
	fs.Var(&durationValue{&c.ReplyTimeout, "timeout"}, "timeout", "wait for each reply, the greeting included; a reply later than this is ERROR, never FAIL (RFC 5321 §4.5.3.2 budgets: greeting, MAIL, RCPT 5m; DATA 2m; a data block 3m; end of data 10m)")
	fs.Var(&durationValue{&c.ConnectTimeout, "connect-timeout"}, "connect-timeout", "wait for each TCP connect")
	fs.Var(&durationValue{&c.Deadline, "deadline"}, "deadline", "bound on the whole run; when it passes the running spec and the rest are NOT RUN and the run exits 3 (0: no bound)")
	fs.Var(&durationValue{&c.Silence, "silence"}, "silence", "the pause a spec makes inside a stimulus (embedded server: 150ms)")
	fs.Var(&intValue{&c.Parallel, "parallel"}, "parallel", "run the specs on N sessions at once, same verdicts as a serial run (default: 4 against the embedded server, 1 against --target)")
	fs.StringVar(&c.LabelFilter, "label-filter", "", "Ginkgo label filter, e.g. 'MUST && RCPT' or 'rfc5321:3.3'")
	fs.Var(&ListValue{&c.Focus}, "focus", "run only specs whose text matches this regexp (repeatable)")
	fs.Var(&ListValue{&c.Skip}, "skip", "skip specs whose text matches this regexp (repeatable)")
	fs.StringVar(&c.RerunFailed, "rerun-failed", "", "an earlier report.json: run only the requirements that were FAIL or ERROR there (and WARN under --strict)")
	fs.StringVar(&c.Baseline, "baseline", "", "an earlier report.json to compare this run with: exit 1 only for requirements that got worse")
	fs.BoolVar(&c.DryRun, "dry-run", false, "list the specs the filters select, with their IDs and levels; contact no server")
	fs.Var(&ListValue{&c.ReferenceFaults}, "reference-fault", "without --target: switch on this fault in the embedded reference server, to see its spec fail (repeatable; --list-faults lists them)")
	fs.StringVar(&c.Out, "out", "out", "directory of the reports")
	fs.StringVar(&c.Reports.JSON, "json", "", "path of the JSON report (default: report.json in --out)")
	fs.StringVar(&c.Reports.JUnit, "junit", "", "path of the JUnit report (default: junit.xml in --out)")
	fs.StringVar(&c.Reports.HTML, "html", "", "path of the HTML report (default: report.html in --out)")
	fs.StringVar(&c.Reports.Markdown, "markdown", "", "path of the Markdown report (default: report.md in --out)")
	fs.StringVar(&c.Implementation.Name, "implementation-name", "", "name of the server software under test, shown in the reports")
	fs.StringVar(&c.Implementation.Version, "implementation-version", "", "its version, shown in the reports")
	fs.StringVar(&c.Implementation.Organization, "organization", "", "who runs the test or makes the server, shown in the reports")
	fs.BoolVar(&c.Verbose, "verbose", false, "print each transcript as it happens")
	fs.BoolVar(&c.NoColor, "no-color", false, "no colour in the console output (off anyway when stdout is not a terminal)")
	c.ReplyTimeout = DefaultReplyTimeout
	c.ConnectTimeout = DefaultConnectTimeout
	c.Deadline = DefaultDeadline
	c.Silence = DefaultSilence
}

// ListValue is a repeatable string flag; in a config file it is a list.
type ListValue struct{ P *[]string }

func (l *ListValue) String() string {
	if l.P == nil {
		return ""
	}
	return strings.Join(*l.P, ",")
}

// Set appends v.
func (l *ListValue) Set(v string) error { *l.P = append(*l.P, v); return nil }

// Get returns the list.
func (l *ListValue) Get() any { return *l.P }

// durationValue is a duration flag whose errors say what to write.
type durationValue struct {
	p    *time.Duration
	name string
}

func (d *durationValue) String() string {
	if d.p == nil {
		return ""
	}
	return d.p.String()
}

func (d *durationValue) Get() any { return *d.p }

func (d *durationValue) Set(v string) error {
	got, err := time.ParseDuration(strings.TrimSpace(v))
	if err == nil {
		*d.p = got
		return nil
	}
	if n, nerr := strconv.ParseFloat(strings.TrimSpace(v), 64); nerr == nil {
		return &UsageError{fmt.Sprintf("--%s %s: a duration needs a unit: write --%s %ss", d.name, v, d.name, strconv.FormatFloat(n, 'f', -1, 64))}
	}
	return &UsageError{fmt.Sprintf("--%s %q is not a duration: write e.g. --%s 30s (units: ms, s, m, h)", d.name, v, d.name)}
}

// intValue is an int flag whose errors say what to write.
type intValue struct {
	p    *int
	name string
}

func (i *intValue) String() string {
	if i.p == nil {
		return "0"
	}
	return strconv.Itoa(*i.p)
}

func (i *intValue) Get() any { return *i.p }

func (i *intValue) Set(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return &UsageError{fmt.Sprintf("--%s %q is not a whole number: write e.g. --%s 4", i.name, v, i.name)}
	}
	*i.p = n
	return nil
}

// tlsValue is --tls: "auto" is TLSAuto ("").
type tlsValue struct{ p *string }

func (t *tlsValue) String() string {
	if t.p == nil || *t.p == TLSAuto {
		return "auto"
	}
	return *t.p
}

func (t *tlsValue) Get() any { return t.String() }

func (t *tlsValue) Set(v string) error {
	switch v {
	case "auto", TLSAuto:
		*t.p = TLSAuto
	case TLSStartTLS, TLSImplicit, TLSNone:
		*t.p = v
	default:
		return &UsageError{fmt.Sprintf("--tls %q: write auto, starttls, implicit or none", v)}
	}
	return nil
}

// UsageError is an error whose message is the whole one-line message for
// the user (a flag value's Set returns one; the flag package wraps it in a
// message of its own, which the runner replaces with this one).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }
