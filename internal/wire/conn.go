package wire

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// Errors a read can end with. They are observations about the server, not
// crashes: a spec can expect a close or a silence.
var (
	// ErrTimeout: no complete reply arrived before the deadline.
	ErrTimeout = errors.New("wire: no complete reply before the deadline")
	// ErrClosed: the server closed the connection (or reset it).
	ErrClosed = errors.New("wire: connection closed by the server")
	// ErrReplyTooLong: the reply went past Limits.MaxLine or Limits.MaxLines.
	ErrReplyTooLong = errors.New("wire: reply exceeds the size limit")
	// ErrMalformed: what came back is not an SMTP reply at all.
	ErrMalformed = errors.New("wire: malformed reply")
)

// ReadError is a failed read together with the octets that did arrive.
type ReadError struct {
	Err     error  // one of ErrTimeout, ErrClosed, ErrReplyTooLong, ErrMalformed
	Partial []byte // octets received before the error
	Detail  string // what exactly was wrong, for ErrMalformed
	// Lines: ErrReplyTooLong because of the number of lines, not a line's
	// length.
	Lines bool
}

func (e *ReadError) Error() string {
	msg := e.Err.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if len(e.Partial) > 0 {
		msg += " (received " + Escape(truncate(e.Partial, 300)) + ")"
	}
	return msg
}

func (e *ReadError) Unwrap() error { return e.Err }

// DialError says the target could not be reached at all.
type DialError struct {
	Addr string
	Err  error
}

func (e *DialError) Error() string { return fmt.Sprintf("wire: connect to %s: %v", e.Addr, e.Err) }
func (e *DialError) Unwrap() error { return e.Err }

// Options configure a connection.
type Options struct {
	// ConnectTimeout bounds the TCP connect.
	ConnectTimeout time.Duration
	// ReplyTimeout bounds the wait for each complete reply.
	ReplyTimeout time.Duration
	// Limits bound the size of a reply.
	Limits Limits
	// Transcript, when set, records every octet sent and received.
	Transcript *Transcript
	// TLS, when set, makes Dial run a TLS handshake right after the TCP
	// connect (implicit TLS, port 465 style), within ReplyTimeout.
	TLS *tls.Config
}

// Conn is one SMTP connection seen from the client side.
type Conn struct {
	nc      net.Conn
	br      *bufio.Reader
	opts    Options
	tr      *Transcript
	stopCtx func() bool
	closed  bool
}

// Dial connects to addr. The connection is closed when ctx ends, so a
// cancelled spec never leaves a read hanging.
func Dial(ctx context.Context, addr string, opts Options) (*Conn, error) {
	if opts.Limits.MaxLine == 0 {
		opts.Limits = DefaultLimits
	}
	if opts.ReplyTimeout <= 0 {
		opts.ReplyTimeout = 5 * time.Second
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 5 * time.Second
	}
	d := net.Dialer{Timeout: opts.ConnectTimeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &DialError{Addr: addr, Err: err}
	}
	c := &Conn{nc: nc, br: bufio.NewReaderSize(nc, 64<<10), opts: opts, tr: opts.Transcript}
	c.stopCtx = context.AfterFunc(ctx, func() { nc.Close() })
	c.tr.Note("connected to %s", addr)
	if opts.TLS != nil {
		if err := c.handshake(opts.TLS); err != nil {
			c.Close()
			return nil, &DialError{Addr: addr, Err: err}
		}
	}
	return c, nil
}

// TLSError is a failed TLS handshake.
type TLSError struct{ Err error }

func (e *TLSError) Error() string { return "wire: TLS handshake: " + e.Err.Error() }
func (e *TLSError) Unwrap() error { return e.Err }

// Transcript returns the connection's transcript (possibly nil).
func (c *Conn) Transcript() *Transcript { return c.tr }

// ReplyTimeout returns the per-reply deadline in use.
func (c *Conn) ReplyTimeout() time.Duration { return c.opts.ReplyTimeout }

// LocalAddr returns the client's end of the connection.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

// Close closes the connection.
func (c *Conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.stopCtx()
	return c.nc.Close()
}

// Send writes line followed by CRLF.
func (c *Conn) Send(line string) error {
	return c.write([]byte(line+"\r\n"), nil)
}

// SendSecret writes line followed by CRLF, recording shown in the transcript
// in its place (AUTH payloads never reach a report).
func (c *Conn) SendSecret(line, shown string) error {
	return c.write([]byte(line+"\r\n"), []byte(shown+"\r\n"))
}

// SendRaw writes b exactly, in one write, adding nothing.
func (c *Conn) SendRaw(b []byte) error {
	return c.write(b, nil)
}

func (c *Conn) write(b, shown []byte) error {
	if shown == nil {
		shown = b
	}
	c.tr.add(DirClient, shown)
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.opts.ReplyTimeout)); err != nil {
		return classify(err, nil)
	}
	if _, err := c.nc.Write(b); err != nil {
		return classify(err, nil)
	}
	return nil
}

// Cmd sends line and reads one reply.
func (c *Conn) Cmd(line string) (Reply, error) {
	if err := c.Send(line); err != nil {
		return Reply{}, err
	}
	return c.ReadReply()
}

// ReadReply reads one complete reply within the reply timeout.
func (c *Conn) ReadReply() (Reply, error) {
	return c.ReadReplyWithin(c.opts.ReplyTimeout)
}

// ReadReplyWithin reads one complete reply within d.
func (c *Conn) ReadReplyWithin(d time.Duration) (Reply, error) {
	if err := c.nc.SetReadDeadline(time.Now().Add(d)); err != nil {
		return Reply{}, classify(err, nil)
	}
	r, err := c.readReply()
	if len(r.Raw) > 0 {
		c.tr.add(DirServer, r.Raw)
	}
	if err != nil {
		return r, err
	}
	return r, nil
}

func (c *Conn) readReply() (Reply, error) {
	var r Reply
	for {
		line, term, err := c.readLine()
		r.Raw = append(r.Raw, line...)
		r.Raw = append(r.Raw, term...)
		if err != nil {
			return r, classify(err, r.Raw)
		}
		n := len(r.Lines) + 1
		if len(line)+len(term) > replyLineLimit {
			r.Violations = append(r.Violations, Violation{Rule: "RFC5321-4.5.3.1.5-reply-line-512", Section: "RFC 5321 §4.5.3.1.5", Severity: Should,
				Detail: fmt.Sprintf("reply line %d is %d octets long, over the 512-octet limit", n, len(line)+len(term))})
		}
		switch string(term) {
		case "\r\n":
		case "\n":
			r.Violations = append(r.Violations, Violation{Rule: "RFC5321-2.3.8-reply-crlf", Section: "RFC 5321 §2.3.8", Severity: Must,
				Detail: fmt.Sprintf("reply line %d ends with a bare LF, not CRLF", n)})
		}
		for i, b := range line {
			if b == '\r' {
				r.Violations = append(r.Violations, Violation{Rule: "RFC5321-2.3.8-reply-crlf", Section: "RFC 5321 §2.3.8", Severity: Must,
					Detail: fmt.Sprintf("reply line %d holds a bare CR at offset %d", n, i)})
				break
			}
		}
		p, vs, perr := parseLine(line)
		if perr != nil {
			return r, &ReadError{Err: ErrMalformed, Partial: r.Raw, Detail: perr.Error()}
		}
		r.Violations = append(r.Violations, vs...)
		if len(r.Lines) == 0 {
			r.Code = p.code
		} else if p.code != r.Code {
			r.Violations = append(r.Violations, Violation{Rule: "RFC5321-4.2.1-multiline-same-code", Section: "RFC 5321 §4.2.1", Severity: Must,
				Detail: fmt.Sprintf("line %d carries code %03d, the first line %03d", n, p.code, r.Code)})
		}
		r.Lines = append(r.Lines, p.text)
		if len(r.Lines) == ManyLines+1 {
			r.Violations = append(r.Violations, Violation{Rule: "RFC5321-4.5.3.1-reply-lines-200", Section: "RFC 5321 §4.5.3.1", Severity: Should,
				Detail: fmt.Sprintf("the reply has more than %d lines", ManyLines)})
		}
		if p.sep != '-' {
			return r, nil
		}
		if len(r.Lines) >= c.opts.Limits.MaxLines {
			return r, &ReadError{Err: ErrReplyTooLong, Partial: r.Raw, Detail: fmt.Sprintf("more than %d lines", c.opts.Limits.MaxLines), Lines: true}
		}
	}
}

// readLine reads up to and including LF, returning the line without its
// terminator and the terminator itself ("\r\n" or "\n").
func (c *Conn) readLine() (line, term []byte, err error) {
	for {
		b, err := c.br.ReadByte()
		if err != nil {
			return line, nil, err
		}
		if b == '\n' {
			if n := len(line); n > 0 && line[n-1] == '\r' {
				return line[:n-1], []byte("\r\n"), nil
			}
			return line, []byte("\n"), nil
		}
		line = append(line, b)
		if len(line) > c.opts.Limits.MaxLine {
			return line, nil, &ReadError{Err: ErrReplyTooLong, Detail: fmt.Sprintf("a reply line longer than %d octets", c.opts.Limits.MaxLine)}
		}
	}
}

// classify turns a low-level error into one of the package's errors.
func classify(err error, partial []byte) error {
	var re *ReadError
	if errors.As(err, &re) {
		re.Partial = partial
		return re
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		return &ReadError{Err: ErrTimeout, Partial: partial}
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, net.ErrClosed), errors.Is(err, syscall.EPIPE):
		return &ReadError{Err: ErrClosed, Partial: partial}
	}
	return &ReadError{Err: ErrClosed, Partial: partial, Detail: err.Error()}
}

// Silence waits d for the server to send anything. It returns the octets that
// arrived (nil when the server stayed silent), and ErrClosed if the server
// closed the connection meanwhile. It reads for the whole of d, keeping at
// most 64 KiB.
func (c *Conn) Silence(d time.Duration) ([]byte, error) {
	if err := c.nc.SetReadDeadline(time.Now().Add(d)); err != nil {
		return nil, classify(err, nil)
	}
	var got []byte
	var rerr error
	buf := make([]byte, 4096)
	for len(got) <= 64<<10 {
		n, err := c.br.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			rerr = classify(err, got)
			break
		}
	}
	c.tr.add(DirServer, got)
	if rerr == nil || errors.Is(rerr, ErrTimeout) {
		return got, nil
	}
	return got, rerr
}

// WaitClose waits up to d for the server to close the connection. It returns
// true if it did, with any octets that arrived first.
func (c *Conn) WaitClose(d time.Duration) (bool, []byte) {
	got, err := c.Silence(d)
	if errors.Is(err, ErrClosed) {
		return true, got
	}
	return false, got
}

// StartTLS performs a TLS client handshake on the connection, after the
// server's 220 reply to STARTTLS. Octets the server sent in plaintext after
// its 220 are returned in a ReadError, since RFC 3207 §4 allows none, and
// no handshake is made then (UpgradeTLS discards them and goes on). A
// failed handshake is a *TLSError.
func (c *Conn) StartTLS(cfg *tls.Config) error {
	if n := c.br.Buffered(); n > 0 {
		extra := make([]byte, n)
		_, _ = io.ReadFull(c.br, extra)
		c.tr.add(DirServer, extra)
		return &ReadError{Err: ErrMalformed, Partial: extra, Detail: "plaintext octets after the 220 reply to STARTTLS"}
	}
	return c.handshake(cfg)
}

// UpgradeTLS is StartTLS for a client that tolerates plaintext after the
// 220: octets the server sent after its reply (already buffered) are
// recorded in the transcript, discarded and returned as extra, and the
// handshake goes ahead. A failed handshake is a *TLSError.
func (c *Conn) UpgradeTLS(cfg *tls.Config) (extra []byte, err error) {
	if n := c.br.Buffered(); n > 0 {
		extra = make([]byte, n)
		_, _ = io.ReadFull(c.br, extra)
		c.tr.add(DirServer, extra)
	}
	return extra, c.handshake(cfg)
}

// handshake runs the TLS client handshake on the connection, within the
// reply timeout, and makes the connection read and write through TLS.
func (c *Conn) handshake(cfg *tls.Config) error {
	tc := tls.Client(c.nc, cfg)
	if err := tc.SetDeadline(time.Now().Add(c.opts.ReplyTimeout)); err != nil {
		return classify(err, nil)
	}
	if err := tc.Handshake(); err != nil {
		c.tr.Note("TLS handshake failed: %v", err)
		return &TLSError{Err: err}
	}
	_ = tc.SetDeadline(time.Time{})
	c.nc = tc
	c.br = bufio.NewReaderSize(tc, 64<<10)
	st := tc.ConnectionState()
	c.tr.Note("TLS established (%s, %s)", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	return nil
}

// TLS returns the state of the connection's TLS session; ok is false while
// the connection is in plaintext.
func (c *Conn) TLS() (st tls.ConnectionState, ok bool) {
	tc, ok := c.nc.(*tls.Conn)
	if !ok {
		return tls.ConnectionState{}, false
	}
	return tc.ConnectionState(), true
}

func truncate(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return b[:n]
}
