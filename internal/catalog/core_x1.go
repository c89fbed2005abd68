package catalog

// coreX1 continues the catalogue of RFC 5321 itself (feature "core"):
// mailbox comparison (quoted local parts, the case of the domain), the
// MAIL line lengthened by the parameters of the advertised extensions,
// VRFY and EXPN support, and what a message is not refused for (the
// recipients its header lists, control characters in its text).
var coreX1 = []Requirement{
	{
		ID: "RFC5321-4.1.2-quoted-forms-equivalent", Title: "A recipient whose local part is written as a quoted string gets the same answer as the same mailbox written without quotes.",
		RFC: 5321, Sections: []string{"4.1.2"},
		Quote:   `For any purposes that require generating or comparing Local-parts (e.g., to specific mailbox names), all quoted forms MUST be treated as equivalent, and the sending system SHOULD transmit the form that uses the minimum quoting possible.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.3"}},
		Note: "RFC5321-4.1.2-quoted-local-part checks that a quoted local part is valid syntax in MAIL; this entry checks that RCPT matches it to the mailbox it names: " +
			"<\"user\"@domain> and <\"\\user\"@domain> (a quoted-pair) are the mailbox <user@domain>.",
	},
	{
		ID: "RFC5321-2.4-domain-case-insensitive", Title: "A recipient whose domain is written in another case (upper, mixed) gets the same answer as the mailbox as configured.",
		RFC: 5321, Sections: []string{"2.4"},
		Quote:   `That is, a command verb, an argument value other than a mailbox local-part, and free form text MAY be encoded in upper case, lower case, or any mixture of upper and lower case with no impact on its meaning.`,
		Keyword: "MAY", Level: May, Feature: FeatureCore,
		Also: []Cite{{5321, "2.3.5"}},
		Note: "The MAY is the client's freedom; \"with no impact on its meaning\" is what the server owes in return. " +
			"RFC5321-2.4-verb-case-insensitive covers the verbs and the \"TO:\" keyword; this entry covers the domain of a mailbox, which a server matches against the domains it serves.",
	},
	{
		ID: "RFC5321-4.5.3.1.4-extension-increments", Title: "A MAIL line longer than 512 octets, made long only by parameters of the advertised extensions at their allowed sizes, is accepted.",
		RFC: 5321, Sections: []string{"4.5.3.1.4", "4.5.3.1"},
		Quote: `The maximum total length of a command line including the command word and the <CRLF> is 512 octets. SMTP extensions may be used to increase this limit.` + QuoteSeparator +
			`Every implementation MUST be able to receive objects of at least these sizes.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{1870, "3"}, {4954, "3"}, {6531, "3.1"}, {3461, "5.4"}, {5321, "2.2.2"}},
		Note: "Each extension raises the limit for its parameters: SIZE by 26 (RFC 1870 §3(5)), AUTH by 500 (RFC 4954 §3(5)), SMTPUTF8 by 10 (RFC 6531 §3.1(5)); " +
			"RFC 3461 §5.4 asks for 1036 and for a line \"large enough for ... any combination of ESMTP parameters which may be used with that command\". " +
			"The spec builds the line from the parameters the server advertises (AUTH= a 254-octet mailbox in xtext, ENVID= of 100 characters, RET, SIZE= of 20 digits, SMTPUTF8, BODY=8BITMIME); " +
			"it is NOT APPLICABLE when they cannot make it longer than 512 octets. RFC3461-5.4-parameter-sizes covers the RCPT line.",
	},
	{
		ID: "RFC5321-3.5.2-vrfy-expn-should-support", Title: "EXPN is supported: it is not answered 500 or 502 (not implemented); a site that disables it answers 252 or refuses.",
		RFC: 5321, Sections: []string{"3.5.1", "3.5.2"},
		Quote: `Implementations SHOULD support VRFY and EXPN (however, see Section 3.5.2 and Section 7.3).` + QuoteSeparator +
			`Server implementations SHOULD support both VRFY and EXPN. For security reasons, implementations MAY provide local installations a way to disable either or both of these commands through configuration options or the equivalent (see Section 7.3).`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "7.3"}, {5321, "4.2.4"}},
		Note: "A disabled command is still supported: §7.3 has it answer 252, and a refusal such as 550 (Exim's \"Administrative prohibition\") shows it is implemented. " +
			"Only 500 and 502, which say the command is not implemented (§4.2.4), miss the SHOULD. The spec sends EXPN only: VRFY's support is judged by RFC5321-4.5.1-vrfy-in-minimum-set (500 FAIL, 502 WARN) and RFC5321-7.3-vrfy-disabled-252.",
	},
	{
		ID: "RFC5321-4.5.3.1.8-no-reject-header-recipients", Title: "A message whose To: field lists 150 addresses is not refused for that.",
		RFC: 5321, Sections: []string{"4.5.3.1.8"},
		Quote:   `The general principle that relaying SMTP server MUST NOT, and delivery SMTP servers SHOULD NOT, perform validation tests on message header fields suggests that messages SHOULD NOT be rejected based on the total number of recipients shown in header fields.`,
		Keyword: "SHOULD NOT", Level: Should, Feature: FeatureCore,
		Note: "The envelope has one recipient (the mailbox); only the header lists 150, more than the 100 recipients §4.5.3.1.8 has a server take in one transaction.",
	},
	{
		ID: "RFC5321-4.1.1.4-control-characters", Title: "A message whose text holds ASCII control characters (other than NUL, CR and LF) is accepted.",
		RFC: 5321, Sections: []string{"4.1.1.4", "4.5.2"},
		Quote: `The mail data may contain any of the 128 ASCII character codes, although experience has indicated that use of control characters other than SP, HT, CR, and LF may cause problems and SHOULD be avoided when possible.` + QuoteSeparator +
			`The mail data may contain any of the 128 ASCII characters. All characters are to be delivered to the recipient's mailbox, including spaces, vertical and horizontal tabs, and other control characters.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "2.3.8"}},
		Note: "DEFINED: the lower-case \"may contain\" and \"are to be delivered\" describe what the data can hold, and the SHOULD is the sender's. A refusal is a WARN. " +
			"NUL is left out (RFC5321-4.1.2-control-char-501 and the robustness specs deal with it), and so are CR and LF, whose bare forms §2.3.8 treats apart.",
	},
	{
		ID: "RFC5321-4.1.2-atext-local-part", Title: "A reverse-path whose local part is a Dot-string of every atext special (!#$%&'*+-/=?^_`{|}~) is valid syntax: it is not refused as a syntax error.",
		RFC: 5321, Sections: []string{"4.1.2"},
		Quote:   `Mailbox = Local-part "@" ( Domain / address-literal )` + QuoteSeparator + `Local-part = Dot-string / Quoted-string ; MAY be case-sensitive` + QuoteSeparator + `Dot-string = Atom *("." Atom)` + QuoteSeparator + `Atom = 1*atext`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.2"}, {5321, "4.2.3"}},
		Note: "atext is RFC 5322's: letters, digits and !#$%&'*+-/=?^_`{|}~. The spec sends MAIL FROM:<!#$%&'*+-/=?^_`{|}~.x@sender-domain>, after the plain sender was accepted. " +
			"501 (syntax error) FAILs; 553 (\"mailbox name not allowed\", which §4.2.3 also gives for a syntax error) is a WARN, since a site may refuse such names by policy; any other refusal is policy and ends the spec NOT APPLICABLE.",
	},
	{
		ID: "RFC5321-4.1.1.1-helo-reply-domain", Title: "The reply to HELO starts with the server's own domain (or address literal), as the greeting does.",
		RFC: 5321, Sections: []string{"4.1.1.1"},
		Quote:   `The SMTP server identifies itself to the SMTP client in the connection greeting reply and in the response to this command.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.2"}, {5321, "2.3.5"}},
		Note: "DEFINED: the sentence states how the server identifies itself, without a keyword; for EHLO the ehlo-ok-rsp grammar makes it a rule (RFC5321-4.1.1.1-ehlo-first-line), for HELO no grammar does. " +
			"A reply that does not open with a domain or address literal (\"250 Hello client\") is a WARN.",
	},
	{
		ID: "RFC5321-4.1.1.4-empty-content", Title: "A lone \".\" right after the 354 ends the (empty) mail data: it gets one final reply, 250 or a refusal, and what follows is read as commands.",
		RFC: 5321, Sections: []string{"4.1.1.4"},
		Quote:   `The first <CRLF> of this terminating sequence is also the <CRLF> that ends the final line of the data (message text) or, if there was no mail data, ends the DATA command itself (the "no mail data" case does not conform to this specification since it would require that neither the trace header fields required by this specification nor the message header section required by RFC 5322 [4] be transmitted).`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.5.2"}, {2920, "3.1"}},
		Note: "DEFINED: the sentence defines where empty data ends (the CRLF of DATA is the first CRLF of <CRLF>.<CRLF>) and calls the client's case non-conforming, without a keyword for the server. " +
			"Accepting the empty message and refusing it both pass; taking the \".\" for data is a WARN. With PIPELINING the spec sends \".\", \".\" and NOOP in one write and counts the replies up to QUIT's 221 " +
			"(three when the first \".\" ends the data; two, the second 250 to NOOP, when it does not). Without PIPELINING, or when the server discards what followed the end of the data (one reply), " +
			"it sends the \".\" alone in a new transaction, and a server that waits for more data ends the spec as ERROR (no verdict from silence).",
	},
	{
		ID: "RFC5321-3.5.3-no-unverified-250", Title: "EXPN of a name that is not a mailbox or list of the served domain does not get 250.",
		RFC: 5321, Sections: []string{"3.5.3"},
		Quote:   `A server MUST NOT return a 250 code in response to a VRFY or EXPN command unless it has actually verified the address. In particular, a server MUST NOT return 250 if all it has done is to verify that the syntax given is valid.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "7.3"}, {5321, "3.5.1"}},
		Note: "The spec sends EXPN with the local part of the configured unknown mailbox (EXPN takes a String, §4.1.1.7). " +
			"A 250 breaks the rule only if RCPT then refuses that mailbox as unknown (550, 551, 553): a catch-all domain may expand any name. " +
			"VRFY's half of the sentence is judged by RFC5321-7.3-vrfy-disabled-252, which makes the same check for VRFY.",
	},
	{
		ID: "RFC5321-4.1.2-local-part-case", Title: "The mailbox written with its local part in another case (upper case) is not refused as unknown: the served mailboxes are not case-sensitive.",
		RFC: 5321, Sections: []string{"4.1.2"},
		Quote:   `While the above definition for Local-part is relatively permissive, for maximum interoperability, a host that expects to receive mail SHOULD avoid defining mailboxes where the Local-part requires (or uses) the Quoted-string form or where the Local-part is case-sensitive.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "2.4"}},
		Note: "§2.4 has local parts treated as case-sensitive by everyone but the host that serves them, and calls exploiting it \"discouraged\"; the serving host is the one asked here. " +
			"Only a refusal of the re-cased mailbox (550, 551, 553) while the mailbox as configured is accepted misses the SHOULD.",
	},
	{
		ID: "RFC5321-4.1.1.4-dot-whitespace-not-eod", Title: "A mail data line of a period followed by white space (\". \", \".<HT>\") does not end the data.",
		RFC: 5321, Sections: []string{"4.1.1.4", "4.5.2"},
		Quote: `The mail data are terminated by a line containing only a period, that is, the character sequence "<CRLF>.<CRLF>", where the first <CRLF> is actually the terminator of the previous line (see Section 4.5.2).` + QuoteSeparator +
			`When a line of mail text is received by the SMTP server, it checks the line. If the line is composed of a single period, it is treated as the end of mail indicator. If the first character is a period and there are other characters on the line, the first character is deleted.`,
		Keyword: KeywordDefined, Level: Defined, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1"}},
		Note: "DEFINED: the end of the data and the transparency procedure are stated without a keyword (as for RFC5321-4.5.2-dot-stuffing-wire). " +
			"The tolerance of trailing white space that §4.1.1 asks for command lines does not reach the data: a line \". \" has other characters than the period, so it is mail text. " +
			"The spec sends \". \", \".<HT>\" and RSET inside one message and counts the replies up to QUIT's 221: more than one means a look-alike ended the data and what followed ran as commands.",
	},
	{
		ID: "RFC5321-3.5.1-expn-one-per-line", Title: "A successful EXPN gives the mailboxes of the list, one <local-part@domain> on each line of the reply.",
		RFC: 5321, Sections: []string{"3.5.1", "3.5.2"},
		Quote: `For the EXPN command, the string identifies a mailing list, and the successful (i.e., 250) multiline response MAY include the full name of the users and MUST give the mailboxes on the mailing list.` + QuoteSeparator +
			`In the case of a successful multiline reply (normal for EXPN), exactly one mailbox is to be specified on each line of the reply.` + QuoteSeparator +
			`When normal (2yz or 551) responses are returned from a VRFY or EXPN request, the reply MUST include the <Mailbox> name using a "<local-part@domain>" construction, where "domain" is a fully-qualified domain name.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Note: "The spec asks EXPN postmaster (every server has that name; REQUIREMENTS.md's row asks for a known list, which needs configuration) and judges only a 250 or 251: " +
			"a line without a <local-part@domain> FAILs (the two MUSTs); a line with more than one mailbox misses the descriptive \"is to be\" and is a WARN. " +
			"A server that does not expand (252, 500, 502, 550) makes the spec NOT APPLICABLE. RFC5321-3.5.2-vrfy-mailbox-form judges the same form for VRFY.",
	},
}

func init() { register(coreX1) }
