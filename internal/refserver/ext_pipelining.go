package refserver

import (
	"bufio"
	"bytes"
	"io"
)

// PIPELINING, RFC 2920: the server reads commands from its input buffer as
// they come and answers each in order, flushing its replies whenever the
// input is empty (§3.2); session.go does that for every session, so the
// clean extension is only its keyword. Its faults are the input-handling
// bugs RFC 2920 §1 and §3.2 describe, wired to the extension's hooks: the
// EHLO line, the replies (afterReply) and DATA (beforeData).

var extPipelining = registerExtension(&extension{keyword: "PIPELINING"})

// pipeliningState is the session state the faults read.
type pipeliningState struct {
	lastRcptRefused bool // the last RCPT of the transaction was refused
	wrapped         bool // the input was wrapped by faultLookahead
}

var (
	faultPipeliningParam = newFault("RFC2920-2-keyword",
		"lists the keyword with a parameter: PIPELINING 10")
	faultInputLoss = newFault("RFC2920-3.2-no-input-loss",
		"after refusing a RCPT, discards the input it has already received (RFC 2920 §1 (2))").
		may("RFC2920-3.2-data-iff-valid-rcpt") // its group has a refused RCPT before DATA
	faultDataLastRcpt = newFault("RFC2920-3.2-data-iff-valid-rcpt",
		"refuses DATA (554) when the last RCPT of the transaction was refused, though an earlier one was accepted (RFC 2920 §1 (3))")
	faultAfterMessageLoss = newFault("RFC2920-3.1-content-then-next-transaction",
		"after accepting a message, discards the input it has already received (the next transaction's commands)")
	faultLookahead = newFault("RFC2920-3.2-no-lookahead",
		"takes the end of a TCP segment that holds no line feed for the end of a command line (outside the mail data)")
)

func init() {
	extPipelining.line = func(s *session) string {
		if s.has(faultPipeliningParam) {
			return "PIPELINING 10"
		}
		return "PIPELINING"
	}
	extPipelining.afterReply = pipeliningAfterReply
	// Core faults whose broken behaviour the DATA of a pipelined group
	// with no valid recipient runs through too.
	faultDataNoValidRcpt.may("RFC2920-3.2-data-iff-valid-rcpt")
	faultMailKeepsRcpts.may("RFC2920-3.2-data-iff-valid-rcpt")
	extPipelining.beforeData = func(s *session) string {
		if extState[pipeliningState](s, extPipelining).lastRcptRefused && s.has(faultDataLastRcpt) {
			return "554 5.5.1 No valid recipients"
		}
		return ""
	}
}

// pipeliningAfterReply keeps what the faults read, and applies the faults
// that lose input after a reply.
func pipeliningAfterReply(s *session, code string) {
	st := extState[pipeliningState](s, extPipelining)
	switch {
	case s.last == "" && !st.wrapped && s.has(faultLookahead):
		// After the greeting: every later read goes through the fault.
		st.wrapped = true
		s.r = bufio.NewReader(&segmentLines{s: s, src: s.r})
	case s.last == "MAIL":
		st.lastRcptRefused = false
	case s.last == "RCPT":
		st.lastRcptRefused = code[0] != '2'
		if code[0] != '2' && s.has(faultInputLoss) {
			s.r.Discard(s.r.Buffered())
		}
	case s.last == "DATA" && code == "250" && s.has(faultAfterMessageLoss):
		s.r.Discard(s.r.Buffered())
	}
}

// segmentLines is faultLookahead's input: a read that returns less than it
// could (all that has arrived) and no line feed, outside the mail data,
// gets a CRLF added, as if the segment ended the line.
type segmentLines struct {
	s   *session
	src io.Reader
}

func (r *segmentLines) Read(p []byte) (int, error) {
	if len(p) < 3 {
		return r.src.Read(p)
	}
	n, err := r.src.Read(p[:len(p)-2])
	// A short read is the end of what has arrived so far.
	if n > 0 && n < len(p)-2 && !r.s.inData && bytes.IndexByte(p[:n], '\n') < 0 {
		n += copy(p[n:], "\r\n")
	}
	return n, err
}
