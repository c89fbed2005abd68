package catalog

// dsnReqs is the catalogue of the DSN extension (RFC 3461; feature "DSN").
// The rows that need the notifications themselves (RFC 3461 §5.2.3, a
// success DSN in the sender's mailbox) need SINK access and are not here.
var dsnReqs = []Requirement{
	{
		ID: "RFC3461-2-keyword-no-param", Title: "The DSN keyword has no parameter.",
		RFC: 3461, Sections: []string{"2"},
		Quote:   `no parameters are allowed with this EHLO keyword value;`,
		Keyword: KeywordDefined, Level: Defined, Feature: "DSN",
		Note: "A statement of the framework, with no keyword.",
	},
	{
		ID: "RFC3461-5.1a-ret-envid-neutral", Title: "Valid RET and ENVID parameters do not change the reply to MAIL.",
		RFC: 3461, Sections: []string{"5.1"},
		Quote:   `If an SMTP client issues a MAIL command containing a valid ENVID parameter and associated esmtp-value and/or a valid RET parameter and associated esmtp-value, a conforming SMTP server MUST return the same reply-code as it would to the same MAIL command without the ENVID and/or RET parameters. A conforming SMTP server MUST NOT refuse a MAIL command based on the absence or presence of valid ENVID or RET parameters, or on their associated esmtp-values.`,
		Keyword: "MUST", Level: Must, Feature: "DSN",
	},
	{
		ID: "RFC3461-5.1a-bad-ret-envid-501", Title: "An invalid RET or ENVID value, or a repeated RET or ENVID, gets 501.",
		RFC: 3461, Sections: []string{"5.1", "4.3", "4.5"},
		Quote: `However, if the associated esmtp-value is not valid (i.e., contains illegal characters), or if there is more than one ENVID or RET parameter in a particular MAIL command, the server MUST issue the reply-code 501 with an appropriate message (e.g., "syntax error in parameter").` + QuoteSeparator +
			`If the RET esmtp-keyword is used, it MUST have an associated esmtp-value, which is one of the following keywords:` + QuoteSeparator +
			`The RET and ENVID parameters MUST NOT appear more than once each in any single MAIL command.`,
		Keyword: "MUST", Level: Must, Feature: "DSN",
		Also: []Cite{{3461, "4"}, {3461, "4.4"}},
		Note: "xtext (§4): a \"+\" is followed by two upper-case hexadecimal digits. Catalogue §17.4: 555 or 504 instead of 501 is a WARN.",
	},
	{
		ID: "RFC3461-5.1b-notify-orcpt-neutral", Title: "Valid NOTIFY and ORCPT parameters do not change the reply to RCPT.",
		RFC: 3461, Sections: []string{"5.1"},
		Quote:   `If an SMTP client issues a RCPT command containing any valid NOTIFY and/or ORCPT parameters, a conforming SMTP server MUST return the same response as it would to the same RCPT command without those NOTIFY and/or ORCPT parameters. A conforming SMTP server MUST NOT refuse a RCPT command based on the presence or absence of any of these parameters.`,
		Keyword: "MUST", Level: Must, Feature: "DSN",
	},
	{
		ID: "RFC3461-5.1b-bad-notify-orcpt-501", Title: "An invalid NOTIFY or ORCPT value, or a repeated NOTIFY or ORCPT, gets 501.",
		RFC: 3461, Sections: []string{"5.1", "4.1", "4.2", "4.5"},
		Quote: `However, if any of the associated esmtp-values are not valid, or if there is more than one of any of these parameters in a particular RCPT command, the server SHOULD issue the response "501 syntax error in parameter".` + QuoteSeparator +
			`notify-esmtp-value = "NEVER" / 1#notify-list-element notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"` + QuoteSeparator +
			`original-recipient-address = addr-type ";" xtext` + QuoteSeparator +
			`If more than one of either of these parameters appears in a RCPT command, the ESMTP server SHOULD respond with "501 syntax error in parameters or arguments".`,
		Keyword: "SHOULD", Level: Should, Feature: "DSN",
		Also: []Cite{{3461, "4"}},
	},
	{
		ID: "RFC3461-4.1-notify-case-insensitive", Title: "NOTIFY keywords are accepted in any case.",
		RFC: 3461, Sections: []string{"4.1"},
		Quote:   `Any of the keywords NEVER, SUCCESS, FAILURE, or DELAY may be spelled in any combination of upper and lower case letters.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "DSN",
		Note: "\"may be spelled\" grants the client a choice; it sets no keyword for the server, which must then accept any case to follow the definition.",
	},
	{
		ID: "RFC3461-4.3-ret-case-insensitive", Title: "RET values are accepted in any case.",
		RFC: 3461, Sections: []string{"4.3"},
		Quote:   `The FULL and HDRS keywords may be spelled in any combination of upper and lower case letters.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "DSN",
		Note: "\"may be spelled\" grants the client a choice; it sets no keyword for the server, which must then accept any case to follow the definition.",
	},
	{
		ID: "RFC3461-5.4-parameter-sizes", Title: "ENVID of 100, NOTIFY of 28, ORCPT of 500 and RET of 8 characters, and RCPT lines past 512 octets, are accepted.",
		RFC: 3461, Sections: []string{"5.4"},
		Quote: `A conforming MTA MUST accept ESMTP parameters of at least the following sizes: (a) ENVID parameter: 100 characters. (b) NOTIFY parameter: 28 characters. (c) ORCPT parameter: 500 characters. (d) RET parameter: 8 characters.` + QuoteSeparator +
			`A conforming MTA MUST be able to accept SMTP command-lines which are at least 1036 characters long (530 characters for the ORCPT and NOTIFY parameters of the RCPT command, in addition to the 512 characters required by [1]).`,
		Keyword: "MUST", Level: Must, Feature: "DSN",
	},
	{
		ID: "RFC3461-4.1-param-placement", Title: "NOTIFY and ORCPT are RCPT parameters and RET and ENVID MAIL parameters: each on the other command is refused.",
		RFC: 3461, Sections: []string{"4.1", "4.2", "4.3", "4.4"},
		Quote: `A RCPT command issued by a client may contain the optional esmtp-keyword "NOTIFY"` + QuoteSeparator +
			`The ORCPT esmtp-keyword of the RCPT command is used to specify an "original" recipient address` + QuoteSeparator +
			`The RET esmtp-keyword on the extended MAIL command specifies whether or not the message should be included in any failed DSN issued for this message transmission.` + QuoteSeparator +
			`The ENVID esmtp-keyword of the SMTP MAIL command is used to specify an "envelope identifier"`,
		Keyword: KeywordDefined, Level: Defined, Feature: "DSN",
		Also: []Cite{{5321, "4.1.1.11"}},
		Note: "Each section defines its parameter for one command, without a keyword; RFC 5321 §4.1.1.11 answers a parameter a command does not recognise with 555. Any refusal passes (555 is the code); a server that takes NOTIFY or ORCPT on MAIL, or RET or ENVID on RCPT, gets a WARN.",
	},
	{
		ID: "RFC3461-4.2-orcpt-address-unconstrained", Title: "An ORCPT address need not follow the syntax of its addr-type: RCPT with ORCPT=rfc822;<not an address> gets the reply it gets without it.",
		RFC: 3461, Sections: []string{"4.2", "5.1"},
		Quote: `However, the address associated with the ORCPT keyword is NOT constrained to conform to the syntax rules for that "addr-type".` + QuoteSeparator +
			`If an SMTP client issues a RCPT command containing any valid NOTIFY and/or ORCPT parameters, a conforming SMTP server MUST return the same response as it would to the same RCPT command without those NOTIFY and/or ORCPT parameters.`,
		Keyword: "MUST", Level: Must, Feature: "DSN",
	},
}

func init() { register(dsnReqs) }
