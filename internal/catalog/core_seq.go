package catalog

// coreSeq holds the cells of the state table (REQUIREMENTS.md §10.2) that
// have a requirement of their own and no other entry: EHLO later in the
// session, in each state after the first EHLO. §4.1.4 lets the client send
// it and the server refuse it, but only with 500, 501, 502 or 550; the
// §4.3.2 table adds 504. A 503 (or any other code) breaks the MUST.
var coreSeq = []Requirement{
	stateEhlo("s1", "right after the first EHLO"),
	stateEhlo("s2", "in a transaction with MAIL accepted and no recipient yet"),
	stateEhlo("s3", "in a transaction with a recipient accepted"),
	stateEhlo("s4", "right after the 250 for a message"),
}

// stateEhlo is the entry of the EHLO cell of state (s1 to s4), described
// by where.
func stateEhlo(state, where string) Requirement {
	return Requirement{
		ID:    "RFC5321-4.1.4-state-ehlo-" + state,
		Title: "An EHLO sent " + where + " gets 250, or a refusal with a code §4.1.4 allows (500, 501, 502, 550; 504 from the §4.3.2 table), never 503.",
		RFC:   5321, Sections: []string{"4.1.4"},
		Quote: `An EHLO command MAY be issued by a client later in the session.` + QuoteSeparator +
			`If the EHLO command is not acceptable to the SMTP server, 501, 500, 502, or 550 failure replies MUST be returned as appropriate.`,
		Keyword: "MUST", Level: Must, Feature: FeatureCore,
		Also: []Cite{{5321, "4.3.2"}},
		Note: "One cell of the state table of REQUIREMENTS.md §10.2. The §4.3.2 table also lists 504 for EHLO, so it passes too. " +
			"That an accepted EHLO resets the transaction is RFC5321-4.1.4-ehlo-resets-transaction's; this entry judges the reply code only.",
	}
}

func init() { register(coreSeq) }

// starttlsSeq is the STARTTLS row of the command → reply table
// (REQUIREMENTS.md §10.1), checked in every state the state table has for
// STARTTLS (§10.2).
var starttlsSeq = []Requirement{
	{
		ID: "RFC3207-4-starttls-codes", Title: "Every reply to STARTTLS (with an argument, before EHLO, in a transaction, inside TLS) uses a code of its row: 220, 454, 501, or 503, 502, 554 and the codes any command may get.",
		RFC: 3207, Sections: []string{"4"},
		Quote:   quote3207Replies,
		Keyword: KeywordDefined, Level: Defined, Feature: "STARTTLS",
		Also: []Cite{{3207, "4.1"}, {5321, "4.3.2"}},
		Note: "The codes are listed without a keyword, so a code outside the row is a WARN. REQUIREMENTS.md §10.1 adds 503 (the convention for STARTTLS inside TLS or out of sequence), 502 and 554 (§4.1); " +
			"RFC 3207 does not say what STARTTLS before EHLO or in a transaction gets (§10.2), so any code of the row passes there.",
	},
}

func init() { register(starttlsSeq) }
