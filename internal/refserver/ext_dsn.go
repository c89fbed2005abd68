package refserver

import "strings"

// DSN, RFC 3461: MAIL takes RET=FULL|HDRS (§4.3) and ENVID=xtext (§4.4);
// RCPT takes NOTIFY=NEVER or a list of SUCCESS, FAILURE, DELAY (§4.1) and
// ORCPT=addr-type;xtext (§4.2). Valid values never change the reply
// (§5.1); invalid ones, and repeated ones (refused before the handlers run),
// get 501. The MAIL and RCPT line limits grow to take the parameters at
// their §5.4 sizes. The server keeps no notification state: it sends no
// DSNs (nothing it accepts is ever relayed).

// dsnLineIncrement: RFC 3461 §5.4, command lines of at least 1036
// characters (530 for the ORCPT and NOTIFY parameters, plus 512).
const dsnLineIncrement = 1036 - maxCommandLine

// Parameter size limits of RFC 3461 §4.2, §4.4 (the minimums of §5.4).
const (
	maxEnvid = 100
	maxOrcpt = 500
)

func init() {
	registerExtension(&extension{
		keyword:      "DSN",
		line:         dsnLine,
		mailParams:   map[string]paramHandler{"RET": mailRet, "ENVID": mailEnvid, "NOTIFY": misplaced(rcptNotify), "ORCPT": misplaced(rcptOrcpt)},
		rcptParams:   map[string]paramHandler{"NOTIFY": rcptNotify, "ORCPT": rcptOrcpt, "RET": misplaced(mailRet), "ENVID": misplaced(mailEnvid)},
		envelopeLine: dsnEnvelopeLine,
	})
}

// Faults of DSN: each wraps one hook (the EHLO line, one parameter, the
// line allowance).
var (
	faultDSNKeyword = newFault("RFC3461-2-keyword-no-param",
		"lists the keyword with parameters: \"DSN RET ENVID NOTIFY ORCPT\"")
	faultDSNRetHdrs = newFault("RFC3461-5.1a-ret-envid-neutral",
		"refuses RET=HDRS with 555: it implements RET=FULL only").
		may("RFC3461-5.4-parameter-sizes")
	faultDSNRetAny = newFault("RFC3461-5.1a-bad-ret-envid-501",
		"takes any RET value, treating unknown ones as FULL")
	faultDSNOrcpt = newFault("RFC3461-5.1b-notify-orcpt-neutral",
		"refuses every ORCPT parameter with 555: it implements NOTIFY only").
		may("RFC3461-5.4-parameter-sizes", "RFC3461-5.1b-bad-notify-orcpt-501", "RFC3461-4.2-orcpt-address-unconstrained")
	faultDSNNever = newFault("RFC3461-5.1b-bad-notify-orcpt-501",
		"takes NEVER combined with other NOTIFY keywords (NOTIFY=NEVER,SUCCESS)")
	faultDSNNotifyCase = newFault("RFC3461-4.1-notify-case-insensitive",
		"matches NOTIFY keywords case-sensitively, refusing NOTIFY=success with 501")
	faultDSNRetCase = newFault("RFC3461-4.3-ret-case-insensitive",
		"matches RET values case-sensitively, refusing RET=full with 501")
	faultDSNPlacement = newFault("RFC3461-4.1-param-placement",
		"takes every DSN parameter on both MAIL and RCPT, checking only its value")
	faultDSNOrcptSyntax = newFault("RFC3461-4.2-orcpt-address-unconstrained",
		"refuses (501) an ORCPT of type rfc822 whose address is not local@domain")
	faultDSNLine = newFault("RFC3461-5.4-parameter-sizes",
		"keeps the 512-octet limit for RCPT command lines (500 Line too long), too short for the DSN parameters")
)

// misplaced wraps the handler of a DSN parameter of the other command
// (NOTIFY and ORCPT on MAIL, RET and ENVID on RCPT): clean, the parameter
// is unknown there, with the 555 of any unknown parameter (RFC 5321
// §4.1.1.11).
func misplaced(h paramHandler) paramHandler {
	return func(s *session, p param) string {
		if s.has(faultDSNPlacement) {
			return h(s, p)
		}
		return "555 5.5.4 Unsupported parameter " + p.keyword
	}
}

// dsnLine is the DSN EHLO line (RFC 3461 §2(3): no parameters).
func dsnLine(s *session) string {
	if s.has(faultDSNKeyword) {
		return "DSN RET ENVID NOTIFY ORCPT"
	}
	return "DSN"
}

// dsnEnvelopeLine is the DSN allowance on the MAIL and RCPT lines.
func dsnEnvelopeLine(s *session) int {
	if s.has(faultDSNLine) {
		return 0
	}
	return dsnLineIncrement
}

const dsnSyntax = "501 5.5.4 Syntax error in parameter "

// mailRet checks RET (RFC 3461 §4.3): FULL or HDRS, in any case.
func mailRet(s *session, p param) string {
	v := p.value
	if !s.has(faultDSNRetCase) {
		v = strings.ToUpper(v)
	}
	switch {
	case v == "HDRS" && s.has(faultDSNRetHdrs):
		return "555 5.5.4 RET=HDRS not supported"
	case v == "FULL" || v == "HDRS" || (p.hasValue && s.has(faultDSNRetAny)):
		return ""
	}
	return dsnSyntax + "RET"
}

// mailEnvid checks ENVID (RFC 3461 §4.4): xtext of up to 100 characters.
func mailEnvid(s *session, p param) string {
	if !p.hasValue || len(p.value) > maxEnvid || !isXtext(p.value) {
		return dsnSyntax + "ENVID"
	}
	return ""
}

// rcptNotify checks NOTIFY (RFC 3461 §4.1): NEVER alone, or a list of
// SUCCESS, FAILURE and DELAY, each at most once, in any case.
func rcptNotify(s *session, p param) string {
	if !p.hasValue {
		return dsnSyntax + "NOTIFY"
	}
	seen := map[string]bool{}
	items := strings.Split(p.value, ",")
	for _, it := range items {
		if !s.has(faultDSNNotifyCase) {
			it = strings.ToUpper(it)
		}
		switch {
		case seen[it]:
			return dsnSyntax + "NOTIFY"
		case it == "NEVER" && len(items) > 1 && !s.has(faultDSNNever):
			return dsnSyntax + "NOTIFY (NEVER must appear alone)"
		case it != "NEVER" && it != "SUCCESS" && it != "FAILURE" && it != "DELAY":
			return dsnSyntax + "NOTIFY"
		}
		seen[it] = true
	}
	return ""
}

// rcptOrcpt checks ORCPT (RFC 3461 §4.2): addr-type ";" xtext, where
// addr-type is an atom; at most 500 characters in all.
func rcptOrcpt(s *session, p param) string {
	if s.has(faultDSNOrcpt) {
		return "555 5.5.4 ORCPT not supported"
	}
	typ, addr, ok := strings.Cut(p.value, ";")
	if !p.hasValue || !ok || len("ORCPT=")+len(p.value) > maxOrcpt || !isAtom(typ) || addr == "" || !isXtext(addr) {
		return dsnSyntax + "ORCPT"
	}
	if s.has(faultDSNOrcptSyntax) && strings.EqualFold(typ, "rfc822") {
		// RFC 3461 §4.2: the address is NOT constrained to the syntax of
		// its addr-type; the fault holds it to local@domain all the same.
		if l, d, ok := strings.Cut(addr, "@"); !ok || l == "" || d == "" || strings.ContainsAny(addr, "+<>") {
			return dsnSyntax + "ORCPT (not an RFC 822 address)"
		}
	}
	return ""
}

// isAtom reports whether s is 1*atext.
func isAtom(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAtext(s[i]) || s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// isXtext reports whether s is xtext (RFC 3461 §4): characters from "!" to
// "~" but "+" and "=", and "+" followed by two upper-case hexadecimal
// digits.
func isXtext(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			if i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
				return false
			}
			i += 2
		case c < '!' || c > '~' || c == '=':
			return false
		}
	}
	return true
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }
