package framework

import (
	"github.com/smtpspec/smtpspec/internal/config"
	"github.com/smtpspec/smtpspec/scenarios"
)

// Config is what the specs know about the target: the run's one config type
// (internal/config), which the runner fills in once, before the suite runs;
// specs only read it (t.Cfg.Sender, t.Cfg.Mailbox, ...).
type Config = config.Config

// TLS modes (Config.TLSMode).
const (
	TLSAuto     = config.TLSAuto
	TLSStartTLS = config.TLSStartTLS
	TLSImplicit = config.TLSImplicit
	TLSNone     = config.TLSNone
)

// Profiles (Config.Profile).
const (
	ProfileMX         = config.ProfileMX
	ProfileSubmission = config.ProfileSubmission
)

// current is the configuration of this run. It is set once by Configure
// before the suite runs, and only read afterwards.
var current Config

// Configure sets the configuration the specs will see, filling in the
// unknown mailbox (from the mailbox's domain) and the foreign recipient
// when they are empty.
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
