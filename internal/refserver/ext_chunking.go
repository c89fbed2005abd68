package refserver

import (
	"bytes"
	"io"
	"strconv"
	"strings"
)

// CHUNKING and BINARYMIME, RFC 3030. BDAT <size> [LAST] is followed by
// exactly size octets of message data, read whatever the reply will be
// (§2: a failure is reported after the chunk has been read and discarded);
// each successful chunk gets 250, and the LAST one completes the message.
// DATA stays available (§2(5)), but not in a transaction that used BDAT
// (503, §2), nor after MAIL ... BODY=BINARYMIME (503, §3). BINARYMIME is
// offered only with CHUNKING (§3(3)), and adds BINARYMIME to the values of
// MAIL's BODY parameter (§3(5)).

var extChunking = registerExtension(&extension{
	keyword: "CHUNKING",
	// A server with the faults below implements BDAT but does not list
	// CHUNKING.
	offered: func(s *session) bool { return !s.has(faultEhloListsVerbs) && !s.has(faultBinaryNeedsChunking) },
})

// BINARYMIME needs CHUNKING (RFC 3030 §3(3)) and the BODY parameter of
// 8BITMIME (§3(5)).
var extBinaryMIME = registerExtension(&extension{
	keyword: "BINARYMIME",
	offered: func(s *session) bool {
		return (s.offers(extChunking) || s.has(faultBinaryNeedsChunking)) && s.offers(ext8BitMIME)
	},
})

// chunkState is the per-transaction state of CHUNKING.
type chunkState struct {
	used   bool   // a BDAT chunk was taken in this transaction
	data   []byte // the chunks so far
	tooBig bool   // the chunks passed the message size limit
	// afterLast is the envelope of the message a BDAT LAST has just
	// completed (read only by faultBdatAfterLast).
	afterLast *Message
	// session: BDAT was used in this session (read only by
	// faultDataStillSupported).
	session bool
	// keptByRset: faultRsetChunks kept the chunks over a RSET.
	keptByRset bool
}

// binaryState is the per-transaction state of BINARYMIME.
type binaryState struct {
	binary bool   // MAIL had BODY=BINARYMIME
	body   string // MAIL's BODY value, upper case ("" without BODY)
}

// Faults of CHUNKING and BINARYMIME; each wraps the BDAT verb, the DATA
// hook or the EHLO lines, and misbehaves whenever it runs.
var (
	faultBdatChunk250 = newFault("RFC3030-2-bdat-chunk-250",
		"counts a chunk that is not the last one octet short: the last octet of each such chunk is read as the start of the next command").
		may("RFC3030-2-bdat-zero-last", "RFC3030-2-data-after-bdat-503", "RFC3030-2-rset-discards-chunks", "RFC3030-2-data-still-supported",
			"RFC3030-3-binarymime-binary-content") // its first chunk is not the last one either
	faultBdatZeroLast = newFault("RFC3030-2-bdat-zero-last",
		"refuses BDAT 0 LAST with 501 (a chunk size of zero)")
	faultBdatAfterLast = newFault("RFC3030-2-bdat-after-last-503",
		"takes a BDAT sent right after a completed BDAT LAST as the start of another message to the same recipients (250)")
	faultFailedBdat = newFault("RFC3030-2-failed-bdat-consumes-chunk",
		"refuses a BDAT sent outside a mail transaction with 503 without reading its chunk, whose octets are then read as commands").
		may("RFC3030-2-bdat-after-last-503", "RFC3030-2-pipelined-chunks-discarded") // their BDATs are outside a transaction too
	faultDesyncBdat = newFault("SEC-BDAT-DESYNC",
		"refuses a BDAT in a transaction with no accepted recipient with 503 without reading its chunk, whose octets are then read as commands")
	faultPipelinedChunks = newFault("RFC3030-2-pipelined-chunks-discarded",
		"after refusing a BDAT, discards the input it has already received (the chunks pipelined after it)")
	faultDataAfterBdat = newFault("RFC3030-2-data-after-bdat-503",
		"accepts DATA (354) in a transaction that has already taken BDAT chunks")
	faultRsetChunks = newFault("RFC3030-2-rset-discards-chunks",
		"RSET leaves the BDAT chunks of the transaction in place, so the next transaction's DATA gets 503 as if mixed with BDAT")
	faultBdatSyntax = newFault("RFC3030-2-bdat-syntax",
		"takes a chunk size that is not decimal digits (BDAT x, BDAT LAST) as 0 and answers 250")
	faultBdatBoundary = newFault("SEC-SMUG-BDAT-BOUNDARY",
		"ends a chunk at a <CRLF>.<CRLF> inside it and reads the octets after it as commands")
	faultDataStillSupported = newFault("RFC3030-2-data-still-supported",
		"refuses DATA with 503 in a session that has used BDAT").
		may("RFC3030-2-rset-discards-chunks")
	faultArbitraryOctets = newFault("RFC3030-2-parser-arbitrary-octets",
		"closes the connection, without a reply, on a command line holding the octet 0xFF")
	faultBinaryNeedsChunking = newFault("RFC3030-3-binarymime-needs-chunking",
		"lists BINARYMIME in EHLO but not CHUNKING (while implementing BDAT)")
	faultBinaryData = newFault("RFC3030-3-binarymime-data-503",
		"accepts DATA (354) after MAIL ... BODY=BINARYMIME")
	faultBinaryBody = newFault("RFC3030-3-binarymime-body-value",
		"lists BINARYMIME but refuses MAIL ... BODY=BINARYMIME with 504 (parameter value not implemented)").
		may("RFC3030-3-binarymime-data-503", "RFC3030-3-binarymime-binary-content", // their MAIL is refused: ERROR
			"RFC6531-3.6-with-body-param") // it tries SMTPUTF8 with BODY=BINARYMIME
	faultBinaryNUL = newFault("RFC3030-3-binarymime-binary-content",
		"refuses (554 5.6.0, once the chunk is read) a BDAT chunk holding a NUL octet, even under BODY=BINARYMIME")
	faultBdatBody = newFault("RFC3030-2-bdat-any-body",
		"takes BDAT chunks only for a MAIL without BODY or with BODY=BINARYMIME: under BODY=7BIT or BODY=8BITMIME it refuses each chunk (554 5.6.0, once read)")
	faultBinaryCTE = newFault("RFC3030-3-binary-cte-without-binarymime",
		"refuses (554 5.6.1) a message whose header has Content-Transfer-Encoding: binary when MAIL did not declare BODY=BINARYMIME")
)

// chunkingSpecs are the specs of CHUNKING and BINARYMIME: a server that
// does not list CHUNKING makes them NOT APPLICABLE, so the faults that take
// the keyword away may change them.
var chunkingSpecs = []string{
	"RFC3030-2-data-still-supported", "RFC3030-2-bdat-chunk-250", "RFC3030-2-bdat-zero-last",
	"RFC3030-2-bdat-after-last-503", "RFC3030-2-failed-bdat-consumes-chunk", "RFC3030-2-pipelined-chunks-discarded",
	"RFC3030-2-data-after-bdat-503", "RFC3030-2-rset-discards-chunks", "RFC3030-2-bdat-syntax",
	"RFC3030-3-binarymime-data-503", "RFC3030-3-binary-cte-without-binarymime", "SEC-SMUG-BDAT-BOUNDARY", "SEC-BDAT-DESYNC", "RFC3030-2-parser-arbitrary-octets",
	"RFC3030-3-binarymime-body-value", "RFC3030-3-binarymime-binary-content", "RFC3030-2-bdat-any-body",
}

func init() {
	extChunking.verbs = map[string]verbHandler{"BDAT": cmdBdat}
	extChunking.beforeData = chunkingBeforeData
	extChunking.resetTx = func(s *session) {
		st := extState[chunkState](s, extChunking)
		if st.used && (s.last == "RSET" || st.keptByRset) && s.has(faultRsetChunks) {
			// RSET keeps the chunks, and so does the MAIL after it.
			st.keptByRset = s.last == "RSET"
			return
		}
		*st = chunkState{session: st.session}
	}
	extBinaryMIME.resetTx = func(s *session) { *extState[binaryState](s, extBinaryMIME) = binaryState{} }
	extBinaryMIME.dataEnd = func(s *session, data []byte) string {
		header, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
		if s.has(faultBinaryCTE) && bytes.Contains(bytes.ToLower(header), []byte("content-transfer-encoding: binary")) {
			return "554 5.6.1 Binary content needs BODY=BINARYMIME"
		}
		return ""
	}

	// BODY=BINARYMIME (RFC 3030 §3(5)) is a value of 8BITMIME's BODY
	// parameter; the handler is wrapped to remember it for DATA.
	bodyValues["BINARYMIME"] = extBinaryMIME
	body := ext8BitMIME.mailParams["BODY"]
	ext8BitMIME.mailParams["BODY"] = func(s *session, p param) string {
		if refusal := body(s, p); refusal != "" {
			return refusal
		}
		binary := strings.EqualFold(p.value, "BINARYMIME")
		if binary && s.has(faultBinaryBody) {
			return "504 5.5.4 BODY=BINARYMIME not implemented"
		}
		st := extState[binaryState](s, extBinaryMIME)
		st.binary, st.body = binary, strings.ToUpper(p.value)
		return ""
	}

	faultEhloListsVerbs.may(chunkingSpecs...).may("RFC3030-3-binarymime-needs-chunking")
	// Core faults whose broken behaviour these specs run through too.
	faultQuitAnyTime.may("SEC-BDAT-DESYNC")                 // its replies are counted up to QUIT's, sent in a transaction
	faultRsetDiscards.may("RFC3030-2-rset-discards-chunks") // its RSET must clear the transaction
	faultBinaryNeedsChunking.may(chunkingSpecs...)
}

// arbitraryOctetsFault reports whether faultArbitraryOctets drops the
// session on command line (session.go asks before it parses the line).
func (s *session) arbitraryOctetsFault(line []byte) bool {
	return s.has(faultArbitraryOctets) && s.offers(extChunking) && bytes.IndexByte(line, 0xff) >= 0
}

// chunkingBeforeData refuses DATA in a transaction that used BDAT (RFC 3030
// §2) or declared BODY=BINARYMIME (§3).
func chunkingBeforeData(s *session) string {
	st := extState[chunkState](s, extChunking)
	switch {
	case st.session && s.has(faultDataStillSupported):
		return "503 5.5.1 Use BDAT"
	case st.used && !s.has(faultDataAfterBdat):
		return "503 5.5.1 DATA cannot be mixed with BDAT in one transaction"
	case extState[binaryState](s, extBinaryMIME).binary && s.offers(extBinaryMIME) && !s.has(faultBinaryData):
		return "503 5.5.1 BODY=BINARYMIME needs BDAT"
	}
	return ""
}

// parseBdat parses the argument of BDAT: chunk-size [SP "LAST"] (RFC 3030
// §2, chunk-size = 1*DIGIT). A size too large for an int64 is refused.
func parseBdat(arg string, lenient bool) (size int64, last, ok bool) {
	f := strings.Split(arg, " ")
	switch {
	case len(f) == 2 && strings.EqualFold(f[1], "LAST"):
		last = true
	case len(f) != 1:
		return 0, false, false
	}
	if f[0] == "" || strings.Trim(f[0], "0123456789") != "" {
		if lenient && f[0] != "" {
			return 0, last, true // faultBdatSyntax
		}
		return 0, false, false
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, false, false
	}
	return n, last, true
}

// cmdBdat answers BDAT (RFC 3030 §2).
func cmdBdat(s *session, arg string) error {
	size, last, ok := parseBdat(arg, s.has(faultBdatSyntax))
	if !ok {
		// No size, so no chunk to read: the line is the whole command.
		return s.reply("501 5.5.4 Syntax: BDAT <chunk-size> [LAST]")
	}
	if size == 0 && last && s.has(faultBdatZeroLast) {
		return s.reply("501 5.5.4 Chunk size must be positive")
	}
	st := extState[chunkState](s, extChunking)
	if !s.inTx && st.afterLast != nil && s.has(faultBdatAfterLast) {
		// It reopens the finished message's envelope.
		s.inTx, s.from, s.rcpts = true, st.afterLast.From, st.afterLast.To
	}
	var refusal string
	switch {
	case !s.inTx:
		refusal = "503 5.5.1 Need MAIL command" // §2; RFC 5321 §3.3
		if s.has(faultFailedBdat) {
			return s.reply(refusal)
		}
	case len(s.rcpts) == 0:
		refusal = "503 5.5.1 No valid recipients"
		if s.has(faultDesyncBdat) {
			return s.reply(refusal)
		}
	}
	if !last && refusal == "" && size > 0 && s.has(faultBdatChunk250) {
		size--
	}
	chunk, err := s.readChunk(size, refusal == "" && !st.tooBig)
	if err != nil {
		return err
	}
	if refusal != "" {
		err := s.reply(refusal)
		if s.has(faultPipelinedChunks) {
			s.r.Discard(s.r.Buffered())
		}
		return err
	}
	if b := extState[binaryState](s, extBinaryMIME).body; s.has(faultBdatBody) && (b == "7BIT" || b == "8BITMIME") {
		s.resetTx()
		return s.reply("554 5.6.0 BDAT is for binary messages; use DATA")
	}
	if s.has(faultBinaryNUL) && bytes.IndexByte(chunk, 0) >= 0 {
		s.resetTx()
		return s.reply("554 5.6.0 NUL octets not accepted")
	}
	if s.has(faultBdatBoundary) {
		if i := bytes.Index(chunk, []byte("\r\n.\r\n")); i >= 0 {
			s.unread(chunk[i+5:])
			chunk, last = chunk[:i+2], true
		}
	}
	st.used, st.session = true, true
	n := int64(len(chunk))
	if chunk == nil {
		n = size // discarded: over the limit
	}
	if !st.tooBig {
		if int64(len(st.data))+n > s.cfg.MaxMessageSize {
			st.tooBig, st.data = true, nil
		} else {
			st.data = append(st.data, chunk...)
		}
	}
	if !last {
		return s.reply("250 2.0.0 " + strconv.FormatInt(size, 10) + " octets received")
	}
	msg := Message{From: s.from, To: append([]string(nil), s.rcpts...), Data: st.data}
	tooBig := st.tooBig
	s.resetTx() // the message is complete, whatever the outcome
	if tooBig {
		return s.reply("552 5.3.4 Message too big") // RFC 1870 §4
	}
	s.srv.store(msg)
	st.afterLast = &msg
	return s.reply("250 2.0.0 Ok: queued")
}

// readChunk reads the size octets of a chunk, keeping them when keep is set
// (else they are discarded).
func (s *session) readChunk(size int64, keep bool) ([]byte, error) {
	if !keep || size > s.cfg.MaxMessageSize {
		_, err := io.CopyN(io.Discard, s.r, size)
		return nil, err
	}
	b := make([]byte, size)
	_, err := io.ReadFull(s.r, b)
	return b, err
}
