package refserver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// Mail data limits.
const (
	// minTextLine: RFC 5321 §4.5.3.1.6, a text line of 1000 octets including
	// CRLF must be received. Longer lines are accepted too, within the
	// message size limit; once the message is over the limit, lines are
	// read in pieces of at most this size and discarded.
	minTextLine = 1000
	// maxTextLength: the longest text line RFC 5321 §4.5.3.1.6 guarantees,
	// without its CRLF.
	maxTextLength = minTextLine - 2
)

// Faults of the DATA area. Each triggers only on the stimulus of its own
// spec, so the other end-of-data variants, bare line endings and
// transactions keep their strict answers.
var (
	faultData354 = newFault("RFC5321-3.3-data-354",
		"after the 354, answers a mail data line that starts with a command verb (NOOP, RSET, MAIL ...) as a command (250) instead of taking it as data").
		// A server that runs command lines inside the data answers the
		// smuggled MAIL after every look-alike end of data.
		may("SEC-SMUG-CR-DOT-CR", "SEC-SMUG-CR-DOT-CRLF", "SEC-SMUG-CRLF-DOT-CR", "SEC-SMUG-CRLF-DOT-LF",
			"SEC-SMUG-LF-DOT-CRLF", "SEC-SMUG-LF-DOT-LF",
			// its control message shows this bug: ERROR
			"RFC5321-4.1.1.4-dot-whitespace-not-eod")
	faultRefusedData = newFault("RFC5321-3.3-data-refused-stays-command-mode",
		"after refusing DATA (503 or 554), swallows the next lines as mail data up to a lone dot when the first looks like a header field")
	faultEOD = newFault("RFC5321-4.1.1.4-eod-crlf-dot-crlf",
		"ends the mail data at <CRLF>. without waiting for the final CRLF when the client pauses after the dot")
	// faultLFDotLF also makes the octets after <LF>.<LF> be read as
	// commands, as on a server open to SMTP smuggling. The smuggling
	// variant (a MAIL command after it) is SEC-SMUG-LF-DOT-LF's.
	faultLFDotLF = newFault("RFC5321-4.1.1.4-lf-dot-lf-not-eod",
		"ends the mail data at <LF>.<LF> (bare LF, dot, LF) when anything but a MAIL command follows it")
	faultDotStuffing = newFault("RFC5321-4.5.2-dot-stuffing-wire",
		"ends the mail data at a line holding only two dots (the stuffed form of a lone dot)")
	faultTextLine = newFault("RFC5321-4.5.3.1.6-text-line-1000",
		"refuses a message holding a text line of exactly 998 octets (1000 with CRLF) as too long")
	faultContent64K = newFault("RFC5321-4.5.3.1.7-content-64k",
		"refuses messages of 64K to 128K octets with 552, as if its limit were below the 64K minimum")
	faultSingleFinal = newFault("RFC5321-4.1.1.4-single-final-reply",
		"gives one 250 per recipient after the end of data, where SMTP gives one reply per message")
	faultBuffersCleared = newFault("RFC5321-4.1.1.4-buffers-cleared",
		"keeps the sender and recipients of a finished message: a RCPT after it, before any MAIL, RSET, EHLO or HELO, adds to them")
	faultDataArgs = newFault("RFC5321-4.1.1-data-args-501",
		"ignores an argument to DATA and answers 354")
	faultHugeLine = newFault("SEC-HUGE-DATA-LINE",
		"answers a mail data line over 512 KiB with one 500 per 64 KiB of it, staying in data mode")
)

// smuggleVariant is an end-of-data look-alike of RFC 5321 §2.3.8 and
// §4.1.1.4 (catalogue §13.1). Its fault takes it as the end of the data when
// a smuggled "MAIL FROM:" follows it, and reads what follows as commands.
type smuggleVariant struct {
	fault *fault
	seq   string
}

var smuggleVariants = []smuggleVariant{
	{newFault("SEC-SMUG-LF-DOT-LF", "ends the mail data at <LF>.<LF> followed by MAIL FROM: and runs the smuggled commands"), "\n.\n"},
	{newFault("SEC-SMUG-LF-DOT-CRLF", "ends the mail data at <LF>.<CRLF> followed by MAIL FROM: and runs the smuggled commands"), "\n.\r\n"},
	{newFault("SEC-SMUG-CRLF-DOT-LF", "ends the mail data at <CRLF>.<LF> followed by MAIL FROM: and runs the smuggled commands"), "\r\n.\n"},
	{newFault("SEC-SMUG-CR-DOT-CR", "ends the mail data at <CR>.<CR> followed by MAIL FROM: and runs the smuggled commands"), "\r.\r"},
	{newFault("SEC-SMUG-CR-DOT-CRLF", "ends the mail data at <CR>.<CRLF> followed by MAIL FROM: and runs the smuggled commands"), "\r.\r\n"},
	{newFault("SEC-SMUG-CRLF-DOT-CR", "ends the mail data at <CRLF>.<CR> followed by MAIL FROM: and runs the smuggled commands"), "\r\n.\r"},
}

// cmdData answers DATA (RFC 5321 §4.1.1.4), reads the mail data and gives
// exactly one reply after the terminator.
func (s *session) cmdData(arg string) error {
	if arg != "" && !s.has(faultDataArgs) {
		return s.reply("501 5.5.4 Syntax: DATA") // §4.1.1
	}
	if !s.inTx {
		return s.refuseData("503 5.5.1 Need MAIL command") // §3.3
	}
	if len(s.rcpts) == 0 {
		return s.refuseData("554 5.5.1 No valid recipients") // §3.3, RFC 2920 §3.2(2)
	}
	if refusal := s.extBeforeData(); refusal != "" {
		return s.refuseData(refusal)
	}
	if err := s.reply("354 End data with <CR><LF>.<CR><LF>"); err != nil {
		return err
	}
	data, refusal, err := s.readData()
	if refusal == "" && err == nil {
		refusal = s.contentFault(data) // faults_more.go
	}
	if refusal == "" && err == nil {
		refusal = s.x1ContentFault(data) // faults_x1.go
	}
	if err == nil && refusal == "" {
		refusal = s.extDataEnd(data) // before the transaction's state is cleared
	}
	msg := Message{From: s.from, To: append([]string(nil), s.rcpts...), Data: data}
	// §4.1.1.4: end of data clears the buffers whatever the outcome; a
	// broken connection cancels the transaction (§4.1.1.10).
	s.resetTx()
	s.msgDone = true
	if err != nil {
		return err
	}
	if refusal != "" {
		return s.reply(refusal) // nothing is stored
	}
	s.srv.store(msg)
	if err := s.reply("250 2.0.0 Ok: queued"); err != nil {
		return err
	}
	s.last = "DATA-END"
	if s.has(faultSingleFinal) {
		// One more reply per recipient after the first, as an LMTP-minded
		// server would (RFC 2033 §4.2), where SMTP gives exactly one.
		for _, to := range msg.To[1:] {
			if err := s.reply("250 2.0.0 Ok: queued for <" + to + ">"); err != nil {
				return err
			}
		}
	}
	s.lastMsg = msg
	return nil
}

// refuseData refuses DATA with reply and stays in command mode (§3.3), unless
// faultRefusedData swallows what follows.
func (s *session) refuseData(reply string) error {
	if err := s.reply(reply); err != nil || !s.has(faultRefusedData) {
		return err
	}
	line, long, err := s.readLine(maxMailLine)
	if err != nil {
		return err
	}
	if !headerLike(line) {
		return s.handle(line, long)
	}
	for !(len(line) == 1 && line[0] == '.') {
		if line, _, err = s.readLine(minTextLine); err != nil {
			return err
		}
	}
	return s.reply("250 2.0.0 Ok: queued") // as if it had been a message
}

// headerLike reports whether line starts like a header field ("Name:").
func headerLike(line []byte) bool {
	name, _, ok := bytes.Cut(line, []byte(":"))
	return ok && len(name) > 0 && isDotString(string(name)) && !bytes.ContainsAny(name, ".")
}

// readData reads mail data up to the line that is just "." (RFC 5321
// §4.1.1.4: only CRLF . CRLF ends the data, and a "." line right after the
// 354 ends empty data). One leading dot is removed from every other line
// that starts with one (§4.5.2). Content over MaxMessageSize is not
// buffered, and reading goes on to the terminator (RFC 1870 §4; the size
// counts unstuffed octets and CRLFs, RFC 1870 §5). refusal is the reply
// refusing the message, or "" when it is taken.
//
// With Config.RejectBareLineEndsInData on, a bare CR or LF ends the session
// instead (closeOnBare), and the end-of-data faults are inert.
func (s *session) readData() (data []byte, refusal string, err error) {
	s.inData = true
	defer func() { s.inData = false }()
	limit := s.messageLimit()
	tooBig, bare, lineTooLong := false, false, false
	stuffed := 0 // stuffed dots, which the size does not count (RFC 1870 §5) unless a SIZE fault does
	for {
		if s.eodFault(faultEOD) && s.r.Buffered() == 1 {
			if b, _ := s.r.Peek(1); b[0] == '.' {
				s.r.Discard(1)
				s.falseEOD = true
				break
			}
		}
		lineLimit := minTextLine
		if !tooBig {
			// Room for the rest of the message, a stuffed dot and CRLF.
			lineLimit = int(limit) - len(data) + 3
		}
		line, long, err := s.readLine(lineLimit)
		if errors.Is(err, errBareLF) || errors.Is(err, errBareCR) {
			return nil, "", s.closeOnBare(err)
		}
		if err != nil {
			return nil, "", err
		}
		if long {
			tooBig, data = true, nil
			continue
		}
		if (len(line) == 1 && line[0] == '.' || s.dotSpaceFault(line)) && !s.emptyDataFault(data, tooBig) { // faults_x1.go
			break
		}
		if s.has(faultHugeLine) && len(line) > 512<<10 {
			for i := 0; i < len(line); i += 64 << 10 {
				if err := s.reply("500 5.5.2 Line too long"); err != nil {
					return nil, "", err
				}
			}
			continue
		}
		if s.has(faultData354) && commandLike(line) {
			if err := s.reply("250 2.0.0 Ok"); err != nil {
				return nil, "", err
			}
			continue
		}
		if s.eodFault(faultDotStuffing) && string(line) == ".." {
			s.falseEOD = true
			break
		}
		lines, last := s.faultyLineEnds(line)
		for _, l := range lines {
			if len(l) > 0 && l[0] == '.' {
				l = l[1:]
				if s.sizeCountsStuffed() {
					stuffed++
				}
			}
			if bytes.ContainsAny(l, "\r\n") {
				bare = true
			}
			if s.has(faultTextLine) && len(l) == maxTextLength {
				lineTooLong = true
			}
			if !tooBig {
				if int64(len(data)+stuffed+len(l)+2) > limit {
					tooBig, data = true, nil
				} else {
					data = append(data, l...)
					data = append(data, '\r', '\n')
				}
			}
		}
		if last {
			s.falseEOD = true
			break
		}
		if s.sizeEndsData(len(data)) {
			break // a SIZE fault: the rest of the data is read as commands
		}
	}
	switch {
	case tooBig:
		return nil, "552 5.3.4 Message too big", nil // RFC 1870 §4
	case bare:
		// §2.3.8 and §4.1.1.4: a bare CR or LF is not a line ending; the
		// safe answer is to refuse the message.
		return nil, "550 5.5.2 Bare CR or LF in message", nil
	case lineTooLong:
		return nil, "554 5.5.2 Line too long", nil
	case s.has(faultContent64K) && len(data) >= minMessageSize && len(data) < 2*minMessageSize:
		return nil, "552 5.3.4 Message too big", nil
	}
	return data, "", nil
}

// faultyLineEnds applies the faults that take something other than CRLF as
// a line ending to line. It returns the data lines line stands for (just
// line when no fault triggers), and whether the data ends with them.
func (s *session) faultyLineEnds(line []byte) (lines [][]byte, last bool) {
	if s.eodFault(faultLFDotLF) {
		if i := bareLFDotLF(line); i >= 0 && !bytes.HasPrefix(line[i+3:], []byte("MAIL")) {
			s.unread(append(append([]byte(nil), line[i+3:]...), '\r', '\n'))
			return [][]byte{line[:i]}, true
		}
	}
	for _, v := range smuggleVariants {
		if s.eodFault(v.fault) {
			if n, ok := s.smuggled(line, v.seq); ok {
				if n < 0 {
					return nil, true
				}
				return [][]byte{line[:n]}, true
			}
		}
	}
	return [][]byte{line}, false
}

// eodFault reports whether f, a fault that ends the mail data at a
// look-alike, is on: Config.RejectBareLineEndsInData turns these faults off,
// so that the data ends only at <CRLF>.<CRLF>.
func (s *session) eodFault(f *fault) bool {
	return s.has(f) && !s.cfg.RejectBareLineEndsInData
}

// closeOnBare answers a bare LF or CR in the mail data (errBareLF or
// errBareCR) with 421 and ends the session (Config.RejectBareLineEndsInData;
// RFC 5321 §2.3.8, §3.8). The message is dropped; the caller clears the
// transaction. errQuit makes the session half-close and linger, so that the
// 421 is not lost to a reset while input is still arriving.
func (s *session) closeOnBare(bare error) error {
	what := "linefeed (LF)"
	if errors.Is(bare, errBareCR) {
		what = "carriage return (CR)"
	}
	if err := s.reply("421 4.5.0 " + s.cfg.Hostname + " Bare " + what + " not allowed"); err != nil {
		return err
	}
	return errQuit
}

// smuggled looks for seq followed by "MAIL FROM:" in the octets around line:
// the CRLF that ended the line before it, line and its CRLF, and the input
// already buffered after it. If it is there, the data ends at seq: line[:n]
// is the last data line (n < 0: line is not data at all), and the octets
// after seq are left to be read as commands.
func (s *session) smuggled(line []byte, seq string) (n int, ok bool) {
	next, _ := s.r.Peek(s.r.Buffered())
	w := make([]byte, 0, len(line)+4+len(next))
	w = append(append(append(append(w, '\r', '\n'), line...), '\r', '\n'), next...)
	lineEnd := len(line) + 4
	i := -1
	for from := 0; i < 0; {
		j := bytes.Index(w[from:], []byte(seq+"MAIL FROM:"))
		if j < 0 || from+j >= lineEnd {
			return 0, false // not here (a later line may hold it)
		}
		// A leading LF must be bare: CRLF . LF is another variant.
		if i = from + j; seq[0] == '\n' && w[i-1] == '\r' {
			i, from = -1, from+j+1
		}
	}
	end := i + len(seq)
	if end <= lineEnd {
		s.unread(append([]byte(nil), w[end:lineEnd]...))
	} else {
		s.r.Discard(end - lineEnd)
	}
	return min(i-2, len(line)), true
}

// unread puts b back in front of the unread input.
func (s *session) unread(b []byte) {
	if len(b) > 0 {
		s.r = bufio.NewReader(io.MultiReader(bytes.NewReader(b), s.r))
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

// commandVerbs are the RFC 5321 commands that faultData354 answers inside
// the mail data.
var commandVerbs = map[string]bool{"HELO": true, "EHLO": true, "MAIL": true, "RCPT": true, "DATA": true,
	"RSET": true, "NOOP": true, "QUIT": true, "VRFY": true, "EXPN": true, "HELP": true}

// commandLike reports whether a mail data line starts with a command verb.
func commandLike(line []byte) bool {
	verb, _, _ := strings.Cut(string(line), " ")
	return commandVerbs[strings.ToUpper(verb)]
}
