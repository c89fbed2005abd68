package refserver

import (
	"errors"
	"strings"
)

// maxSizeDigits: RFC 1870 §3(4), size-value = 1*20DIGIT.
const maxSizeDigits = 20

// errParamSyntax: the parameter list does not follow the esmtp-param
// grammar.
var errParamSyntax = errors.New("refserver: invalid parameter syntax")

// param is one MAIL or RCPT parameter (RFC 5321 §4.1.2):
//
//	esmtp-param   = esmtp-keyword ["=" esmtp-value]
//	esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
//	esmtp-value   = 1*(%d33-60 / %d62-126)
type param struct {
	keyword  string // upper-cased: keywords are case-insensitive (§2.4)
	value    string
	hasValue bool
}

// parseParams parses the text after a path: empty, or SP followed by
// parameters separated by single SPs (Mail-parameters, RFC 5321 §4.1.2).
func parseParams(s string) ([]param, error) {
	if s == "" {
		return nil, nil
	}
	if s[0] != ' ' {
		return nil, errParamSyntax
	}
	var out []param
	for _, f := range strings.Split(s[1:], " ") {
		kw, val, hasVal := strings.Cut(f, "=")
		if kw == "" || !isLetDig(kw[0]) {
			return nil, errParamSyntax
		}
		for i := 0; i < len(kw); i++ {
			if !isLetDig(kw[i]) && kw[i] != '-' {
				return nil, errParamSyntax
			}
		}
		if hasVal {
			if val == "" {
				return nil, errParamSyntax
			}
			for i := 0; i < len(val); i++ {
				if c := val[i]; c < 33 || c > 126 || c == '=' {
					return nil, errParamSyntax
				}
			}
		}
		out = append(out, param{keyword: strings.ToUpper(kw), value: val, hasValue: hasVal})
	}
	return out, nil
}

// cutPrefixFold removes prefix from s, ignoring ASCII case (RFC 5321 §2.4:
// "FROM:" and "TO:" are case-insensitive).
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// addrReply builds "code <addr>: text", so that a pipelined reply says
// which command it answers (RFC 2920 §3.2(9)). The address is left out if
// the line would pass 512 octets (RFC 5321 §4.5.3.1.5).
func addrReply(code, addr, text string) string {
	line := code + " <" + addr + ">: " + text
	if len(line)+2 > maxCommandLine {
		return code + " " + text
	}
	return line
}

// cmdMail answers MAIL (RFC 5321 §4.1.1.2, syntax in §3.3 and §4.1.2).
// A refused MAIL opens no transaction (§4.1.4).
func (s *session) cmdMail(arg string) error {
	if s.helo == "" {
		return s.reply("503 5.5.1 Send HELO/EHLO first") // §4.1.1.1
	}
	if s.inTx {
		return s.reply("503 5.5.1 Nested MAIL command") // §4.1.4
	}
	// §3.3: the syntax is exactly "MAIL FROM:<reverse-path>", with no
	// space around the colon and the angle brackets required.
	rest, ok := cutPrefixFold(arg, "FROM:")
	if !ok {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	text, rest, ok := cutPath(rest)
	if !ok {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	p, err := parsePath(text, false)
	if err != nil {
		return s.reply("501 5.1.7 Invalid sender address syntax")
	}
	params, err := parseParams(rest)
	if err != nil {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	var seenSize, seenBody, tooBig bool
	for _, prm := range params {
		switch prm.keyword {
		case "SIZE": // RFC 1870 §6
			if seenSize || !isSizeValue(prm.value) {
				return s.reply("501 5.5.4 Invalid SIZE parameter")
			}
			seenSize = true
			tooBig = sizeExceeds(prm.value, s.cfg.MaxMessageSize)
		case "BODY": // RFC 6152 §2(4), §3
			v := strings.ToUpper(prm.value)
			if seenBody || (v != "7BIT" && v != "8BITMIME") {
				return s.reply("501 5.5.4 Invalid BODY parameter")
			}
			seenBody = true
		default:
			// RFC 5321 §4.1.1.11: an unrecognised parameter gets 555.
			return s.reply("555 5.5.4 Unsupported parameter")
		}
	}
	if tooBig {
		// RFC 1870 §6.1(2), §7: a declared size above the limit gets 552.
		return s.reply("552 5.3.4 Message size exceeds fixed limit")
	}
	s.resetTx()
	s.inTx, s.from, s.freshHelo = true, p.mailbox(), false
	return s.reply(addrReply("250 2.1.0", p.mailbox(), "Sender ok"))
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
