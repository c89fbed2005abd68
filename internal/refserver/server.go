// Package refserver is smtpspec's own reference SMTP server: small,
// hand-written, loopback-only, and able to break single requirements on
// request through named fault switches.
//
// With no fault switched on, the server gives the strict, RFC-preferred
// answer to every check in the requirement catalogue that applies to what it
// advertises (PIPELINING, SIZE, 8BITMIME, HELP). Each fault is named by the
// requirement ID it breaks and triggers only on that requirement's stimulus,
// so a suite run against a faulty server should fail exactly that spec.
//
// RFC sections covered:
//
//   - RFC 5321 §2.3.8 (CRLF is the only line terminator), §2.4 (case of
//     verbs and keywords; 7-bit envelope)
//   - RFC 5321 §3.1 (greeting, 554 refusal), §3.3 (transaction order),
//     §3.5 (VRFY, EXPN), §3.8 (closing only after QUIT, 421 or a timeout)
//   - RFC 5321 §4.1.1.1–§4.1.1.11 (commands and their arguments), §4.1.2
//     (path, mailbox and domain syntax), §4.1.3 (address literals), §4.1.4
//     (command order and state), §4.1.5 (private X-commands)
//   - RFC 5321 §4.2 (reply format), §4.3.2 (command-to-reply table), §4.5.1
//     (minimum implementation, postmaster), §4.5.2 (dot transparency),
//     §4.5.3.1 (size limits), §4.5.3.2.7 (server idle timeout),
//     §4.5.4.2 (concurrent sessions), App. F (TURN, SEND, SOML, SAML)
//   - RFC 1870 (SIZE), RFC 2920 (PIPELINING), RFC 6152 (8BITMIME)
//
// Besides the faults, Config has behaviour modes that change when and how
// the server answers but not what it answers (reply delays, a tarpit, a
// server that never answers) or that add the recommended defence against
// SMTP smuggling (421 and close on a bare CR or LF in the mail data). They
// let the self-tests prove the suite's verdict rules: judge by the replies
// counted, never by a short silence; wait for slow servers; accept a
// defensive close.
//
// Files by area: server.go (Config, Start, listener, message store, fault
// registry), session.go (greeting, line reader, dispatch), hello.go,
// address.go, mail.go, rcpt.go, data.go and misc.go. A fault is declared in
// the file of the handler it breaks.
package refserver

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Mode selects how the server greets a new connection.
type Mode string

const (
	// ModeNormal greets with 220 and serves mail.
	ModeNormal Mode = "normal"
	// ModeRefuse greets with 554, answers every command but QUIT with 503
	// and waits for QUIT before it closes (RFC 5321 §3.1).
	ModeRefuse Mode = "refuse"
	// ModeSubmission greets with 220 and serves mail as a submission server
	// (RFC 6409 §4.3): MAIL before a successful AUTH gets 530.
	ModeSubmission Mode = "submission"
)

// Defaults and limits.
const (
	// DefaultAddr is the listen address when Config.Addr is empty.
	DefaultAddr = "127.0.0.1:0"
	// DefaultHostname is the server's own name in the greeting, EHLO and 221.
	DefaultHostname = "ref.smtpspec.test"
	// DefaultDomain is the mail domain served when Config.Domain is empty.
	DefaultDomain = "example.test"
	// DefaultMaxRecipients is the recipient limit per transaction.
	DefaultMaxRecipients = 1000
	// DefaultMaxMessageSize is the advertised SIZE (10 MiB).
	DefaultMaxMessageSize int64 = 10 << 20
	// DefaultTarpitBase is the first tarpit delay (Config.TarpitBase).
	DefaultTarpitBase = time.Second
	// tarpitMaxShift caps the tarpit delay at 16 times its base.
	tarpitMaxShift = 4

	// minRecipients: RFC 5321 §4.5.3.1.8 requires at least 100 buffered
	// recipients.
	minRecipients = 100
	// minMessageSize: RFC 5321 §4.5.3.1.7 requires at least 64K octets of
	// message content.
	minMessageSize = 64 << 10
	// maxStoreBytes and maxStoreMessages cap the message store; the oldest
	// messages are dropped first. MaxMessageSize may not exceed the byte cap.
	maxStoreBytes    = 64 << 20
	maxStoreMessages = 1000
	// maxSessions bounds concurrent sessions (RFC 5321 §4.5.4.2 asks for
	// several at once; beyond the limit a connection gets 421 and is closed).
	maxSessions = 100
	// idleTimeout is the wait for the next command or data block: RFC 5321
	// §4.5.3.2.7 asks the server to wait at least 5 minutes.
	idleTimeout = 5 * time.Minute
	// lingerTimeout bounds how long the server drains input after it has
	// sent its last reply and half-closed the connection, so that the reply
	// is not lost to a TCP reset.
	lingerTimeout = 2 * time.Second
)

// Config configures a Server. The zero value is usable: every field has a
// default.
type Config struct {
	// Addr is the listen address, DefaultAddr when empty. It must be a
	// loopback address (or "localhost"): the server never listens on other
	// interfaces.
	Addr string
	// Hostname is the server's own domain, DefaultHostname when empty. It
	// opens the greeting, the EHLO and HELO replies, and the 221 and 421
	// replies (RFC 5321 §4.2).
	Hostname string
	// Domain is the mail domain served, DefaultDomain when empty.
	Domain string
	// Mailboxes are the local parts that exist in Domain, {"alice", "bob"}
	// when empty. They match case-sensitively (RFC 5321 §2.4). postmaster,
	// in any case, is always an alias of the first one (RFC 5321 §4.5.1).
	Mailboxes []string
	// Mode selects the greeting, ModeNormal when empty.
	Mode Mode
	// Users are the AUTH accounts (user name → password), {DefaultAuthUser:
	// DefaultAuthPassword} when empty (ext_auth.go).
	Users map[string]string
	// Faults lists the IDs of the faults to switch on; see Faults.
	Faults []string
	// MaxRecipients is the recipient limit per transaction,
	// DefaultMaxRecipients when zero; at least 100 (RFC 5321 §4.5.3.1.8).
	// A RCPT beyond it gets "452 4.5.3" (RFC 5321 §4.5.3.1.10).
	MaxRecipients int
	// MaxMessageSize is the message size limit in octets, advertised as
	// SIZE (RFC 1870), DefaultMaxMessageSize when zero; at least 65536
	// (RFC 5321 §4.5.3.1.7) and at most 64 MiB (the store's cap).
	MaxMessageSize int64

	// The behaviour modes below change how and when the server answers,
	// not what it answers, so that the suite's verdict rules can be proved
	// against servers that are slow, defensive or silent. Each is off in
	// the zero value. Negative durations are rejected by Start.

	// FalseEODReplyDelay delays, in a session where an end-of-data fault
	// has taken a look-alike for the end of the mail data, every reply from
	// that point on (the reply to the cut-short message included) by this
	// much, each reply on its own. The end-of-data faults are the SEC-SMUG-*
	// faults, RFC5321-4.1.1.4-lf-dot-lf-not-eod,
	// RFC5321-4.1.1.4-eod-crlf-dot-crlf and RFC5321-4.5.2-dot-stuffing-wire.
	// It proves that the smuggling specs judge by the replies they count and
	// not by a short silence window (catalogue §0.2 and §13.1: "it does not
	// matter how late these replies come"): a server open to smuggling whose
	// replies after the false end of data come 2–3 s late must still FAIL.
	// RFC 5321 §4.5.3.2 lets a server take minutes over any reply, so a late
	// reply proves nothing.
	FalseEODReplyDelay time.Duration

	// RejectBareLineEndsInData makes the server, inside the mail data (after
	// the 354), answer a bare LF with "421 4.5.0 <Hostname> Bare linefeed
	// (LF) not allowed" and a bare CR (one not followed by LF) with "421
	// 4.5.0 <Hostname> Bare carriage return (CR) not allowed", as soon as it
	// reads it, and close the connection (after the usual half-close and
	// linger, so that the reply is not lost to a reset). The message is
	// dropped. CRLF never triggers it. With it on, the end-of-data faults
	// listed under FalseEODReplyDelay are inert: the data ends only at
	// <CRLF>.<CRLF>. This is the recommended defence against SMTP smuggling
	// (RFC 5321 §2.3.8: CRLF is the only line ending; §4.1.1.4; §3.8: a 421
	// may close the session); it proves that the SEC-SMUG-* and bare-LF
	// specs PASS an early 4yz/5yz refusal followed by a close (catalogue
	// §0.2, §13.1). Command lines are not affected.
	RejectBareLineEndsInData bool

	// Tarpit makes the server slow down a client that makes errors, as real
	// MTAs do (RFC 5321 §7.8 lets a server defend itself; catalogue §0.2:
	// tarpits are conformant). The server counts the 4yz and 5yz replies it
	// sends in the session; the reply that is the third error and every
	// reply after it (errors or not) is delayed by TarpitBase·2^(n-3),
	// where n is the number of errors sent so far, this reply included,
	// capped at 16·TarpitBase: with the default, the third error waits 1 s,
	// the fourth 2 s, then 4 s, 8 s, and 16 s from the seventh on. What the
	// server answers is unchanged. It proves that the suite waits for
	// tarpitted replies instead of judging them missing.
	Tarpit bool
	// TarpitBase is the first tarpit delay, DefaultTarpitBase when zero.
	// It is used only when Tarpit is on.
	TarpitBase time.Duration

	// SilentAfterGreeting makes the server send its greeting (220, or 554
	// in ModeRefuse) and then read and discard everything without ever
	// answering, until the client closes, the idle timeout (5 minutes,
	// RFC 5321 §4.5.3.2.7; then it closes without a 421) or Server.Close.
	// It proves that the suite reports a server that does not answer as
	// ERROR (no reply within the timeout), never as FAIL or PASS.
	SilentAfterGreeting bool

	// Without lists EHLO keywords of extensions the server must not offer
	// (see Extensions; by default it offers every one). Without them the
	// keyword is not listed and the extension's verbs and parameters are
	// unknown, so the suite's specs of that extension are NOT APPLICABLE.
	Without []string

	// TLSOnly lists EHLO keywords of extensions offered only under TLS
	// (after STARTTLS, or with ImplicitTLS), as servers commonly offer AUTH
	// (RFC 3207 §4.2: the offer may change after the handshake).
	TLSOnly []string

	// Variants that keep requirements the default server never exercises,
	// so that their specs can be shown to PASS as well as FAIL:
	// RequireTLS refuses MAIL before TLS with 530 5.7.0 (RFC 3207 §4, as a
	// server that is not publicly referenced may); TLSUnavailable answers
	// STARTTLS with 454 and goes on in plaintext (RFC 3207 §4); ExpandEXPN
	// expands EXPN of a served mailbox to that mailbox, one
	// <local-part@domain> per line (RFC 5321 §3.5.1).
	RequireTLS, TLSUnavailable, ExpandEXPN bool

	// ImplicitTLS serves TLS from the first octet (port 465 style), with
	// the server's self-signed certificate (see Server.Certificate); the
	// session is under TLS from the start, so STARTTLS is not offered.
	ImplicitTLS bool

	// ReplyDelay delays every reply, the greeting and 421s included, by
	// this much (on top of the delays above). It is for benchmarks of
	// serial against parallel runs: RFC 5321 §4.5.3.2 lets a server be
	// slow, so it changes no verdict.
	ReplyDelay time.Duration
}

// Message is one message the server accepted.
type Message struct {
	From string   // reverse-path mailbox without brackets; "" for <>
	To   []string // forward-path mailboxes without brackets and source routes, in RCPT order
	Data []byte   // content after dot-unstuffing, without the terminating ".\r\n"
}

// Fault describes one fault switch.
type Fault struct {
	ID          string // the fault's name: the requirement ID it breaks, or that ID + "/" + a variant
	Spec        string // the requirement ID of the spec the fault breaks
	Description string // what the server does wrong when it is on
	// Mode is the mode the fault shows in: most faults break a normal
	// session; those of the 554 greeting need ModeRefuse.
	Mode Mode
	// Also lists the other specs whose verdict the fault may change.
	Also []string
	// BreaksSetup: the fault breaks a step most sessions take (EHLO, say),
	// so any other spec may become ERROR or NOT APPLICABLE under it (it
	// cannot test its own requirement); none may become FAIL or WARN
	// unless listed in Also.
	BreaksSetup bool
	// Args are smtpspec arguments the fault's run needs ("--tls starttls"
	// for a server that requires TLS before mail, which the plaintext
	// preflight of --tls auto cannot get past).
	Args []string
}

// Server is a running reference server.
type Server struct {
	cfg    Config
	faults map[*fault]bool
	// exts are the extensions offered (Config.Without left out), in
	// keyword order; enabled holds the same set.
	exts    []*extension
	enabled map[*extension]bool
	// tlsOnly are the extensions offered only under TLS (Config.TLSOnly).
	tlsOnly map[*extension]bool
	ln      net.Listener
	wg      sync.WaitGroup
	done    chan struct{} // closed by Close: ends the reply delays at once

	// engaged counts the sessions that have sent a command and not ended
	// (read by faultConcurrency).
	engaged atomic.Int32

	mu       sync.Mutex
	closed   bool
	sessions map[net.Conn]struct{}
	msgs     []Message
	msgBytes int

	closeOnce sync.Once
	closeErr  error
}

// fault is one registered fault switch.
type fault struct {
	id          string
	spec        string // the requirement ID of the spec it breaks
	description string
	mode        Mode
	also        []string
	breaksSetup bool
	args        []string
}

// may declares the other specs the fault legitimately changes, because
// their stimulus runs through the same broken behaviour (a real bug does
// not pick one spec); the self-test matrix allows exactly those.
func (f *fault) may(ids ...string) *fault {
	f.also = append(f.also, ids...)
	return f
}

// breaksSessionSetup declares that the fault breaks a step most sessions take, so that
// any spec may become inconclusive (ERROR or NOT APPLICABLE) under it; the
// self-test matrix allows that, and only that, outside the may set.
func (f *fault) breaksSessionSetup() *fault {
	f.breaksSetup = true
	return f
}

// dropsSessions declares that the fault closes sessions that other specs
// still need, so that, as under breaksSessionSetup, any spec may become
// inconclusive (ERROR or NOT APPLICABLE) under it.
func (f *fault) dropsSessions() *fault {
	f.breaksSetup = true
	return f
}

// runWith declares the smtpspec arguments the fault's run needs
// (Fault.Args).
func (f *fault) runWith(args ...string) *fault {
	f.args = append(f.args, args...)
	return f
}

// faultRegistry holds every fault, by ID. It is filled during package
// initialisation and read-only afterwards.
var faultRegistry = map[string]*fault{}

// newFault registers a fault. It panics on a duplicate ID: that is a
// programming error caught at package initialisation.
func newFault(id, description string) *fault {
	if _, dup := faultRegistry[id]; dup {
		panic("refserver: duplicate fault ID " + id)
	}
	f := &fault{id: id, spec: id, description: description, mode: ModeNormal}
	faultRegistry[id] = f
	return f
}

// newVariantFault declares a second way to break requirement spec: a fault
// named spec + "/" + variant that shows in the same spec (the matrix runs
// each), for a requirement whose spec checks more than one behaviour.
func newVariantFault(spec, variant, description string) *fault {
	f := newFault(spec+"/"+variant, description)
	f.spec = spec
	return f
}

// newRefuseFault declares a fault that shows only when the server refuses
// service with a 554 greeting (ModeRefuse).
func newRefuseFault(id, description string) *fault {
	f := newFault(id, description)
	f.mode = ModeRefuse
	return f
}

// Faults returns every registered fault, sorted by ID.
func Faults() []Fault {
	out := make([]Fault, 0, len(faultRegistry))
	for _, f := range faultRegistry {
		out = append(out, Fault{ID: f.id, Spec: f.spec, Description: f.description, Mode: f.mode, Also: f.also, BreaksSetup: f.breaksSetup, Args: f.args})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Start validates cfg, fills in the defaults and starts listening.
func Start(cfg Config) (*Server, error) {
	if err := cfg.normalise(); err != nil {
		return nil, err
	}
	faults := make(map[*fault]bool, len(cfg.Faults))
	var unknown []string
	for _, id := range cfg.Faults {
		f, ok := faultRegistry[id]
		if !ok {
			unknown = append(unknown, fmt.Sprintf("%q", id))
			continue
		}
		faults[f] = true
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("refserver: unknown fault ID %s (see refserver.Faults for the list)", strings.Join(unknown, ", "))
	}
	exts, err := enabledExtensions(&cfg)
	if err != nil {
		return nil, err
	}
	tlsOnly := map[*extension]bool{}
	for _, k := range cfg.TLSOnly {
		e := extensions[strings.ToUpper(k)]
		if e == nil || strings.EqualFold(k, "STARTTLS") {
			return nil, fmt.Errorf("refserver: TLSOnly names %q, which is not an extension the server can offer under TLS", k)
		}
		tlsOnly[e] = true
	}
	enabled := map[*extension]bool{}
	for _, e := range exts {
		enabled[e] = true
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("refserver: listen on %s: %w", cfg.Addr, err)
	}
	if ap, err := netip.ParseAddrPort(ln.Addr().String()); err != nil || !ap.Addr().IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("refserver: %s resolved to %s, which is not a loopback address", cfg.Addr, ln.Addr())
	}
	s := &Server{cfg: cfg, faults: faults, exts: exts, enabled: enabled, tlsOnly: tlsOnly, ln: ln, done: make(chan struct{}), sessions: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// normalise fills in defaults and rejects a configuration that would break a
// requirement or leave loopback.
func (c *Config) normalise() error {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("refserver: listen address %q: %w", c.Addr, err)
	}
	if !strings.EqualFold(host, "localhost") {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.IsLoopback() {
			return fmt.Errorf("refserver: listen address %q is not a loopback address; use 127.0.0.1, [::1] or localhost", c.Addr)
		}
	}
	if c.Hostname == "" {
		c.Hostname = DefaultHostname
	}
	if !isDomain(c.Hostname) {
		return fmt.Errorf("refserver: hostname %q is not a valid domain (RFC 5321 §4.1.2)", c.Hostname)
	}
	if c.Domain == "" {
		c.Domain = DefaultDomain
	}
	if !isDomain(c.Domain) {
		return fmt.Errorf("refserver: domain %q is not a valid domain (RFC 5321 §4.1.2)", c.Domain)
	}
	if len(c.Mailboxes) == 0 {
		c.Mailboxes = []string{"alice", "bob"}
	}
	seen := map[string]bool{}
	for _, m := range c.Mailboxes {
		switch {
		case !isDotString(m):
			return fmt.Errorf("refserver: mailbox %q is not a valid dot-string local part (RFC 5321 §4.1.2)", m)
		case strings.EqualFold(m, "postmaster"):
			return fmt.Errorf("refserver: mailbox %q is reserved: postmaster is always an alias of the first mailbox", m)
		case seen[m]:
			return fmt.Errorf("refserver: mailbox %q is listed twice", m)
		}
		seen[m] = true
	}
	c.Mailboxes = append([]string(nil), c.Mailboxes...)
	switch c.Mode {
	case "":
		c.Mode = ModeNormal
	case ModeNormal, ModeRefuse, ModeSubmission:
	default:
		return fmt.Errorf("refserver: unknown mode %q (want %q, %q or %q)", c.Mode, ModeNormal, ModeRefuse, ModeSubmission)
	}
	if err := c.normaliseUsers(); err != nil {
		return err
	}
	switch {
	case c.MaxRecipients == 0:
		c.MaxRecipients = DefaultMaxRecipients
	case c.MaxRecipients < minRecipients:
		return fmt.Errorf("refserver: MaxRecipients %d is below the %d that RFC 5321 §4.5.3.1.8 requires", c.MaxRecipients, minRecipients)
	}
	switch {
	case c.MaxMessageSize == 0:
		c.MaxMessageSize = DefaultMaxMessageSize
	case c.MaxMessageSize < minMessageSize:
		return fmt.Errorf("refserver: MaxMessageSize %d is below the 65536 octets that RFC 5321 §4.5.3.1.7 requires", c.MaxMessageSize)
	case c.MaxMessageSize > maxStoreBytes:
		return fmt.Errorf("refserver: MaxMessageSize %d is above the store's cap of %d octets", c.MaxMessageSize, maxStoreBytes)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"FalseEODReplyDelay", c.FalseEODReplyDelay}, {"TarpitBase", c.TarpitBase}, {"ReplyDelay", c.ReplyDelay}} {
		if d.v < 0 {
			return fmt.Errorf("refserver: %s %v is negative", d.name, d.v)
		}
	}
	if c.Tarpit && c.TarpitBase == 0 {
		c.TarpitBase = DefaultTarpitBase
	}
	c.Faults = append([]string(nil), c.Faults...)
	c.Without = append([]string(nil), c.Without...)
	c.TLSOnly = append([]string(nil), c.TLSOnly...)
	return nil
}

// Addr returns the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops listening, closes every open session and waits until all of
// the server's goroutines have ended. Calling it again returns nil.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		s.mu.Lock()
		s.closed = true
		for c := range s.sessions {
			c.Close()
		}
		s.mu.Unlock()
		if err := s.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			s.closeErr = fmt.Errorf("refserver: close listener: %w", err)
		}
		s.wg.Wait()
	})
	return s.closeErr
}

// Messages returns a copy of the messages accepted so far, oldest first.
// The store keeps at most 1000 messages and 64 MiB of content; the oldest
// are dropped first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	for i, m := range s.msgs {
		out[i] = Message{
			From: m.From,
			To:   append([]string(nil), m.To...),
			Data: append([]byte(nil), m.Data...),
		}
	}
	return out
}

// store keeps m, dropping the oldest messages beyond the store's caps.
func (s *Server) store(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	s.msgBytes += len(m.Data)
	for len(s.msgs) > maxStoreMessages || (s.msgBytes > maxStoreBytes && len(s.msgs) > 1) {
		s.msgBytes -= len(s.msgs[0].Data)
		s.msgs[0] = Message{}
		s.msgs = s.msgs[1:]
	}
}

// serve accepts connections until the listener is closed.
func (s *Server) serve() {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		c, err := s.ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return
			}
			// A transient error such as EMFILE: wait and retry, as
			// net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		busy := len(s.sessions) >= maxSessions
		s.sessions[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer s.forget(c)
			newSession(s, s.implicitTLS(c)).run(busy)
		}()
	}
}

// forget closes c and removes it from the session set.
func (s *Server) forget(c net.Conn) {
	c.Close()
	s.mu.Lock()
	delete(s.sessions, c)
	s.mu.Unlock()
}
