package refserver

import "strings"

// 8BITMIME, RFC 6152: MAIL takes BODY=7BIT or BODY=8BITMIME (§2(4), §3),
// and the mail data may then hold octets above 127, kept as they are.

var ext8BitMIME = registerExtension(&extension{
	keyword:    "8BITMIME",
	mailParams: map[string]paramHandler{"BODY": mailBody},
})

// bodyValues are the BODY values each extension defines (RFC 6152 §2(4):
// 7BIT and 8BITMIME; RFC 3030 §3 adds BINARYMIME). A value is accepted when
// its extension is offered.
var bodyValues = map[string]*extension{}

func init() {
	bodyValues["7BIT"] = ext8BitMIME
	bodyValues["8BITMIME"] = ext8BitMIME
}

// mailBody checks MAIL's BODY parameter.
func mailBody(s *session, p param) string {
	if e := bodyValues[strings.ToUpper(p.value)]; e == nil || !s.offers(e) {
		return "501 5.5.4 Invalid BODY parameter"
	}
	return ""
}
