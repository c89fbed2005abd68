package refserver

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
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
}

// run greets and then serves commands until QUIT, an I/O error, an idle
// timeout or Server.Close. busy means the session limit was reached.
func (s *session) run(busy bool) {
	host := s.cfg.Hostname
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
		if s.reply("554 "+host+" no SMTP service here") != nil {
			return
		}
	default:
		if s.reply("220 "+host+" ESMTP smtpspec reference server") != nil {
			return
		}
	}
	for {
		line, long, err := s.readLine(maxMailLine)
		if err == nil {
			err = s.handle(line, long)
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
	if tc, ok := s.conn.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	if s.conn.SetReadDeadline(time.Now().Add(lingerTimeout)) == nil {
		io.CopyN(io.Discard, s.conn, 1<<20)
	}
}

// readLine reads one line ended by CRLF. RFC 5321 §2.3.8: CRLF is the only
// line terminator, so a bare CR or bare LF stays inside the line. The
// returned line excludes the CRLF. If the line, CRLF included, is longer
// than limit octets, the rest of it is read and discarded without being
// buffered, and long is true.
func (s *session) readLine(limit int) (line []byte, long bool, err error) {
	var buf []byte
	n := 0
	prevCR := false // the previous chunk ended with CR
	for {
		chunk, err := s.r.ReadSlice('\n')
		n += len(chunk)
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

// reply sends one single-line reply, flushing it at once: RFC 2920 §3.2
// forbids holding back the replies to synchronising commands, and flushing
// every reply is the simplest way to honour that.
func (s *session) reply(line string) error {
	s.w.WriteString(line)
	s.w.WriteString("\r\n")
	return s.w.Flush()
}

// replyLines sends a multiline reply (RFC 5321 §4.2.1): every line but the
// last has a hyphen after the code.
func (s *session) replyLines(code string, lines []string) error {
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		s.w.WriteString(code + sep + l + "\r\n")
	}
	return s.w.Flush()
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
	// RFC 5321 §4.5.3.1.4: 512 octets (+26 for MAIL with SIZE, RFC 1870
	// §3(5)); a longer line is one command and gets one 500 (§4.5.3.1.9).
	if long || (len(line)+2 > maxCommandLine && upper != "MAIL") {
		return s.reply("500 5.5.2 Line too long")
	}
	if s.cfg.Mode == ModeRefuse {
		return s.handleRefused(upper, arg)
	}
	if !validText(verb) {
		return s.reply("501 5.5.2 Invalid character in command")
	}
	if upper == "NOOP" {
		return s.cmdNoop(arg) // RFC 5321 §4.1.1.9: the argument is ignored
	}
	if !validText(arg) {
		return s.reply("501 5.5.2 Invalid character in command")
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
	case "ETRN", "ATRN", "SEND", "SOML", "SAML", "STARTTLS", "AUTH", "BDAT":
		return s.cmdNotImplemented(arg)
	default:
		// RFC 5321 §4.2.4, §4.1.5: unknown verbs, X-commands included.
		return s.reply("500 5.5.1 Command unrecognized")
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
	return s.reply("503 5.5.1 No SMTP service here, only QUIT is accepted")
}
