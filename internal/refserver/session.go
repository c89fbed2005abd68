package refserver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// Command line limits.
const (
	// maxCommandLine: RFC 5321 §4.5.3.1.4, a command line is at most 512
	// octets including the verb and CRLF.
	maxCommandLine = 512
	// sizeLineIncrement: RFC 1870 §3(5), advertising SIZE raises the MAIL
	// line limit by 26 octets (RFC 5321 §4.5.3.1.4 lets extensions do so).
	sizeLineIncrement = 26
	// maxMailLine is the longest MAIL command line accepted.
	maxMailLine = maxCommandLine + sizeLineIncrement
)

// errQuit ends a session after its last reply: the connection is then
// half-closed and drained briefly before it is closed.
var errQuit = errors.New("refserver: session ends")

// session is one SMTP connection.
type session struct {
	srv  *Server
	cfg  *Config
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer

	helo      string   // argument of the accepted EHLO or HELO; "" before one
	freshHelo bool     // no MAIL since the last accepted EHLO or HELO
	inTx      bool     // a MAIL was accepted: the transaction is open
	from      string   // reverse-path mailbox of the open transaction
	rcpts     []string // accepted forward-path mailboxes
	heloVerb  string   // EHLO or HELO: the verb of the accepted greeting
	rcptSeen  bool     // a RCPT was answered in the open transaction
	msgDone   bool     // a message ended; no MAIL, RSET, EHLO or HELO since
	lastMsg   Message  // the last message taken (read by faultBuffersCleared)

	// last is the upper-cased verb of the command line being handled, or
	// "DATA-END" once a message has been taken; prev is its value before
	// the current command line ("" at the start of the session). Faults
	// use them to trigger only on one requirement's stimulus.
	last, prev string

	// State read only by the faults of the connection area, declared at
	// the end of this file (RFC 5321 §3.1, §3.8, §4.2).
	lastCode   string          // code of the last reply sent
	errs       int             // 5yz replies sent in the session
	saw        map[string]bool // the 5yz codes sent in the session
	errRun     int             // 5yz replies in a row
	unknown    bool            // the line being handled is an unrecognised verb
	unknownRun int             // unrecognised verbs in a row before this line
	quietSeq   int             // place among the silent sessions; 0 when not counted
	engaged    bool            // counted in Server.engaged: a command line came

	// State of the behaviour modes (Config.FalseEODReplyDelay, Tarpit and
	// RejectBareLineEndsInData).
	falseEOD   bool // an end-of-data fault took a look-alike for the end of the data
	tarpitErrs int  // 4yz and 5yz replies sent in the session
	inData     bool // reading mail data: readLine refuses bare CR and LF

	// ext is the per-session state of each extension (see extState).
	ext map[*extension]any
}

// deadlineConn refreshes the idle deadline before every read and write, so
// that every network operation is bounded (RFC 5321 §4.5.3.2.7).
type deadlineConn struct{ net.Conn }

func (c deadlineConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(idleTimeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c deadlineConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(idleTimeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

func newSession(srv *Server, c net.Conn) *session {
	dc := deadlineConn{c}
	return &session{srv: srv, cfg: &srv.cfg, conn: c, r: bufio.NewReader(dc), w: bufio.NewWriter(dc)}
}

// has reports whether fault f is switched on.
func (s *session) has(f *fault) bool { return s.srv.faults[f] }

// resetTx clears the reverse-path, forward-path and data buffers (RFC 5321
// §4.1.1.5).
func (s *session) resetTx() {
	s.inTx = false
	s.from = ""
	s.rcpts = nil
	s.rcptSeen, s.msgDone = false, false
	for _, e := range s.srv.exts {
		if e.resetTx != nil {
			e.resetTx(s)
		}
	}
}

// run greets and then serves commands until QUIT, an I/O error, an idle
// timeout or Server.Close. busy means the session limit was reached.
func (s *session) run(busy bool) {
	host := s.cfg.Hostname
	defer func() {
		if s.engaged {
			s.srv.engaged.Add(-1)
		}
	}()
	if s.has(faultConcurrency) && !busy && s.cfg.Mode != ModeRefuse {
		// Give sessions whose clients have just closed the time to end,
		// then refuse this one if another is still in use.
		time.Sleep(quietGrace)
		busy = s.srv.engaged.Load() > 0
	}
	switch {
	case busy:
		// RFC 5321 §3.8, §4.5.4.2: 421 and close when the server cannot
		// take another session; the text starts with the domain (§4.2).
		if s.reply("421 "+host+" Too many connections, try again later") == nil {
			s.linger()
		}
		return
	case s.cfg.Mode == ModeRefuse:
		// RFC 5321 §3.1: 554 instead of 220, then wait for QUIT.
		if s.reply("554 "+host+s.refusalText()) != nil { // faults_more.go
			return
		}
		if s.has(fault554WaitsQuit) {
			impatient := time.AfterFunc(refuseImpatience, func() { s.conn.Close() })
			defer impatient.Stop()
		}
	default:
		defer s.unhush()
		if s.greet() != nil {
			return
		}
	}
	if s.cfg.SilentAfterGreeting {
		// Read and ignore everything until the client closes, the idle
		// timeout or Server.Close; never answer, not even with a 421.
		io.Copy(io.Discard, s.r)
		return
	}
	for {
		line, long, err := s.readLine(s.lineLimit())
		if err == nil {
			s.unhush()
			err = s.serveLine(line, long)
		}
		switch {
		case err == nil:
			continue
		case errors.Is(err, errQuit):
			s.linger()
		case isReadTimeout(err):
			// RFC 5321 §4.5.3.2.7 idle timeout, §3.8: 421, then close.
			if s.reply("421 "+host+" Idle timeout, closing transmission channel") == nil {
				s.linger()
			}
		}
		return
	}
}

// isReadTimeout reports whether err is a read deadline expiring (a write
// timeout means the client reads nothing, so no 421 is attempted then).
func isReadTimeout(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "read" && oe.Timeout()
}

// linger half-closes the connection after the last reply, then drains input
// for a short while: closing a socket with unread input sends a TCP reset,
// which can destroy the reply before the client reads it.
func (s *session) linger() {
	if s.engaged {
		// The session is over for the client: it no longer counts as in use.
		s.engaged = false
		s.srv.engaged.Add(-1)
	}
	if cw, ok := s.conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite() // *net.TCPConn, or *tls.Conn after STARTTLS
	}
	if s.conn.SetReadDeadline(time.Now().Add(lingerTimeout)) == nil {
		io.CopyN(io.Discard, s.conn, 1<<20)
	}
}

// Errors of readLine when Config.RejectBareLineEndsInData is on and the
// mail data holds a bare LF or a bare CR.
var (
	errBareLF = errors.New("refserver: bare LF in mail data")
	errBareCR = errors.New("refserver: bare CR in mail data")
)

// readLine reads one line ended by CRLF. RFC 5321 §2.3.8: CRLF is the only
// line terminator, so a bare CR or bare LF stays inside the line. The
// returned line excludes the CRLF. If the line, CRLF included, is longer
// than limit octets, the rest of it is read and discarded without being
// buffered, and long is true. While s.inData is set and
// Config.RejectBareLineEndsInData is on, a bare LF or CR ends the read at
// once with errBareLF or errBareCR.
func (s *session) readLine(limit int) (line []byte, long bool, err error) {
	var buf []byte
	n := 0
	prevCR := false // the previous chunk ended with CR
	for {
		chunk, err := s.r.ReadSlice('\n')
		n += len(chunk)
		if s.inData && s.cfg.RejectBareLineEndsInData {
			if bare := bareLineEnd(chunk, prevCR); bare != nil {
				return nil, false, bare
			}
		}
		if !long {
			if n > limit {
				long, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == nil: // chunk ends with LF
			if (len(chunk) >= 2 && chunk[len(chunk)-2] == '\r') || (len(chunk) == 1 && prevCR) {
				if long {
					return nil, true, nil
				}
				return buf[:len(buf)-2], false, nil
			}
			prevCR = false
		case errors.Is(err, bufio.ErrBufferFull):
			prevCR = chunk[len(chunk)-1] == '\r'
		default:
			return nil, long, err
		}
	}
}

// bareLineEnd returns errBareLF or errBareCR if chunk, a piece of input
// read up to an LF or a full buffer, holds a bare LF or a bare CR, or nil.
// prevCR means the previous piece of the line ended with CR. A CR at the end
// of chunk is judged with the next piece.
func bareLineEnd(chunk []byte, prevCR bool) error {
	for i, b := range chunk {
		switch {
		case i == 0 && prevCR && b != '\n':
			return errBareCR
		case b == '\n' && (i == 0 && !prevCR || i > 0 && chunk[i-1] != '\r'):
			return errBareLF
		case b == '\r' && i+1 < len(chunk) && chunk[i+1] != '\n':
			return errBareCR
		}
	}
	return nil
}

// delayReply waits before a reply whose code is code, as the behaviour
// modes ask: Config.ReplyDelay always, Config.FalseEODReplyDelay once an
// end-of-data fault has fired, and the tarpit once the session has sent
// two errors. It returns net.ErrClosed if Server.Close ends the wait.
func (s *session) delayReply(code string) error {
	d := s.cfg.ReplyDelay
	if s.falseEOD {
		d += s.cfg.FalseEODReplyDelay
	}
	if s.cfg.Tarpit {
		if code[0] == '4' || code[0] == '5' {
			s.tarpitErrs++
		}
		if s.tarpitErrs >= 3 {
			d += s.cfg.TarpitBase << min(s.tarpitErrs-3, tarpitMaxShift)
		}
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-s.srv.done:
		return net.ErrClosed
	}
}

// reply sends one single-line reply, flushing it at once: RFC 2920 §3.2
// forbids holding back the replies to synchronising commands, and flushing
// every reply is the simplest way to honour that.
func (s *session) reply(line string) error {
	if err := s.delayReply(line[:3]); err != nil {
		return err
	}
	s.lastCode = line[:3]
	if len(line) > 4 {
		line = line[:4] + s.extReplyText(line[:3], line[4:], 0)
	}
	s.w.WriteString(line)
	s.w.WriteString("\r\n")
	err := s.w.Flush()
	s.extAfterReply(line[:3])
	return err
}

// replyLines sends a multiline reply (RFC 5321 §4.2.1): every line but the
// last has a hyphen after the code.
func (s *session) replyLines(code string, lines []string) error {
	if err := s.delayReply(code); err != nil {
		return err
	}
	s.lastCode = code
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		s.w.WriteString(code + sep + s.extReplyText(code, l, i) + "\r\n")
	}
	err := s.w.Flush()
	s.extAfterReply(code)
	return err
}

// splitCommand splits a command line into its verb and argument, after
// removing trailing whitespace (RFC 5321 §4.1.1 asks servers to tolerate
// it). The verb ends at the first SP.
func splitCommand(line []byte) (verb, arg string) {
	l := strings.TrimRight(string(line), " \t")
	verb, arg, _ = strings.Cut(l, " ")
	return verb, arg
}

// validText reports whether s holds only printable US-ASCII and SP: RFC 5321
// §4.1.2 answers invalid character codes (controls, NUL, bare CR or LF) with
// 501, and §2.4 keeps envelope commands 7-bit without an extension.
func validText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// handle answers one command line. It returns errQuit when the session must
// end, or an I/O error.
func (s *session) handle(line []byte, long bool) error {
	verb, arg := splitCommand(line)
	upper := strings.ToUpper(verb)
	s.prev, s.last = s.last, upper
	if upper == "" {
		s.last = "(empty)" // an empty or overlong line is a command line too
	}
	// RFC 5321 §4.5.3.1.4: 512 octets, more for MAIL and RCPT when an
	// extension raises it (envelopeLineLimit); a longer line is one command
	// and gets one 500 (§4.5.3.1.9).
	limit := maxCommandLine
	if upper == "MAIL" || upper == "RCPT" {
		limit = s.envelopeLineLimit()
	}
	if long || len(line)+2 > limit {
		return s.reply("500 5.5.2 Line too long")
	}
	if s.cfg.Mode == ModeRefuse {
		return s.handleRefused(upper, arg)
	}
	if done, err := s.envelopeFault(line, upper); done {
		return err // a fault of mail.go answered the line (envelope and command order)
	}
	if s.arbitraryOctetsFault(line) {
		return errDrop // RFC 3030 §2 broken: a line of arbitrary octets kills the session
	}
	if !validText(verb) {
		return s.reply("501 5.5.2 Invalid character in command")
	}
	if verb != upper && verb != strings.ToLower(verb) && s.has(faultVerbCase) {
		return s.reply("500 5.5.1 Command unrecognized") // RFC 5321 §2.4 broken
	}
	if refusal := s.submissionRefusal(upper); refusal != "" {
		return s.reply(refusal) // ModeSubmission before AUTH (ext_auth.go)
	}
	if refusal := s.tlsRequiredRefusal(upper); refusal != "" {
		return s.reply(refusal) // faults of a server requiring TLS (ext_starttls.go)
	}
	if upper == "NOOP" {
		return s.cmdNoop(arg) // RFC 5321 §4.1.1.9: the argument is ignored
	}
	if !validText(arg) && !s.utf8Allowed(upper, arg) {
		return s.reply("501 5.5.2 Invalid character in command")
	}
	if h := s.extensionVerb(upper); h != nil {
		return h(s, arg)
	}
	switch upper {
	case "EHLO":
		return s.cmdEhlo(arg)
	case "HELO":
		return s.cmdHelo(arg)
	case "MAIL":
		return s.cmdMail(arg)
	case "RCPT":
		return s.cmdRcpt(arg)
	case "DATA":
		return s.cmdData(arg)
	case "RSET":
		return s.cmdRset(arg)
	case "QUIT":
		return s.cmdQuit(arg)
	case "VRFY":
		return s.cmdVrfy(arg)
	case "EXPN":
		return s.cmdExpn(arg)
	case "HELP":
		return s.cmdHelp(arg)
	case "TURN":
		return s.cmdTurn(arg)
	case "BDAT":
		if arg == "0 LAST" && !s.inTx && s.has(faultEhloListsVerbs) {
			return s.reply("250 2.0.0 Ok")
		}
		return s.cmdNotImplemented(arg)
	case "STARTTLS":
		return s.cmdStartTLSUnoffered(arg) // ext_starttls.go: 503 inside TLS, else 502
	case "ETRN", "ATRN", "SEND", "SOML", "SAML", "AUTH":
		return s.cmdNotImplemented(arg)
	default:
		return s.cmdUnknown(upper)
	}
}

// handleRefused serves a session greeted with 554: RFC 5321 §3.1, every
// command but QUIT gets 503, and QUIT gets 221 and the close.
func (s *session) handleRefused(verb, arg string) error {
	if verb == "QUIT" {
		if arg != "" {
			return s.reply("501 5.5.4 Syntax: QUIT")
		}
		if err := s.reply("221 " + s.cfg.Hostname + " Service closing transmission channel"); err != nil {
			return err
		}
		return errQuit
	}
	if verb == "MAIL" && s.has(fault554Then503) {
		return s.reply("550 5.7.1 No SMTP service here")
	}
	return s.reply("503 5.5.1 No SMTP service here, only QUIT is accepted")
}

// Faults of the connection area: greeting (RFC 5321 §3.1, §4.2), closing
// (§3.8), concurrency (§4.5.4.2), unknown commands (§4.2.4, §4.1.5), reply
// syntax (§2.3.8, §4.2, §4.2.1, §4.5.3.1.5), command line length
// (§4.5.3.1.4, §4.5.3.1.9) and command-line robustness (§2.3.8, §4.1.2).
// Each triggers only on its own spec's stimulus: a verb no other spec
// sends, a line of a length or content only that spec sends, or a pattern
// of connections or errors only that spec makes.
var (
	faultGreetingCode = newFault("RFC5321-3.1-greeting-code",
		"greets with 250 instead of 220 a connection made while another one is open and has sent nothing yet")
	faultGreetingDomain = newFault("RFC5321-4.2-greeting-domain",
		"greets with its host name written with underscores (\"220 ref_smtpspec_test ESMTP ...\"), which is not a domain")
	fault554WaitsQuit = newRefuseFault("RFC5321-3.1-554-waits-quit",
		"after the 554 greeting, closes the connection if no command arrives within 75 ms")
	fault554Then503 = newRefuseFault("RFC5321-3.1-554-then-503",
		"after the 554 greeting, answers MAIL with 550 instead of 503")
	faultConcurrency = newFault("RFC5321-4.5.4.2-concurrency",
		"serves one session at a time: a connection opened while another session is in use gets 421 Too many connections").
		dropsSessions() // every spec that holds two sessions at once meets the 421: ERROR
	faultNoArbitraryClose = newFault("RFC5321-3.8-no-arbitrary-close",
		"closes the connection, without a reply, at the next command after two error replies in a row").
		// Specs with two refusals in a row lose their session (ERROR); the
		// error flood is closed without a reply, as its own fault does, and
		// a third AUTH attempt never comes (RFC 4954 §9).
		dropsSessions().may("SEC-ERROR-FLOOD-CLOSE", "RFC4954-9-min-three-attempts")
	faultXCmd = newFault("RFC5321-4.1.5-x-cmd-500",
		"answers every private X-command (a verb starting with X) it does not know with 250").
		may(unknownVerbSpecs...)
	fault421Close = newFault("RFC5321-3.8-421-then-close",
		"answers an unknown verb after 30 errors in a row with 421 but keeps the session open")
	faultErrorFlood = newFault("SEC-ERROR-FLOOD-CLOSE",
		"closes the connection, without a reply, at the second unknown verb in a row")
	faultVerbCase = newFault("RFC5321-2.4-verb-case-insensitive",
		"answers a verb in mixed case (such as dAtA) with 500")
	faultCommand512 = newFault("RFC5321-4.5.3.1.4-command-512",
		"answers every command line of exactly 512 octets with 500 (line too long): an off-by-one limit")
	faultOverlongCommand = newFault("RFC5321-4.5.3.1.9-overlong-command",
		"cuts a command line of 2000 to 5999 octets into 510-octet pieces and answers each as a command")
	faultOverlongNoSplit = newFault("SEC-OVERLONG-LINE-NO-SPLIT",
		"cuts a command line of 6000 octets or more (up to 16 KiB) into 510-octet pieces and answers each as a command")
	faultBareLF = newFault("SEC-BARE-LF-COMMAND",
		"takes a bare LF in a command line as a line end, answering each part")
	faultBareCR = newFault("SEC-BARE-CR-COMMAND",
		"takes a bare CR in a command line as a line end, answering each part")
	faultNul = newFault("SEC-NUL-IN-COMMAND",
		"drops NUL octets from a command line and runs what is left")
)

// unknownVerbSpecs are the specs whose stimulus includes an unrecognised
// verb (or a line the server can only take for one): a fault in the reply to
// an unknown verb may change their verdicts, as a real bug there would.
var unknownVerbSpecs = []string{
	"RFC5321-2.3.8-reply-crlf", "RFC5321-3.3-data-refused-stays-command-mode", "RFC5321-3.8-421-then-close",
	"RFC5321-3.8-no-arbitrary-close", "RFC5321-3.8-unknown-cmd-500", "RFC5321-4.1.5-x-cmd-500",
	"RFC5321-4.2-code-syntax", "RFC5321-4.2-documented-codes-only", "RFC5321-4.2-one-reply-per-command",
	"RFC5321-4.2-textstring-charset", "RFC5321-4.2.1-multiline-hyphen", "RFC5321-4.2.1-multiline-same-code",
	"RFC5321-4.2.1-space-after-code", "RFC5321-4.2.4-500-vs-502", "RFC5321-4.5.3.1.5-reply-line-512",
	"SEC-ERROR-FLOOD-CLOSE",
	// The enhanced status code batteries include an unknown verb's reply.
	"RFC2034-3-code-then-space", "RFC2034-4-class-matches", "RFC2034-4-code-on-every-reply",
	"RFC2034-4-regardless-of-ehlo", "RFC3463-2-code-syntax", "RFC3463-2-registered-codes",
}

// unknownVerbFaults break the reply to an unrecognised verb (the hook of
// cmdUnknown), whatever the verb, the way a bug in a server's reply path
// does: each writes its raw octets instead of the 500, and may change the
// verdict of every spec that sends an unknown verb (unknownVerbSpecs).
var unknownVerbFaults = []struct {
	f   *fault
	raw string
}{
	{newFault("RFC5321-3.8-unknown-cmd-500",
		"answers every unrecognised verb with 250 (accepts it)").may(unknownVerbSpecs...),
		"250 2.0.0 Ok\r\n"},
	{newFault("RFC5321-4.2.4-500-vs-502",
		"answers every unrecognised verb with 502 (not implemented) instead of 500").may(unknownVerbSpecs...),
		"502 5.5.1 Command not implemented\r\n"},
	{newFault("RFC5321-4.2-one-reply-per-command",
		"answers every unrecognised verb with two replies (500, then 250)").may(unknownVerbSpecs...),
		"500 5.5.1 Command unrecognized\r\n250 2.0.0 Ok\r\n"},
	{newFault("RFC5321-4.2-code-syntax",
		"answers every unrecognised verb with a four-digit reply code (5001)").may(unknownVerbSpecs...),
		"5001 5.5.1 Command unrecognized\r\n"},
	{newFault("RFC5321-4.2.1-multiline-hyphen",
		"answers every unrecognised verb with a three-line reply whose second line has SP, not \"-\", after the code").may(unknownVerbSpecs...),
		"500-5.5.1 Command\r\n500 5.5.1 unrecognized\r\n500 5.5.1 (see HELP)\r\n"},
	{newFault("RFC5321-4.2.1-multiline-same-code",
		"answers every unrecognised verb with a two-line reply whose lines carry 500 and 501").may(unknownVerbSpecs...),
		"500-5.5.1 Command\r\n501 5.5.1 unrecognized\r\n"},
	{newFault("RFC5321-4.2.1-space-after-code",
		"answers every unrecognised verb with a bare \"500\" line, no SP or text").may(unknownVerbSpecs...),
		"500\r\n"},
	{newFault("RFC5321-4.2-textstring-charset",
		"answers every unrecognised verb with UTF-8 (8-bit) octets in the reply text").may(unknownVerbSpecs...),
		"500 5.5.1 Befehl unbekannt \xe2\x80\x94 command unrecognized\r\n"},
	{newFault("RFC5321-2.3.8-reply-crlf",
		"answers every unrecognised verb with a reply line ended by a bare LF").may(unknownVerbSpecs...),
		"500 5.5.1 Command unrecognized\n"},
	{newFault("RFC5321-4.5.3.1.5-reply-line-512",
		"answers every unrecognised verb with a 600-octet reply line").may(unknownVerbSpecs...),
		"500 5.5.1 Command unrecognized: " + strings.Repeat("x", 600-35) + "\r\n"},
	{newFault("RFC5321-4.2-documented-codes-only",
		"answers every unrecognised verb with 509, a code no standard defines").may(unknownVerbSpecs...),
		"509 5.5.1 Command unrecognized\r\n"},
}

// Limits of the faults.
const (
	// refuseImpatience is how long fault554WaitsQuit waits for a command
	// after the 554 greeting (the suite watches at least 150 ms).
	refuseImpatience = 75 * time.Millisecond
	// quietGrace lets the sessions of connections their clients have
	// already closed end before the greeting faults count silent ones.
	quietGrace = 25 * time.Millisecond
	// splitMin and noSplitMin bound the line lengths (CRLF included) that
	// faultOverlongCommand and faultOverlongNoSplit cut into pieces, and
	// splitReadLimit is the longest line they read.
	splitMin       = 2000
	noSplitMin     = 6000
	splitReadLimit = 16 << 10
	splitPiece     = maxCommandLine - 2
	// floodRun is the run of errors after which fault421Close answers 421.
	floodRun = 30
)

// errDrop ends a session without a reply, as the faults that close the
// connection do.
var errDrop = errors.New("refserver: connection dropped")

// greet sends the 220 greeting (RFC 5321 §3.1), whose text starts with the
// server's domain (§4.2).
func (s *session) greet() error {
	code, text := "220", s.cfg.Hostname+" ESMTP smtpspec reference server"
	if s.has(faultGreetingDomain) {
		// A host name with underscores, as a misconfigured server gives:
		// not a Domain (RFC 5321 §4.1.2), so the greeting breaks §4.2.
		text = strings.ReplaceAll(s.cfg.Hostname, ".", "_") + " ESMTP smtpspec reference server"
	}
	if s.has(faultGreetingCode) {
		s.hush()
		if s.quietBefore(1) {
			code = "250"
		}
	}
	return s.reply(code + " " + text)
}

// quiet records, for each server, the sessions greeted with 220 that have
// not sent a command line yet, numbered in the order they were greeted.
// Only the greeting faults use it.
var quiet = struct {
	sync.Mutex
	next map[*Server]int
	open map[*Server]map[*session]int
}{next: map[*Server]int{}, open: map[*Server]map[*session]int{}}

// hush counts the session as silent.
func (s *session) hush() {
	quiet.Lock()
	defer quiet.Unlock()
	quiet.next[s.srv]++
	s.quietSeq = quiet.next[s.srv]
	if quiet.open[s.srv] == nil {
		quiet.open[s.srv] = map[*session]int{}
	}
	quiet.open[s.srv][s] = s.quietSeq
}

// unhush stops counting the session as silent: it has sent a command line,
// or it has ended.
func (s *session) unhush() {
	if s.quietSeq == 0 {
		return
	}
	s.quietSeq = 0
	quiet.Lock()
	defer quiet.Unlock()
	delete(quiet.open[s.srv], s)
	if len(quiet.open[s.srv]) == 0 {
		delete(quiet.open, s.srv)
		delete(quiet.next, s.srv)
	}
}

// quietBefore reports whether at least n sessions greeted before this one
// are still silent, after a grace for those whose clients have gone.
func (s *session) quietBefore(n int) bool {
	count := func() int {
		quiet.Lock()
		defer quiet.Unlock()
		k := 0
		for _, seq := range quiet.open[s.srv] {
			if seq < s.quietSeq {
				k++
			}
		}
		return k
	}
	if count() < n {
		return false
	}
	time.Sleep(quietGrace)
	return count() >= n
}

// lineLimit is the longest command line read whole: the MAIL limit, or
// more when a fault cuts long lines into pieces.
func (s *session) lineLimit() int {
	if s.has(faultOverlongCommand) || s.has(faultOverlongNoSplit) {
		return splitReadLimit
	}
	return s.commandReadLimit()
}

// commandReadLimit is the longest command line read whole when no
// splitting fault is on: the longest MAIL or RCPT line the session takes.
func (s *session) commandReadLimit() int { return max(maxMailLine, s.envelopeLineLimit()) }

// serveLine answers one command line, applying the faults that act on the
// line as a whole, and keeps the error counts the closing faults read.
func (s *session) serveLine(line []byte, long bool) error {
	if !s.engaged {
		s.engaged = true
		s.srv.engaged.Add(1)
	}
	if pieces := s.splitFault(line, long); pieces != nil {
		for _, p := range pieces {
			if err := s.serveLine(p, false); err != nil {
				return err
			}
		}
		return nil
	}
	if len(line)+2 > s.commandReadLimit() {
		long = true // read whole only because a splitting fault is on
	}
	switch {
	case bytes.IndexByte(line, 0) >= 0 && s.has(faultNul):
		line = bytes.ReplaceAll(line, []byte{0}, nil)
	case len(line)+2 == maxCommandLine && s.has(faultCommand512):
		return s.reply("500 5.5.2 Line too long")
	case s.errRun >= 2 && s.has(faultNoArbitraryClose):
		return errDrop
	}
	s.lastCode, s.unknown = "", false
	err := s.handle(line, long)
	if s.unknown {
		s.unknownRun++
	} else {
		s.unknownRun = 0
	}
	if strings.HasPrefix(s.lastCode, "5") {
		if s.saw == nil {
			s.saw = map[string]bool{}
		}
		s.errs, s.errRun, s.saw[s.lastCode] = s.errs+1, s.errRun+1, true
	} else {
		s.errRun = 0
	}
	return err
}

// splitFault returns the pieces a fault answers as separate commands, or
// nil.
func (s *session) splitFault(line []byte, long bool) [][]byte {
	n := len(line) + 2
	switch {
	case long:
		return nil
	case n >= splitMin && n < noSplitMin && s.has(faultOverlongCommand),
		n >= noSplitMin && s.has(faultOverlongNoSplit):
		var pieces [][]byte
		for len(line) > splitPiece {
			pieces, line = append(pieces, line[:splitPiece]), line[splitPiece:]
		}
		return append(pieces, line)
	case bytes.IndexByte(line, '\r') >= 0 && s.has(faultBareCR):
		return bytes.Split(line, []byte("\r"))
	case bytes.IndexByte(line, '\n') >= 0 && s.has(faultBareLF):
		return bytes.Split(line, []byte("\n"))
	}
	return nil
}

// cmdUnknown answers an unrecognised verb, X-commands included, with 500
// (RFC 5321 §4.2.4, §4.1.5).
func (s *session) cmdUnknown(verb string) error {
	s.unknown = true
	if strings.HasPrefix(verb, "X") && s.has(faultXCmd) {
		return s.reply("250 2.0.0 Ok")
	}
	for _, uf := range unknownVerbFaults {
		if !s.has(uf.f) {
			continue
		}
		if err := s.delayReply(uf.raw[:3]); err != nil {
			return err
		}
		s.lastCode = uf.raw[:3]
		s.w.WriteString(uf.raw)
		return s.w.Flush()
	}
	switch {
	case s.unknownRun >= 1 && s.has(faultErrorFlood):
		return errDrop
	case s.errRun >= floodRun && s.has(fault421Close):
		return s.reply("421 " + s.cfg.Hostname + " Too many errors") // but no close
	}
	return s.reply("500 5.5.1 Command unrecognized")
}
