package catalog

// auth is the catalogue of the AUTH extension (RFC 4954), the SASL
// mechanisms the suite speaks (PLAIN, RFC 4616; CRAM-MD5, RFC 2195) and the
// submission profile's authentication rule (RFC 6409 §4.3). The LOGIN
// mechanism (draft-murchison-sasl-login) is exercised through the RFC 4954
// rules only: its text is not an RFC the catalogue can quote.
var auth = []Requirement{
	{
		ID: "RFC4954-3-keyword-syntax", Title: "AUTH is advertised as the keyword AUTH followed by mechanism names separated by spaces (not only the legacy AUTH=).",
		RFC: 4954, Sections: []string{"3"},
		Quote:   `The AUTH EHLO keyword contains as a parameter a space-separated list of the names of available [SASL] mechanisms.`,
		Keyword: KeywordABNF, Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.1.1"}},
		Note: "The grammar is RFC 5321 §4.1.1.1's ehlo-line: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / \"-\"), so \"AUTH=LOGIN\" is not the AUTH keyword. " +
			"Feature core: the spec must run when only the legacy AUTH= line is listed (REQUIREMENTS.md §17 item 11: FAIL when it is the only one, WARN beside a standard line).",
	},
	{
		ID: "RFC4954-3-mechanisms-available", Title: "A mechanism the AUTH line lists is not refused as unsupported (504).",
		RFC: 4954, Sections: []string{"3"},
		Quote:   `The AUTH EHLO keyword contains as a parameter a space-separated list of the names of available [SASL] mechanisms.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Also: []Cite{{4954, "4"}},
		Note: "The list is described, without a keyword: a listed mechanism that gets 504 (\"not supported\", §4) is a WARN. Every listed mechanism " +
			"is started without an initial response, in the first state and under TLS, and a 334 is cancelled with \"*\"; other refusals are other specs' business.",
	},
	{
		ID: "RFC4954-4-unknown-mechanism-504", Title: "AUTH with a mechanism the server does not support gets 504.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `If the requested authentication mechanism is invalid (e.g., is not supported or requires an encryption layer), the server rejects the AUTH command with a 504 reply.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Note: "\"rejects ... with a 504 reply\" states the code without a keyword; the SHOULD that follows is about the enhanced code 5.5.4.",
	},
	{
		ID: "RFC4954-4-334-base64-only", Title: "A 334 challenge carries nothing but base64 (or nothing).",
		RFC: 4954, Sections: []string{"4", "8"},
		Quote: `A server challenge is sent as a 334 reply with the text part containing the [BASE64] encoded string supplied by the SASL mechanism. This challenge MUST NOT contain any text other than the BASE64 encoded challenge.` + QuoteSeparator +
			`continue-req = "334" SP [base64] CRLF`,
		Keyword: "MUST NOT", Level: Must, Feature: "AUTH",
	},
	{
		ID: "RFC4954-4-empty-challenge-format", Title: "An empty challenge is the line \"334 \" (the code, then a space).",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `In SMTP, a server challenge that contains no data is defined as a 334 reply with no text part. Note that there is still a space following the reply code, so the complete response line is "334 ".`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Also: []Cite{{4954, "8"}},
		Note: "A definition (\"is defined as\"), without a keyword; a bare \"334\" is also a SHOULD-level reply-syntax observation (RFC 5321 §4.2.1).",
	},
	{
		ID: "RFC4954-4-cancel-501", Title: "A \"*\" response cancels the exchange, and the server answers 501.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `If the client wishes to cancel the authentication exchange, it issues a line with a single "*". If the server receives such a response, it MUST reject the AUTH command by sending a 501 reply.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
	},
	{
		ID: "RFC4954-4-undecodable-501", Title: "A client response that is not base64 gets 501.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `If the server cannot [BASE64] decode any client response, it MUST reject the AUTH command with a 501 reply (and an enhanced status code of 5.5.2).`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
	},
	{
		ID: "RFC4954-4-strict-base64", Title: "Characters outside the base64 alphabet are rejected, not skipped.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `In particular, servers and clients MUST reject (and not ignore) any character not explicitly allowed by the BASE64 alphabet, and MUST reject any sequence of BASE64 characters that contains the pad character ('=') anywhere other than the end of the string (e.g., "=AAA" and "AAA=BBB" are not allowed).`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
	},
	{
		ID: "RFC4954-4-ir-server-first-501", Title: "An initial response with a server-first mechanism (CRAM-MD5) gets 501.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `If the client uses an initial-response argument to the AUTH command with a SASL mechanism in which the client does not begin the authentication exchange, the server MUST reject the AUTH command with a 501 reply.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
		Also: []Cite{{2195, "2"}},
	},
	{
		ID: "RFC4954-4-ir-equals-is-empty", Title: "The initial response \"=\" means present but empty, not absent: no 334 re-prompt, and no success.",
		RFC: 4954, Sections: []string{"4", "8"},
		Quote: `If the client is transmitting an initial response of zero length, it MUST instead transmit the response as a single equals sign ("="). This indicates that the response is present, but contains no data.` + QuoteSeparator +
			`initial-response= base64 / "="`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Note: "The MUST binds the client; what \"=\" means to the server is stated without a keyword.",
	},
	{
		ID: "RFC4954-4-no-ir-then-334", Title: "A client-first mechanism (PLAIN) started without an initial response gets an empty 334 and then takes the response.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `If the initial response argument is omitted and the chosen mechanism requires an initial client response, the server MUST proceed as defined in Section 5.1 of [SASL]. In SMTP, a server challenge that contains no data is defined as a 334 reply with no text part.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
	},
	{
		ID: "RFC4954-4-success-235", Title: "A completed exchange with valid credentials gets 235.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `Should the client successfully complete the exchange, the SMTP server issues a 235 reply.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Also: []Cite{{4954, "6"}},
		Note: "\"issues a 235 reply\" states the code without a keyword.",
	},
	{
		ID: "RFC4954-4-failure-535", Title: "Authentication that fails on the credentials gets 535.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `If the server is unable to authenticate the client, it SHOULD reject the AUTH command with a 535 reply unless a more specific error code is appropriate.`,
		Keyword: "SHOULD", Level: Should, Feature: "AUTH",
		Also: []Cite{{4954, "6"}},
	},
	{
		ID: "RFC4954-4-reauth-503", Title: "After a successful AUTH, a further AUTH gets 503.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `After a successful AUTH command completes, a server MUST reject any further AUTH commands with a 503 reply.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
	},
	{
		ID: "RFC4954-4-auth-in-transaction-503", Title: "AUTH during a mail transaction gets 503.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `The AUTH command is not permitted during a mail transaction. An AUTH command issued during a mail transaction MUST be rejected with a 503 reply.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
	},
	{
		ID: "RFC4954-4-long-response-ok", Title: "A client response far longer than 512 octets (about 1 KB of base64) is read, not refused as too long.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `Clients and servers MUST be able to handle the maximum encoded size of challenges and responses generated by their supported authentication mechanisms. This requirement is independent of any line length limitations the client or server may have in other parts of its protocol implementation.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
		Note: "The long line is sent as the response to an empty 334, not as an initial response: the AUTH command line itself stays subject to RFC 5321's line limit (§4: the client MUST NOT use an initial response that would exceed it).",
	},
	{
		ID: "RFC4954-4-too-long-500", Title: "A response longer than the server's authentication buffer ends the exchange with 500.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `If, during an authentication exchange, the server receives a line that is longer than the server's authentication buffer, the server fails the AUTH command with the 500 reply.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Also: []Cite{{4954, "6"}},
		Note: "\"fails the AUTH command with the 500 reply\" states the code without a keyword.",
	},
	{
		ID: "RFC4954-4-authzid-prep-failure", Title: "An authorization identity that fails preparation (a control character) fails authentication.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `If preparation of the authorization identity fails or results in an empty string (unless it was transmitted as the empty string), the server MUST fail the authentication.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
		Also: []Cite{{4616, "2"}},
	},
	{
		ID: "RFC4954-4-no-plaintext-without-tls", Title: "PLAIN and LOGIN are neither offered nor accepted before TLS on a server that offers STARTTLS.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `Server sites SHOULD NOT use any configuration which permits a plaintext password mechanism without such a protection mechanism against password snooping.`,
		Keyword: "SHOULD NOT", Level: Should, Feature: "AUTH",
		Also: []Cite{{4616, "5"}},
		Note: "RFC 4616 §5 adds: implementations SHOULD NOT advertise and SHOULD NOT make use of PLAIN unless adequate data security services are in place.",
	},
	{
		ID: "RFC4954-4-pipelined-plain-ir", Title: "With PIPELINING, a command pipelined after AUTH PLAIN with an initial response is answered.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `When the AUTH command is used together with the [PIPELINING] extension, it MUST be the last command in a pipelined group of commands. The only exception to this rule is when the AUTH command contains an initial response for a SASL mechanism that allows the client to send data first, the SASL mechanism is known to complete in one round-trip, and a security layer is not negotiated by the client.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
		Also: []Cite{{2920, "3.2"}},
		Note: "The MUST binds the client; the exception it states is input a server offering PIPELINING must handle like any pipelined group (RFC 2920 §3.2).",
	},
	{
		ID: "RFC4954-5-auth-param-accepted", Title: "A server offering AUTH accepts the AUTH= parameter of MAIL, even unauthenticated.",
		RFC: 4954, Sections: []string{"5"},
		Quote:   `For this reason, servers that advertise support for this extension MUST support the AUTH parameter to the MAIL FROM command even when the client has not authenticated itself to the server.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
	},
	{
		ID: "RFC4954-5-auth-param-syntax", Title: "An AUTH= value that is not xtext decoding to a mailbox or <> is refused with 501.",
		RFC: 4954, Sections: []string{"5", "8"},
		Quote: `To comply with restrictions imposed on ESMTP parameters, the <mailbox> is encoded inside an xtext.` + QuoteSeparator +
			`auth-param = "AUTH=" xtext`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Note: "The grammar's MUST binds the value the client sends; a server may drop an untrusted AUTH= value (§5), so a refusal (501) is the expected answer but accepting is only a WARN.",
	},
	{
		ID: "RFC4954-6-auth-required-530", Title: "Where policy requires authentication, MAIL before AUTH gets 530 while NOOP and RSET still work.",
		RFC: 4954, Sections: []string{"6"},
		Quote:   `This response SHOULD be returned by any command other than AUTH, EHLO, HELO, NOOP, RSET, or QUIT when server policy requires authentication in order to perform the requested action and authentication is not currently in force.`,
		Keyword: "SHOULD", Level: Should, Feature: "AUTH",
		Also: []Cite{{6409, "4.3"}},
		Note: "Runs under --profile submission only, where the user declares that policy requires authentication.",
	},
	{
		ID: "RFC4954-6-538-historical", Title: "A mechanism refused with 538 (encryption required) was not advertised in that state.",
		RFC: 4954, Sections: []string{"6"},
		Quote:   `Modern implementations SHOULD NOT advertise mechanisms that are not permitted due to lack of encryption, unless an encryption layer of sufficient strength is currently being employed.`,
		Keyword: "SHOULD NOT", Level: Should, Feature: "AUTH",
	},
	{
		ID: "RFC4954-9-min-three-attempts", Title: "The server does not drop the connection before 3 failed authentication attempts.",
		RFC: 4954, Sections: []string{"9"},
		Quote:   `Servers MAY implement a policy whereby the connection is dropped after a number of failed authentication attempts. If they do so, they SHOULD NOT drop the connection until at least 3 attempts to authenticate have failed.`,
		Keyword: "SHOULD NOT", Level: Should, Feature: "AUTH",
	},

	{
		ID: "RFC4954-6-auth-codes", Title: "Every reply to AUTH uses a code RFC 4954 defines for it (334, 235, 432, 454, 500, 501, 503, 504, 534, 535, 538).",
		RFC: 4954, Sections: []string{"6"},
		Quote:   `The following error codes may be used to indicate various success or failure conditions.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Also: []Cite{{4954, "4"}},
		Note: "The reply validator's row for AUTH (REQUIREMENTS.md §10.1); the codes are listed without a keyword, so a code outside them is a WARN observation.",
	},

	{
		ID: "RFC4954-4-plain-over-tls", Title: "Under TLS, the AUTH line lists PLAIN.",
		RFC: 4954, Sections: []string{"4"},
		Quote:   `To ensure interoperability, client and server implementations of this extension MUST implement the [PLAIN] SASL mechanism running over TLS [TLS] [SMTP-TLS].`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Also: []Cite{{4954, "3"}, {4616, "2"}},
		Note: "The MUST binds implementations; the wire shows a configuration, and sites may turn PLAIN off (Exchange with basic authentication off offers only GSSAPI and NTLM), so PLAIN missing under TLS is a WARN, never a FAIL. " +
			"Judged on the EHLO reply under TLS (STARTTLS, or --tls implicit); a PLAIN that works but is not listed is a WARN too (§3: the keyword lists the available mechanisms).",
	},
	{
		ID: "RFC4954-8-case-insensitive", Title: "The AUTH verb and the AUTH= parameter of MAIL are accepted in lower case.",
		RFC: 4954, Sections: []string{"8"},
		Quote: `Except as noted otherwise, all alphabetic characters are case-insensitive. The use of upper or lower case characters to define token strings is for editorial clarity only. ` +
			`Implementations MUST accept these strings in a case-insensitive fashion.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
		Also: []Cite{{5321, "2.4"}},
		Note: "Judged against the server's own answer to the upper-case form on the same session: \"auth\" with an unknown mechanism must not get 500 or 502 " +
			"where \"AUTH\" gets another code, and MAIL with auth=<> must be accepted where AUTH=<> is. Mechanism names are left out: <sasl-mech> is " +
			"defined by SASL (RFC 4422 §3.1: upper-case letters, digits, hyphens and underscores).",
	},

	// PLAIN (RFC 4616).
	{
		ID: "RFC4616-2-message-format", Title: "A PLAIN message with an empty authzid, NUL, authcid, NUL, password authenticates.",
		RFC: 4616, Sections: []string{"2"},
		Quote:   `message = [authzid] UTF8NUL authcid UTF8NUL passwd`,
		Keyword: KeywordABNF, Level: Must, Feature: "AUTH",
		Also: []Cite{{4954, "4"}},
	},
	{
		ID: "RFC4616-2-authzid-self", Title: "A PLAIN message whose authzid equals its authcid authenticates.",
		RFC: 4616, Sections: []string{"2"},
		Quote:   `Upon receipt of the message, the server will verify the presented (in the message) authentication identity (authcid) and password (passwd) with the system authentication database, and it will verify that the authentication credentials permit the client to act as the (presented or derived) authorization identity (authzid). If both steps succeed, the user is authenticated.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Note: "The verification is described with \"will\", without a keyword.",
	},
	{
		ID: "RFC4616-2-authzid-other-refused", Title: "A PLAIN message whose authzid names another identity is refused.",
		RFC: 4616, Sections: []string{"2"},
		Quote:   `Upon receipt of the message, the server will verify the presented (in the message) authentication identity (authcid) and password (passwd) with the system authentication database, and it will verify that the authentication credentials permit the client to act as the (presented or derived) authorization identity (authzid). If both steps succeed, the user is authenticated.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Note: "The verification is described with \"will\", without a keyword; an operator may grant proxy rights, so acceptance is a WARN.",
	},
	{
		ID: "RFC4616-2-255-octet-fields", Title: "PLAIN fields of 255 octets are accepted by the parser.",
		RFC: 4616, Sections: []string{"2"},
		Quote:   `Servers MUST be capable of accepting authzid, authcid, and passwd productions up to and including 255 octets.`,
		Keyword: "MUST", Level: Must, Feature: "AUTH",
	},
	{
		ID: "RFC4616-2-malformed-message", Title: "A PLAIN message without exactly two NULs, or with an empty authcid, never authenticates.",
		RFC: 4616, Sections: []string{"2"},
		Quote:   `message = [authzid] UTF8NUL authcid UTF8NUL passwd authcid = 1*SAFE ; MUST accept up to 255 octets`,
		Keyword: KeywordABNF, Level: Must, Feature: "AUTH",
		Also: []Cite{{4954, "4"}},
	},
	{
		ID: "RFC4616-2-prep-failure", Title: "A PLAIN authentication identity holding a character SASLprep prohibits (a control character) fails, even with the right password.",
		RFC: 4616, Sections: []string{"2"},
		Quote:   `Regardless of the preparation algorithm used, if preparation fails or results in an empty string, verification SHALL fail.`,
		Keyword: "SHALL", Level: Must, Feature: "AUTH",
		Also: []Cite{{4954, "4"}},
		Note: "The authcid is the configured user followed by U+0007 (BEL), which SASLprep prohibits (RFC 4013 §2.3, RFC 3454 C.2.1): preparation fails. " +
			"A server that compares octets fails it too; only one that drops the character and finds the user authenticates (FAIL).",
	},

	// CRAM-MD5 (RFC 2195).
	{
		ID: "RFC2195-2-challenge-msgid", Title: "The decoded CRAM-MD5 challenge has the form of a msg-id: <...@...>.",
		RFC: 2195, Sections: []string{"2"},
		Quote:   `The syntax of the unencoded form must correspond to that of an RFC 822 'msg-id' [RFC822] as described in [POP3].`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Note: "RFC 2195 (September 1997) postdates RFC 2119 and does not use its keywords; its lower-case \"must\" is recorded as descriptive.",
	},
	{
		ID: "RFC2195-2-challenge-unique", Title: "Each CRAM-MD5 challenge is different (random digits and a timestamp).",
		RFC: 2195, Sections: []string{"2"},
		Quote:   `The data encoded in the first ready response contains an presumptively arbitrary string of random digits, a timestamp, and the fully-qualified primary host name of the server.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Note: "Described without a keyword; a repeated challenge allows replay.",
	},
	{
		ID: "RFC2195-2-digest-verification", Title: "The CRAM-MD5 response with the right digest authenticates; a wrong digest does not.",
		RFC: 2195, Sections: []string{"2"},
		Quote:   `When the server receives this client response, it verifies the digest provided. If the digest is correct, the server should consider the client authenticated and respond appropriately.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "AUTH",
		Note: "RFC 2195 does not use RFC 2119 keywords (see RFC2195-2-challenge-msgid); the verification is described.",
	},

	// Submission (RFC 6409).
	{
		ID: "RFC6409-4.3-auth-required", Title: "Under the submission profile, MAIL before AUTH gets an error (530).",
		RFC: 6409, Sections: []string{"4.3"},
		Quote: `The MSA MUST, by default, issue an error response to the MAIL command if the session has not been authenticated using [SMTP-AUTH], unless it has already independently established authentication or authorization (such as being within a protected subnetwork).` + QuoteSeparator +
			`Reply code 530 [SMTP-AUTH] is used for this purpose.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{4954, "6"}},
		Note: "Runs under --profile submission only: the user declares the target an MSA. A 2yz is a FAIL; the finding names the RFC's exception for sessions already authorised otherwise.",
	},
	{
		ID: "RFC6409-7-auth-supported", Title: "Under the submission profile, the EHLO reply lists AUTH (in plaintext or under TLS).",
		RFC: 6409, Sections: []string{"7"},
		Quote:   `[SMTP-AUTH] allows the MSA to validate the authority and determine the identity of the submitting user and MUST be supported by the MSA.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{4954, "3"}},
		Note: "Runs under --profile submission only. Feature core: the spec must run when AUTH is missing. AUTH listed only after STARTTLS passes (RFC 3207 §4.2 lets the offer change).",
	},
	{
		ID: "RFC6409-7-no-etrn-atrn", Title: "Under the submission profile, the EHLO reply lists neither ETRN nor ATRN.",
		RFC: 6409, Sections: []string{"7"},
		Quote: `|ETRN |Extended Turn |MUST NOT|[ETRN] |` + QuoteSeparator +
			`|ATRN |On-Demand Relay |MUST NOT|[RFC2645] |`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{1985, "2"}, {2645, "5.1.1"}},
		Note: "Runs under --profile submission only; the EHLO replies in plaintext and, when STARTTLS is listed, under TLS are both judged. " +
			"Table 1 gives the use of each extension on the submission port: ETRN and ATRN, which start another host's queue, MUST NOT be used there.",
	},
	{
		ID: "RFC6409-7-recommended-extensions", Title: "Under the submission profile, the EHLO reply lists PIPELINING, ENHANCEDSTATUSCODES, 8BITMIME and DSN.",
		RFC: 6409, Sections: []string{"7"},
		Quote: `|PIPELINING |Pipelining |SHOULD |[PIPELINING] |` + QuoteSeparator +
			`|ENHANCEDSTATUSCODES |Enhanced Status Codes |SHOULD |[CODES-EXTENSION]|` + QuoteSeparator +
			`|DSN |Delivery Status |SHOULD |[DSN] |` + QuoteSeparator +
			`|8BITMIME |Use 8-bit data |SHOULD |[RFC6152] |` + QuoteSeparator +
			`Extended Status Codes [SMTP-CODES] SHOULD be supported and used according to [CODES-EXTENSION].` + QuoteSeparator +
			`[PIPELINING] SHOULD be supported by the MSA.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Note: "Runs under --profile submission only. One WARN names every recommended keyword missing from the EHLO replies in plaintext and, when STARTTLS is listed, under TLS.",
	},
}

func init() { register(auth) }
