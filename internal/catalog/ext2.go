package catalog

// ext2 holds further extension requirements that had no spec: the enhanced
// status codes AUTH replies carry (RFC 4954 §4, §6), the reply text under
// PIPELINING (RFC 2920 §3.2) and the AUTH state across the TLS reset (RFC
// 3207 §4.2).
var ext2 = []Requirement{
	{
		ID: "RFC4954-6-auth-enhanced-codes", Title: "With ENHANCEDSTATUSCODES, AUTH replies carry the enhanced codes RFC 4954 names: 235 2.7.0, 535 5.7.8, 504 5.5.4, 501 5.5.2 (not base64), 501 5.7.0 (initial response with a server-first mechanism), 500 5.5.6 (line too long).",
		RFC: 4954, Sections: []string{"4", "6"},
		Quote: `If the server supports the [ESMTP-CODES] extension, it SHOULD return a 5.5.4 enhanced response code.` + QuoteSeparator +
			`Servers using the enhanced status codes extension [ESMTP-CODES] SHOULD return an enhanced status code of 5.7.0 in this case.` + QuoteSeparator +
			`If the server cannot [BASE64] decode any client response, it MUST reject the AUTH command with a 501 reply (and an enhanced status code of 5.5.2).` + QuoteSeparator +
			`Servers using the enhanced status codes extension [ESMTP-CODES] SHOULD return an enhanced status code of 5.5.6 in this case.` + QuoteSeparator +
			`Servers that return enhanced status codes [ESMTP-CODES] SHOULD use the enhanced codes suggested here.` + QuoteSeparator +
			`235 2.7.0 Authentication Succeeded` + QuoteSeparator +
			`535 5.7.8 Authentication credentials invalid`,
		Keyword: "SHOULD", Level: Should, Feature: "AUTH",
		Also: []Cite{{2034, "4"}},
		Note: "Checked only when the server lists ENHANCEDSTATUSCODES and the reply has the code the stimulus asks for (a different reply code is " +
			"the business of the RFC 4954 §4 specs). The 5.5.2 of a base64 error stands in a parenthesis of a MUST sentence about the 501; " +
			"REQUIREMENTS.md grades the whole row SHOULD, and so does the spec (a mismatch is a WARN).",
	},
	{
		ID: "RFC2920-3.2-reply-identifies-command", Title: "Under PIPELINING, the replies to MAIL and RCPT say, explicitly or implicitly, which command they answer.",
		RFC: 2920, Sections: []string{"3.2"},
		Quote:   `SHOULD issue response text that indicates, either implicitly or explicitly, what command the response matches.`,
		Keyword: "SHOULD", Level: Should, Feature: "PIPELINING",
		Note: "RFC 2920 numbers it (10); REQUIREMENTS.md says (9). \"Implicitly\" is read broadly: the address, a word naming the command " +
			"(sender, recipient, from, to, mail, rcpt) or an enhanced code whose subject is addressing (X.1.y, which RFC 3463 §3.2 gives to " +
			"originator and destination addresses) identify the command; only a reply with none of these is a WARN.",
	},
	{
		ID: "RFC3207-4.2-reset-discards-auth", Title: "An identity authenticated before STARTTLS does not carry over into the TLS session: AUTH after the handshake is not refused as a second AUTH.",
		RFC: 3207, Sections: []string{"4.2"},
		Quote:   quote3207Reset + " " + quote3207Discard,
		Keyword: "MUST", Level: Must, Feature: "STARTTLS",
		Also: []Cite{{4954, "4"}},
		Note: "The authenticated identity is knowledge obtained from the client outside the TLS negotiation. The spec authenticates before TLS " +
			"only with a mechanism the server offers there (CRAM-MD5 usually), then AUTH after the handshake: 503 (the RFC 4954 §4 answer to a " +
			"second AUTH) shows the identity survived the reset.",
	},
	{
		ID: "RFC2645-5.1-initial-commands", Title: "A server that lists ATRN (an ODMR provider) also lists AUTH in its EHLO reply.",
		RFC: 2645, Sections: []string{"5.1", "5.1.1"},
		Quote: `In the initial state, the provider is the server and the customer is the client. Three commands are valid: EHLO, AUTH, and QUIT.` + QuoteSeparator +
			`The EHLO command is the same as in [ESMTP]. The response MUST include AUTH and ATRN.`,
		Keyword: "MUST", Level: Must, Feature: "ATRN",
		Note: "Only the EHLO half is tested: which commands the initial state refuses is RFC2645-5.2.1-atrn-needs-auth's business. A server " +
			"that lists ATRN in plaintext but AUTH only under TLS (RFC 3207 §4.2 lets the offer change there) is a WARN; AUTH missing in every " +
			"state the suite reaches is a FAIL.",
	},
}

func init() { register(ext2) }
