package catalog

// smtpUTF8Reqs is the catalogue of the SMTPUTF8 extension (RFC 6531;
// feature "SMTPUTF8"). The rows that need a configured UTF-8 mailbox or
// forwarding (§3.5 codes, §3.7.4.1 251/551, §3.7.4.2 VRFY of a UTF-8
// mailbox) or the delivered mail (§3.2 RFC 6533 DSNs) are not here.
var smtpUTF8Reqs = []Requirement{
	{
		ID: "RFC6531-3.1-keyword-no-params", Title: "The SMTPUTF8 keyword has no parameter.",
		RFC: 6531, Sections: []string{"3.1"},
		Quote:   `In order to permit future (although unanticipated) extensions, the EHLO response MUST NOT contain any parameters for this keyword.`,
		Keyword: "MUST NOT", Level: Must, Feature: "SMTPUTF8",
	},
	{
		ID: "RFC6531-3.1-requires-8bitmime", Title: "A server that offers SMTPUTF8 also offers 8BITMIME.",
		RFC: 6531, Sections: []string{"3.1"},
		Quote:   `Servers offering this extension MUST provide support for, and announce, the 8BITMIME extension [RFC6152].`,
		Keyword: "MUST", Level: Must, Feature: "SMTPUTF8",
	},
	{
		ID: "RFC6531-3.2-utf8-mailboxes", Title: "UTF-8 mailboxes in MAIL (with SMTPUTF8) and RCPT are not refused as syntax errors.",
		RFC: 6531, Sections: []string{"3.2"},
		Quote:   `An SMTP server that announces the SMTPUTF8 extension MUST be prepared to accept a UTF-8 string [RFC3629] in any position in which RFC 5321 specifies that a <mailbox> can appear.`,
		Keyword: "MUST", Level: Must, Feature: "SMTPUTF8",
		Also: []Cite{{6531, "3.3"}},
		Note: "Being prepared to accept the string is not accepting every mailbox: a 550 or 553 for the mailbox itself (unknown, relay, policy) is allowed; a 500 or 501 (syntax) is not.",
	},
	{
		ID: "RFC6531-3.4-param-no-value", Title: "MAIL with SMTPUTF8=value is refused: the parameter takes no value.",
		RFC: 6531, Sections: []string{"3.1", "3.4"},
		Quote: `One OPTIONAL parameter, SMTPUTF8, is added to the MAIL command. The parameter does not accept a value.` + QuoteSeparator +
			`If an SMTP server includes SMTPUTF8 in its EHLO response, it MUST be fully compliant with this version of this specification.` + QuoteSeparator +
			`If this parameter is provided, it MUST not accept a value.`,
		Keyword: "MUST", Level: Must, Feature: "SMTPUTF8",
		Also: []Cite{{5321, "4.1.1.11"}},
		Note: "The parameter is defined without a value; a server that lists SMTPUTF8 must follow the definition, so SMTPUTF8=yes is not that parameter (501 or 555).",
	},
	{
		ID: "RFC6531-3.4-utf8-without-param", Title: "A UTF-8 reverse-path in MAIL without the SMTPUTF8 parameter is refused.",
		RFC: 5321, Sections: []string{"2.4"},
		Quote:   `In the absence of a server-offered extension explicitly permitting it, a sending SMTP system is not permitted to send envelope commands in any character set other than US-ASCII. Receiving systems SHOULD reject such commands, normally using "500 syntax error - invalid character" replies.`,
		Keyword: "SHOULD", Level: Should, Feature: "SMTPUTF8",
		Also: []Cite{{6531, "3.2"}, {6531, "3.4"}, {6531, "3.5"}},
		Note: "RFC 6531 §3.4: the client MUST supply the SMTPUTF8 parameter when the envelope needs it, so without it nothing permits the UTF-8; §3.5 names 550 (X.6.7) for a MAIL that needs an ASCII address.",
	},
	{
		ID: "RFC6531-3.7.1-ehlo-ascii-names", Title: "Domain names in the EHLO reply are ASCII (LDH labels or A-labels).",
		RFC: 6531, Sections: []string{"3.7.1"},
		Quote:   `If the SMTPUTF8-aware SMTP server provides domain names in the EHLO response, they MUST be in the form of LDH labels or A-labels.`,
		Keyword: "MUST", Level: Must, Feature: "SMTPUTF8",
	},
	{
		ID: "RFC6531-3.7.4.2-vrfy-param-syntax", Title: "VRFY and EXPN take an optional SMTPUTF8 parameter.",
		RFC: 6531, Sections: []string{"3.7.4.2"},
		Quote:   `vrfy = "VRFY" SP String [ SP "SMTPUTF8" ] CRLF ; String may include Non-ASCII characters expn = "EXPN" SP String [ SP "SMTPUTF8" ] CRLF`,
		Keyword: KeywordABNF, Level: Must, Feature: "SMTPUTF8",
	},
	{
		ID: "RFC6531-3.7.4.2-no-utf8-replies", Title: "Without the SMTPUTF8 parameter, no reply holds non-ASCII octets.",
		RFC: 6531, Sections: []string{"3.7.4.2"},
		Quote:   `SMTPUTF8-aware SMTP servers MUST NOT include non-ASCII characters in replies except in the limited cases specifically permitted in this section.`,
		Keyword: "MUST NOT", Level: Must, Feature: "SMTPUTF8",
		Also: []Cite{{6531, "3.7.4.1"}},
	},
	{
		ID: "RFC6531-3.7.4.2-vrfy-without-param", Title: "VRFY or EXPN of a UTF-8 mailbox without the SMTPUTF8 parameter is answered 252 or 550 when the answer would need UTF-8.",
		RFC: 6531, Sections: []string{"3.7.4.2"},
		Quote:   `If the reply to a VRFY or EXPN command requires a UTF-8 string, but the SMTP client did not use the SMTPUTF8 parameter, then the SMTPUTF8-aware SMTP server MUST use either the reply-code 252 or 550.`,
		Keyword: "MUST", Level: Must, Feature: "SMTPUTF8",
		Note: "A positive reply (250, 251) that holds non-ASCII octets shows the UTF-8 mailbox: the answer needed UTF-8 and used another code than 252 or 550. An ASCII 250 (an alias of an ASCII mailbox) passes; an error reply that merely echoes the argument is RFC6531-3.7.4.2-no-utf8-replies' to judge, as are non-ASCII octets in any reply. Whether a 550 carries X.6.8 cannot be told from a 550 for an unknown user.",
	},
	{
		ID: "RFC6531-3.7.4.2-utf8-reply-scope", Title: "The SMTPUTF8 parameter permits UTF-8 replies for its own VRFY, EXPN or transaction only: later replies without it are ASCII.",
		RFC: 6531, Sections: []string{"3.7.4.2", "3.7.4.1"},
		Quote: `Using the SMTPUTF8 parameter with a VRFY or EXPN command enables UTF-8 replies for that command only.` + QuoteSeparator +
			`SMTPUTF8-aware SMTP servers MUST NOT include non-ASCII characters in replies except in the limited cases specifically permitted in this section.` + QuoteSeparator +
			`If a given MAIL command does not include the SMTPUTF8 parameter, the SMTPUTF8-aware SMTP server MUST NOT return a 251 or 551 response containing a non-ASCII mailbox.`,
		Keyword: "MUST NOT", Level: Must, Feature: "SMTPUTF8",
	},
	{
		ID: "RFC6531-3.3-u-label-domain", Title: "With SMTPUTF8, a mailbox whose domain is a U-label is not refused as a syntax error.",
		RFC: 6531, Sections: []string{"3.3"},
		Quote:   `sub-domain =/ U-label ; extend the definition of sub-domain in RFC 5321, Section 4.1.2`,
		Keyword: KeywordABNF, Level: Must, Feature: "SMTPUTF8",
		Note: "Refusing the mailbox itself (550, 553: an unknown or unresolvable domain) is allowed; 500, 501 or 555 says the server's grammar has no U-labels.",
	},
	{
		ID: "RFC6531-3.6-with-body-param", Title: "MAIL with both SMTPUTF8 and BODY=8BITMIME (or BODY=BINARYMIME where listed) is accepted.",
		RFC: 6531, Sections: []string{"3.6"},
		Quote:   `The SMTPUTF8 extension MAY be used as follows (assuming it is appropriate given the body content): - with the BODY=8BITMIME parameter [RFC6152], or - with the BODY=BINARYMIME parameter, if the SMTP server advertises BINARYMIME [RFC3030].`,
		Keyword: "MAY", Level: May, Feature: "SMTPUTF8",
		Note: "The MAY is the client's choice; a server that refuses the combination takes it away (WARN).",
	},
	{
		ID: "RFC6531-3.5-ascii-only-codes", Title: "A MAIL refused because its reverse-path is not ASCII (no SMTPUTF8 parameter) gets 550, such a RCPT 553, with X.6.7 when enhanced status codes are on.",
		RFC: 6531, Sections: []string{"3.5"},
		Quote: `When messages are rejected because the RCPT command requires an ASCII address, the reply-code 553 is returned with the meaning "mailbox name not allowed".` + QuoteSeparator +
			`When messages are rejected because the MAIL command requires an ASCII address, the reply-code 550 is returned with the meaning "mailbox unavailable".` + QuoteSeparator +
			`When the SMTPUTF8-aware SMTP server supports enhanced mail system status codes [RFC3463], reply-code "X.6.7" [RFC5248] (see Section 4) is used, meaning "Non-ASCII addresses not permitted for that sender/recipient".`,
		Keyword: KeywordDefined, Level: Defined, Feature: "SMTPUTF8",
		Also: []Cite{{6531, "3.4"}},
		Note: "\"is returned\", \"is used\": no keyword, so another code is a WARN. A RCPT refusal of a UTF-8 recipient is judged only when it says why: a 553, or an X.6.7 code; any other refusal (550 5.1.1) may be \"for other reasons\". The 554 X.6.9 after the data needs a recipient that refuses UTF-8 headers (CFG). A MAIL taken without the parameter is RFC6531-3.4-utf8-without-param's to judge; NOT APPLICABLE when neither command was refused for want of the parameter.",
	},
	{
		ID: "RFC6531-3.2-relaying-unchanged", Title: "A server that refuses to relay to a foreign domain refuses a UTF-8 recipient in that domain too.",
		RFC: 6531, Sections: []string{"3.2"},
		Quote:   `The presence of the SMTPUTF8 extension does not change the server-relaying behaviors described in RFC 5321.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "SMTPUTF8",
		Also: []Cite{{5321, "7.9"}},
		Note: "A statement without a keyword (WARN): a UTF-8 local part in a domain the server refuses to relay to is accepted when its relay check does not see it. NOT APPLICABLE when the server takes the ASCII foreign recipient from this client.",
	},
}

func init() { register(smtpUTF8Reqs) }
