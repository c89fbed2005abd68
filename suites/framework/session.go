package framework

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/smtpspec/smtpspec/internal/catalog"
	"github.com/smtpspec/smtpspec/internal/wire"
)

// Reply is a parsed SMTP reply with its raw octets.
type Reply = wire.Reply

// Session is one connection of a spec. Every reply read through it passes
// the reply validator: a syntax violation fails the spec that saw it, a
// SHOULD-level one or a code outside the RFC 5321 §4.3.2 table is a WARN.
type Session struct {
	t        *T
	c        *wire.Conn
	Greeting Reply
	// Ehlo is the reply to the EHLO of Greeted (its keywords say what the
	// server offers), empty when the session was opened otherwise.
	Ehlo     Reply
	lastSent string
	verb     string
	greeted  bool // the first reply (the greeting) has been read
	state    replyState
}

// Connect opens a connection without reading the greeting.
func (t *T) Connect() *Session {
	tr := wire.NewTranscript()
	if t.Cfg.Verbose {
		tr.Echo(os.Stdout, t.Req.ID+" ")
	}
	c, err := wire.Dial(t.Ctx, t.Cfg.Target, wire.Options{
		ConnectTimeout: t.Cfg.ConnectTimeout,
		ReplyTimeout:   t.Cfg.ReplyTimeout,
		Transcript:     tr,
		TLS:            DialTLS(t.Cfg),
	})
	if err != nil {
		if consecutiveDialFailures.Add(1) >= breakerLimit {
			ginkgo.AbortSuite(fmt.Sprintf("target %s stopped accepting connections (%d specs in a row): %s", t.Cfg.Target, breakerLimit, describeTLSError(err)))
		}
		t.Errorf("%s", describeTLSError(err))
	}
	consecutiveDialFailures.Store(0)
	s := &Session{t: t, c: c}
	t.sessions = append(t.sessions, s)
	s.recordTLS(TLSImplicit) // tls.go: under --tls implicit
	return s
}

// Dial opens a connection and reads the greeting, which must be 220:
// anything else means the requirement cannot be tested here (ERROR).
func (t *T) Dial() *Session {
	s := t.Connect()
	s.verb = ""
	r, err := s.TryRead()
	if err != nil {
		t.Errorf("no greeting from %s: %v", t.Cfg.Target, err)
	}
	s.Greeting = r
	if r.Code != 220 {
		t.Errorf("the server did not offer service: greeting %s", r)
	}
	return s
}

// Greeted opens a connection, reads the 220 greeting and sends EHLO, which
// must get 250. When the spec's requirement belongs to an extension (its
// catalogue feature is an EHLO keyword) that the reply does not list, the
// spec ends NOT APPLICABLE here, saying so.
func (t *T) Greeted() *Session {
	s := t.Dial()
	s.Hello()
	t.tlsAfterHello(s) // tls.go: --tls starttls upgrades here
	t.gate(s)
	return s
}

// Hello sends EHLO, which must get 250, and keeps the reply as what the
// server offers in this state of the session: after STARTTLS and after AUTH
// the offer may change (RFC 3207 §4.2, RFC 4954 §4), so specs call it again
// there.
func (s *Session) Hello() Reply {
	s.Ehlo = s.Setup("EHLO "+s.t.Cfg.Helo, "250")
	return s.Ehlo
}

// Has reports whether the session's last EHLO reply lists keyword.
func (s *Session) Has(keyword string) bool { return s.Ehlo.Lists(keyword) }

// Require ends the spec NOT APPLICABLE unless the session's last EHLO reply
// lists keyword.
func (s *Session) Require(keyword string) {
	if !s.Has(keyword) {
		s.t.NotApplicable("%s is not advertised in the EHLO reply", strings.ToUpper(keyword))
	}
}

// gate ends the spec NOT APPLICABLE when its requirement belongs to an
// extension that the session's EHLO reply does not list. Before it decides,
// BeforeGate (when set) may change the session, e.g. upgrade it with
// STARTTLS when the keyword may be offered only under TLS.
func (t *T) gate(s *Session) {
	f := t.Req.Feature
	if f == "" || f == catalog.FeatureCore || s.Has(f) {
		return
	}
	if BeforeGate != nil {
		BeforeGate(s, f)
	}
	s.Require(f)
}

// BeforeGate, when set (by the TLS glue), runs before a feature gate finds
// the feature missing from the session's EHLO reply; it may upgrade the
// session (and call Hello again) so that the gate decides on the server's
// offer under TLS. Set it only from an init function.
var BeforeGate func(s *Session, feature string)

// Transaction opens a greeted session with MAIL FROM accepted and one
// accepted RCPT TO the configured mailbox (not applicable without one).
// Under the submission profile it authenticates first when credentials are
// given (without them the 530 to MAIL makes the spec NOT APPLICABLE).
func (t *T) Transaction() *Session {
	mbx := t.Mailbox()
	s := t.Greeted()
	if t.Cfg.Profile == ProfileSubmission && t.Cfg.AuthUser != "" {
		// RFC 6409 §4.3: a submission server refuses MAIL before AUTH.
		s.Login()
	}
	s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
	s.Setup("RCPT TO:<"+mbx+">", "250 251")
	return s
}

// Conn gives raw access to the wire connection.
func (s *Session) Conn() *wire.Conn { return s.c }

// LastSent returns the last octets sent, escaped, for evidence.
func (s *Session) LastSent() string { return s.lastSent }

// Send writes line and CRLF, as a command whose reply will be validated
// against the §4.3.2 table for its verb. A connection the server has closed
// is a FAIL (RFC 5321 §3.8); use TrySend where a close is an observation.
func (s *Session) Send(line string) {
	if err := s.TrySend(line); err != nil {
		s.sendFailed(err)
	}
}

// TrySend is Send, returning a write error (the server closed the
// connection) to the spec.
func (s *Session) TrySend(line string) error {
	s.verb = verbOf(line)
	s.lastSent = wire.Escape([]byte(line + "\r\n"))
	return s.c.Send(line)
}

// SendRaw writes b exactly, in one write. verb names what the reply answers
// (for the §4.3.2 check), or "" when it answers nothing known.
func (s *Session) SendRaw(b []byte, verb string) {
	if err := s.TrySendRaw(b, verb); err != nil {
		s.sendFailed(err)
	}
}

// TrySendRaw is SendRaw, returning a write error to the spec.
func (s *Session) TrySendRaw(b []byte, verb string) error {
	s.verb = verb
	s.lastSent = wire.Escape(b)
	if len(s.lastSent) > 300 {
		s.lastSent = s.lastSent[:300] + fmt.Sprintf("...\" (%d octets)", len(b))
	}
	return s.c.SendRaw(b)
}

// sendFailed ends the spec after a write failed: the server closed the
// connection. That is recorded under RFC 5321 §3.8 (WARN: §7.8 lets a
// server close as a defence) and the spec cannot judge its own requirement.
func (s *Session) sendFailed(err error) {
	s.t.finding(Finding{Rule: "RFC5321-3.8-no-arbitrary-close", Cite: "RFC 5321 §3.8, §7.8", Sent: s.lastSent,
		Detail: fmt.Sprintf("the server closed the connection before the suite could send: %v", err)}, Should)
	s.t.Errorf("the server closed the connection before %s could be sent (%v)", s.lastSent, err)
}

// TryRead reads one reply and validates it, returning a close to the spec
// as an observation. A reply that does not come within the suite's timeout
// ends the spec as ERROR (inconclusive: RFC 5321 §4.5.3.2 lets servers take
// minutes), never FAIL; a reply that is not SMTP at all, or past the size
// limit, is recorded under the reply-syntax rule it breaks, and the spec
// cannot judge its own requirement (ERROR), unless that rule is its own.
func (s *Session) TryRead() (Reply, error) {
	start := time.Now()
	r, err := s.c.ReadReply()
	if err != nil {
		var re *wire.ReadError
		switch {
		case errors.As(err, &re) && errors.Is(err, wire.ErrMalformed):
			s.unreadable(Finding{Rule: "RFC5321-4.2-code-syntax", Cite: "RFC 5321 §4.2", Sent: s.lastSent,
				Actual: wire.Escape(re.Partial), Detail: "the reply is not SMTP: " + re.Detail}, Must,
				"the reply to %s is not an SMTP reply (finding RFC5321-4.2-code-syntax): %s", s.lastSent, wire.Escape(truncate(re.Partial, 300)))
		case errors.As(err, &re) && errors.Is(err, wire.ErrReplyTooLong) && re.Lines:
			s.unreadable(Finding{Rule: "RFC5321-4.5.3.1-reply-lines-200", Cite: "RFC 5321 §4.5.3.1", Sent: s.lastSent,
				Actual: wire.Escape(truncate(re.Partial, 300)), Expected: fmt.Sprintf("a reply of at most %d lines", wire.ManyLines),
				Detail: "the reply went past the suite's limit (" + re.Detail + ")"}, Should,
				"the reply to %s went past the suite's size limit (%s)", s.lastSent, re.Detail)
		case errors.As(err, &re) && errors.Is(err, wire.ErrReplyTooLong):
			s.unreadable(Finding{Rule: "RFC5321-4.5.3.1.5-reply-line-512", Cite: "RFC 5321 §4.5.3.1.5, §4.2.1", Sent: s.lastSent,
				Actual: wire.Escape(truncate(re.Partial, 300)), Expected: "a reply of lines of at most 512 octets",
				Detail: "the reply went past the suite's limit (" + re.Detail + "), far beyond the 512-octet reply line"}, Must,
				"the reply to %s went past the suite's size limit (%s)", s.lastSent, re.Detail)
		case errors.Is(err, wire.ErrTimeout):
			s.timeout(time.Since(start), re)
		}
		return r, err
	}
	if !s.greeted {
		s.greeted = true
		s.Greeting = r
	}
	s.observe(r)
	return r, nil
}

// unreadable ends the spec after a reply that could not be read as one: f
// is recorded under its rule (see T.finding). For the spec of that rule it
// is its verdict; any other spec cannot judge its own requirement (ERROR).
func (s *Session) unreadable(f Finding, level Level, format string, args ...any) {
	s.t.finding(f, level)
	if f.Rule == s.t.Req.ID {
		s.t.stopWithFindings()
	}
	s.t.Errorf(format, args...)
}

// timeout ends the spec after a reply did not come within the suite's
// timeout. It is ERROR, naming RFC 5321 §4.5.3.2's budget for the command;
// only a wait past that budget shows the server broke the one-reply rule.
func (s *Session) timeout(waited time.Duration, re *wire.ReadError) {
	what := "the greeting"
	if s.greeted {
		what = "the reply to " + s.lastSent
	}
	budget, section := rfcBudget(s.greeted, s.verb)
	s.t.timedOut = true
	partial := ""
	if re != nil && len(re.Partial) > 0 {
		partial = " (a partial reply arrived: " + wire.Escape(truncate(re.Partial, 300)) + ")"
	}
	if budget > 0 && waited >= budget {
		s.t.finding(Finding{Rule: "RFC5321-4.2-one-reply-per-command", Cite: "RFC 5321 §4.2, " + section, Sent: s.lastSent,
			Expected: fmt.Sprintf("a reply within %s (%s)", budget, section), Actual: "no complete reply after " + waited.Round(time.Second).String() + partial,
			Detail: "the server did not reply within the time RFC 5321 §4.5.3.2 gives it"}, Must)
		s.t.Errorf("no reply to %s within %s, past RFC 5321 §4.5.3.2's %s (finding RFC5321-4.2-one-reply-per-command)", s.lastSent, waited.Round(time.Second), budget)
	}
	allows := "gives no figure for this command"
	if budget > 0 {
		allows = fmt.Sprintf("lets a server take up to %s (%s)", budget, section)
	}
	s.t.Errorf("no reply: %s did not come within %s%s; RFC 5321 §4.5.3.2 %s; raise --timeout to wait longer",
		what, s.c.ReplyTimeout(), partial, allows)
}

// rfcBudget returns the client timeout RFC 5321 §4.5.3.2 gives for the
// reply to verb (or to the greeting), and the section that gives it; zero
// where the RFC names no figure.
func rfcBudget(greeted bool, verb string) (time.Duration, string) {
	switch {
	case !greeted:
		return 5 * time.Minute, "§4.5.3.2.1"
	case verb == "MAIL":
		return 5 * time.Minute, "§4.5.3.2.2"
	case verb == "RCPT":
		return 5 * time.Minute, "§4.5.3.2.3"
	case verb == "DATA":
		return 2 * time.Minute, "§4.5.3.2.4"
	case verb == "DATA-END":
		return 10 * time.Minute, "§4.5.3.2.6"
	}
	return 0, ""
}

func truncate(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return b[:n]
}

// Read reads one reply. A timeout is ERROR (see TryRead). A close instead
// of a reply is recorded under RFC 5321 §3.8 (a server may close as a
// defence, §7.8, so it is a WARN there), and the spec cannot judge its own
// requirement: ERROR. A 421 ends the spec as ERROR: the server is closing.
func (s *Session) Read() Reply {
	r, err := s.TryRead()
	if err != nil {
		s.t.finding(s.closeFinding(err), Should)
		s.t.Errorf("the server closed the connection instead of answering %s (%v)", s.lastSent, err)
	}
	if r.Code == 421 {
		s.t.Errorf("the server ended the session with 421 (%s) after %s", r, s.lastSent)
	}
	return r
}

func (s *Session) closeFinding(err error) Finding {
	return Finding{Rule: "RFC5321-3.8-no-arbitrary-close", Cite: "RFC 5321 §3.8, §7.8", Sent: s.lastSent,
		Expected: "a reply (RFC 5321 §3.8: no close except after QUIT, 421 or a timeout; §7.8 tolerates closing as a defence)",
		Actual:   err.Error(), Detail: "the server closed the connection instead of replying"}
}

// Cmd sends line and reads its reply (see Read).
func (s *Session) Cmd(line string) Reply {
	s.Send(line)
	return s.Read()
}

// Try sends line and reads its reply, returning write and read errors (a
// close, a timeout) to the spec. When the write fails, a reply the server
// sent before closing is still read.
func (s *Session) Try(line string) (Reply, error) {
	if err := s.TrySend(line); err != nil {
		if r, rerr := s.TryRead(); rerr == nil {
			return r, nil
		}
		return Reply{}, err
	}
	return s.TryRead()
}

// Setup sends a command the spec needs as a precondition. A reply outside ok,
// a close or a timeout means the requirement cannot be tested (ERROR).
func (s *Session) Setup(line string, ok CodeSet) Reply {
	r, err := s.Try(line)
	if err != nil {
		s.t.Errorf("precondition %s got no reply: %v", s.lastSent, err)
	}
	if !ok.Has(r.Code) {
		s.t.policy(r)
		s.t.Errorf("precondition %s answered %s, needed %s", s.lastSent, r, ok)
	}
	return r
}

// WaitClose waits up to d for the server to close the connection.
func (s *Session) WaitClose(d time.Duration) (bool, []byte) { return s.c.WaitClose(d) }

// observe runs the reply validator and records the code for the command.
// What the validator finds is recorded under the validator's own rules, not
// as the verdict of the spec that happened to read the reply (a spec whose
// own requirement is one of those rules judges it itself).
func (s *Session) observe(r Reply) {
	t := s.t
	for _, v := range r.Violations {
		if v.Rule == RuleTextCharset && s.utf8TextAllowed(r) {
			continue // RFC 6531 §3.7.4.1, §3.7.4.2
		}
		level := Must
		if v.Severity != wire.Must {
			level = Should
		}
		t.finding(Finding{Rule: v.Rule, Cite: v.Section, Sent: s.lastSent, Actual: r.String(), Detail: v.Detail}, level)
	}
	s.validateState(r)
	verb := s.verb
	if verb == "" {
		return
	}
	t.codes.Add(verb, r.Code)
	// After a 554 or 521 greeting every command but QUIT gets 503 or 521
	// (RFC 5321 §3.1, RFC 7504 §3), outside the §4.3.2 table.
	refused := s.Greeting.Code == 554 || s.Greeting.Code == 521
	if allowed, rule, ok := AllowedCodes(verb); ok && !refused && !allowed.Has(r.Code) {
		t.finding(Finding{Rule: rule, Cite: "RFC 5321 §4.3.2", Sent: s.lastSent, Actual: r.String(),
			Expected: allowed.String(), Detail: fmt.Sprintf("%d is not a reply RFC 5321 §4.3.2 lists for %s", r.Code, verb)}, Should)
	}
	if (r.Code == 251 || r.Code == 551) && !forwardPath.MatchString(r.Text()) {
		t.finding(Finding{Rule: "RFC5321-3.4-251-551-text", Cite: "RFC 5321 §3.4", Sent: s.lastSent, Actual: r.String(),
			Detail: fmt.Sprintf("a %d reply must give the forward-path <...> in its text", r.Code)}, Should)
	}
}

var forwardPath = regexp.MustCompile(`<[^<>\s]+@[^<>\s]+>`)

// verbOf returns the upper-cased first word of a command line, mapping
// "DATA" sent as content terminator callers handle themselves.
func verbOf(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	v := strings.ToUpper(f[0])
	if i := strings.IndexByte(v, ':'); i >= 0 {
		v = v[:i]
	}
	return v
}

// maxAccounted bounds the replies Account reads before QUIT's.
const maxAccounted = 64

// Accounting is every reply a server sent between a stimulus and QUIT's
// 221, in order: the way the suite tells how many replies a stimulus got
// without listening for silence. 221 answers nothing but QUIT (RFC 5321
// §4.1.1.10, §4.2.2), so it marks where the stimulus's replies end.
type Accounting struct {
	// Replies are the replies before QUIT's, in order.
	Replies []Reply
	// QuitAnswered: the 221 came.
	QuitAnswered bool
	// Closed: the server closed the connection before answering QUIT.
	Closed bool
	// Ended421: after the first reply the server sent 421 (service closing)
	// instead of 221. A 421 may come at any time (RFC 5321 §3.8), so it is
	// not counted among the replies; it ends the count.
	Ended421 bool
}

// Codes lists the codes of the replies, for evidence.
func (a Accounting) Codes() string {
	var parts []string
	for _, r := range a.Replies {
		parts = append(parts, strconv.Itoa(r.Code))
	}
	if a.QuitAnswered {
		parts = append(parts, "221 (QUIT)")
	}
	if a.Ended421 {
		parts = append(parts, "421")
	}
	if a.Closed {
		parts = append(parts, "close")
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// String renders the replies in full, escaped.
func (a Accounting) String() string {
	var parts []string
	for _, r := range a.Replies {
		parts = append(parts, r.String())
	}
	if a.QuitAnswered {
		parts = append(parts, "221 to QUIT")
	}
	if a.Ended421 {
		parts = append(parts, "then 421 (service closing)")
	}
	if a.Closed {
		parts = append(parts, "then the connection closed")
	}
	if len(parts) == 0 {
		return "no reply"
	}
	return strings.Join(parts, " ")
}

// Account reads the first reply to what was sent last, then sends QUIT
// and reads every reply up to QUIT's 221 or the close, each within the full
// reply timeout (a timeout ends the spec as ERROR). Nothing is sent before
// the first reply, so a server without PIPELINING sees no pipelined input.
func (s *Session) Account() Accounting {
	var a Accounting
	s.verb = ""
	r, err := s.TryRead()
	if err != nil {
		a.Closed = true
		return a
	}
	a.Replies = append(a.Replies, r)
	s.countToQuit(&a)
	return a
}

// QuitAndCount sends QUIT and reads every reply up to its 221 or the close
// (see Account): the replies the server still owed to what came before.
func (s *Session) QuitAndCount() Accounting {
	var a Accounting
	s.countToQuit(&a)
	return a
}

func (s *Session) countToQuit(a *Accounting) {
	if err := s.TrySend("QUIT"); err != nil {
		a.Closed = true
	}
	s.verb = ""
	for len(a.Replies) < maxAccounted {
		r, err := s.TryRead()
		if err != nil {
			a.Closed = true
			return
		}
		if r.Code == 221 {
			a.QuitAnswered = true
			return
		}
		if r.Code == 421 {
			a.Ended421, a.Closed = true, true
			return
		}
		a.Replies = append(a.Replies, r)
	}
	s.t.Errorf("more than %d replies before QUIT's 221: %s", maxAccounted, a.Codes())
}

// Pause waits the configured --silence before the next write. It is part
// of a stimulus (it gives a server the chance to act on a partial
// sequence); no verdict may depend on what arrives meanwhile.
func (s *Session) Pause() {
	select {
	case <-time.After(s.t.Cfg.Silence):
	case <-s.t.Ctx.Done():
	}
}
