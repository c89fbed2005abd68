package framework

import (
	"github.com/smtpspec/smtpspec/scenarios"

	"fmt"
	"strings"
	"time"
)

// Config is what the specs know about the target. The runner fills it in
// once, before the suite runs; specs only read it.
type Config struct {
	// Target is the server under test, host:port.
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
	// ConnectTimeout bounds each TCP connect.
	ConnectTimeout time.Duration
	// ReplyTimeout bounds the wait for each reply. RFC 5321 §4.5.3.2 gives
	// clients 5 minutes for most replies; the suite waits less by default,
	// since a conformance run should not take hours against a dead server.
	ReplyTimeout time.Duration
	// Silence is how long the suite watches for a reply that must not come
	// (end-of-data ambiguity, bare LF). Longer is more sensitive and slower.
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
	AuthPassword string `json:"-"`
	// Profile is ProfileMX (port 25: relay refused, AUTH optional) or
	// ProfileSubmission (RFC 6409: AUTH required before MAIL).
	Profile string
}

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

// Domain returns the domain of the mailbox, or "" when there is none.
func (c Config) Domain() string {
	if i := strings.LastIndexByte(c.Mailbox, '@'); i >= 0 {
		return c.Mailbox[i+1:]
	}
	return ""
}

// Validate reports the first setting that cannot work, naming the flag.
func (c Config) Validate() error {
	switch {
	case c.Target == "":
		return fmt.Errorf("framework: no target: pass --target host:port")
	case c.ReplyTimeout <= 0:
		return fmt.Errorf("framework: --timeout must be positive")
	case c.ConnectTimeout <= 0:
		return fmt.Errorf("framework: --connect-timeout must be positive")
	case c.Silence <= 0:
		return fmt.Errorf("framework: --silence must be positive")
	}
	return nil
}

// current is the configuration of this run. It is set once by Configure
// before the suite runs, and only read afterwards.
var current Config

// Configure sets the configuration the specs will see.
func Configure(c Config) {
	if c.UnknownMailbox == "" && c.Domain() != "" {
		c.UnknownMailbox = "smtpspec-no-such-user-7f3c9a@" + c.Domain()
	}
	if c.ForeignRecipient == "" {
		c.ForeignRecipient = "smtpspec-relay-probe@example.net"
	}
	current = c
}

// Current returns the configuration of this run.
func Current() Config { return current }

// Envelope is the sender and recipient the test messages of this run name
// in their header fields.
func Envelope() scenarios.Envelope {
	return scenarios.Envelope{From: current.Sender, To: current.Mailbox}
}
