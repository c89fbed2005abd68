package catalog

// eightBitMIMEReqs is the catalogue of the 8BITMIME extension (RFC 6152;
// feature "8BITMIME"), with RFC 5321's advice to offer it (feature "core":
// it runs when the keyword is missing). RFC 6152 words its rules in lower
// case although it postdates RFC 2119, so they count as descriptive.
var eightBitMIMEReqs = []Requirement{
	{
		ID: "RFC5321-2.4-8bitmime-should", Title: "The server offers 8BITMIME.",
		RFC: 5321, Sections: []string{"2.4"},
		Quote:   `8BITMIME SHOULD be supported by SMTP servers.`,
		Keyword: "SHOULD", Level: Should, Feature: FeatureCore,
		Also: []Cite{{6152, "2"}},
	},
	{
		ID: "RFC6152-2-keyword-no-param", Title: "The 8BITMIME keyword has no parameter.",
		RFC: 6152, Sections: []string{"2"},
		Quote:   `no parameter is used with the 8BITMIME EHLO keyword;`,
		Keyword: KeywordDefined, Level: Defined, Feature: "8BITMIME",
		Note: "A statement of the framework, with no keyword.",
	},
	{
		ID: "RFC6152-3-body-values", Title: "MAIL with BODY=8BITMIME or BODY=7BIT, in any case, is accepted.",
		RFC: 6152, Sections: []string{"3", "2"},
		Quote: `then the server SMTP is indicating that it supports the extended MAIL command and will accept MIME messages containing arbitrary octet-aligned material.` + QuoteSeparator +
			`body-value = "7BIT" / "8BITMIME"`,
		Keyword: KeywordDefined, Level: Defined, Feature: "8BITMIME",
		Also: []Cite{{5321, "2.4"}},
		Note: "\"is indicating that it supports\": no keyword. ABNF string literals are case-insensitive (RFC 5234 §2.3), and so are SMTP parameter keywords (RFC 5321 §2.4).",
	},
	{
		ID: "RFC6152-3-body-invalid", Title: "A BODY value other than 7BIT or 8BITMIME, or a second BODY, is refused.",
		RFC: 6152, Sections: []string{"2", "3"},
		Quote: `body-value = "7BIT" / "8BITMIME"` + QuoteSeparator +
			`Only one BODY parameter may be used in a single MAIL command.`,
		Keyword: KeywordABNF, Level: Must, Feature: "8BITMIME",
		Also: []Cite{{3030, "3"}},
		Note: "BODY=BINARYMIME is a value only when BINARYMIME is offered (RFC 3030 §3); the spec sends it only when BINARYMIME is not offered.",
	},
	{
		ID: "RFC6152-3-accept-8bit-content", Title: "A MIME message with octets above 127, sent under BODY=8BITMIME, is accepted.",
		RFC: 6152, Sections: []string{"3"},
		Quote:   `then the server SMTP is indicating that it supports the extended MAIL command and will accept MIME messages containing arbitrary octet-aligned material.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "8BITMIME",
		Note: "\"will accept\": no keyword. Whether the octets arrive intact needs the delivered copy (SINK), which the suite cannot read.",
	},
}

func init() { register(eightBitMIMEReqs) }
