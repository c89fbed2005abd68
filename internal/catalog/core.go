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
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.4"}},
	},
	{
		ID: "RFC5321-4.1.4-data-before-ehlo", Title: "DATA on a fresh connection, before EHLO and MAIL, gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.4", "3.3"},
		Quote: `If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.` + QuoteSeparator +
			`If there was no MAIL, or no RCPT, command, or all such commands were rejected, the server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in response to the DATA command.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "DATA with no MAIL is out of order (§4.1.4: MUST refuse, with 503); §3.3 lets 554 stand in for the 503.",
	},
	{
		ID: "RFC5321-3.3-data-without-mail", Title: "DATA after EHLO with no MAIL gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.4", "3.3"},
		Quote: `If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.` + QuoteSeparator +
			`If there was no MAIL, or no RCPT, command, or all such commands were rejected, the server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in response to the DATA command.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "DATA with no MAIL is out of order (§4.1.4: MUST refuse, with 503); the §3.3 MAY is the choice between 503 and 554.",
	},
	{
		ID: "RFC5321-4.1.4-data-before-rcpt", Title: "DATA right after an accepted MAIL, with no RCPT, gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.4", "3.3"},
		Quote: `If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.` + QuoteSeparator +
			`If there was no MAIL, or no RCPT, command, or all such commands were rejected, the server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in response to the DATA command.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "MAIL, then DATA with no RCPT, is out of order (§4.1.4: MUST refuse, with 503); §3.3 lets 554 stand in for the 503.",
	},
	{
		ID: "RFC5321-3.3-data-without-valid-rcpt", Title: "DATA after a MAIL whose only RCPT was refused gets 503 or 554.",
		RFC: 5321, Sections: []string{"3.3"},
		Quote:   `If there was no MAIL, or no RCPT, command, or all such commands were rejected, the server MAY return a "command out of sequence" (503) or "no valid recipients" (554) reply in response to the DATA command.`,
		Keyword: "MAY", Level: May, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}, {2920, "3.2"}},
		Note: "MAIL, a refused RCPT, then DATA is in order, so the §4.1.4 MUST does not apply; RFC 5321 only allows 503 or 554. " +
			"With PIPELINING offered, RFC 2920 §3.2 (3) adds: the server \"SHOULD issue a positive response to the DATA command if and only if one or more valid RCPT TO addresses have been previously received\".",
	},
	{
		ID: "RFC5321-4.1.4-mail-after-rcpt", Title: "MAIL after an accepted RCPT, in the open transaction, gets 503.",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote: `MAIL (or SEND, SOML, or SAML) MUST NOT be sent if a mail transaction is already open, i.e., it should be sent only if no mail transaction had been started in the session, or if the previous one successfully concluded with a successful DATA command, or if the previous one was aborted, e.g., with a RSET or new EHLO.` + QuoteSeparator +
			`If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "3.3"}},
		Note: "The MUST NOT binds the client; the server's MUST is the 503 for a command out of order.",
	},
	{
		ID: "RFC5321-4.1.4-data-after-message", Title: "DATA right after the 250 for a message gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.1.4", "4.1.4"},
		Quote: `This processing consumes the information in the reverse-path buffer, the forward-path buffer, and the mail data buffer, and on the completion of this command these buffers are cleared.` + QuoteSeparator +
			`If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "3.3"}},
	},
	{
		ID: "RFC5321-4.1.4-transaction-order", Title: "After a RCPT refused with 503 for coming before MAIL, MAIL and RCPT still succeed.",
		RFC: 5321, Sections: []string{"4.1.4", "3.3"},
		Quote: `If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.` + QuoteSeparator +
			`If a RCPT command appears without a previous MAIL command, the server MUST return a 503 "Bad sequence of commands" response.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},

	// Limits (RFC 5321 §4.5.3.1).
	{
		ID: "RFC5321-4.5.3.1.4-command-512", Title: "A command line of 512 octets, verb and CRLF included, is accepted.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.4"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes.` + QuoteSeparator +
			`The maximum total length of a command line including the command word and the <CRLF> is 512 octets.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
	},
	{
		ID: "RFC5321-4.5.3.1.9-overlong-command", Title: "A command line of 4000 octets gets one reply: 250, or 500 line too long.",
		RFC: 5321, Sections: []string{"2.3.8", "4.5.3.1.9"},
		Quote: `Limits MAY be imposed on line lengths by servers (see Section 4).` + QuoteSeparator +
			`Errors due to exceeding these limits may be reported by using the reply codes. Some examples of reply codes are: 500 Line too long.`,
		Keyword: "MAY", Level: May, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "The code (250, or 500 for a line over the server's limit) is the MAY; that the long line is one command with one reply is SEC-OVERLONG-LINE-NO-SPLIT.",
	},
	{
		ID: "RFC5321-4.5.3.1.1-local-part-64", Title: "A 64-octet local part is received without a length or syntax error.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.1"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes.` + QuoteSeparator +
			`The maximum total length of a user name or other local-part is 64 octets.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.5.3.1.2-domain-255", Title: "A reverse-path with a 253-octet domain is received without a length or syntax error.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.2"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes.` + QuoteSeparator +
			`The maximum total length of a domain name or number is 255 octets.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.5.3.1.3-path-256", Title: "A 256-octet reverse-path is received without a length or syntax error.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.3"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes.` + QuoteSeparator +
			`The maximum total length of a reverse-path or forward-path is 256 octets (including the punctuation and element separators).`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.5.3.1.8-100-recipients", Title: "100 recipients in one transaction are all accepted.",
		RFC: 5321, Sections: []string{"4.5.3.1.8"},
		Quote:   `The minimum total number of recipients that MUST be buffered is 100 recipients. Rejection of messages (for excessive recipients) with fewer than 100 RCPT commands is a violation of this specification.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.5.3.1.10-too-many-452", Title: "A recipient over the server's limit gets 452.",
		RFC: 5321, Sections: []string{"4.5.3.1.10"},
		Quote:   `If an SMTP server has an implementation limit on the number of RCPT commands and this limit is exhausted, it MUST use a response code of 452 (but the client SHOULD also be prepared for a 552, as noted above). If the server has a configured site-policy limitation on the number of RCPT commands, it MAY instead use a 5yz response code.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.5.3.1.8"}},
	},

	// SMTP smuggling (RFC 5321 §2.3.8, §4.1.1.4).
	{
		ID: "SEC-SMUG-LF-DOT-LF", Title: "<LF>.<LF> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
		RFC: 5321, Sections: []string{"4.1.1.4"},
		Quote:   `In particular, the sequence "<LF>.<LF>" (bare line feeds, without carriage returns) MUST NOT be treated as equivalent to <CRLF>.<CRLF> as the end of mail data indication.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "2.3.8"}},
	},
	{
		ID: "SEC-SMUG-LF-DOT-CRLF", Title: "<LF>.<CRLF> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
		RFC: 5321, Sections: []string{"2.3.8", "4.1.1.4"},
		Quote: `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator.` + QuoteSeparator +
			`The custom of accepting lines ending only in <LF>, as a concession to non-conforming behavior on the part of some UNIX systems, has proven to cause more interoperability problems than it solves, and SMTP server systems MUST NOT do this, even in the name of improved robustness.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "SEC-SMUG-CRLF-DOT-LF", Title: "<CRLF>.<LF> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
		RFC: 5321, Sections: []string{"2.3.8", "4.1.1.4"},
		Quote: `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator.` + QuoteSeparator +
			`The custom of accepting lines ending only in <LF>, as a concession to non-conforming behavior on the part of some UNIX systems, has proven to cause more interoperability problems than it solves, and SMTP server systems MUST NOT do this, even in the name of improved robustness.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "SEC-SMUG-CR-DOT-CR", Title: "<CR>.<CR> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
		RFC: 5321, Sections: []string{"2.3.8", "4.1.1.4"},
		Quote: `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator.` + QuoteSeparator +
			`The mail data are terminated by a line containing only a period, that is, the character sequence "<CRLF>.<CRLF>", where the first <CRLF> is actually the terminator of the previous line (see Section 4.5.2).`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "SEC-SMUG-CR-DOT-CRLF", Title: "<CR>.<CRLF> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
		RFC: 5321, Sections: []string{"2.3.8", "4.1.1.4"},
		Quote: `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator.` + QuoteSeparator +
			`The mail data are terminated by a line containing only a period, that is, the character sequence "<CRLF>.<CRLF>", where the first <CRLF> is actually the terminator of the previous line (see Section 4.5.2).`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "SEC-SMUG-CRLF-DOT-CR", Title: "<CRLF>.<CR> not followed by LF does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
		RFC: 5321, Sections: []string{"2.3.8", "4.1.1.4"},
		Quote: `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator.` + QuoteSeparator +
			`The mail data are terminated by a line containing only a period, that is, the character sequence "<CRLF>.<CRLF>", where the first <CRLF> is actually the terminator of the previous line (see Section 4.5.2).`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "SEC-HUGE-DATA-LINE", Title: "A 1 MiB data line without CRLF is taken or refused with exactly one reply.",
		RFC: 5321, Sections: []string{"2.3.8", "4.1.1.4"},
		Quote: `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator. Limits MAY be imposed on line lengths by servers (see Section 4).` + QuoteSeparator +
			`If the processing is successful, the receiver MUST send an OK reply. If the processing fails, the receiver MUST send a failure reply.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.2"}, {5321, "4.5.3.1.6"}, {5321, "4.5.3.1.9"}},
		Note: "The MAY lets the server refuse the line (any 4yz or 5yz); what the spec judges is that the line is not cut into pieces read as commands (§2.3.8) " +
			"and that the message gets its one reply (§4.1.1.4; §4.2: \"Every command MUST generate exactly one reply\").",
	},

	// RSET (RFC 5321 §4.1.1.5).
	{
		ID: "RFC5321-4.1.1.5-rset-250", Title: "RSET gets 250 during a transaction, after a finished message and after EHLO.",
		RFC: 5321, Sections: []string{"4.1.1.5"},
		Quote:   `The receiver MUST send a "250 OK" reply to a RSET command with no arguments.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
	},
	{
		ID: "RFC5321-4.1.1.5-rset-discards", Title: "RSET discards the sender and recipients: RCPT and DATA after it are out of sequence.",
		RFC: 5321, Sections: []string{"4.1.1.5", "3.3"},
		Quote: `Any stored sender, recipients, and mail data MUST be discarded, and all buffers and state tables cleared.` + QuoteSeparator +
			`If a RCPT command appears without a previous MAIL command, the server MUST return a 503 "Bad sequence of commands" response.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.5-rset-no-close", Title: "RSET, even 25 times in a row, never makes the server close the connection.",
		RFC: 5321, Sections: []string{"4.1.1.5"},
		Quote:   `An SMTP server MUST NOT close the connection as the result of receiving a RSET; that action is reserved for QUIT (see Section 4.1.1.10).`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "3.8"}},
	},
	{
		ID: "RFC5321-4.1.1.5-rset-keeps-greeting", Title: "After RSET the EHLO identity still holds, so MAIL is accepted without a new EHLO.",
		RFC: 5321, Sections: []string{"4.1.1.5"},
		Quote:   `It is effectively equivalent to a NOOP (i.e., it has no effect) if issued immediately after EHLO, before EHLO is issued in the session, after an end of data indicator has been sent and acknowledged, or immediately before a QUIT.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.4"}},
		Note: "RFC 5321 says what RSET does after EHLO (nothing) without a keyword; no sentence obliges the server to keep the EHLO across RSET.",
	},
	{
		ID: "RFC5321-4.1.4-rset-before-ehlo", Title: "RSET before any EHLO gets 250, not 503.",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote:   `The NOOP, HELP, EXPN, VRFY, and RSET commands can be used at any time during a session, or without previously initializing a session. SMTP servers SHOULD process these normally (that is, not return a 503 code) even if no EHLO command has yet been received; clients SHOULD open a session with EHLO before sending these commands.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.5"}},
	},
	{
		ID: "RFC5321-4.1.1-rset-args-501", Title: "RSET takes no argument, so RSET with one gets 501.",
		RFC: 5321, Sections: []string{"4.1.1"},
		Quote:   `Several commands (RSET, DATA, QUIT) are specified as not permitting parameters. In the absence of specific extensions offered by the server and accepted by the client, clients MUST NOT send such parameters and servers SHOULD reject commands containing them as having invalid syntax.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "The MUST NOT binds the client. §4.3.2 adds that these commands \"SHOULD return a 501 message if arguments are supplied\".",
	},

	// NOOP (RFC 5321 §4.1.1.9).
	{
		ID: "RFC5321-4.1.1.9-noop-250", Title: "NOOP gets 250 after EHLO, with recipients, after a finished message and after MAIL.",
		RFC: 5321, Sections: []string{"4.1.1.9", "4.3.1", "4.3.2"},
		Quote: `It specifies no action other than that the receiver send a "250 OK" reply.` + QuoteSeparator +
			`The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`NOOP S: 250`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Note: "§4.1.1.9 states the 250 without a keyword (unlike RSET and QUIT, whose replies are MUSTs); the keyword is the §4.3.1 one for the reply table, where NOOP has 250 only.",
	},
	{
		ID: "RFC5321-4.1.1.9-noop-arg-ignored", Title: "NOOP with an argument still gets 250: the argument is ignored.",
		RFC: 5321, Sections: []string{"4.1.1.9"},
		Quote:   `If a parameter string is specified, servers SHOULD ignore it.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.9-noop-no-state-change", Title: "NOOP leaves the transaction alone: RCPT and DATA after MAIL and NOOP go on normally.",
		RFC: 5321, Sections: []string{"4.1.1.9"},
		Quote:   `This command does not affect any parameters or previously entered commands.` + QuoteSeparator + `This command has no effect on the reverse-path buffer, the forward-path buffer, or the mail data buffer, and it may be issued at any time.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Note: "RFC 5321 describes NOOP's lack of effect without a keyword.",
	},
	{
		ID: "RFC5321-4.1.4-noop-before-ehlo", Title: "NOOP before any EHLO gets 250, not 503.",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote:   `The NOOP, HELP, EXPN, VRFY, and RSET commands can be used at any time during a session, or without previously initializing a session. SMTP servers SHOULD process these normally (that is, not return a 503 code) even if no EHLO command has yet been received; clients SHOULD open a session with EHLO before sending these commands.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},

	// QUIT (RFC 5321 §4.1.1.10).
	{
		ID: "RFC5321-4.1.1.10-quit-221-close", Title: "QUIT gets 221, and then the server closes the connection.",
		RFC: 5321, Sections: []string{"4.1.1.10"},
		Quote:   `This command specifies that the receiver MUST send a "221 OK" reply, and then close the transmission channel.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "3.8"}},
	},
	{
		ID: "RFC5321-4.1.1.10-quit-any-time", Title: "QUIT gets 221 before any EHLO and inside an open mail transaction.",
		RFC: 5321, Sections: []string{"4.1.1.10"},
		Quote: `This command specifies that the receiver MUST send a "221 OK" reply, and then close the transmission channel.` + QuoteSeparator +
			`The QUIT command may be issued at any time. Any current uncompleted mail transaction will be aborted.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.4"}},
		Note: "The 221 is a MUST with no condition on the state; \"may be issued at any time\" (descriptive) makes a QUIT before EHLO or inside a transaction a valid QUIT, so the MUST applies there too.",
	},
	{
		ID: "RFC5321-4.1.1-quit-args-501", Title: "QUIT takes no argument, so QUIT with one gets 501 and the session goes on.",
		RFC: 5321, Sections: []string{"4.1.1"},
		Quote:   `Several commands (RSET, DATA, QUIT) are specified as not permitting parameters. In the absence of specific extensions offered by the server and accepted by the client, clients MUST NOT send such parameters and servers SHOULD reject commands containing them as having invalid syntax.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "The MUST NOT binds the client.",
	},
	{
		ID: "RFC5321-4.2-221-domain", Title: "The text of the 221 reply to QUIT starts with the server's domain.",
		RFC: 5321, Sections: []string{"4.2", "4.2.2"},
		Quote: `In particular, the 220, 221, 251, 421, and 551 reply codes are associated with message text that must be parsed and interpreted by machines.` + QuoteSeparator +
			`An SMTP server SHOULD use the text shown in the examples whenever appropriate.` + QuoteSeparator +
			`221 <domain> Service closing transmission channel`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Note: "The lower-case \"must\" of §4.2 is not a keyword (RFC 5321 is an RFC 2119 document); the SHOULD is to use the texts of the examples, here \"221 <domain> ...\".",
	},

	// Connection (RFC 5321 §3.1, §3.8, §4.2, §4.5.4.2).
	{
		ID: "RFC5321-3.1-greeting-code", Title: "The opening reply of a connection is 220, 554, 521 or 421.",
		RFC: 5321, Sections: []string{"3.1", "4.3.1", "4.3.2"},
		Quote: `The SMTP protocol allows a server to formally reject a mail session while still allowing the initial connection as follows: a 554 response MAY be given in the initial connection opening message instead of the 220.` + QuoteSeparator +
			`The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`CONNECTION ESTABLISHMENT S: 220 E: 554`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.2"}, {5321, "3.8"}, {7504, "3"}, {7504, "5.1"}},
		Note: "No sentence puts a MUST on the code of the opening reply: §4.3.2 lists 220 and 554 under the §4.3.1 SHOULD, RFC 7504 §5.1 adds 521, and §3.8 allows 421 at any time.",
	},
	{
		ID: "RFC5321-4.2-greeting-domain", Title: "The 220 greeting starts with the server's domain or address literal.",
		RFC: 5321, Sections: []string{"4.2"},
		Quote:   `Greeting = ( "220 " (Domain / address-literal) [ SP textstring ] CRLF ) / ( "220-" (Domain / address-literal) [ SP textstring ] CRLF *( "220-" [ textstring ] CRLF ) "220" [ SP textstring ] CRLF )`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.1"}, {5321, "2.3.5"}},
	},
	{
		ID: "RFC5321-3.1-554-waits-quit", Title: "After a 554 greeting the server keeps the connection open until QUIT, and answers QUIT with 221.",
		RFC: 5321, Sections: []string{"3.1"},
		Quote:   `A server taking this approach MUST still wait for the client to send a QUIT (see Section 4.1.1.10) before closing the connection and SHOULD respond to any intervening commands with "503 bad sequence of commands".`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.10"}},
	},
	{
		ID: "RFC5321-3.1-554-then-503", Title: "After a 554 greeting, commands other than QUIT get 503.",
		RFC: 5321, Sections: []string{"3.1"},
		Quote:   `A server taking this approach MUST still wait for the client to send a QUIT (see Section 4.1.1.10) before closing the connection and SHOULD respond to any intervening commands with "503 bad sequence of commands".`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-3.8-no-arbitrary-close", Title: "The server does not close the connection except after QUIT, after a 421, or on a timeout.",
		RFC: 5321, Sections: []string{"3.8"},
		Quote: `An SMTP server MUST NOT intentionally close the connection under normal operational circumstances (see Section 7.8) except: o After receiving a QUIT command and responding with a 221 reply. o After detecting the need to shut down the SMTP service and returning a 421 response code.` + QuoteSeparator +
			`o After a timeout, as specified in Section 4.5.3.2, occurs waiting for the client to send a command or data. In particular, a server that closes connections in response to commands that are not understood is in violation of this specification.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.10"}, {5321, "7.8"}},
	},
	{
		ID: "RFC5321-3.8-unknown-cmd-500", Title: "An unknown command gets 500 and the server waits for the next command.",
		RFC: 5321, Sections: []string{"3.8", "4.2.4"},
		Quote: `Servers are expected to be tolerant of unknown commands, issuing a 500 reply and awaiting further instructions from the client.` + QuoteSeparator +
			`If the command is not recognized, code 500 SHOULD be returned.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.5"}},
		Note: "§3.8 is descriptive (\"are expected to\"); the keyword is §4.2.4's. Closing instead of replying is RFC5321-3.8-no-arbitrary-close (MUST NOT).",
	},
	{
		ID: "RFC5321-4.1.5-x-cmd-500", Title: "An unrecognised private X-command gets 500.",
		RFC: 5321, Sections: []string{"4.1.5", "4.2.4"},
		Quote: `An SMTP server that does not recognize such a command is expected to reply with "500 Command not recognized".` + QuoteSeparator +
			`If the command is not recognized, code 500 SHOULD be returned.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Note: "§4.1.5 is descriptive (\"is expected to\"); the keyword is §4.2.4's, for any command not recognized.",
	},
	{
		ID: "RFC5321-4.5.4.2-concurrency", Title: "Three connections opened at once are all greeted without waiting for each other.",
		RFC: 5321, Sections: []string{"4.5.4.2"},
		Quote:   `The SMTP server SHOULD attempt to keep a pending listen on the SMTP port (specified by IANA as port 25) at all times. This requires the support of multiple incoming TCP connections for SMTP. Some limit MAY be imposed, but servers that cannot handle more than one SMTP transaction at a time are not in conformance with the intent of this specification.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-3.8-421-then-close", Title: "After a 421 reply the server closes the connection.",
		RFC: 5321, Sections: []string{"3.8", "4.2.2"},
		Quote: `After detecting the need to shut down the SMTP service and returning a 421 response code.` + QuoteSeparator +
			`421 <domain> Service not available, closing transmission channel (This may be a reply to any command if the service knows it must shut down)`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Note: "421 means \"closing transmission channel\", and §3.8 allows the close after it, but no sentence with a keyword says the server must close after a 421.",
	},

	// EHLO and HELO (RFC 5321 §2.2.1, §3.2, §4.1.1.1, §4.1.4).
	{
		ID: "RFC5321-2.2.1-ehlo-supported", Title: "EHLO is implemented: it is never answered as an unknown or unimplemented command.",
		RFC: 5321, Sections: []string{"2.2.1"},
		Quote:   `For instance, servers MUST support the EHLO command even if they do not implement any specific extensions and clients SHOULD preferentially utilize EHLO rather than HELO.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.5.1"}, {5321, "4.3.2"}},
	},
	{
		ID: "RFC5321-2.2.1-helo-supported", Title: "HELO is accepted and answered, as the fallback for clients without EHLO.",
		RFC: 5321, Sections: []string{"2.2.1", "4.1.1.1"},
		Quote: `(However, for compatibility with older conforming implementations, SMTP clients and servers MUST support the original HELO mechanisms as a fallback.)` + QuoteSeparator +
			`Older client SMTP systems MAY, as discussed above, use HELO (as specified in RFC 821) instead of EHLO, and servers MUST support the HELO command and reply properly to it.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "F.3"}},
	},
	{
		ID: "RFC5321-3.2-helo-not-extended", Title: "The reply to HELO never lists service extensions.",
		RFC: 5321, Sections: []string{"3.2"},
		Quote:   `Servers MUST NOT return the extended EHLO-style response to a HELO command.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.1"}},
	},
	{
		ID: "RFC5321-4.1.1.1-ehlo-first-line", Title: "The first line of the EHLO reply is 250, then the server's domain or address literal.",
		RFC: 5321, Sections: []string{"4.1.1.1"},
		Quote:   `ehlo-ok-rsp = ( "250" SP Domain [ SP ehlo-greet ] CRLF ) / ( "250-" Domain [ SP ehlo-greet ] CRLF *( "250-" ehlo-line CRLF ) "250" SP ehlo-line CRLF )`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "2.3.5"}},
	},
	{
		ID: "RFC5321-4.1.1.1-ehlo-line-syntax", Title: "Every EHLO keyword line is ehlo-keyword *(SP ehlo-param).",
		RFC: 5321, Sections: []string{"4.1.1.1"},
		Quote: `ehlo-line = ehlo-keyword *( SP ehlo-param ) ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")` + QuoteSeparator +
			`ehlo-param = 1*(%d33-126) ; any CHAR excluding <SP> and all ; control characters (US-ASCII 0-31 and 127 ; inclusive)`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.1-ehlo-lists-optional-verbs", Title: "A supported command outside the required set (HELP, BDAT, AUTH, STARTTLS) is listed in EHLO.",
		RFC: 5321, Sections: []string{"4.1.1.1"},
		Quote:   `The EHLO response MUST contain keywords (and associated parameters if required) for all commands not listed as "required" in Section 4.5.1 excepting only private-use commands as described in Section 4.1.5.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.5.1"}},
	},
	{
		ID: "RFC5321-4.2.4-no-advertise-unimplemented", Title: "A command advertised in EHLO is not answered with 500 or 502.",
		RFC: 5321, Sections: []string{"4.2.4"},
		Quote:   `Extended SMTP systems MUST NOT list capabilities in response to EHLO for which they will return 502 (or 500) replies.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.1"}},
	},
	{
		ID: "RFC5321-4.1.4-ehlo-resets-transaction", Title: "An EHLO accepted during a transaction clears it, so DATA then gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote:   `If it is issued after the session begins and the EHLO command is acceptable to the SMTP server, the SMTP server MUST clear all buffers and reset the state exactly as if a RSET command had been issued.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.1"}},
	},
	{
		ID: "RFC5321-4.1.1.1-helo-resets-transaction", Title: "A HELO accepted during a transaction clears it, so DATA then gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.1.1"},
		Quote:   `These commands, and a "250 OK" reply to one of them, confirm that both the SMTP client and the SMTP server are in the initial state, that is, there is no transaction in progress and all state tables and buffers are cleared.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.4"}},
		Note: "The §4.1.4 MUST (\"MUST clear all buffers and reset the state\") names EHLO only; for HELO, §4.1.1.1 describes the reset without a keyword.",
	},
	{
		ID: "RFC5321-4.1.4-rejected-ehlo-keeps-state", Title: "An EHLO the server refuses does not clear the open transaction.",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote:   `If the EHLO command is not acceptable to the SMTP server, 501, 500, 502, or 550 failure replies MUST be returned as appropriate. The SMTP server MUST stay in the same state after transmitting these replies that it was in before the EHLO was received.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.1-ehlo-arg-required", Title: "EHLO without a domain gets 501.",
		RFC: 5321, Sections: []string{"4.1.1.1", "4.1.4"},
		Quote: `ehlo = "EHLO" SP ( Domain / address-literal ) CRLF` + QuoteSeparator +
			`If the EHLO command is not acceptable to the SMTP server, 501, 500, 502, or 550 failure replies MUST be returned as appropriate.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Note: "The grammar makes the argument required; refusing EHLO with a code other than 501, 500, 502 or 550 breaks the §4.1.4 MUST.",
	},
	{
		ID: "RFC5321-4.1.1.1-helo-arg-required", Title: "HELO without a domain gets 501.",
		RFC: 5321, Sections: []string{"4.1.1.1", "4.3.1", "4.3.2"},
		Quote: `helo = "HELO" SP Domain CRLF` + QuoteSeparator +
			`The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`501 Syntax error in command or arguments.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.4"}},
		Note: "The §4.1.4 MUST on the refusal codes names EHLO only; for HELO the codes come from the §4.3.2 table, under the §4.3.1 SHOULD.",
	},
	{
		ID: "RFC5321-4.1.3-ehlo-address-literal", Title: "EHLO with an IPv4 or IPv6 address literal is accepted as syntax.",
		RFC: 5321, Sections: []string{"4.1.1.1", "4.1.3"},
		Quote: `ehlo = "EHLO" SP ( Domain / address-literal ) CRLF` + QuoteSeparator +
			`IPv4-address-literal = Snum 3("." Snum) IPv6-address-literal = "IPv6:" IPv6-addr`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "2.3.5"}},
	},
	{
		ID: "RFC5321-4.1.3-bad-address-literal", Title: "EHLO with a malformed address literal gets 501.",
		RFC: 5321, Sections: []string{"4.1.3", "4.1.4"},
		Quote: `Snum = 1*3DIGIT ; representing a decimal integer ; value in the range 0 through 255` + QuoteSeparator +
			`IPv6-hex = 1*4HEXDIG` + QuoteSeparator +
			`If the EHLO command is not acceptable to the SMTP server, 501, 500, 502, or 550 failure replies MUST be returned as appropriate.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.2"}},
	},
	{
		ID: "RFC5321-4.1.2-label-chars", Title: "EHLO with an underscore in the domain gets 501.",
		RFC: 5321, Sections: []string{"4.1.2", "4.1.4"},
		Quote: `characters outside the set of alphabetic characters, digits, and hyphen MUST NOT appear in domain name labels for SMTP clients or servers. In particular, the underscore character is not permitted.` + QuoteSeparator +
			`If the EHLO command is not acceptable to the SMTP server, 501, 500, 502, or 550 failure replies MUST be returned as appropriate.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.1-ehlo-extra-text", Title: "Text after the EHLO domain or address literal is tolerated.",
		RFC: 5321, Sections: []string{"4.1.1.1"},
		Quote:   `In the interest of interoperability, it is probably wise for servers to be prepared for this string to occur, but SMTP clients SHOULD NOT send it.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Note: "The SHOULD NOT binds the client; for the server the RFC only gives advice (\"it is probably wise\"), and the text is outside the ehlo grammar.",
	},
	{
		ID: "RFC5321-2.4-verb-case-insensitive", Title: "Commands in lower or mixed case get the same replies as in upper case.",
		RFC: 5321, Sections: []string{"2.4", "4.1.1.2"},
		Quote: `Verbs and argument values (e.g., "TO:" or "to:" in the RCPT command and extension name keywords) are not case sensitive, with the sole exception in this specification of a mailbox local-part (SMTP Extensions may explicitly specify case-sensitive elements).` + QuoteSeparator +
			`A few SMTP servers, in violation of this specification (and RFC 821) require that command verbs be encoded by clients in upper case.` + QuoteSeparator +
			`mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
		Also: []Cite{{5234, "2.3"}},
		Note: "A rule of the command grammar: its quoted literals (\"MAIL FROM:\", \"DATA\") are case-insensitive (RFC 5234 §2.3), so \"mail from:\" is the same command; " +
			"§2.4 says so in prose, without a keyword, and calls a server that requires upper case \"in violation of this specification\".",
	},
	{
		ID: "RFC5321-4.3.2-hello-codes", Title: "Every reply to EHLO or HELO uses a code of the §4.3.2 table.",
		RFC: 5321, Sections: []string{"4.3.1", "4.3.2"},
		Quote: `The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`EHLO or HELO S: 250 E: 504 (a conforming implementation could return this code only in fairly obscure cases), 550, 502 (permitted only with an old-style server that does not support EHLO)`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},

	// Reply syntax (RFC 5321 §2.3.8, §4.2, §4.2.1, §4.2.4, §4.5.3.1.5),
	// judged by the specs of reply.go and by the reply validator on every
	// reply (internal/wire, suites/framework).
	{
		ID: "RFC5321-4.2-one-reply-per-command", Title: "Each command gets exactly one reply, one at a time and pipelined.",
		RFC: 5321, Sections: []string{"4.2"},
		Quote:   `Every command MUST generate exactly one reply.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{2920, "3.2"}},
	},
	{
		ID: "RFC5321-4.2-code-syntax", Title: "Every reply code is three digits: 2-5, 0-5, 0-9.",
		RFC: 5321, Sections: []string{"4.2", "4.3.2"},
		Quote: `Reply-code = %x32-35 %x30-35 %x30-39` + QuoteSeparator +
			`Unless extended using the mechanisms described in Section 2.2, SMTP servers MUST NOT transmit reply codes to an SMTP client that are other than three digits or that do not start in a digit between 2 and 5 inclusive.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Note: "The second digit 0-5 is the grammar's (ABNF); the three digits and the first digit 2-5 are also the §4.3.2 MUST NOT.",
	},
	{
		ID: "RFC5321-4.2.1-multiline-hyphen", Title: "In a multiline reply, every line but the last has \"-\" after the code, the last SP.",
		RFC: 5321, Sections: []string{"4.2", "4.2.1"},
		Quote: `Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF` + QuoteSeparator +
			`The format for multiline replies requires that every line, except the last, begin with the reply code, followed immediately by a hyphen, "-" (also known as minus), followed by text.`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.2.1-multiline-same-code", Title: "Every line of a multiline reply carries the same code.",
		RFC: 5321, Sections: []string{"4.2.1"},
		Quote:   `In a multiline reply, the reply code on each of the lines MUST be the same.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.2.1-space-after-code", Title: "A reply line has SP or text after the code, not a bare code.",
		RFC: 5321, Sections: []string{"4.2.1", "4.2"},
		Quote: `As noted above, servers SHOULD send the <SP> if subsequent text is not sent, but clients MUST be prepared for it to be omitted.` + QuoteSeparator +
			`in the general case, any text, including no text at all (although senders SHOULD NOT send bare codes), MUST be acceptable.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Note: "The MUSTs bind the client.",
	},
	{
		ID: "RFC5321-4.2-textstring-charset", Title: "Reply text holds only HT and printable US-ASCII.",
		RFC: 5321, Sections: []string{"4.2"},
		Quote:   `textstring = 1*(%d09 / %d32-126) ; HT, SP, Printable US-ASCII`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
		Also: []Cite{{6531, "3.7.4.2"}},
	},
	{
		ID: "RFC5321-2.3.8-reply-crlf", Title: "Every reply line ends with CRLF.",
		RFC: 5321, Sections: []string{"2.3.8"},
		Quote:   `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.5.3.1.5-reply-line-512", Title: "No reply line is longer than 512 octets.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.5"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes. Objects larger than these sizes SHOULD be avoided when possible.` + QuoteSeparator +
			`The maximum total length of a reply line including the reply code and the <CRLF> is 512 octets.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Note: "The MUST is on the receiver (the client must take 512-octet reply lines); a longer line from the server misses the SHOULD.",
	},
	{
		ID: "RFC5321-4.5.3.1-reply-lines-200", Title: "A reply of more than 200 lines is not a violation: RFC 5321 sets no limit on the number of lines.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.5"},
		Quote: `To the maximum extent possible, implementation techniques that impose no limits on the length of these objects should be used.` + QuoteSeparator +
			`The maximum total length of a reply line including the reply code and the <CRLF> is 512 octets. More information may be conveyed through multiple-line replies.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Note: "No sentence limits the number of lines of a reply, with or without a keyword: §4.5.3.1 limits reply lines, not replies, and invites multiline replies. " +
			"200 is the suite's own reading limit (wire.DefaultLimits.MaxLines); a longer reply is at most an ERROR (the suite could not read it), never a FAIL or a SHOULD miss.",
	},
	{
		ID: "RFC5321-4.2-documented-codes-only", Title: "Every reply code is one a standard defines.",
		RFC: 5321, Sections: []string{"4.2"},
		Quote:   `An SMTP server SHOULD send only the reply codes listed in this document.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.2.1"}, {5321, "4.2.2"}},
	},
	{
		ID: "RFC5321-4.2.4-500-vs-502", Title: "A command the server does not recognize gets 500, not 502.",
		RFC: 5321, Sections: []string{"4.2.4"},
		Quote:   `502 SHOULD be used when the command is actually recognized by the SMTP server, but not implemented. If the command is not recognized, code 500 SHOULD be returned.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-3.4-251-551-text", Title: "A 251 or 551 reply gives the forward-path in its text.",
		RFC: 5321, Sections: []string{"4.2", "4.2.2"},
		Quote: `In particular, the 220, 221, 251, 421, and 551 reply codes are associated with message text that must be parsed and interpreted by machines.` + QuoteSeparator +
			`251 User not local; will forward to <forward-path> (See Section 3.4)` + QuoteSeparator +
			`551 User not local; please try <forward-path> (See Section 3.4)`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "3.4"}, {5321, "7.4"}},
		Note: "The lower-case \"must\" is not a keyword in RFC 5321, an RFC 2119 document; §3.4 only says a server MAY give the address with 251 or 551. " +
			"The form of the text is defined by the reply-code descriptions.",
	},
	{
		ID: "RFC5321-4.3.2-data-codes", Title: "Every reply to DATA, and to the end of the mail data, uses a code of the §4.3.2 table.",
		RFC: 5321, Sections: []string{"4.3.1", "4.3.2"},
		Quote: `The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`DATA I: 354 -> data -> S: 250 E: 552, 554, 451, 452 E: 450, 550 (rejections for policy reasons) E: 503, 554`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.3.2-rset-noop-quit-codes", Title: "RSET and NOOP are answered 250, QUIT 221, as the §4.3.2 table has it.",
		RFC: 5321, Sections: []string{"4.3.1", "4.3.2"},
		Quote: `The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`RSET S: 250` + QuoteSeparator + `NOOP S: 250 QUIT S: 221`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.3.2-help-codes", Title: "Every reply to HELP uses a code of the §4.3.2 table.",
		RFC: 5321, Sections: []string{"4.3.1", "4.3.2"},
		Quote: `The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`HELP S: 211, 214 E: 502, 504`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.3.2-turn-codes", Title: "TURN is answered 250 or 502, the codes RFC 821 gave it.",
		RFC: 5321, Sections: []string{"F.1"},
		Quote:   `This command, described in RFC 821, raises important security issues since, in the absence of strong authentication of the host requesting that the client and server switch roles, it can easily be used to divert mail from its correct destination.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{821, "4.3"}},
		Note: "RFC 5321 §4.3.2 has no TURN row: TURN is only in App. F.1, as a deprecated RFC 821 command. The codes 250 and 502 are RFC 821 §4.3's, " +
			"which RFC 5321 obsoletes, so no keyword applies.",
	},

	// MAIL (RFC 5321 §3.3, §4.1.1.2, §4.1.2, §4.1.4).
	{
		ID: "RFC5321-3.3-mail-accept-250", Title: "An acceptable MAIL command gets 250, in a session opened with HELO as with EHLO.",
		RFC: 5321, Sections: []string{"3.3", "4.1.1.1"},
		Quote: `If accepted, the SMTP server returns a "250 OK" reply.` + QuoteSeparator +
			`In any event, a client MUST issue HELO or EHLO before starting a mail transaction.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.2"}},
		Note: "The 250 for an accepted MAIL is stated without a keyword (and a refusal is always allowed); the MUST binds the client.",
	},
	{
		ID: "RFC5321-3.3-mail-fail-class", Title: "A refused reverse-path gets a failure reply: 5yz (501 or 553) for an invalid address.",
		RFC: 5321, Sections: []string{"3.3"},
		Quote:   `If the mailbox specification is not acceptable for some reason, the server MUST return a reply indicating whether the failure is permanent (i.e., will occur again if the client tries to send the same address again) or temporary (i.e., the address might be accepted if the client tries again later).`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.2"}},
	},
	{
		ID: "RFC5321-4.1.4-mail-bad-arg-501", Title: "A MAIL with an unacceptable argument gets 501 and opens no transaction.",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote:   `If the transaction beginning command argument is not acceptable, a 501 failure reply MUST be returned and the SMTP server MUST stay in the same state.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.2"}},
	},
	{
		ID: "RFC5321-4.1.4-nested-mail", Title: "A second MAIL right after an accepted MAIL gets 503 (bad sequence).",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote: `MAIL (or SEND, SOML, or SAML) MUST NOT be sent if a mail transaction is already open, i.e., it should be sent only if no mail transaction had been started in the session, or if the previous one successfully concluded with a successful DATA command, or if the previous one was aborted, e.g., with a RSET or new EHLO.` + QuoteSeparator +
			`If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "3.3"}},
		Note: "The MUST NOT binds the client; the server's MUST is the 503 for a command out of order.",
	},
	{
		ID: "RFC5321-4.1.2-null-reverse-path", Title: "MAIL FROM:<> is valid and is not refused as a syntax error.",
		RFC: 5321, Sections: []string{"4.1.2"},
		Quote:   `Reverse-path = Path / "<>"`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "3.6.3"}, {5321, "4.5.5"}, {5321, "6.1"}},
	},
	{
		ID: "RFC5321-3.3-no-space-after-colon", Title: "MAIL FROM: <sender> (a space after the colon) is a syntax error and gets 501.",
		RFC: 5321, Sections: []string{"3.3", "4.1.4"},
		Quote: `Since it has been a common source of errors, it is worth noting that spaces are not permitted on either side of the colon following FROM in the MAIL command or TO in the RCPT command. The syntax is exactly as given above.` + QuoteSeparator +
			`If the transaction beginning command argument is not acceptable, a 501 failure reply MUST be returned and the SMTP server MUST stay in the same state.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.2"}},
		Note: "§3.3 states the syntax without a keyword; the MUST is §4.1.4's 501 for a MAIL argument the server does not accept. Accepting the space is leniency (the argument is then acceptable to the server).",
	},
	{
		ID: "RFC5321-4.1.2-source-route-reverse", Title: "A source route in the reverse-path is accepted as syntax.",
		RFC: 5321, Sections: []string{"4.1.2", "F.2"},
		Quote: `A-d-l = At-domain *( "," At-domain ) ; Note that this form, the so-called "source ; route", MUST BE accepted, SHOULD NOT be ; generated, and SHOULD be ignored.` + QuoteSeparator +
			`SMTP servers MUST continue to accept source route syntax as specified in the main body of this document and in RFC 1123.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "C"}},
	},
	{
		ID: "RFC5321-4.1.2-quoted-local-part", Title: "A local part written as a quoted string is valid syntax.",
		RFC: 5321, Sections: []string{"4.1.2"},
		Quote:   `Local-part = Dot-string / Quoted-string ; MAY be case-sensitive` + QuoteSeparator + `Quoted-string = DQUOTE *QcontentSMTP DQUOTE`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.2-control-char-501", Title: "A MAIL command holding an ASCII control character is refused (501).",
		RFC: 5321, Sections: []string{"4.1.2"},
		Quote: `These characters MUST NOT be used in MAIL or RCPT commands or other commands that require mailbox names.` + QuoteSeparator +
			`SMTP servers that receive a command in which invalid character codes have been employed, and for which there are no other reasons for rejection, MUST reject that command with a 501 response (this rule, like others, could be overridden by appropriate SMTP extensions).`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-2.4-8bit-envelope-reject", Title: "A MAIL command with 8-bit octets and no SMTPUTF8 parameter is rejected.",
		RFC: 5321, Sections: []string{"2.4"},
		Quote:   `In the absence of a server-offered extension explicitly permitting it, a sending SMTP system is not permitted to send envelope commands in any character set other than US-ASCII. Receiving systems SHOULD reject such commands, normally using "500 syntax error - invalid character" replies.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.2"}},
		Note: "§4.1.2 also says a command with \"invalid character codes\" MUST be rejected with 501; the spec follows §2.4, which names the 8-bit case.",
	},
	{
		ID: "RFC5321-4.1.1.11-unknown-param-555", Title: "An unrecognised MAIL parameter gets 555.",
		RFC: 5321, Sections: []string{"4.1.1.11"},
		Quote:   `If the server SMTP does not recognize or cannot implement one or more of the parameters associated with a particular MAIL FROM or RCPT TO command, it will return code 555.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "\"will return\": no keyword.",
	},
	{
		ID: "RFC5321-4.1.1.11-param-not-advertised", Title: "A MAIL parameter of an extension that was not advertised gets 555.",
		RFC: 5321, Sections: []string{"4.1.1.2", "4.1.1.11"},
		Quote: `If service extensions were negotiated, the MAIL command may also carry parameters associated with a particular service extension.` + QuoteSeparator +
			`If the server SMTP does not recognize or cannot implement one or more of the parameters associated with a particular MAIL FROM or RCPT TO command, it will return code 555.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Note: "\"will return\": no keyword.",
	},
	{
		ID: "RFC5321-4.1.1-trailing-whitespace", Title: "A MAIL command with trailing spaces before CRLF is accepted.",
		RFC: 5321, Sections: []string{"4.1.1"},
		Quote:   `(In the interest of improved interoperability, SMTP receivers SHOULD tolerate trailing white space before the terminating <CRLF>.)`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.2-mail-clears-buffers", Title: "A MAIL after a finished message starts with no recipients: DATA gets 503 or 554.",
		RFC: 5321, Sections: []string{"4.1.1.2", "4.1.4"},
		Quote: `This command clears the reverse-path buffer, the forward-path buffer, and the mail data buffer, and it inserts the reverse-path information from its argument clause into the reverse-path buffer.` + QuoteSeparator +
			`If the commands in a transaction are out of order to the degree that they cannot be processed by the server, a 503 failure reply MUST be returned and the SMTP server MUST stay in the same state.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "3.3"}},
		Note: "The clearing is described without a keyword; DATA in the new transaction, which has no RCPT, is out of order (§4.1.4 MUST).",
	},
	{
		ID: "RFC5321-4.1.4-mail-before-ehlo", Title: "MAIL before any EHLO or HELO gets 503.",
		RFC: 5321, Sections: []string{"4.1.4", "4.1.1.1"},
		Quote: `A session that will contain mail transactions MUST first be initialized by the use of the EHLO command.` + QuoteSeparator +
			`In any event, a client MUST issue HELO or EHLO before starting a mail transaction.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Note: "Both MUSTs bind the client; no sentence says what the server answers to MAIL before EHLO (503 is the convention).",
	},
	{
		ID: "RFC5321-4.3.2-mail-codes", Title: "Every reply to MAIL uses a code RFC 5321 §4.3.2 lists for MAIL.",
		RFC: 5321, Sections: []string{"4.3.1", "4.3.2"},
		Quote: `The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`MAIL S: 250 E: 552, 451, 452, 550, 553, 503, 455, 555`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},

	// VRFY, EXPN and HELP (RFC 5321 §3.5, §4.1.1.6-§4.1.1.8, §7.3).
	{
		ID: "RFC5321-4.5.1-vrfy-in-minimum-set", Title: "VRFY is a required command: it is never answered 500 (command unrecognized).",
		RFC: 5321, Sections: []string{"4.5.1", "4.3.2"},
		Quote: `The following commands MUST be supported to conform to this specification: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY` + QuoteSeparator +
			`Note that producing a "command not recognized" error in response to the required subset of these commands is a violation of this specification.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "3.5.3"}},
	},
	{
		ID: "RFC5321-7.3-vrfy-disabled-252", Title: "A disabled VRFY (the same answer for an existing and a missing mailbox) answers 252, and VRFY never says 250 for an address it did not verify.",
		RFC: 5321, Sections: []string{"7.3", "3.5.3"},
		Quote: `If a site disables these commands for security reasons, the SMTP server MUST return a 252 response, rather than a code that could be confused with successful or unsuccessful verification.` + QuoteSeparator +
			`A server MUST NOT return a 250 code in response to a VRFY or EXPN command unless it has actually verified the address.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-7.3-vrfy-not-always-550", Title: "VRFY of an existing mailbox does not get 550.",
		RFC: 5321, Sections: []string{"7.3"},
		Quote: `As a corollary to the above, implementations that permit this MUST NOT appear to have verified addresses that are not, in fact, verified.` + QuoteSeparator +
			`Of course, an implementation that "supports" VRFY by always returning 550 whether or not the address is valid is equally not in conformance.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-3.5.2-vrfy-mailbox-form", Title: "A successful VRFY reply names the mailbox as <local-part@domain>, with no source route.",
		RFC: 5321, Sections: []string{"3.5.2", "3.5.1"},
		Quote: `When normal (2yz or 551) responses are returned from a VRFY or EXPN request, the reply MUST include the <Mailbox> name using a "<local-part@domain>" construction, where "domain" is a fully-qualified domain name.` + QuoteSeparator +
			`Paths (explicit source routes) MUST NOT be returned by VRFY or EXPN.` + QuoteSeparator +
			`If a normal (i.e., 250) response is returned, the response MAY include the full name of the user and MUST include the mailbox of the user.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Note: "The angle brackets are a SHOULD (§3.5.2: \"addresses SHOULD appear in pointed brackets\"), which the spec grades WARN.",
	},
	{
		ID: "RFC5321-3.5.1-vrfy-full-address", Title: "VRFY takes a full address (local-part@domain) as well as a user name.",
		RFC: 5321, Sections: []string{"3.5.1"},
		Quote:   `However, since current Internet practice often results in a single host handling mail for multiple domains, hosts, especially hosts that provide this functionality, SHOULD accept the "local-part@domain" form as a "user name"; hosts MAY also choose to recognize other strings as "user names".`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.6-vrfy-arg-required", Title: "VRFY needs an argument: VRFY alone gets 501, never a 250.",
		RFC: 5321, Sections: []string{"4.1.1.6", "3.5.3"},
		Quote: `vrfy = "VRFY" SP String CRLF` + QuoteSeparator +
			`A server MUST NOT return a 250 code in response to a VRFY or EXPN command unless it has actually verified the address.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "The grammar makes the argument required; a 250 to VRFY without one cannot have verified an address.",
	},
	{
		ID: "RFC5321-4.1.1.6-vrfy-no-state-change", Title: "VRFY inside a transaction leaves it alone: DATA after it gets 354.",
		RFC: 5321, Sections: []string{"4.1.1.6"},
		Quote:   `This command has no effect on the reverse-path buffer, the forward-path buffer, or the mail data buffer.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Note: "Described without a keyword.",
	},
	{
		ID: "RFC5321-4.1.1.7-expn-no-state-change", Title: "EXPN inside a transaction leaves it alone: DATA after it gets 354.",
		RFC: 5321, Sections: []string{"4.1.1.7"},
		Quote:   `This command has no effect on the reverse-path buffer, the forward-path buffer, or the mail data buffer, and it may be issued at any time.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Note: "Described without a keyword.",
	},
	{
		ID: "RFC5321-4.1.1.8-help-no-state-change", Title: "HELP inside a transaction leaves it alone: DATA after it gets 354.",
		RFC: 5321, Sections: []string{"4.1.1.8"},
		Quote:   `This command has no effect on the reverse-path buffer, the forward-path buffer, or the mail data buffer, and it may be issued at any time.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Note: "Described without a keyword.",
	},
	{
		ID: "RFC5321-4.1.4-vrfy-expn-help-pre-ehlo", Title: "VRFY, EXPN and HELP before any EHLO are answered, not refused with 503.",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote:   `The NOOP, HELP, EXPN, VRFY, and RSET commands can be used at any time during a session, or without previously initializing a session. SMTP servers SHOULD process these normally (that is, not return a 503 code) even if no EHLO command has yet been received; clients SHOULD open a session with EHLO before sending these commands.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.3.2-vrfy-expn-codes", Title: "VRFY and EXPN are answered with codes from the RFC 5321 §4.3.2 table.",
		RFC: 5321, Sections: []string{"4.3.1", "4.3.2"},
		Quote: `The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`VRFY S: 250, 251, 252 E: 550, 551, 553, 502, 504 EXPN S: 250, 252 E: 550, 500, 502, 504`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-3.5.2-expn-listed", Title: "If EXPN is implemented (not 500 or 502), EXPN is an EHLO keyword.",
		RFC: 5321, Sections: []string{"3.5.2"},
		Quote:   `Since they were both optional in RFC 821, but VRFY was made mandatory in RFC 1123 [3], if EXPN is supported, it MUST be listed as a service extension in an EHLO response.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.1"}},
	},
	{
		ID: "RFC5321-4.1.1.8-help", Title: "HELP gets 211 or 214; HELP with a topic gets 211, 214 or 504.",
		RFC: 5321, Sections: []string{"4.1.1.8"},
		Quote:   `SMTP servers SHOULD support HELP without arguments and MAY support it with arguments.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
	},

	// DATA (RFC 5321 §3.3, §4.1.1.4, §4.5.2, §4.5.3.1).
	{
		ID: "RFC5321-3.3-data-354", Title: "With an accepted recipient, DATA gets 354 and the lines after it are read as mail data.",
		RFC: 5321, Sections: []string{"3.3", "4.1.1.4"},
		Quote: `If accepted, the SMTP server returns a 354 Intermediate reply and considers all succeeding lines up to but not including the end of mail data indicator to be the message text.` + QuoteSeparator +
			`The receiver normally sends a 354 response to DATA, and then treats the lines (strings ending in <CRLF> sequences, as described in Section 2.3.7) following the command as mail data from the sender.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "Both the 354 and the reading of the lines after it as mail data are described without a keyword (\"If accepted\", \"normally\"); a refused DATA is allowed.",
	},
	{
		ID: "RFC5321-3.3-data-refused-stays-command-mode", Title: "After a refused DATA, the next lines are read as commands, not as mail data.",
		RFC: 5321, Sections: []string{"3.3", "4.2"},
		Quote: `If one of those replies (or any other 5yz reply) is received, the client MUST NOT send the message data; more generally, message data MUST NOT be sent unless a 354 reply is received.` + QuoteSeparator +
			`Every command MUST generate exactly one reply.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Note: "The MUST NOTs bind the client and make the line after a refused DATA a command; the server's MUST is §4.2's reply to it.",
	},
	{
		ID: "RFC5321-4.1.1.4-eod-crlf-dot-crlf", Title: "Mail data ends only at <CRLF>.<CRLF>, and the server replies only after the whole sequence.",
		RFC: 5321, Sections: []string{"4.1.1.4", "2.3.8"},
		Quote: `The mail data are terminated by a line containing only a period, that is, the character sequence "<CRLF>.<CRLF>", where the first <CRLF> is actually the terminator of the previous line (see Section 4.5.2).` + QuoteSeparator +
			`Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "3.3"}, {5321, "4.5.2"}},
		Note: "A reply to \"<CRLF>.\" before its final CRLF takes the line \".\" as ended without a CRLF.",
	},
	{
		ID: "RFC5321-4.1.1.4-lf-dot-lf-not-eod", Title: "The sequence <LF>.<LF> does not end the mail data.",
		RFC: 5321, Sections: []string{"4.1.1.4"},
		Quote:   `In particular, the sequence "<LF>.<LF>" (bare line feeds, without carriage returns) MUST NOT be treated as equivalent to <CRLF>.<CRLF> as the end of mail data indication.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "2.3.8"}},
	},
	{
		ID: "RFC5321-4.5.2-dot-stuffing-wire", Title: "Dot-stuffed lines (\"..\", \"...\", \"..hidden\") are mail data: the data does not end at \"..\".",
		RFC: 5321, Sections: []string{"4.5.2"},
		Quote:   `When a line of mail text is received by the SMTP server, it checks the line. If the line is composed of a single period, it is treated as the end of mail indicator. If the first character is a period and there are other characters on the line, the first character is deleted.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.4"}},
		Note: "The transparency procedure is stated without a keyword.",
	},
	{
		ID: "RFC5321-4.5.3.1.6-text-line-1000", Title: "A text line of 1000 octets including CRLF (998 before it, a stuffed dot not counted) is received.",
		RFC: 5321, Sections: []string{"4.5.3.1", "4.5.3.1.6"},
		Quote: `Every implementation MUST be able to receive objects of at least these sizes.` + QuoteSeparator +
			`The maximum total length of a text line including the <CRLF> is 1000 octets (not counting the leading dot duplicated for transparency).`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.5.3.1.7-content-64k", Title: "A message of 65,536 octets is accepted, and no SIZE below 65536 is advertised.",
		RFC: 5321, Sections: []string{"4.5.3.1.7"},
		Quote:   `The maximum total length of a message content (including any message header section as well as the message body) MUST BE at least 64K octets.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{1870, "3"}},
	},
	{
		ID: "RFC5321-4.1.1.4-single-final-reply", Title: "After the end of the data the server sends one reply, whatever the number of recipients.",
		RFC: 5321, Sections: []string{"4.1.1.4"},
		Quote:   `If the processing is successful, the receiver MUST send an OK reply. If the processing fails, the receiver MUST send a failure reply. The SMTP model does not allow for partial failures at this point: either the message is accepted by the server for delivery and a positive response is returned or it is not accepted and a failure reply is returned.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.2"}},
	},
	{
		ID: "RFC5321-4.1.1.4-buffers-cleared", Title: "After the end of the data the sender and recipients are gone: RCPT and DATA are out of sequence.",
		RFC: 5321, Sections: []string{"4.1.1.4", "3.3"},
		Quote: `This processing consumes the information in the reverse-path buffer, the forward-path buffer, and the mail data buffer, and on the completion of this command these buffers are cleared.` + QuoteSeparator +
			`If a RCPT command appears without a previous MAIL command, the server MUST return a 503 "Bad sequence of commands" response.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1-data-args-501", Title: "DATA takes no argument, so DATA with one gets 501.",
		RFC: 5321, Sections: []string{"4.1.1"},
		Quote:   `Several commands (RSET, DATA, QUIT) are specified as not permitting parameters. In the absence of specific extensions offered by the server and accepted by the client, clients MUST NOT send such parameters and servers SHOULD reject commands containing them as having invalid syntax.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "The MUST NOT binds the client.",
	},

	// TURN, ETRN, ATRN, SEND, SOML, SAML (RFC 5321 App. F; RFC 1985;
	// RFC 2645).
	{
		ID: "RFC5321-F.1-turn-unauth", Title: "TURN from an unauthenticated client is not honoured: 502.",
		RFC: 5321, Sections: []string{"F.1"},
		Quote:   `Its use is deprecated; SMTP systems SHOULD NOT use it unless the server can authenticate the client.`,
		Keyword: "SHOULD NOT", Level: Should, Feature: FeatureCore,
		Also: []Cite{{821, "4.3"}},
	},
	{
		ID: "RFC5321-F.6-send-soml-saml", Title: "SEND, SOML and SAML get 500 or 502, or, if accepted, are listed in EHLO.",
		RFC: 5321, Sections: []string{"F.6"},
		Quote:   `Servers MAY implement them. If they are implemented by servers, the implementation model specified in RFC 821 MUST be used and the command names MUST be published in the response to the EHLO command.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.1"}},
	},
	{
		ID: "RFC1985-etrn-keyword", Title: "If ETRN is implemented (not 500 or 502), ETRN is an EHLO keyword.",
		RFC: 5321, Sections: []string{"4.1.1.1"},
		Quote:   `The EHLO response MUST contain keywords (and associated parameters if required) for all commands not listed as "required" in Section 4.5.1 excepting only private-use commands as described in Section 4.1.5.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{1985, "2"}},
		Note: "RFC 1985 §2 names the keyword (\"the EHLO keyword value associated with this extension is \"ETRN\"\") without a keyword of its own; the obligation to list it is RFC 5321's.",
	},
	{
		ID: "RFC2645-atrn-on-mta-port", Title: "ATRN on an MTA port gets 500 or 502 (not implemented).",
		RFC: 2645, Sections: []string{"4"},
		Quote:   `On-Demand Mail Relay is a restricted profile of SMTP [SMTP, ESMTP]. Port 366 is reserved for On-Demand Mail Relay.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.2.4"}},
		Note: "RFC 2645 defines ATRN for the ODMR service on port 366 and says nothing of other ports; that an MTA port does not implement ATRN is a convention. " +
			"An ATRN refused for want of authentication (530) follows RFC 2645 §5.2.1.",
	},

	// RCPT (RFC 5321 §3.3, §4.1.1.3, §4.5.1).
	{
		ID: "RFC5321-3.3-rcpt-before-mail", Title: "RCPT with no MAIL before it gets 503 (bad sequence of commands).",
		RFC: 5321, Sections: []string{"3.3"},
		Quote:   `If a RCPT command appears without a previous MAIL command, the server MUST return a 503 "Bad sequence of commands" response.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.4"}},
	},
	{
		ID: "RFC5321-3.3-rcpt-accept", Title: "An acceptable recipient gets 250 or 251, also after a refused recipient.",
		RFC: 5321, Sections: []string{"3.3"},
		Quote:   `If accepted, the SMTP server returns a "250 OK" reply and stores the forward-path.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.3"}},
		Note: "Stated without a keyword.",
	},
	{
		ID: "RFC5321-3.3-rcpt-unknown-550", Title: "A recipient that does not exist gets 550 (or is accepted for later bouncing), never a 3yz.",
		RFC: 5321, Sections: []string{"3.3", "4.3.1", "4.3.2"},
		Quote: `If the recipient is known not to be a deliverable address, the SMTP server returns a 550 reply, typically with a string such as "no such user - " and the mailbox name (other circumstances and reply codes are possible).` + QuoteSeparator +
			`The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`RCPT S: 250, 251 (but see Section 3.4 for discussion of 251 and 551) E: 550, 551, 552, 553, 450, 451, 452, 503, 455, 555`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Note: "The 550 is described without a keyword and other codes are possible; what the spec refuses (a 3yz, a 2yz other than 250 and 251) is outside the §4.3.2 table, a SHOULD.",
	},
	{
		ID: "RFC5321-4.1.1.3-rcpt-null-path", Title: "RCPT TO:<> is refused: the forward-path cannot be null.",
		RFC: 5321, Sections: []string{"4.1.2"},
		Quote:   `Reverse-path = Path / "<>" Forward-path = Path Path = "<" [ A-d-l ":" ] Mailbox ">"`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.3"}},
		Note: "Only the reverse-path may be \"<>\".",
	},
	{
		ID: "RFC5321-4.1.1.3-rcpt-no-brackets", Title: "RCPT TO:mailbox without angle brackets is a syntax error (501).",
		RFC: 5321, Sections: []string{"4.1.2", "4.3.1", "4.3.2"},
		Quote: `Forward-path = Path Path = "<" [ A-d-l ":" ] Mailbox ">"` + QuoteSeparator +
			`The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`501 Syntax error in command or arguments.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.3"}},
		Note: "The grammar requires the brackets but says nothing of the server's reply; the reply to the syntax error is the §4.3.2 table's 501, a SHOULD. Accepting the bare form is leniency (WARN), as is another refusal.",
	},
	{
		ID: "RFC5321-4.5.1-postmaster-bare", Title: "RCPT TO:<Postmaster> with no domain is accepted.",
		RFC: 5321, Sections: []string{"4.5.1", "2.3.5"},
		Quote: `The requirement to accept mail for postmaster implies that RCPT commands that specify a mailbox for postmaster at any of the domains for which the SMTP server provides mail service, as well as the special case of "RCPT TO:<Postmaster>" (with no domain specification), MUST be supported.` + QuoteSeparator +
			`The reserved mailbox name "postmaster" may be used in a RCPT command without domain qualification (see Section 4.1.1.3) and MUST be accepted if so used.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.3"}},
	},
	{
		ID: "RFC5321-4.5.1-postmaster-domain", Title: "RCPT TO:<postmaster@domain> is accepted for a served domain.",
		RFC: 5321, Sections: []string{"4.5.1"},
		Quote:   `The requirement to accept mail for postmaster implies that RCPT commands that specify a mailbox for postmaster at any of the domains for which the SMTP server provides mail service, as well as the special case of "RCPT TO:<Postmaster>" (with no domain specification), MUST be supported.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.3-postmaster-case-bare", Title: "A bare postmaster in mixed case (<pOsTmAsTeR>) is accepted.",
		RFC: 5321, Sections: []string{"4.5.1", "4.1.1.3"},
		Quote: `Any system that includes an SMTP server supporting mail relaying or delivery MUST support the reserved mailbox "postmaster" as a case-insensitive local name.` + QuoteSeparator +
			`Note that, in a departure from the usual rules for local-parts, the "Postmaster" string shown above is treated as case-insensitive.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.3-postmaster-case-domain", Title: "POSTMASTER@domain in upper case is accepted for a served domain.",
		RFC: 5321, Sections: []string{"4.5.1", "4.1.1.3"},
		Quote: `Any system that includes an SMTP server supporting mail relaying or delivery MUST support the reserved mailbox "postmaster" as a case-insensitive local name.` + QuoteSeparator +
			`Note that, in a departure from the usual rules for local-parts, the "Postmaster" string shown above is treated as case-insensitive.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-4.1.1.3-source-route-forward", Title: "A source route in the forward-path is parsed, not refused as a syntax error.",
		RFC: 5321, Sections: []string{"4.1.1.3", "3.3"},
		Quote: `Receiving systems MUST recognize source route syntax but SHOULD strip off the source route specification and utilize the domain name associated with the mailbox as if the source route had not been provided.` + QuoteSeparator +
			`Servers MUST be prepared to encounter a list of source routes in the forward-path, but they SHOULD ignore the routes or MAY decline to support the relaying they imply.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "C"}, {5321, "F.2"}},
	},
	{
		ID: "RFC5321-3.6.2-relay-denied-550", Title: "A recipient in a domain the server does not serve is refused, preferably with 550.",
		RFC: 5321, Sections: []string{"3.6.2", "7.9"},
		Quote: `If it declines to relay mail to a particular address for policy reasons, a 550 response SHOULD be returned.` + QuoteSeparator +
			`When mail is rejected for these or other policy reasons, a 550 code SHOULD be used in response to EHLO (or HELO), MAIL, or RCPT as appropriate.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "3.3"}},
	},
	{
		ID: "RFC5321-4.1.1.3-rcpt-param-not-advertised", Title: "A RCPT parameter of an extension that was not advertised gets 555.",
		RFC: 5321, Sections: []string{"4.1.1.3", "4.1.1.11"},
		Quote: `The client MUST NOT transmit parameters other than those associated with a service extension offered by the server in its EHLO response.` + QuoteSeparator +
			`If the server SMTP does not recognize or cannot implement one or more of the parameters associated with a particular MAIL FROM or RCPT TO command, it will return code 555.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{3461, "4.1"}, {7293, "3"}},
		Note: "The MUST NOT binds the client; the server's 555 is \"will return\", no keyword.",
	},
	{
		ID: "RFC5321-4.3.2-rcpt-codes", Title: "Every reply to RCPT uses a code RFC 5321 §4.3.2 lists for RCPT.",
		RFC: 5321, Sections: []string{"4.3.1", "4.3.2"},
		Quote: `The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`RCPT S: 250, 251 (but see Section 3.4 for discussion of 251 and 551) E: 550, 551, 552, 553, 450, 451, 452, 503, 455, 555`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{7504, "4"}, {7504, "5.1"}},
	},

	// Robustness (RFC 5321 §2.3.8, §3.8, §4.1.2, §7.8).
	{
		ID: "SEC-BARE-LF-COMMAND", Title: "A command ended by a bare LF is not complete: it is answered once the CRLF comes.",
		RFC: 5321, Sections: []string{"2.3.8", "2.4"},
		Quote: `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator.` + QuoteSeparator +
			`The argument clause consists of a variable-length character string ending with the end of the line, i.e., with the character sequence <CRLF>. The receiver will take no action until this sequence is received.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "SEC-BARE-CR-COMMAND", Title: "A bare CR inside a command line does not make two commands of it.",
		RFC: 5321, Sections: []string{"2.3.8"},
		Quote:   `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "SEC-NUL-IN-COMMAND", Title: "A command holding a NUL octet is refused with 500 or 501, not run.",
		RFC: 5321, Sections: []string{"4.1.2"},
		Quote:   `SMTP servers that receive a command in which invalid character codes have been employed, and for which there are no other reasons for rejection, MUST reject that command with a 501 response (this rule, like others, could be overridden by appropriate SMTP extensions).`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
	},
	{
		ID: "SEC-OVERLONG-LINE-NO-SPLIT", Title: "A command line of 8000 octets gets one reply, not one per piece.",
		RFC: 5321, Sections: []string{"2.3.8", "4.2"},
		Quote: `Conforming implementations MUST NOT recognize or generate any other character or character sequence as a line terminator. Limits MAY be imposed on line lengths by servers (see Section 4).` + QuoteSeparator +
			`Every command MUST generate exactly one reply.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.5.3.1.4"}, {5321, "4.5.3.1.9"}},
		Note: "The line may be refused (the MAY); cutting it into pieces read as commands ends lines where there is no CRLF.",
	},
	{
		ID: "SEC-ERROR-FLOOD-CLOSE", Title: "A server that closes after a flood of invalid commands does so only after several of them.",
		RFC: 5321, Sections: []string{"3.8", "7.8"},
		Quote: `An SMTP server MUST NOT intentionally close the connection under normal operational circumstances (see Section 7.8) except:` + QuoteSeparator +
			`For example, if a server determines that a large number of RCPT TO commands are being sent, most or all with invalid addresses, as part of such an attack, it would be reasonable for the server to close the connection after generating an appropriate number of 5yz (normally 550) replies.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Note: "§7.8 allows a defensive close after \"an appropriate number\" of errors without a keyword; a close after one or two errors falls under the §3.8 MUST NOT " +
			"(\"a server that closes connections in response to commands that are not understood is in violation of this specification\").",
	},
}
