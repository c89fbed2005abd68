// Package config holds every setting of an smtpspec run in one type: what
// the specs know about the target (the framework re-exports it as
// framework.Config), which specs run, how long to wait, and where the
// reports go. It defines the command-line flags of those settings and reads
// the same settings from a YAML file (any flag by its long name). It does
// not import Ginkgo, so that reports and tools can use it.
package config

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is one run's settings. The runner fills it in once, from the
// flags and the config file, before anything connects; specs only read it.
type Config struct {
	// Target is the server under test, host:port ("" on the command
	// line: the embedded reference server, whose address the runner
	// puts here once it listens).
	Target string
	// Helo is the domain the suite gives in EHLO and HELO.
	Helo string
	// Sender is the reverse-path for MAIL FROM.
	Sender string
	// Mailbox is a local recipient the server accepts ("" when unknown:
	// specs that need one are not applicable).
	Mailbox string
	// UnknownMailbox is a recipient in the mailbox's domain that does not
	// exist. Derived from Mailbox when empty.
	UnknownMailbox string
	// ForeignRecipient is an address in a domain the server does not serve,
	// used to probe relaying. The suite never sends DATA after it.
	ForeignRecipient string
	// Strict makes SHOULD-level misses (WARN) fail the run.
	Strict bool
	// ConnectTimeout bounds each TCP connect (no RFC budget: a live host
	// answers at once).
	ConnectTimeout time.Duration
	// ReplyTimeout bounds the wait for each reply. RFC 5321 §4.5.3.2 gives
	// clients 5 minutes for the greeting, MAIL and RCPT, 2 for the 354, 3
	// per data block and 10 for the final dot; the suite waits less by
	// default, and a reply later than this is ERROR, never FAIL.
	ReplyTimeout time.Duration
	// Silence is the pause a spec makes inside a stimulus, to give a
	// server the chance to act on a partial sequence. No verdict depends
	// on what arrives in it.
	Silence time.Duration
	// Verbose streams each transcript as it happens.
	Verbose bool

	// TLSMode is how sessions use TLS: TLSAuto (plain, upgrading with
	// STARTTLS where a spec needs it), TLSStartTLS (every session upgrades
	// right after EHLO), TLSImplicit (TLS from the first octet, port 465
	// style) or TLSNone (never: TLS-gated specs are not applicable).
	TLSMode string
	// TLSVerify makes the TLS handshake verify the server's certificate.
	TLSVerify bool
	// TLSServerName is the SNI name sent (default: the target's host).
	TLSServerName string
	// AuthUser and AuthPassword are the credentials of the AUTH specs;
	// without them only the negative AUTH specs run. The password never
	// comes from a flag value (SMTPSPEC_PASSWORD or --auth-password-file)
	// and is never printed: transcripts redact AUTH payloads.
	AuthUser     string
	AuthPassword string `json:"-" yaml:"-"`
	// AuthPasswordFile is the file the password was read from ("": from
	// the environment variable PasswordEnv, or none).
	AuthPasswordFile string
	// Profile is ProfileMX (port 25: relay refused, AUTH optional) or
	// ProfileSubmission (RFC 6409: AUTH required before MAIL).
	Profile string
	// Implementation describes the server under test, as the user names
	// it (optional; the reports show it).
	Implementation Implementation

	// LabelFilter, Focus and Skip select the specs (Ginkgo's label filter
	// and regexps on the spec text).
	LabelFilter string
	Focus       []string
	Skip        []string
	// DryRun lists the selected specs and contacts no server.
	DryRun bool
	// NoColor turns colour off on a terminal (it is off elsewhere).
	NoColor bool
	// Deadline bounds the whole run (0: no bound).
	Deadline time.Duration
	// Parallel is the number of sessions run side by side.
	Parallel int
	// ReferenceFaults switch faults on in the embedded reference server.
	ReferenceFaults []string
	// Out is the directory of the reports; Reports names each file.
	Out     string
	Reports Reports
	// Baseline is an earlier report.json to compare this run with.
	Baseline string
	// RerunFailed is an earlier report.json: only what failed or errored
	// there runs.
	RerunFailed string
}

// Implementation is the user's description of the server under test.
type Implementation struct {
	Name         string
	Version      string
	Organization string
}

// Reports are the paths of the report files ("" before Resolve: the
// default name in Out).
type Reports struct {
	JSON     string
	JUnit    string
	HTML     string
	Markdown string
}

// Default report file names in Config.Out.
const (
	DefaultJSON     = "report.json"
	DefaultJUnit    = "junit.xml"
	DefaultHTML     = "report.html"
	DefaultMarkdown = "report.md"
)

// TLS modes (Config.TLSMode).
const (
	TLSAuto     = ""
	TLSStartTLS = "starttls"
	TLSImplicit = "implicit"
	TLSNone     = "none"
)

// Profiles (Config.Profile).
const (
	ProfileMX         = "mx"
	ProfileSubmission = "submission"
)

// PasswordEnv is the environment variable the AUTH password is read from
// when no --auth-password-file is given.
const PasswordEnv = "SMTPSPEC_PASSWORD"

// Defaults of the flags. The timeouts' RFC 5321 §4.5.3.2 budgets are in
// Config.ReplyTimeout's comment.
const (
	// DefaultReplyTimeout rides out tarpits (servers that hold replies
	// back 1, 2, 4, 8, 16 s after errors); a dead server is bounded by
	// the run, not by the reply.
	DefaultReplyTimeout   = 30 * time.Second
	DefaultConnectTimeout = 5 * time.Second
	// DefaultDeadline: a full run against a server that tarpits every
	// error takes minutes; one not done in an hour is stuck.
	DefaultDeadline = time.Hour
	DefaultSilence  = time.Second
	// MaxParallel caps --parallel: more sessions gain nothing and would
	// look like an attack.
	MaxParallel = 32
)

// Domain returns the domain of the mailbox, or "" when there is none.
func (c Config) Domain() string {
	if i := strings.LastIndexByte(c.Mailbox, '@'); i >= 0 {
		return c.Mailbox[i+1:]
	}
	return ""
}

// ResolveReports fills in each report path not given with its default name
// in Out.
func (c *Config) ResolveReports() {
	def := func(p *string, name string) {
		if *p == "" {
			*p = filepath.Join(c.Out, name)
		}
	}
	def(&c.Reports.JSON, DefaultJSON)
	def(&c.Reports.JUnit, DefaultJUnit)
	def(&c.Reports.HTML, DefaultHTML)
	def(&c.Reports.Markdown, DefaultMarkdown)
}

// Validate reports the first setting that cannot work, as one line that
// names the flag and says what to write instead. It touches neither the
// network nor the file system (see CheckOutputs).
func (c Config) Validate() error {
	switch {
	case c.ReplyTimeout <= 0:
		return errors.New("--timeout must be positive: write e.g. --timeout 30s")
	case c.ConnectTimeout <= 0:
		return errors.New("--connect-timeout must be positive: write e.g. --connect-timeout 5s")
	case c.Silence <= 0:
		return errors.New("--silence must be positive: write e.g. --silence 1s")
	case c.Deadline < 0:
		return errors.New("--deadline must not be negative: write e.g. --deadline 30m (0: no bound)")
	case c.Parallel < 1 || c.Parallel > MaxParallel:
		return fmt.Errorf("--parallel %d: write a number from 1 to %d", c.Parallel, MaxParallel)
	case c.Out == "":
		return errors.New("--out needs a directory: write e.g. --out out")
	case c.Helo == "" || strings.ContainsAny(c.Helo, " \t\r\n<>"):
		return fmt.Errorf("--helo %q is not a domain name: write e.g. --helo client.example.org", c.Helo)
	case !looksLikeAddress(c.Sender):
		return fmt.Errorf("--sender %q is not an address: write e.g. --sender user@example.org", c.Sender)
	case c.Mailbox != "" && !looksLikeAddress(c.Mailbox):
		return fmt.Errorf("--mailbox %q is not an address: write e.g. --mailbox user@example.org", c.Mailbox)
	case c.UnknownMailbox != "" && !looksLikeAddress(c.UnknownMailbox):
		return fmt.Errorf("--unknown-mailbox %q is not an address: write e.g. --unknown-mailbox nobody@example.org", c.UnknownMailbox)
	case !looksLikeAddress(c.ForeignRecipient):
		return fmt.Errorf("--foreign-recipient %q is not an address: write e.g. --foreign-recipient probe@example.net", c.ForeignRecipient)
	case c.Target != "" && len(c.ReferenceFaults) > 0:
		return errors.New("--reference-fault applies to the embedded reference server: drop --target")
	}
	if err := checkTarget(c.Target); err != nil {
		return err
	}
	if err := c.validateTLSAuth(); err != nil {
		return err
	}
	for _, f := range []struct {
		flag string
		res  []string
	}{{"--focus", c.Focus}, {"--skip", c.Skip}} {
		for _, re := range f.res {
			if _, err := regexp.Compile(re); err != nil {
				return fmt.Errorf("%s %q is not a regular expression (%v): write e.g. %s 'RCPT|MAIL'", f.flag, re, regexpReason(err), f.flag)
			}
		}
	}
	for _, f := range []struct{ flag, v string }{
		{"--implementation-name", c.Implementation.Name},
		{"--implementation-version", c.Implementation.Version},
		{"--organization", c.Implementation.Organization},
	} {
		if strings.ContainsFunc(f.v, isControl) {
			return fmt.Errorf("%s holds a control character: write plain text", f.flag)
		}
	}
	for _, f := range []struct{ flag, v string }{
		{"--json", c.Reports.JSON}, {"--junit", c.Reports.JUnit}, {"--html", c.Reports.HTML}, {"--markdown", c.Reports.Markdown},
	} {
		if f.v != "" && strings.HasSuffix(f.v, string(filepath.Separator)) {
			return fmt.Errorf("%s %q names a directory: write a file path, e.g. %s out/%s", f.flag, f.v, f.flag, defaultName(f.flag))
		}
	}
	return nil
}

func (c Config) validateTLSAuth() error {
	switch c.TLSMode {
	case TLSAuto, TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("--tls %q: write auto, starttls, implicit or none", c.TLSMode)
	}
	if c.TLSMode == TLSNone && c.TLSVerify {
		return errors.New("--tls-verify has nothing to verify with --tls none: drop one of them")
	}
	if c.TLSMode == TLSNone && c.TLSServerName != "" {
		return errors.New("--tls-server-name has no use with --tls none: drop one of them")
	}
	if c.TLSServerName != "" && strings.ContainsFunc(c.TLSServerName, func(r rune) bool { return isControl(r) || r == ' ' || r == '/' }) {
		return fmt.Errorf("--tls-server-name %q is not a host name: write e.g. --tls-server-name mail.example.org", c.TLSServerName)
	}
	switch c.Profile {
	case ProfileMX, ProfileSubmission:
	default:
		return fmt.Errorf("--profile %q: write mx (port 25) or submission (port 587, RFC 6409)", c.Profile)
	}
	switch {
	case c.AuthUser != "" && strings.ContainsFunc(c.AuthUser, isControl):
		return errors.New("--auth-user holds a control character")
	case c.AuthPasswordFile != "" && c.AuthUser == "":
		return errors.New("--auth-password-file needs --auth-user USER: add it, or drop the password file")
	case c.AuthUser != "" && c.AuthPassword == "":
		return fmt.Errorf("--auth-user %s needs a password: set %s or write it to a file and pass --auth-password-file FILE", c.AuthUser, PasswordEnv)
	case strings.ContainsAny(c.AuthPassword, "\r\n\x00"):
		return errors.New("the AUTH password holds a line break or NUL: a password is one line")
	}
	return nil
}

// LoadPassword fills in AuthPassword: from AuthPasswordFile when one is
// given (its first line), else from the environment variable PasswordEnv
// (read through getenv) when there is an AuthUser. It says which flag or
// variable was at fault; it never includes the password.
func (c *Config) LoadPassword(getenv func(string) string) error {
	if c.AuthPasswordFile != "" {
		b, err := os.ReadFile(c.AuthPasswordFile)
		if err != nil {
			return fmt.Errorf("--auth-password-file %s: cannot read it (%v): write the path of a readable file holding the password", c.AuthPasswordFile, pathReason(err))
		}
		pw, _, _ := strings.Cut(string(b), "\n")
		pw = strings.TrimSuffix(pw, "\r")
		if pw == "" {
			return fmt.Errorf("--auth-password-file %s: its first line is empty: write the password there", c.AuthPasswordFile)
		}
		c.AuthPassword = pw
		return nil
	}
	if c.AuthUser != "" {
		c.AuthPassword = getenv(PasswordEnv)
	}
	return nil
}

// TLSName is the name the run's TLS sessions send (SNI) and verify:
// TLSServerName, else the target's host.
func (c Config) TLSName() string {
	if c.TLSServerName != "" {
		return c.TLSServerName
	}
	host, _, err := net.SplitHostPort(c.Target)
	if err != nil {
		return c.Target
	}
	return host
}

// TLSClientConfig is the TLS client configuration of the run's sessions:
// the server name is TLSName; the certificate is verified in the handshake
// only with TLSVerify (otherwise the suite checks it after the handshake
// and records the result).
func (c Config) TLSClientConfig() *tls.Config {
	return &tls.Config{
		ServerName: c.TLSName(),
		// The suite tests servers, many with self-signed certificates;
		// it verifies only when asked (--tls-verify). It accepts the
		// TLS versions old servers still offer: the handshake is a
		// means to reach the SMTP inside, not what is judged.
		InsecureSkipVerify: !c.TLSVerify,
		MinVersion:         tls.VersionTLS10,
	}
}

// PasswordSource says where the password came from, for --print-config
// ("" when there is none).
func (c Config) PasswordSource() string {
	switch {
	case c.AuthPassword == "":
		return ""
	case c.AuthPasswordFile != "":
		return "--auth-password-file " + c.AuthPasswordFile
	}
	return "$" + PasswordEnv
}

// CheckOutputs makes sure every report can be written before the run
// starts: it creates Out and each report file's directory, and creates and
// removes a temporary file in each. The error names the flag.
func (c Config) CheckOutputs() error {
	dirs := []struct{ flag, dir string }{{"--out", c.Out}}
	for _, f := range []struct{ flag, path string }{
		{"--json", c.Reports.JSON}, {"--junit", c.Reports.JUnit}, {"--html", c.Reports.HTML}, {"--markdown", c.Reports.Markdown},
	} {
		if f.path != "" {
			dirs = append(dirs, struct{ flag, dir string }{f.flag, filepath.Dir(f.path)})
			if fi, err := os.Stat(f.path); err == nil && fi.IsDir() {
				return fmt.Errorf("%s %s is a directory: write a file path, e.g. %s %s", f.flag, f.path, f.flag, filepath.Join(f.path, defaultName(f.flag)))
			}
		}
	}
	for _, d := range dirs {
		if err := writable(d.dir); err != nil {
			return fmt.Errorf("%s: cannot write reports in %s (%v): write a directory you can write to, e.g. %s", d.flag, d.dir, err, example(d.flag))
		}
	}
	return nil
}

func example(flag string) string {
	if flag == "--out" {
		return "--out ./out"
	}
	return flag + " ./out/" + defaultName(flag)
}

func defaultName(flag string) string {
	switch flag {
	case "--json":
		return DefaultJSON
	case "--junit":
		return DefaultJUnit
	case "--html":
		return DefaultHTML
	}
	return DefaultMarkdown
}

// writable creates dir and a temporary file in it, then removes the file.
func writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return pathReason(err)
	}
	f, err := os.CreateTemp(dir, ".smtpspec-write-check-*")
	if err != nil {
		return pathReason(err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// pathReason is the reason of a file-system error without the path the
// message already names.
func pathReason(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkTarget checks --target is host:port with a port from 1 to 65535.
func checkTarget(target string) error {
	if target == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(target)
	if err != nil || host == "" {
		return fmt.Errorf("--target %q is not host:port: write e.g. --target mail.example.org:25 (IPv6: --target '[::1]:25')", target)
	}
	n, err := strconv.Atoi(port)
	switch {
	case err != nil:
		return fmt.Errorf("--target %q: the port %q is not a number: write e.g. --target %s:25", target, port, hostForExample(host))
	case n < 1 || n > 65535:
		return fmt.Errorf("--target %q: port %d is out of range (1 to 65535): write e.g. --target %s:25", target, n, hostForExample(host))
	}
	return nil
}

func hostForExample(host string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

func looksLikeAddress(a string) bool {
	at := strings.LastIndexByte(a, '@')
	return at > 0 && at < len(a)-1 && !strings.ContainsAny(a, " \t\r\n<>")
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// regexpReason is the part of a regexp syntax error after "error parsing
// regexp: ".
func regexpReason(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}
