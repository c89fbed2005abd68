package catalog

// starttls is the catalogue of STARTTLS (RFC 3207; feature "STARTTLS"):
// the keyword, the command and its replies, the reset after the handshake,
// and the plaintext command injection of CVE-2011-0411 (catalogue §12.8,
// §13.2).
// The RFC 3207 passages several entries quote (joined with QuoteSeparator
// or a space, as each entry needs).
const (
	// quote3207Replies is §4's list of replies to STARTTLS.
	quote3207Replies = `After the client gives the STARTTLS command, the server responds with one of the following reply codes: 220 Ready to start TLS 501 Syntax error (no parameters allowed) 454 TLS not available due to temporary reason`
	// quote3207Reset is §4.2's reset to the initial state.
	quote3207Reset = `Upon completion of the TLS handshake, the SMTP protocol is reset to the initial state (the state in SMTP after a server issues a 220 service ready greeting).`
	// quote3207Discard is §4.2's rule for the server's knowledge.
	quote3207Discard = `The server MUST discard any knowledge obtained from the client, such as the argument to the EHLO command, which was not obtained from the TLS negotiation itself.`
	// quote3207Discard6 is §6's rule for both parties.
	quote3207Discard6 = `For this reason, clients and servers MUST discard any knowledge obtained prior to the start of the TLS handshake upon completion of the TLS handshake.`
)

var starttls = []Requirement{
	{
		ID: "RFC3207-4-keyword-no-param", Title: "The STARTTLS keyword is listed in EHLO without parameters.",
		RFC: 3207, Sections: []string{"2", "3"},
		Quote:   `(3) the STARTTLS keyword has no parameters;` + QuoteSeparator + `It takes no parameters.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "STARTTLS",
		Also: []Cite{{3207, "4"}},
		Note: "The definition of the keyword, without an RFC 2119 keyword: a parameter after STARTTLS is a WARN.",
	},
	{
		ID: "RFC3207-4-starttls-220", Title: "STARTTLS gets 220, and the TLS handshake that follows succeeds.",
		RFC: 3207, Sections: []string{"4"},
		Quote: quote3207Replies + QuoteSeparator +
			`After receiving a 220 response to a STARTTLS command, the client MUST start the TLS negotiation before giving any other SMTP commands.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "STARTTLS",
		Note: "The reply list is descriptive and the MUST binds the client: a server that advertises STARTTLS and answers it otherwise, " +
			"or fails the handshake after its 220, is a WARN. 454 (temporarily unavailable) is allowed and makes the spec inconclusive.",
	},
	{
		ID: "RFC3207-4-no-arguments-501", Title: "STARTTLS with an argument gets 501.",
		RFC: 3207, Sections: []string{"4"},
		Quote: `The format for the STARTTLS command is: STARTTLS with no parameters.` + QuoteSeparator +
			`501 Syntax error (no parameters allowed)`,
		Keyword: KeywordDefined, Level: Defined, Feature: "STARTTLS",
		Note: "The command's format and the 501 reply are stated without an RFC 2119 keyword: a 220 to STARTTLS with an argument is a WARN.",
	},
	{
		ID: "RFC3207-4.2-reset-discards-ehlo", Title: "After the TLS handshake the EHLO given in plaintext is forgotten: MAIL without a new EHLO is refused.",
		RFC: 3207, Sections: []string{"4.2"},
		Quote:   quote3207Reset + " " + quote3207Discard,
		Keyword: "MUST", Level: Must, Feature: "STARTTLS",
		Also: []Cite{{5321, "4.1.4"}},
		Note: "Judged against the server's own plaintext behaviour (catalogue §17.2): a server that accepts MAIL before EHLO in plaintext " +
			"and also after the handshake is lenient, not leaking state (WARN).",
	},
	{
		ID: "RFC3207-4.2-reset-discards-transaction", Title: "A mail transaction opened before STARTTLS does not survive the TLS handshake.",
		RFC: 3207, Sections: []string{"4.2", "6"},
		Quote:   quote3207Reset + QuoteSeparator + quote3207Discard6,
		Keyword: "MUST", Level: Must, Feature: "STARTTLS",
		Also: []Cite{{5321, "3.3"}},
		Note: "RFC 3207 does not say whether STARTTLS may be given inside a transaction; a server that refuses it there cannot carry the transaction over (NOT APPLICABLE).",
	},
	{
		ID: "RFC3207-4.2-no-starttls-after-tls", Title: "The EHLO reply after the TLS handshake does not list STARTTLS.",
		RFC: 3207, Sections: []string{"4.2"},
		Quote:   `A server MUST NOT return the STARTTLS extension in response to an EHLO command received after a TLS handshake has completed.`,
		Keyword: "MUST NOT", Level: Must, Feature: "STARTTLS",
	},
	{
		ID: "RFC3207-4.2-second-starttls", Title: "STARTTLS inside TLS is refused with a 5yz (503, 502 and 554 are usual), never answered with 220.",
		RFC: 3207, Sections: []string{"4.2"},
		Quote:   `Both the client and the server MUST know if there is a TLS session active. A client MUST NOT attempt to start a TLS session if a TLS session is already active.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "STARTTLS",
		Also: []Cite{{5321, "4.1.4"}},
		Note: "The MUST NOT binds the client; the RFC does not say how a server answers a second STARTTLS (catalogue §17.12). " +
			"Any 5yz passes (503 bad sequence, 502, 554 are usual); a 220, offering a second handshake, is a WARN.",
	},
	{
		ID: "RFC3207-4.2-ehlo-after-tls", Title: "EHLO as the first command after the TLS handshake gets 250.",
		RFC: 3207, Sections: []string{"4.2"},
		Quote: `The client SHOULD send an EHLO command as the first command after a successful TLS negotiation.` + QuoteSeparator +
			`The list of SMTP service extensions returned in response to an EHLO command received after the TLS handshake MAY be different than the list returned before the TLS handshake.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "STARTTLS",
		Also: []Cite{{5321, "4.1.1.1"}},
		Note: "The SHOULD binds the client and the MAY is about the list; that the server answers that EHLO with its 250 list is described, " +
			"not worded with a keyword, so another reply is a WARN.",
	},

	// CVE-2011-0411: plaintext commands sent behind STARTTLS (catalogue §13.2).
	{
		ID: "SEC-STARTTLS-INJECTION", Title: "A command sent in plaintext right behind STARTTLS is never answered inside TLS.",
		RFC: 3207, Sections: []string{"4.2", "6"},
		Quote:   quote3207Discard + QuoteSeparator + quote3207Discard6,
		Keyword: "MUST", Level: Must, Feature: "STARTTLS",
		Also: []Cite{{3207, "4"}},
		Note: "CVE-2011-0411. Discarding the buffered plaintext, refusing the STARTTLS, or closing the connection all pass (catalogue §17.25); " +
			"only executing the injected command inside TLS fails. RFC 3207 §4 (\"the STARTTLS command must be the last command in a group\") binds the client.",
	},
	{
		ID: "SEC-STARTTLS-INJECTION-TXN", Title: "A MAIL FROM sent in plaintext right behind STARTTLS opens no transaction inside TLS.",
		RFC: 3207, Sections: []string{"4.2", "6"},
		Quote:   quote3207Discard + QuoteSeparator + quote3207Discard6,
		Keyword: "MUST", Level: Must, Feature: "STARTTLS",
		Also: []Cite{{3207, "4"}},
		Note: "CVE-2011-0411 with an envelope command: an attacker's MAIL FROM must not be carried into the TLS session.",
	},
	{
		ID: "SEC-STARTTLS-NO-EXTRA-RESPONSE", Title: "The server sends its 220 to STARTTLS and nothing more in plaintext before the TLS handshake.",
		RFC: 3207, Sections: []string{"4"},
		Quote:   `After the client gives the STARTTLS command, the server responds with one of the following reply codes: 220 Ready to start TLS`,
		Keyword: KeywordDefined, Level: Defined, Feature: "STARTTLS",
		Also: []Cite{{5321, "4.2"}},
		Note: "RFC 3207 §4 describes one reply, then the handshake, without a keyword: further plaintext octets after the 220 (which break the " +
			"handshake and can hide an injection) are a WARN.",
	},

	// A server that requires TLS, and one that cannot start it now (§4).
	{
		ID: "RFC3207-4-tls-required-530", Title: "A server that requires TLS before mail refuses MAIL in plaintext with 530.",
		RFC: 3207, Sections: []string{"4"},
		Quote: `A SMTP server that is not publicly referenced may choose to require that the client perform a TLS negotiation before accepting any commands. ` +
			`In this case, the server SHOULD return the reply code: 530 Must issue a STARTTLS command first to every command other than NOOP, EHLO, STARTTLS, or QUIT.`,
		Keyword: "SHOULD", Level: Should, Feature: "STARTTLS",
		Also: []Cite{{4954, "6"}},
		Note: "Judged only when the server shows the requirement: MAIL refused in plaintext and accepted on the same session once TLS is up. " +
			"A MAIL that is accepted in plaintext, or refused under TLS too (an authentication policy, say), makes the spec NOT APPLICABLE. " +
			"Such a server is tested with --tls starttls: under --tls auto the preflight's plaintext MAIL meets the refusal.",
	},
	{
		ID: "RFC3207-4-tls-required-enhanced-code", Title: "With ENHANCEDSTATUSCODES, the 530 of a server that requires TLS carries 5.7.0.",
		RFC: 3207, Sections: []string{"4"},
		Quote:   `If the client and server are using the ENHANCEDSTATUSCODES ESMTP extension [RFC2034], the status code to be returned SHOULD be 5.7.0.`,
		Keyword: "SHOULD", Level: Should, Feature: "STARTTLS",
		Also: []Cite{{2034, "4"}},
		Note: "Judged on the 530 to MAIL in plaintext of a server that accepts the same MAIL once TLS is up (RFC3207-4-tls-required-530), " +
			"when the EHLO reply lists ENHANCEDSTATUSCODES.",
	},
	{
		ID: "RFC3207-4-temp-unavailable-454", Title: "After a 454 to STARTTLS the session goes on in plaintext: NOOP gets 250.",
		RFC: 3207, Sections: []string{"4"},
		Quote: `454 TLS not available due to temporary reason` + QuoteSeparator +
			`If the client receives the 454 response, the client must decide whether or not to continue the SMTP session.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "STARTTLS",
		Note: "The 454 is described, and the decision to continue is the client's: a server that answers 454 and then closes, or does not answer " +
			"the next command in plaintext, leaves the client no such decision (WARN). A 220 makes the spec NOT APPLICABLE.",
	},
}

func init() { register(starttls) }
