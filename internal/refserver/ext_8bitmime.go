package refserver

import "strings"

// 8BITMIME, RFC 6152: MAIL takes BODY=7BIT or BODY=8BITMIME (§2(4), §3),
// and the mail data may then hold octets above 127, kept as they are.

var ext8BitMIME *extension

func init() {
	ext8BitMIME = registerExtension(&extension{
		keyword:    "8BITMIME",
		line:       eightBitLine,
		offered:    eightBitOffered,
		mailParams: map[string]paramHandler{"BODY": mailBody},
		dataEnd:    eightBitDataEnd,
	})
	bodyValues["7BIT"] = ext8BitMIME
	bodyValues["8BITMIME"] = ext8BitMIME
}

// bodyValues are the BODY values each extension defines (RFC 6152 §2(4):
// 7BIT and 8BITMIME; RFC 3030 §3 adds BINARYMIME). A value is accepted when
// its extension is offered.
var bodyValues = map[string]*extension{}

// Faults of 8BITMIME: each wraps one hook of the extension (whether it is
// offered, its EHLO line, the BODY parameter, the end of the data).
var (
	fault8BitMIMEMissing = newFault("RFC5321-2.4-8bitmime-should",
		"does not offer 8BITMIME").
		may("RFC6152-2-keyword-no-param", "RFC6152-3-body-values", "RFC6152-3-body-invalid", "RFC6152-3-accept-8bit-content",
			"RFC6531-3.1-requires-8bitmime", // 8BITMIME specs become NOT APPLICABLE; SMTPUTF8 needs 8BITMIME
			// BINARYMIME presupposes 8BITMIME (RFC 3030 §3): not applicable
			"RFC3030-3-binary-cte-without-binarymime", "RFC3030-3-binarymime-data-503", "RFC3030-3-binarymime-needs-chunking")
	faultUTF8Without8Bit = newFault("RFC6531-3.1-requires-8bitmime",
		"leaves 8BITMIME out whenever it offers SMTPUTF8").
		may("RFC5321-2.4-8bitmime-should", "RFC6152-2-keyword-no-param", "RFC6152-3-body-values", "RFC6152-3-body-invalid",
			"RFC6152-3-accept-8bit-content",
			"RFC3030-3-binary-cte-without-binarymime", "RFC3030-3-binarymime-data-503", "RFC3030-3-binarymime-needs-chunking")
	fault8BitMIMEParam = newFault("RFC6152-2-keyword-no-param",
		"lists the keyword with a parameter: \"8BITMIME 8BIT\"")
	fault8BitMIMECase = newFault("RFC6152-3-body-values",
		"matches BODY values case-sensitively, refusing BODY=8bitmime with 501")
	fault8BitMIMEAnyBody = newFault("RFC6152-3-body-invalid",
		"takes any BODY value, treating unknown ones as 7BIT")
	fault8BitMIMEContent = newFault("RFC6152-3-accept-8bit-content",
		"refuses with 554 5.6.0 a message holding octets above 127, even under BODY=8BITMIME")
)

// eightBitOffered reports whether 8BITMIME is offered: always, unless a
// fault leaves it out.
func eightBitOffered(s *session) bool {
	switch {
	case s.has(fault8BitMIMEMissing):
		return false
	case s.has(faultUTF8Without8Bit):
		return !s.offers(extSMTPUTF8)
	}
	return true
}

// eightBitLine is the 8BITMIME EHLO line (RFC 6152 §2(3): no parameter).
func eightBitLine(s *session) string {
	if s.has(fault8BitMIMEParam) {
		return "8BITMIME 8BIT"
	}
	return "8BITMIME"
}

// mailBody checks MAIL's BODY parameter.
func mailBody(s *session, p param) string {
	if s.has(faultUTF8Body) && s.offers(extSMTPUTF8) && extState[utf8State](s, extSMTPUTF8).on {
		return "555 5.5.4 BODY cannot be combined with SMTPUTF8"
	}
	v := strings.ToUpper(p.value)
	if s.has(fault8BitMIMECase) {
		v = p.value
	}
	if e := bodyValues[v]; e == nil || !s.offers(e) {
		if s.has(fault8BitMIMEAnyBody) {
			return ""
		}
		return "501 5.5.4 Invalid BODY parameter"
	}
	return ""
}

// eightBitDataEnd is 8BITMIME's end-of-data hook: clean, it takes 8-bit
// content as it is (RFC 6152 §3).
func eightBitDataEnd(s *session, data []byte) string {
	if s.has(fault8BitMIMEContent) && !isASCII(data) {
		return "554 5.6.0 8-bit content not accepted"
	}
	return ""
}
