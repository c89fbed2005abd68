package catalog

// core is the catalogue of RFC 5321 itself (feature "core"), in the order of
// the suite's areas: sequencing, limits, smuggling, RSET/NOOP/QUIT,
// connection, EHLO/HELO, reply syntax and the reply validator, MAIL,
// VRFY/EXPN/HELP, DATA, TURN and friends, RCPT, robustness.
var core = []Requirement{
	// Sequencing (RFC 5321 §3.3, §4.1.4).
	{
		ID: "RFC5321-4.1.4-rcpt-before-ehlo", Title: "RCPT on a fresh connection, before EHLO and MAIL, gets 503.",
		RFC: 5321, Sections: []string{"3.3"},
		Quote:   `If a RCPT command appears without a previous MAIL command, the server MUST return a 503 "Bad sequence of commands" response.`,
		Keyword: "MUST", Level: Must, Feature: "core",
		Also: []Cite{{5321, "4.1.4"}},
	},
	{
		ID: "RFC5321-4.1.4-data-before-ehlo", Title: "DATA on a fresh connection, before EHLO and MAIL, gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.4", "3.3"},
		Quote: `If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.` + QuoteSeparator +
			`If there was no MAIL, or no RCPT, command, or all such commands were rejected, the server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in response to the DATA command.`,
		Keyword: "MUST", Level: Must, Feature: "core",
		Also: []Cite{{5321, "4.3.2"}},
		Note: "DATA with no MAIL is out of order (§4.1.4: MUST refuse, with 503); §3.3 lets 554 stand in for the 503.",
	},
	{
		ID: "RFC5321-3.3-data-without-mail", Title: "DATA after EHLO with no MAIL gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.4", "3.3"},
		Quote: `If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.` + QuoteSeparator +
			`If there was no MAIL, or no RCPT, command, or all such commands were rejected, the server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in response to the DATA command.`,
		Keyword: "MUST", Level: Must, Feature: "core",
		Also: []Cite{{5321, "4.3.2"}},
		Note: "DATA with no MAIL is out of order (§4.1.4: MUST refuse, with 503); the §3.3 MAY is the choice between 503 and 554.",
	},
	{
		ID: "RFC5321-4.1.4-data-before-rcpt", Title: "DATA right after an accepted MAIL, with no RCPT, gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.4", "3.3"},
		Quote: `If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.` + QuoteSeparator +
			`If there was no MAIL, or no RCPT, command, or all such commands were rejected, the server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in response to the DATA command.`,
		Keyword: "MUST", Level: Must, Feature: "core",
		Also: []Cite{{5321, "4.3.2"}},
		Note: "MAIL, then DATA with no RCPT, is out of order (§4.1.4: MUST refuse, with 503); §3.3 lets 554 stand in for the 503.",
	},
	{
		ID: "RFC5321-3.3-data-without-valid-rcpt", Title: "DATA after a MAIL whose only RCPT was refused gets 503 or 554.",
		RFC: 5321, Sections: []string{"3.3"},
		Quote:   `If there was no MAIL, or no RCPT, command, or all such commands were rejected, the server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in response to the DATA command.`,
		Keyword: "MAY", Level: May, Feature: "core",
		Also: []Cite{{5321, "4.3.2"}, {2920, "3.2"}},
		Note: "MAIL, a refused RCPT, then DATA is in order, so the §4.1.4 MUST does not apply; RFC 5321 only allows 503 or 554. " +
			"With PIPELINING offered, RFC 2920 §3.2 (3) adds: the server \"SHOULD issue a positive response to the DATA command if and only if one or more valid RCPT TO addresses have been previously received\".",
	},
	{
		ID: "RFC5321-4.1.4-mail-after-rcpt", Title: "MAIL after an accepted RCPT, in the open transaction, gets 503.",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote: `MAIL (or SEND, SOML, or SAML) MUST NOT be sent if a mail transaction is already open, i.e., it should be sent only if no mail transaction had been started in the session, or if the previous one successfully concluded with a successful DATA command, or if the previous one was aborted, e.g., with a RSET or new EHLO.` + QuoteSeparator +
			`If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.`,
		Keyword: "MUST", Level: Must, Feature: "core",
		Also: []Cite{{5321, "3.3"}},
		Note: "The MUST NOT binds the client; the server's MUST is the 503 for a command out of order.",
	},
	{
		ID: "RFC5321-4.1.4-data-after-message", Title: "DATA right after the 250 for a message gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.1.4", "4.1.4"},
		Quote: `This processing consumes the information in the reverse-path buffer, the forward-path buffer, and the mail data buffer, and on the completion of this command these buffers are cleared.` + QuoteSeparator +
			`If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.`,
		Keyword: "MUST", Level: Must, Feature: "core",
		Also: []Cite{{5321, "3.3"}},
	},
	{
		ID: "RFC5321-4.1.4-transaction-order", Title: "After a RCPT refused with 503 for coming before MAIL, MAIL and RCPT still succeed.",
		RFC: 5321, Sections: []string{"4.1.4", "3.3"},
		Quote: `If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.` + QuoteSeparator +
			`If a RCPT command appears without a previous MAIL command, the server MUST return a 503 "Bad sequence of commands" response.`,
		Keyword: "MUST", Level: Must, Feature: "core",
	},

	// Limits (RFC 5321 §4.5.3.1).
	{
		ID: "RFC5321-4.5.3.1.4-command-512", Title: "A command line of 512 octets, verb and CRLF included, is accepted.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.4"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes.` + QuoteSeparator +
			`The maximum total length of a command line including the command word and the <CRLF> is 512 octets.`,
		Keyword: "MUST", Level: Must, Feature: "core",
		Also: []Cite{{5321, "4.3.2"}},
	},
	{
		ID: "RFC5321-4.5.3.1.9-overlong-command", Title: "A command line of 4000 octets gets one reply: 250, or 500 line too long.",
		RFC: 5321, Sections: []string{"2.3.8", "4.5.3.1.9"},
		Quote: `Limits MAY be imposed on line lengths by servers (see Section 4).` + QuoteSeparator +
			`Errors due to exceeding these limits may be reported by using the reply codes. Some examples of reply codes are: 500 Line too long.`,
		Keyword: "MAY", Level: May, Feature: "core",
		Also: []Cite{{5321, "4.3.2"}},
		Note: "The code (250, or 500 for a line over the server's limit) is the MAY; that the long line is one command with one reply is SEC-OVERLONG-LINE-NO-SPLIT.",
	},
	{
		ID: "RFC5321-4.5.3.1.1-local-part-64", Title: "A 64-octet local part is received without a length or syntax error.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.1"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes.` + QuoteSeparator +
			`The maximum total length of a user name or other local-part is 64 octets.`,
		Keyword: "MUST", Level: Must, Feature: "core",
	},
	{
		ID: "RFC5321-4.5.3.1.2-domain-255", Title: "A reverse-path with a 253-octet domain is received without a length or syntax error.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.2"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes.` + QuoteSeparator +
			`The maximum total length of a domain name or number is 255 octets.`,
		Keyword: "MUST", Level: Must, Feature: "core",
	},
	{
		ID: "RFC5321-4.5.3.1.3-path-256", Title: "A 256-octet reverse-path is received without a length or syntax error.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.3"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes.` + QuoteSeparator +
			`The maximum total length of a reverse-path or forward-path is 256 octets (including the punctuation and element separators).`,
		Keyword: "MUST", Level: Must, Feature: "core",
	},
	{
		ID: "RFC5321-4.5.3.1.8-100-recipients", Title: "100 recipients in one transaction are all accepted.",
		RFC: 5321, Sections: []string{"4.5.3.1.8"},
		Quote:   `The minimum total number of recipients that MUST be buffered is 100 recipients. Rejection of messages (for excessive recipients) with fewer than 100 RCPT commands is a violation of this specification.`,
		Keyword: "MUST", Level: Must, Feature: "core",
	},
	{
		ID: "RFC5321-4.5.3.1.10-too-many-452", Title: "A recipient over the server's limit gets 452.",
		RFC: 5321, Sections: []string{"4.5.3.1.10"},
		Quote:   `If an SMTP server has an implementation limit on the number of RCPT commands and this limit is exhausted, it MUST use a response code of 452 (but the client SHOULD also be prepared for a 552, as noted above). If the server has a configured site-policy limitation on the number of RCPT commands, it MAY instead use a 5yz response code.`,
		Keyword: "MUST", Level: Must, Feature: "core",
		Also: []Cite{{5321, "4.5.3.1.8"}},
	},
}
