package catalog

// chunking is the catalogue of RFC 3030: CHUNKING (the BDAT verb, §2) and
// BINARYMIME (§3), with the BDAT framing rows of the security area
// (SEC-SMUG-BDAT-BOUNDARY, SEC-BDAT-DESYNC).
var chunking = []Requirement{
	{
		ID: "RFC3030-2-data-still-supported", Title: "A server that offers CHUNKING still takes a message through DATA.",
		RFC: 3030, Sections: []string{"2"},
		Quote:   `Servers that offer the BDAT extension MUST continue to support the regular SMTP DATA command.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
	},
	{
		ID: "RFC3030-2-bdat-chunk-250", Title: "Each successful BDAT chunk gets 250, sent once exactly chunk-size octets were read.",
		RFC: 3030, Sections: []string{"2"},
		Quote: `Once the receiver-SMTP receives the specified number of octets, it will return a 250 reply code.` + QuoteSeparator +
			`A 250 response MUST be sent to each successful BDAT data block within a mail transaction.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
	},
	{
		ID: "RFC3030-2-bdat-zero-last", Title: "BDAT 0 LAST after earlier chunks ends the message and gets 250.",
		RFC: 3030, Sections: []string{"2"},
		Quote: `The last BDAT command MAY have a byte-count of zero indicating there is no additional data to be sent.` + QuoteSeparator +
			`A 250 response MUST be sent to each successful BDAT data block within a mail transaction.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
		Note: "The MAY is the client's choice of an empty last chunk; the server's MUST is the 250 for each successful chunk, the empty one included.",
	},
	{
		ID: "RFC3030-2-bdat-after-last-503", Title: "A BDAT after BDAT LAST, with no new MAIL, gets 503 and its chunk is still read.",
		RFC: 3030, Sections: []string{"2"},
		Quote: `Any BDAT command sent after the BDAT LAST is illegal and MUST be replied to with a 503 "Bad sequence of commands" reply code.` + QuoteSeparator +
			`If a failure occurs after a BDAT command is received, the receiver-SMTP MUST accept and discard the associated message data before sending the appropriate 5XX or 4XX code.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
	},
	{
		ID: "RFC3030-2-failed-bdat-consumes-chunk", Title: "A refused BDAT (no transaction) reads and discards its chunk: the octets are never run as commands.",
		RFC: 3030, Sections: []string{"2"},
		Quote:   `If a failure occurs after a BDAT command is received, the receiver-SMTP MUST accept and discard the associated message data before sending the appropriate 5XX or 4XX code.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
	},
	{
		ID: "RFC3030-2-pipelined-chunks-discarded", Title: "With PIPELINING, chunks already in the pipeline after a failed BDAT are read and discarded.",
		RFC: 3030, Sections: []string{"2"},
		Quote:   `If the receiver-SMTP has declared support for command pipelining [PIPE], the receiver SMTP MUST be prepared to accept and discard additional BDAT chunks already in the pipeline after the failed BDAT.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
		Also: []Cite{{2920, "3.2"}},
	},
	{
		ID: "RFC3030-2-data-after-bdat-503", Title: "DATA in a transaction that already used BDAT gets 503.",
		RFC: 3030, Sections: []string{"2"},
		Quote:   `If a DATA statement is issued after a BDAT for the current transaction, a 503 "Bad sequence of commands" MUST be issued.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
	},
	{
		ID: "RFC3030-2-rset-discards-chunks", Title: "RSET between chunks clears the transaction: the next transaction may use DATA.",
		RFC: 3030, Sections: []string{"2"},
		Quote:   `The RSET command, when issued after the first BDAT and before the BDAT LAST, clears all segments sent during that transaction and resets the session.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "CHUNKING",
		Note: "The sentence describes what RSET does without a keyword. On the wire: after RSET a new transaction that sends DATA must not be refused as mixing DATA with the earlier BDAT (the SINK half, that the first message is not delivered, is not checked).",
	},
	{
		ID: "RFC3030-2-bdat-syntax", Title: "A BDAT whose chunk size is missing or not decimal digits is refused (501), and the session goes on.",
		RFC: 3030, Sections: []string{"2"},
		Quote:   `bdat-cmd ::= "BDAT" SP chunk-size [ SP end-marker ] CR LF chunk-size ::= 1*DIGIT end-marker ::= "LAST"`,
		Keyword: KeywordABNF, Level: Must, Feature: "CHUNKING",
		Also: []Cite{{5321, "4.2.4"}},
	},
	{
		ID: "RFC3030-2-parser-arbitrary-octets", Title: "A command line of arbitrary octets (NUL, 8-bit) is refused with a reply, and the session goes on.",
		RFC: 3030, Sections: []string{"2"},
		Quote:   `Note that the remainder of the message data may be binary and as such lexicographical parsers MUST be prepared to receive, process, and reject lines of arbitrary octets.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
		Also: []Cite{{5321, "4.1.2"}},
		Note: "The rule comes with CHUNKING (a mis-sized chunk leaves binary octets where a command is expected), so the spec runs where CHUNKING is listed.",
	},
	{
		ID: "RFC3030-3-binarymime-needs-chunking", Title: "BINARYMIME is listed in EHLO only together with CHUNKING.",
		RFC: 3030, Sections: []string{"3"},
		Quote:   `The BINARYMIME service extension can only be used with the "CHUNKING" service extension.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "BINARYMIME",
		Note: "A framework statement without a keyword: a server listing BINARYMIME without CHUNKING offers a body type no command can carry (WARN).",
	},
	{
		ID: "RFC3030-3-binarymime-data-503", Title: "DATA after MAIL ... BODY=BINARYMIME gets 503.",
		RFC: 3030, Sections: []string{"3"},
		Quote:   `If a DATA command is issued after a MAIL command containing the body-value of "BINARYMIME", a 503 "Bad sequence of commands" response MUST be sent.`,
		Keyword: "MUST", Level: Must, Feature: "BINARYMIME",
	},
	{
		ID: "RFC3030-3-binary-cte-without-binarymime", Title: "A message labelled Content-Transfer-Encoding: binary, sent without BODY=BINARYMIME, is still accepted.",
		RFC: 3030, Sections: []string{"3"},
		Quote:   `If the MIME message contains a "Binary" content-transfer-encoding and the BODY parameter does not indicate BINARYMIME, the message MUST be accepted.`,
		Keyword: "MUST", Level: Must, Feature: "BINARYMIME",
		Note: "The rule of the BINARYMIME framework: the spec runs where BINARYMIME is listed. The SHOULD that follows (return the message with a DSN) needs SINK and is not checked.",
	},
	{
		ID: "SEC-SMUG-BDAT-BOUNDARY", Title: "Inside a BDAT chunk, <CRLF>.<CRLF> and command lines are data: only the octet count ends the chunk.",
		RFC: 3030, Sections: []string{"2"},
		Quote: `The BDAT command takes one required argument, the exact length of the data segment in octets.` + QuoteSeparator +
			`A 250 response MUST be sent to each successful BDAT data block within a mail transaction.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
		Also: []Cite{{5321, "4.1.1.4"}},
		Note: "SMTP smuggling through BDAT: a chunk holding an end-of-data look-alike and a second transaction is one message; a reply to any smuggled command breaks the framing.",
	},
	{
		ID: "SEC-BDAT-DESYNC", Title: "A BDAT refused for want of an accepted recipient still has its chunk read: no payload octet is run as a command.",
		RFC: 3030, Sections: []string{"2"},
		Quote:   `If a failure occurs after a BDAT command is received, the receiver-SMTP MUST accept and discard the associated message data before sending the appropriate 5XX or 4XX code.`,
		Keyword: "MUST", Level: Must, Feature: "CHUNKING",
	},
	{
		ID: "RFC3030-3-binarymime-body-value", Title: "A server listing BINARYMIME accepts MAIL with BODY=BINARYMIME.",
		RFC: 3030, Sections: []string{"3"},
		Quote:   `body-value ::= "7BIT" / "8BITMIME" / "BINARYMIME"`,
		Keyword: KeywordABNF, Level: Must, Feature: "BINARYMIME",
		Note: "BINARYMIME is a value of the BODY parameter of the extended MAIL of a server that lists the keyword: refusing it as a syntax error (501), an unknown parameter (555) or an unimplemented one (504) is a FAIL.",
	},
	{
		ID: "RFC3030-3-binarymime-binary-content", Title: "Under BODY=BINARYMIME, a BDAT message holding NUL, lone CR and LF and octets above 127 is accepted.",
		RFC: 3030, Sections: []string{"3"},
		Quote:   `When the receiver-SMTP accepts a MAIL command with the BINARYMIME body-value, it agrees to preserve all bits in each octet passed using the BDAT command.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "BINARYMIME",
		Note: "\"agrees to preserve\": no keyword. A server that took MAIL ... BODY=BINARYMIME and then refuses the binary octets of its chunks does not keep that agreement (WARN). Whether the octets are delivered intact (RFC3030-3-binarymime-preserves-octets, MUST) needs the delivered copy (SINK).",
	},
	{
		ID: "RFC3030-2-bdat-any-body", Title: "BDAT carries a message declared BODY=7BIT or BODY=8BITMIME, not only a binary one.",
		RFC: 3030, Sections: []string{"2"},
		Quote:   `This extension can be used for any message, whether 7-bit, 8BITMIME or BINARYMIME.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "CHUNKING",
		Also: []Cite{{6152, "3"}},
		Note: "A statement without a keyword: a server that refuses the chunks of a 7BIT or 8BITMIME message gets a WARN. NOT APPLICABLE when 8BITMIME (whose parameter BODY is) is not listed.",
	},
}

func init() { register(chunking) }
