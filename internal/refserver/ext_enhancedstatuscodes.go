package refserver

import (
	"strings"
)

// ENHANCEDSTATUSCODES, RFC 2034: the text of every 2yz, 4yz and 5yz reply
// but the opening one and those to EHLO and HELO starts with an RFC 3463
// status code whose class is the reply's first digit, followed by a space
// (§3(4), §4); every line of a multiline reply carries the same code (§4);
// and the codes are sent in HELO sessions too (§4). The handlers write the
// codes they mean ("250 2.1.0"); the replyText hook prefaces a reply that
// has none with class.0.0 (2.1.5 for VRFY), so that no reply goes without.

var extEnhancedStatusCodes = registerExtension(&extension{
	keyword: "ENHANCEDSTATUSCODES",
	line:    escLine,
	// RFC 6409 §7 recommends it on the submission port too:
	// faultSubmissionNoEsc leaves it out there.
	offered: func(s *session) bool { return !s.has(faultSubmissionNoEsc) },
})

// escState is the session state of the extension.
type escState struct {
	helo bool // the last accepted greeting was HELO (read by faultEscHelo)
}

func init() { extEnhancedStatusCodes.replyText = escReplyText }

// Faults of ENHANCEDSTATUSCODES. Each wraps the extension's reply hook (or
// its EHLO line) and misbehaves whenever it runs on the replies it names.
var (
	faultEscKeywordParam = newFault("RFC2034-3-keyword-no-param",
		"lists the keyword with a parameter: ENHANCEDSTATUSCODES ON")
	faultEscMissing = newFault("RFC2034-4-code-on-every-reply",
		"leaves the enhanced status code out of the replies to RSET and NOOP").
		may("RFC2034-4-regardless-of-ehlo") // its HELO session sends RSET and NOOP too
	faultEscSpace = newFault("RFC2034-3-code-then-space",
		"glues the text to the enhanced code in the 2yz replies to MAIL (\"250 2.1.0<a@b>: Sender ok\")")
	faultEscClass = newFault("RFC2034-4-class-matches",
		"refuses RCPT with a 5yz reply that carries a 4.X.X enhanced code (\"550 4.1.1\")")
	faultEscMultiline = newFault("RFC2034-4-multiline-same-code",
		"puts the enhanced code on the first line of a multiline reply only")
	faultEscHelo = newFault("RFC2034-4-regardless-of-ehlo",
		"in a session greeted with HELO, leaves the enhanced code out of its 2yz replies (its errors keep theirs)")
	faultEscUnregistered = newFault("RFC3463-2-registered-codes",
		"writes its generic status code as class.0.1, a detail RFC 3463 and the registry leave undefined, instead of class.0.0")
	faultSubmissionNoEsc = newSubmissionFault("RFC6409-7-recommended-extensions",
		"as a submission server, does not offer ENHANCEDSTATUSCODES").
		may("RFC4954-6-auth-enhanced-codes") // judged only when the keyword is listed
	faultEscSyntax = newFault("RFC3463-2-code-syntax",
		"writes the subject of the enhanced code of its 500 reply to an unknown command with a leading zero (5.05.1)")
)

func escLine(s *session) string {
	if s.has(faultEscKeywordParam) {
		return "ENHANCEDSTATUSCODES ON"
	}
	return "ENHANCEDSTATUSCODES"
}

// escReplyText prefaces the text of a reply line with its status code.
func escReplyText(s *session, code, text string, i int) string {
	st := extState[escState](s, extEnhancedStatusCodes)
	if (s.last == "EHLO" || s.last == "HELO") && code == "250" {
		st.helo = s.last == "HELO"
	}
	switch {
	case s.last == "EHLO" || s.last == "HELO", s.last == "":
		// RFC 2034 §3(4), §4: no code in the opening reply and the
		// replies to EHLO and HELO (which answers the same in a HELO
		// session: the codes do not depend on EHLO).
		return text
	case code[0] != '2' && code[0] != '4' && code[0] != '5':
		return text // 3yz (§4)
	}
	status, rest, ok := cutStatus(text)
	if !ok {
		status, rest = code[:1]+".0.0", text
		if code[0] == '2' && (s.last == "VRFY" || s.last == "EXPN") {
			status = "2.1.5" // RFC 3463 §3.2: destination address valid
		}
	}
	switch {
	case st.helo && code[0] == '2' && s.has(faultEscHelo),
		i > 0 && s.has(faultEscMultiline),
		(s.last == "RSET" || s.last == "NOOP") && s.has(faultEscMissing):
		return rest
	case s.last == "MAIL" && code[0] == '2' && s.has(faultEscSpace):
		return status + rest
	case s.last == "RCPT" && code[0] == '5' && s.has(faultEscClass):
		status = "4" + status[1:]
	case status[1:] == ".0.0" && s.has(faultEscUnregistered):
		status = status[:1] + ".0.1"
	case s.unknown && s.has(faultEscSyntax):
		class, sub, _ := strings.Cut(status, ".")
		status = class + ".0" + sub
	}
	return status + " " + rest
}

// cutStatus splits "2.1.0 Sender ok" into the status code and the rest of
// the text; ok is false when the text does not start with a code followed
// by a space.
func cutStatus(text string) (status, rest string, ok bool) {
	status, rest, found := strings.Cut(text, " ")
	if !found {
		return "", text, false
	}
	parts := strings.Split(status, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || !strings.Contains("245", parts[0]) {
		return "", text, false
	}
	for _, p := range parts[1:] {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return "", text, false
		}
	}
	return status, strings.TrimLeft(rest, " "), true
}
