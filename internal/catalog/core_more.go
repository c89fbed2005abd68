package catalog

// coreMore continues the catalogue of RFC 5321 itself (feature "core"): the
// required command set, what may not be grounds to refuse a message (the
// EHLO name, Resent- fields, header defects, trace fields, a long trace),
// the 554 greeting's text, the state table and relaying through a source
// route.
var coreMore = []Requirement{
	{
		ID: "RFC5321-4.3.2-required-never-unrecognised", Title: "No command of the required set (EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY) is answered 500, command not recognized.",
		RFC: 5321, Sections: []string{"4.3.2", "4.5.1"},
		Quote: `Note that producing a "command not recognized" error in response to the required subset of these commands is a violation of this specification.` + QuoteSeparator +
			`The following commands MUST be supported to conform to this specification: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Note: "A 500 to a short, well-formed command cannot be the other meaning of 500, \"command line too long\" (§4.5.3.1.4).",
	},
	{
		ID: "RFC5321-4.1.4-no-refuse-on-ehlo-mismatch", Title: "A message is not refused because the EHLO argument does not match the client's address.",
		RFC: 5321, Sections: []string{"4.1.4"},
		Quote:   `An SMTP server MAY verify that the domain name argument in the EHLO command actually corresponds to the IP address of the client. However, if the verification fails, the server MUST NOT refuse to accept a message on that basis.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "7.9"}},
		Note: "The spec compares two sessions that differ only in the EHLO argument: the client's own address literal, and one from the documentation range (RFC 5737) that cannot be it.",
	},
	{
		ID: "RFC5321-3.3-no-reject-resent", Title: "A message whose Resent- fields do not match (Resent-To without Resent-From or Resent-Date) is not refused.",
		RFC: 5321, Sections: []string{"3.3"},
		Quote:   `In particular, they MUST NOT reject messages in which the numbers of Resent-header fields do not match or Resent-to appears without Resent-from and/or Resent-date.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
	},
	{
		ID: "RFC5321-3.3-no-reject-header-defects", Title: "A message with a defect in its MIME header (a multipart Content-Type without a boundary) is not refused.",
		RFC: 5321, Sections: []string{"3.3"},
		Quote:   `Server SMTP systems SHOULD NOT reject messages based on perceived defects in the RFC 822 or MIME (RFC 2045 [21]) message header section or message body.`,
		Keyword: "SHOULD NOT", Level: Should, Feature: FeatureCore,
		Note: "REQUIREMENTS.md folds this SHOULD NOT into RFC5321-3.3-no-reject-resent as its WARN case; it has its own entry so that each spec tests one level.",
	},
	{
		ID: "RFC5321-3.7.2-no-reject-trace-format", Title: "A message with a malformed Received: field is not refused for it.",
		RFC: 5321, Sections: []string{"3.7.2"},
		Quote:   `As another consequence of trace header fields arising in non-SMTP environments, receiving systems MUST NOT reject mail based on the format of a trace header field and SHOULD be extremely robust in the light of unexpected information or formats in those header fields.`,
		Keyword: "MUST NOT", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.4"}},
	},
	{
		ID: "RFC5321-6.3-loop-threshold", Title: "A message with 99 Received: fields is not refused as a mail loop.",
		RFC: 5321, Sections: []string{"6.3"},
		Quote:   `SMTP servers using this technique SHOULD use a large rejection threshold, normally at least 100 Received entries.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Note: "REQUIREMENTS.md's wire test sends 40 fields; 99 is the largest count the sentence covers, so a threshold between 41 and 100 (Postfix's hopcount_limit is 50) is not missed. " +
			"The MUST of the next sentence (stop trivial loops) cannot be observed from one client.",
	},
	{
		ID: "RFC5321-3.1-554-text", Title: "A 554 greeting explains itself in its text, beyond the server's domain.",
		RFC: 5321, Sections: []string{"3.1"},
		Quote:   `Since an attempt to make an SMTP connection to such a system is probably in error, a server returning a 554 response on connection opening SHOULD provide enough information in the reply text to facilitate debugging of the sending system.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Note: "How much text is enough is the operator's call; the spec asks only that there be some beyond the domain (and an enhanced status code).",
	},
	{
		ID: "RFC5321-4.3.2-state-matrix", Title: "Each command in each state (fresh, after EHLO, after MAIL, after RCPT, after a message) gets the reply of the §4.3.2 table for that state.",
		RFC: 5321, Sections: []string{"4.3.1", "4.3.2"},
		Quote: `The table below lists alternative success and failure replies for each command. These SHOULD be strictly adhered to.` + QuoteSeparator +
			`Each command is listed with its usual possible replies.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "4.1.4"}, {5321, "3.3"}},
		Note: "REQUIREMENTS.md §10.2 gives the table by state. Its MUST cells (503 for a command out of order, §4.1.4) have specs of their own at MUST level, and so do the EHLO cells (RFC5321-4.1.4-state-ehlo-s1 to -s4); here every other cell is judged at the table's SHOULD.",
	},
	{
		ID: "SEC-OPEN-RELAY", Title: "A source-routed recipient through a served domain to a foreign mailbox (<@served:user@foreign>) is refused like any relay attempt.",
		RFC: 5321, Sections: []string{"7.9"},
		Quote:   `Some sites have decided to limit the use of the relay function to known or identifiable sources, and implementations SHOULD provide the capability to perform this type of filtering.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{5321, "3.6.2"}, {5321, "C"}, {5321, "4.1.1.3"}},
		Note: "A server strips the source route and delivers to the final mailbox (§4.1.1.3, App. C), so accepting <@served:user@foreign> relays to the foreign domain; " +
			"the spec runs only where a plain foreign recipient is refused, so that it finds a relay filter the route gets around. " +
			"The other variants of REQUIREMENTS.md (percent hack, bang path, quoted local part) are left out: accepting them may mean local delivery, which only SINK could tell.",
	},
}

func init() { register(coreMore) }
