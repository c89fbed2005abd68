package framework

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
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
	lastSent string
	verb     string
	greeted  bool // the first reply (the greeting) has been read
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
	})
	if err != nil {
		if consecutiveDialFailures.Add(1) >= breakerLimit {
			ginkgo.AbortSuite(fmt.Sprintf("target %s stopped accepting connections (%d specs in a row): %v", t.Cfg.Target, breakerLimit, err))
		}
		t.Errorf("%v", err)
	}
	consecutiveDialFailures.Store(0)
	s := &Session{t: t, c: c}
	t.sessions = append(t.sessions, s)
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
// must get 250.
func (t *T) Greeted() *Session {
	s := t.Dial()
	s.Setup("EHLO "+t.Cfg.Helo, "250")
	return s
}

// Transaction opens a greeted session with MAIL FROM accepted and one
// accepted RCPT TO the configured mailbox (not applicable without one).
func (t *T) Transaction() *Session {
	mbx := t.Mailbox()
	s := t.Greeted()
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
		s.t.Failf(s.sendFailure(err))
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
		s.t.Failf(s.sendFailure(err))
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

func (s *Session) sendFailure(err error) Finding {
	return Finding{Rule: "RFC5321-3.8-no-arbitrary-close", Cite: "RFC 5321 §3.8", Sent: s.lastSent,
		Detail: fmt.Sprintf("the server closed the connection before the suite could send: %v", err)}
}

// TryRead reads one reply and validates it, returning read errors (timeout,
// close) as observations for the spec to judge.
func (s *Session) TryRead() (Reply, error) {
	r, err := s.c.ReadReply()
	if err != nil {
		var re *wire.ReadError
		if errors.As(err, &re) && errors.Is(err, wire.ErrMalformed) {
			s.t.Failf(Finding{Rule: "RFC5321-4.2-code-syntax", Cite: "RFC 5321 §4.2", Sent: s.lastSent,
				Actual: wire.Escape(re.Partial), Detail: "the reply is not SMTP: " + re.Detail})
		}
		if errors.As(err, &re) && errors.Is(err, wire.ErrReplyTooLong) {
			s.t.Failf(Finding{Rule: "RFC5321-4.5.3.1.5-reply-line-512", Cite: "RFC 5321 §4.5.3.1.5, §4.2.1", Sent: s.lastSent,
				Actual: wire.Escape(re.Partial), Expected: "a reply of lines of at most 512 octets",
				Detail: "the reply went past the suite's limit (" + re.Detail + "), far beyond the 512-octet reply line"})
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

// Read reads one reply; a close or a timeout breaks RFC 5321 §4.2 (one reply
// per command) or §3.8 (no close without QUIT or 421), so it is a FAIL.
func (s *Session) Read() Reply {
	r, err := s.TryRead()
	if err != nil {
		s.t.Failf(s.readFailure(err))
	}
	if r.Code == 421 {
		s.t.Errorf("the server ended the session with 421 (%s) after %s", r, s.lastSent)
	}
	return r
}

func (s *Session) readFailure(err error) Finding {
	f := Finding{Sent: s.lastSent, Actual: err.Error()}
	if errors.Is(err, wire.ErrClosed) {
		f.Rule, f.Cite = "RFC5321-3.8-no-arbitrary-close", "RFC 5321 §3.8"
		f.Detail = "the server closed the connection instead of replying"
	} else {
		f.Rule, f.Cite = "RFC5321-4.2-one-reply-per-command", "RFC 5321 §4.2"
		f.Detail = fmt.Sprintf("no complete reply within %s", s.c.ReplyTimeout())
	}
	f.Expected = "one reply"
	return f
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
		s.t.Errorf("precondition %s answered %s, needed %s", s.lastSent, r, ok)
	}
	return r
}

// Silence watches the connection for the configured silence window and
// returns whatever arrived (nil when the server stayed silent), and whether
// the server closed the connection meanwhile.
func (s *Session) Silence() ([]byte, bool) {
	got, err := s.c.Silence(s.t.Cfg.Silence)
	return got, errors.Is(err, wire.ErrClosed)
}

// WaitClose waits up to d for the server to close the connection.
func (s *Session) WaitClose(d time.Duration) (bool, []byte) { return s.c.WaitClose(d) }

// observe runs the reply validator and records the code for the command.
func (s *Session) observe(r Reply) {
	t := s.t
	for _, v := range r.Violations {
		f := Finding{Rule: v.Rule, Cite: v.Section, Sent: s.lastSent, Actual: r.String(), Detail: v.Detail}
		if v.Severity == wire.Must {
			t.Failf(f)
		}
		t.passiveWarn(f)
	}
	verb := s.verb
	if verb == "" {
		return
	}
	t.codes.add(verb, r.Code)
	// After a 554 or 521 greeting every command but QUIT gets 503 or 521
	// (RFC 5321 §3.1, RFC 7504 §3), outside the §4.3.2 table.
	refused := s.Greeting.Code == 554 || s.Greeting.Code == 521
	if allowed, rule, ok := AllowedCodes(verb); ok && !refused && !allowed.Has(r.Code) {
		t.passiveWarn(Finding{Rule: rule, Cite: "RFC 5321 §4.3.2", Sent: s.lastSent, Actual: r.String(),
			Expected: allowed.String(), Detail: fmt.Sprintf("%d is not a reply RFC 5321 §4.3.2 lists for %s", r.Code, verb)})
	}
	if (r.Code == 251 || r.Code == 551) && !forwardPath.MatchString(r.Text()) {
		t.passiveWarn(Finding{Rule: "RFC5321-3.4-251-551-text", Cite: "RFC 5321 §3.4", Sent: s.lastSent, Actual: r.String(),
			Detail: fmt.Sprintf("a %d reply must give the forward-path <...> in its text", r.Code)})
	}
}

var forwardPath = regexp.MustCompile(`<[^<>\s]+@[^<>\s]+>`)

// passiveWarn records a WARN found by the validator; unlike Warnf it does
// not count as the spec having checked its own requirement.
func (t *T) passiveWarn(f Finding) {
	f.Verdict = Warn
	for _, w := range t.warns {
		if w.Rule == f.Rule && w.Actual == f.Actual {
			return
		}
	}
	t.warns = append(t.warns, f)
}

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
