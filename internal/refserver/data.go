package refserver

import (
	"bufio"
	"bytes"
	"io"
)

// minTextLine: RFC 5321 §4.5.3.1.6, a text line of 1000 octets including
// CRLF must be received. Longer lines are accepted too, within the message
// size limit; once the message is over the limit, lines are read in pieces
// of at most this size and discarded.
const minTextLine = 1000

// faultLFDotLF breaks RFC 5321 §4.1.1.4 (<LF>.<LF> is not the end of the
// data). It triggers only on a bare LF (one not preceded by CR), a dot and
// an LF, so the other end-of-data variants (<LF>.<CRLF>, <CRLF>.<LF>, bare
// CR) and bare-LF line endings elsewhere keep their strict answers. When it
// triggers, the octets after the second LF are read as commands, as on a
// server open to SMTP smuggling.
var faultLFDotLF = newFault("RFC5321-4.1.1.4-lf-dot-lf-not-eod",
	"ends the mail data at <LF>.<LF> (bare LF, dot, LF) instead of only at <CRLF>.<CRLF>")

// cmdData answers DATA (RFC 5321 §4.1.1.4), reads the mail data and gives
// exactly one reply after the terminator.
func (s *session) cmdData(arg string) error {
	if arg != "" {
		return s.reply("501 5.5.4 Syntax: DATA") // §4.1.1
	}
	if !s.inTx {
		return s.reply("503 5.5.1 Need MAIL command") // §3.3
	}
	if len(s.rcpts) == 0 {
		return s.reply("554 5.5.1 No valid recipients") // §3.3, RFC 2920 §3.2(2)
	}
	if err := s.reply("354 End data with <CR><LF>.<CR><LF>"); err != nil {
		return err
	}
	data, tooBig, bare, err := s.readData()
	msg := Message{From: s.from, To: append([]string(nil), s.rcpts...), Data: data}
	// §4.1.1.4: end of data clears the buffers whatever the outcome; a
	// broken connection cancels the transaction (§4.1.1.10).
	s.resetTx()
	if err != nil {
		return err
	}
	switch {
	case tooBig:
		return s.reply("552 5.3.4 Message too big") // RFC 1870 §4
	case bare:
		// §2.3.8 and §4.1.1.4: a bare CR or LF is not a line ending; the
		// safe answer is to refuse the message, and nothing is stored.
		return s.reply("550 5.5.2 Bare CR or LF in message")
	}
	s.srv.store(msg)
	return s.reply("250 2.0.0 Ok: queued")
}

// readData reads mail data up to the line that is just "." (RFC 5321
// §4.1.1.4: only CRLF . CRLF ends the data, and a "." line right after the
// 354 ends empty data). One leading dot is removed from every other line
// that starts with one (§4.5.2). Content over MaxMessageSize is not
// buffered: tooBig is set and reading goes on to the terminator (RFC 1870
// §4; the size counts unstuffed octets and CRLFs, RFC 1870 §5). bare
// reports a bare CR or LF in the content.
func (s *session) readData() (data []byte, tooBig, bare bool, err error) {
	limit := s.cfg.MaxMessageSize
	for {
		lineLimit := minTextLine
		if !tooBig {
			// Room for the rest of the message, a stuffed dot and CRLF.
			lineLimit = int(limit) - len(data) + 3
		}
		line, long, err := s.readLine(lineLimit)
		if err != nil {
			return nil, false, false, err
		}
		if long {
			tooBig, data = true, nil
			continue
		}
		if len(line) == 1 && line[0] == '.' {
			return data, tooBig, bare, nil
		}
		last := false
		if s.has(faultLFDotLF) {
			if i := bareLFDotLF(line); i >= 0 {
				rest := append(append([]byte(nil), line[i+3:]...), '\r', '\n')
				s.r = bufio.NewReader(io.MultiReader(bytes.NewReader(rest), s.r))
				line, last = line[:i], true
			}
		}
		if len(line) > 0 && line[0] == '.' {
			line = line[1:]
		}
		if bytes.ContainsAny(line, "\r\n") {
			bare = true
		}
		if !tooBig {
			if int64(len(data)+len(line)+2) > limit {
				tooBig, data = true, nil
			} else {
				data = append(data, line...)
				data = append(data, '\r', '\n')
			}
		}
		if last {
			return data, tooBig, bare, nil
		}
	}
}

// bareLFDotLF returns the index of the first <LF>.<LF> in line whose first
// LF is bare, or -1. The octet before the line is the LF of a CRLF, so an
// LF at index 0 is bare.
func bareLFDotLF(line []byte) int {
	for i := 0; i+2 < len(line); i++ {
		if line[i] == '\n' && (i == 0 || line[i-1] != '\r') && line[i+1] == '.' && line[i+2] == '\n' {
			return i
		}
	}
	return -1
}
