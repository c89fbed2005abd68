package refserver

import (
	"strconv"
	"strings"
)

// SIZE, RFC 1870: the EHLO line gives the fixed maximum message size
// (Config.MaxMessageSize); MAIL takes SIZE=<octets>, and a declared size
// above the maximum gets 552 (§6.1(2), §7). The MAIL line limit grows by 26
// octets (§3(5)); the end of data refuses a message over the maximum with
// 552 (§4; data.go reads the limit from messageLimit), counting neither the
// stuffed dots nor the terminating dot (§5).

// maxSizeDigits: RFC 1870 §3(4), size-value = 1*20DIGIT.
const maxSizeDigits = 20

// faultSmallLimit is the limit the RFC1870-3-size-min-64k fault advertises
// and enforces: half the 64K minimum of RFC 5321 §4.5.3.1.7.
const faultSmallLimit = minMessageSize / 2

var extSize *extension

func init() {
	extSize = registerExtension(&extension{
		keyword:      "SIZE",
		line:         sizeLine,
		mailParams:   map[string]paramHandler{"SIZE": mailSize},
		resetTx:      func(s *session) { extState[sizeState](s, extSize).declared = -1 },
		envelopeLine: func(*session) int { return sizeLineIncrement },
		dataEnd:      sizeDataEnd,
	})
}

// sizeState is the SIZE state of a session.
type sizeState struct {
	// declared is the SIZE of the open transaction's MAIL, -1 when none
	// was given.
	declared int64
}

// Faults of SIZE. Each wraps one hook of the extension: the EHLO line, the
// MAIL parameter, the limit at the end of the data, the counting of the
// data, the end of data.
var (
	faultSizeKeyword = newFault("RFC1870-3-keyword-syntax",
		"advertises its limit as \"SIZE 10MB\", not a decimal number of octets").
		may("RFC1870-3-size-min-64k", "RFC1870-6.1-declared-too-big-552", "RFC1870-4-oversize-data", "RFC1870-5-size-counts-unstuffed") // they read the limit
	faultSizeMin64K = newFault("RFC1870-3-size-min-64k",
		"advertises and enforces a limit of 32768 octets, below the 64K minimum").
		may("RFC5321-4.5.3.1.7-content-64k", "RFC1870-5-size-counts-unstuffed")
	faultSizeParam = newFault("RFC1870-6-accept-size-param",
		"answers every MAIL with a SIZE parameter with 555, as if it did not implement it").
		may("RFC1870-6.1-declared-too-big-552", "RFC1870-6-size-syntax", "RFC1870-6-size-not-end-of-data", "RFC1870-6.3-no-552-within-declared",
			"RFC1870-3-size-value-20-digits")
	faultSizeDeclared = newFault("RFC1870-6.1-declared-too-big-552",
		"accepts a MAIL whose declared SIZE is above its limit (it checks the size only at the end of the data)")
	faultSizeSyntax = newFault("RFC1870-6-size-syntax",
		"reads the SIZE value leniently: non-digits end the number, so SIZE=abc is taken as 0")
	faultSizeEOD = newFault("RFC1870-6-size-not-end-of-data",
		"ends the mail data once it has read the octets a MAIL declared with SIZE, and reads the rest as commands")
	faultSizeOversize = newFault("RFC1870-4-oversize-data",
		"checks a message against the declared SIZE only, so a message over the limit with no SIZE is taken")
	faultSizeMismatch = newFault("RFC1870-6.3-no-552-within-declared",
		"refuses with 552 a message whose size differs from the declared SIZE")
	faultSizeOverflow = newFault("RFC1870-3-size-value-20-digits",
		"parses the SIZE value into a signed 64-bit integer and refuses a value that overflows it (20 digits) with 501")
	faultSizeStuffed = newFault("RFC1870-5-size-counts-unstuffed",
		"counts the stuffed dots of the mail data towards the size limit")
)

// sizeLimit is the fixed maximum message size the session advertises and
// enforces.
func (s *session) sizeLimit() int64 {
	if s.has(faultSizeMin64K) && s.offers(extSize) {
		return faultSmallLimit
	}
	return s.cfg.MaxMessageSize
}

// sizeLine is the SIZE EHLO line (RFC 1870 §3(3)).
func sizeLine(s *session) string {
	if s.has(faultSizeKeyword) {
		return "SIZE " + strconv.FormatInt(s.sizeLimit()>>20, 10) + "MB"
	}
	return "SIZE " + strconv.FormatInt(s.sizeLimit(), 10)
}

// mailSize checks MAIL's SIZE parameter (RFC 1870 §6).
func mailSize(s *session, p param) string {
	v := p.value
	switch {
	case s.has(faultSizeParam):
		return "555 5.5.4 Unsupported parameter SIZE"
	case s.has(faultSizeSyntax):
		v = leadingDigits(v)
	case !isSizeValue(v):
		return "501 5.5.4 Invalid SIZE parameter"
	case s.has(faultSizeOverflow):
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "501 5.5.4 Invalid SIZE parameter"
		}
	}
	if sizeExceeds(v, s.sizeLimit()) && !s.has(faultSizeDeclared) {
		// RFC 1870 §6.1(2), §7: a declared size above the limit gets 552.
		return "552 5.3.4 Message size exceeds fixed limit"
	}
	st := extState[sizeState](s, extSize)
	st.declared = -1
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		st.declared = n
	}
	return ""
}

// leadingDigits returns the digits v starts with, "0" when there are none.
func leadingDigits(v string) string {
	i := 0
	for i < len(v) && i < maxSizeDigits && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	if i == 0 {
		return "0"
	}
	return v[:i]
}

// isSizeValue reports whether v is 1*20DIGIT (RFC 1870 §3(4)).
func isSizeValue(v string) bool {
	if v == "" || len(v) > maxSizeDigits {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// sizeExceeds reports whether the decimal v (up to 20 digits, which may not
// fit an int64) is greater than limit.
func sizeExceeds(v string, limit int64) bool {
	v = strings.TrimLeft(v, "0")
	if len(v) > 18 {
		return true
	}
	var n int64
	for i := 0; i < len(v); i++ {
		n = n*10 + int64(v[i]-'0')
	}
	return n > limit
}

// declaredSize is the SIZE the open transaction's MAIL declared, -1 when
// none (or SIZE is not offered).
func (s *session) declaredSize() int64 {
	if !s.offers(extSize) {
		return -1
	}
	st, ok := s.ext[extSize].(*sizeState)
	if !ok {
		return -1
	}
	return st.declared
}

// messageLimit is the size limit the end of data enforces on the message
// (RFC 1870 §4, §5): the fixed maximum, or, under faultSizeOversize, only
// the declared size (the store's cap when none was declared).
func (s *session) messageLimit() int64 {
	if s.has(faultSizeOversize) && s.offers(extSize) {
		if d := s.declaredSize(); d >= 0 {
			return d
		}
		return maxStoreBytes
	}
	return s.sizeLimit()
}

// sizeEndsData reports whether faultSizeEOD ends the mail data after n
// octets of it.
func (s *session) sizeEndsData(n int) bool {
	d := s.declaredSize()
	return s.has(faultSizeEOD) && d > 0 && int64(n) >= d
}

// sizeCountsStuffed reports whether faultSizeStuffed counts the stuffed
// dots towards the limit.
func (s *session) sizeCountsStuffed() bool { return s.has(faultSizeStuffed) && s.offers(extSize) }

// sizeDataEnd is SIZE's end-of-data hook: clean, it takes the message (the
// limit was applied while reading it).
func sizeDataEnd(s *session, data []byte) string {
	if d := s.declaredSize(); s.has(faultSizeMismatch) && d >= 0 && d != int64(len(data)) {
		return "552 5.3.4 Message size does not match the declared SIZE"
	}
	return ""
}
