package refserver

import (
	"strconv"
	"strings"
)

// SIZE, RFC 1870: the EHLO line gives the fixed maximum message size
// (Config.MaxMessageSize); MAIL takes SIZE=<octets>, and a declared size
// above the maximum gets 552 (§6.1(2), §7). The MAIL line limit grows by 26
// octets (§3(5)); the end of data refuses a message over the maximum
// (data.go).

// maxSizeDigits: RFC 1870 §3(4), size-value = 1*20DIGIT.
const maxSizeDigits = 20

var extSize = registerExtension(&extension{
	keyword: "SIZE",
	line: func(s *session) string {
		return "SIZE " + strconv.FormatInt(s.cfg.MaxMessageSize, 10)
	},
	mailParams: map[string]paramHandler{"SIZE": mailSize},
})

// mailSize checks MAIL's SIZE parameter (RFC 1870 §6).
func mailSize(s *session, p param) string {
	if !isSizeValue(p.value) {
		return "501 5.5.4 Invalid SIZE parameter"
	}
	if sizeExceeds(p.value, s.cfg.MaxMessageSize) {
		// RFC 1870 §6.1(2), §7: a declared size above the limit gets 552.
		return "552 5.3.4 Message size exceeds fixed limit"
	}
	return ""
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
