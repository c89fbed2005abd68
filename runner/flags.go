// Package runner is smtpspec's command line: it reads the flags (and the
// config file), checks the target can be tested at all, runs the Ginkgo
// suite in-process, writes the reports and decides the exit code.
package runner

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/config"
	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/reports"
)

// Exit codes, documented in the README.
const (
	ExitOK         = 0 // no failing requirement
	ExitNonConform = 1 // the server failed at least one requirement
	ExitUsage      = 2 // bad flag or configuration
	ExitUntestable = 3 // the target could not be tested (or some specs could not)
)

// Options are the parsed command line: the run's settings (one
// config.Config, the same type the specs read as framework.Config) and
// what the command line asks besides a run.
type Options struct {
	config.Config

	// ConfigFile is the YAML file the settings were read from (--config).
	ConfigFile string
	// Help, Version, ListFaults and PrintConfig print and exit.
	Help        bool
	Version     bool
	ListFaults  bool
	PrintConfig bool

	// options are the value of every flag, secrets redacted, for the
	// reports.
	options map[string]string

	// Set by the parent of a --parallel run in its children (hidden).
	child childOptions
	// set is true for settings given on the command line or in the
	// config file.
	set map[string]bool
	// rerun lists the requirement IDs --rerun-failed selects; Main adds
	// them to LabelFilter, and keeps the user's own in userLabelFilter.
	rerun           []string
	userLabelFilter string
	// baseline is the --baseline report as read before the run (the run
	// may replace the file when it is the run's own --json path).
	baseline []byte
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

// Defaults that depend on the target. Against the embedded reference server
// (no --target) the runner runs 4 sessions at once: it serves any number,
// and four keep two cores busy through the specs that pause for --silence.
// Against --target the default is 1: third-party servers throttle clients
// that open parallel sessions (421, or a tarpit), and a conformance run must
// not look like a flood; ask for more with --parallel N.
const (
	embeddedParallel = 4
	// embeddedSilence is the pause against the embedded server on
	// loopback, which replies in microseconds.
	embeddedSilence = 150 * time.Millisecond
	// embeddedMailbox is the embedded server's first mailbox.
	embeddedMailbox = "alice@example.test"
)

// usageGroups orders the flags for --help and --print-config.
var usageGroups = []struct {
	title string
	names []string
}{
	{"Target", []string{"target", "helo", "sender", "mailbox", "unknown-mailbox", "foreign-recipient", "profile"}},
	{"TLS and AUTH", []string{"tls", "tls-verify", "tls-server-name", "auth-user", "auth-password-file"}},
	{"Verdicts and timing", []string{"strict", "timeout", "connect-timeout", "deadline", "silence", "parallel"}},
	{"Which specs run", []string{"label-filter", "focus", "skip", "rerun-failed", "baseline", "dry-run", "reference-fault"}},
	{"Reports", []string{"out", "json", "junit", "html", "markdown", "implementation-name", "implementation-version", "organization", "verbose", "no-color"}},
	{"Other", []string{"config", "print-config", "list-faults", "version", "help"}},
}

// notSettings are the flags that are no setting of a run: they are not
// read from a config file and --print-config does not show them.
var notSettings = map[string]bool{"config": true, "print-config": true, "list-faults": true, "version": true, "help": true}

// argNames are the placeholders --help shows after each flag that takes a
// value.
var argNames = map[string]string{
	"target": "host:port", "helo": "DOMAIN", "sender": "ADDR", "mailbox": "ADDR", "unknown-mailbox": "ADDR",
	"foreign-recipient": "ADDR", "profile": "mx|submission", "tls": "auto|starttls|implicit|none",
	"tls-server-name": "NAME", "auth-user": "USER", "auth-password-file": "FILE", "timeout": "D",
	"connect-timeout": "D", "deadline": "D", "silence": "D", "parallel": "N", "label-filter": "EXPR",
	"focus": "RE", "skip": "RE", "rerun-failed": "FILE", "baseline": "FILE", "reference-fault": "ID",
	"out": "DIR", "json": "PATH", "junit": "PATH", "html": "PATH", "markdown": "PATH",
	"implementation-name": "NAME", "implementation-version": "VERSION", "organization": "NAME", "config": "FILE",
}

// Parse reads the command line and the config file it names, and checks
// every setting, without touching the network or writing a file. getenv
// reads the environment (the AUTH password). An error is one line for the
// user, naming the flag and what to write instead.
func Parse(args []string, getenv func(string) string) (Options, error) {
	var o Options
	if wantsHelp(args) {
		o.Help = true
		return o, nil
	}
	fs := newFlagSet(&o)
	if err := fs.Parse(args); err != nil {
		return o, errors.New(usageMessage(fs, err))
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q: flags start with -- (the server is --target host:port)", fs.Arg(0))
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if o.ConfigFile != "" {
		data, err := os.ReadFile(o.ConfigFile)
		if err != nil {
			return o, fmt.Errorf("--config %s: cannot read it (%v): write the path of a YAML file", o.ConfigFile, errors.Unwrap(err))
		}
		fromFile, err := config.ApplyFile(fs, o.ConfigFile, data, o.set, func(name string) bool {
			return !notSettings[name] && !strings.HasPrefix(name, "internal-")
		})
		if err != nil {
			return o, err
		}
		for _, name := range fromFile {
			o.set[name] = true
		}
	}
	if o.Help || o.Version || o.ListFaults {
		return o, nil
	}
	o.options = reports.OptionsFromFlags(fs)
	o.resolve()
	if err := o.LoadPassword(getenv); err != nil {
		return o, err
	}
	return o, o.validate()
}

// wantsHelp reports whether args ask for help (before a "--").
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "--h", "-help", "--help":
			return true
		}
	}
	return false
}

// resolve fills in the defaults that depend on other settings.
func (o *Options) resolve() {
	if !o.set["parallel"] {
		o.Parallel = 1
		if o.Target == "" {
			o.Parallel = embeddedParallel
		}
	}
	if o.Target == "" {
		if !o.set["mailbox"] {
			o.Mailbox = embeddedMailbox
		}
		if !o.set["silence"] {
			o.Silence = embeddedSilence
		}
	}
	o.ResolveReports()
}

// newFlagSet defines smtpspec's flags on o. It prints nothing: Parse turns
// its errors into one line, and --help prints usage.
func newFlagSet(o *Options) *flag.FlagSet {
	fs := flag.NewFlagSet("smtpspec", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	o.RegisterFlags(fs)
	fs.StringVar(&o.ConfigFile, "config", "", "YAML file of settings: any flag by its long name (target: mx.example.org:25); flags on the command line override it")
	fs.BoolVar(&o.PrintConfig, "print-config", false, "print the effective settings as a config file (the password <redacted>) and exit")
	fs.BoolVar(&o.ListFaults, "list-faults", false, "list the embedded reference server's faults and exit")
	fs.BoolVar(&o.Version, "version", false, "print the version and the commit it was built from, and exit")
	fs.BoolVar(&o.Help, "help", false, "print this help and exit")
	fs.Var(passwordRefused{}, "auth-password", "")
	fs.StringVar(&o.child.Claims, "internal-claims", "", "")
	fs.IntVar(&o.child.Session, "internal-session", 0, "")
	fs.StringVar(&o.child.GinkgoJSON, "internal-ginkgo-json", "", "")
	return fs
}

// passwordHint is the message for a password given as a flag value.
const passwordHint = "--auth-password is refused: a password on the command line is seen in ps and shell history; set " +
	config.PasswordEnv + " or write it to a file and pass --auth-password-file FILE"

// passwordRefused is the hidden --auth-password flag: any value is refused
// (and never echoed).
type passwordRefused struct{}

func (passwordRefused) String() string   { return "" }
func (passwordRefused) Set(string) error { return &config.UsageError{Msg: passwordHint} }

var (
	errUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	errNoArg     = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	errValue     = regexp.MustCompile(`(?s)^invalid value .* for flag -([A-Za-z0-9-]+): (.*)$`)
	errBool      = regexp.MustCompile(`(?s)^invalid boolean (?:value .* for -|flag )([A-Za-z0-9-]+)`)
	errSyntax    = regexp.MustCompile(`(?s)^bad flag syntax: (.*)$`)
)

// usageMessage turns an error of the flag package into one line that names
// the flag and says what to write instead.
func usageMessage(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := errUndefined.FindStringSubmatch(msg); m != nil {
		return unknownFlag(fs, m[1])
	}
	if m := errNoArg.FindStringSubmatch(msg); m != nil {
		if m[1] == "auth-password" {
			return passwordHint
		}
		arg := argNames[m[1]]
		if arg == "" {
			arg = "VALUE"
		}
		return fmt.Sprintf("--%s needs a value: write --%s %s", m[1], m[1], arg)
	}
	if m := errValue.FindStringSubmatch(msg); m != nil {
		switch {
		case m[1] == "auth-password":
			return passwordHint
		case strings.HasPrefix(m[2], "--"):
			return m[2] // a config.UsageError: the whole message
		}
		return fmt.Sprintf("--%s: not a valid value (%s): smtpspec --help says what it takes", m[1], m[2])
	}
	if m := errBool.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s is a switch: write --%s (or --%s=false)", m[1], m[1], m[1])
	}
	if m := errSyntax.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("bad flag syntax %q: write flags as --name value or --name=value", m[1])
	}
	return msg
}

// renamed are the flags users reach for under another name.
var renamed = map[string]string{
	"user": "--auth-user USER", "username": "--auth-user USER", "password-file": "--auth-password-file FILE",
	"starttls": "--tls starttls", "implicit-tls": "--tls implicit", "insecure": "nothing: certificates are not verified unless --tls-verify",
	"output": "--out DIR", "o": "--out DIR", "port": "--target host:port", "host": "--target host:port", "server": "--target host:port",
	"junit-report": "--junit PATH", "json-report": "--json PATH", "label": "--label-filter EXPR",
}

// unknownFlag is the message for a flag smtpspec does not have, with the
// closest one it does have.
func unknownFlag(fs *flag.FlagSet, name string) string {
	if name, _, ok := strings.Cut(name, "="); ok && (name == "password" || name == "pass") {
		return passwordHint
	}
	if name == "password" || name == "pass" {
		return passwordHint
	}
	if to, ok := renamed[name]; ok {
		return fmt.Sprintf("unknown flag --%s: write %s", name, to)
	}
	// A suggestion only for a slip: one edit in a short name, two in a
	// longer one.
	best, bestD := "", 2
	if len(name) > 6 {
		bestD = 3
	}
	fs.VisitAll(func(f *flag.Flag) {
		if f.Usage == "" {
			return // hidden
		}
		if d := distance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	if best != "" {
		return fmt.Sprintf("unknown flag --%s: did you mean --%s? (smtpspec --help lists the flags)", name, best)
	}
	return fmt.Sprintf("unknown flag --%s (smtpspec --help lists the flags)", name)
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// printUsage writes --help: the flags as they are written (--target), in
// groups, with their defaults, then the exit codes.
func printUsage(w io.Writer) {
	var o Options
	fs := newFlagSet(&o)
	fmt.Fprint(w, `usage: smtpspec [--target host:port] [flags]
       smtpspec --config smtpspec.yaml [flags]

Tests an SMTP server against RFC 5321 and its extensions, requirement by
requirement. With no --target it tests the embedded reference server.
`)
	for _, g := range usageGroups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, name := range g.names {
			f := fs.Lookup(name)
			head := "  --" + name
			if arg := argNames[name]; arg != "" {
				head += " " + arg
			}
			usage := f.Usage
			if def := shownDefault(f); def != "" {
				usage += " (default " + def + ")"
			}
			fmt.Fprintf(w, "%s\n      %s\n", head, usage)
		}
	}
	fmt.Fprintf(w, `
The password for --auth-user is read from $%s or --auth-password-file,
never from a flag value.

Exit codes:
  0  pass: no requirement failed (under --strict, no SHOULD missed either)
  1  fail: the server failed at least one requirement (with --baseline: got worse)
  2  usage or configuration error (one line names the flag), or the server
     refused --sender or --mailbox
  3  incomplete: the target could not be tested, some specs could not be
     tested (ERROR), or the run stopped early (NOT RUN)
`, config.PasswordEnv)
}

// shownDefault is the default --help shows for f ("" for none).
func shownDefault(f *flag.Flag) string {
	switch {
	case f.DefValue == "" || f.DefValue == "false" || f.DefValue == "0" || f.DefValue == "0s":
		return ""
	case f.Name == "parallel" || f.Name == "silence":
		return "" // said in the usage: it depends on the target
	}
	return f.DefValue
}

// printConfig writes the effective settings as a config file --config
// reads back. The password is never printed: a comment says where it
// comes from.
func printConfig(w io.Writer, o Options) error {
	var p Options
	fs := newFlagSet(&p) // the flags' defaults go into p ...
	p.Config = o.Config  // ... and are replaced by o's settings
	var names []string
	for _, g := range usageGroups {
		for _, name := range g.names {
			if !notSettings[name] {
				names = append(names, name)
			}
		}
	}
	comments := map[string]string{}
	if o.Target == "" {
		comments["target"] = "the embedded reference server"
		for _, name := range []string{"mailbox", "silence", "parallel"} {
			if !o.set[name] {
				comments[name] = "the embedded server's default"
			}
		}
	}
	// A report path not given stays "" (its default name in --out), so
	// that the file can be used with another --out.
	for name, p := range map[string]*string{"json": &p.Reports.JSON, "junit": &p.Reports.JUnit, "html": &p.Reports.HTML, "markdown": &p.Reports.Markdown} {
		if *p == "" || *p == filepath.Join(o.Out, defaultReport[name]) {
			*p = ""
			comments[name] = "default: " + defaultReport[name] + " in --out"
		}
	}
	if src := o.PasswordSource(); src != "" {
		comments["auth-user"] = "password: <redacted> (from " + src + ")"
	} else if o.AuthUser == "" {
		comments["auth-user"] = "no credentials: only the negative AUTH specs run"
	}
	out, err := config.Dump(fs, names, comments)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// defaultReport is each report flag's default file name in --out.
var defaultReport = map[string]string{"json": config.DefaultJSON, "junit": config.DefaultJUnit, "html": config.DefaultHTML, "markdown": config.DefaultMarkdown}

// validate checks what config.Validate leaves to the runner: the label
// filter (Ginkgo's syntax), the embedded server's fault IDs, and the
// earlier reports --baseline and --rerun-failed name.
func (o *Options) validate() error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.LabelFilter != "" {
		if _, err := types.ParseLabelFilter(o.LabelFilter); err != nil {
			return fmt.Errorf("--label-filter %q is not a label filter (%s): write e.g. --label-filter 'MUST && RCPT'", o.LabelFilter, oneLine(err))
		}
	}
	known := map[string]bool{}
	for _, f := range refserver.Faults() {
		known[f.ID] = true
	}
	for _, id := range o.ReferenceFaults {
		if !known[id] {
			return fmt.Errorf("--reference-fault %q: no such fault: smtpspec --list-faults lists them", id)
		}
	}
	if o.Baseline != "" {
		if _, err := readEarlier("--baseline", o.Baseline); err != nil {
			return err
		}
		o.baseline, _ = os.ReadFile(o.Baseline)
	}
	if o.RerunFailed != "" {
		rep, err := readEarlier("--rerun-failed", o.RerunFailed)
		if err != nil {
			return err
		}
		if o.rerun, err = rep.toRerun(o.Strict); err != nil {
			return fmt.Errorf("--rerun-failed %s: %v", o.RerunFailed, err)
		}
	}
	return nil
}

// ansi matches terminal colour codes (Ginkgo colours its label filter
// errors).
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// oneLine is err's message on one line, without colour codes or Ginkgo's
// "Learn more at" link.
func oneLine(err error) string {
	msg := ansi.ReplaceAllString(err.Error(), "")
	msg, _, _ = strings.Cut(msg, "Learn more at:")
	return strings.Join(strings.Fields(msg), " ")
}

// earlier is what the runner reads of an earlier report.json.
type earlier struct {
	Schema  string `json:"schema"`
	Results []struct {
		ID      string `json:"id"`
		Verdict string `json:"verdict"`
	} `json:"results"`
	Observations []struct {
		Rule    string   `json:"rule"`
		Verdict string   `json:"verdict"`
		Specs   []string `json:"specs"`
	} `json:"observations"`
}

// readEarlier reads an earlier report.json named by flag.
func readEarlier(flag, path string) (earlier, error) {
	var e earlier
	b, err := os.ReadFile(path)
	if err != nil {
		return e, fmt.Errorf("%s %s: cannot read it (%v): write the path of an earlier report.json", flag, path, errors.Unwrap(err))
	}
	if err := json.Unmarshal(b, &e); err != nil || !strings.HasPrefix(e.Schema, "smtpspec.report/") {
		return e, fmt.Errorf("%s %s: not an smtpspec report.json: write the path of one an earlier run wrote", flag, path)
	}
	return e, nil
}

// labelSafe is what a requirement ID may hold to be used in a label filter.
var labelSafe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.:_-]*$`)

// toRerun lists the requirements to run again: those that were FAIL or
// ERROR (WARN too under strict), and the specs that saw a failing
// observation, in the report's order without repeats.
func (e earlier) toRerun(strict bool) ([]string, error) {
	bad := func(v string) bool { return v == "FAIL" || v == "ERROR" || (strict && v == "WARN") }
	var ids []string
	add := func(id string) error {
		if !labelSafe.MatchString(id) {
			return fmt.Errorf("requirement ID %q is not one smtpspec writes", id)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
		return nil
	}
	for _, r := range e.Results {
		if bad(r.Verdict) {
			if err := add(r.ID); err != nil {
				return nil, err
			}
		}
	}
	for _, ob := range e.Observations {
		if ob.Verdict == "FAIL" || (strict && ob.Verdict == "WARN") {
			for _, id := range ob.Specs {
				if err := add(id); err != nil {
					return nil, err
				}
			}
		}
	}
	return ids, nil
}
