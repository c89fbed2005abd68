package catalog

// enhancedStatusCodes is the catalogue of RFC 2034 (ENHANCEDSTATUSCODES)
// and the code syntax of RFC 3463 §2. RFC 2034 predates RFC 2119: its
// lower-case "must" is the normative word.
var enhancedStatusCodes = []Requirement{
	{
		ID: "RFC2034-3-keyword-no-param", Title: "The ENHANCEDSTATUSCODES keyword is listed without a parameter.",
		RFC: 2034, Sections: []string{"3"},
		Quote:   `no parameter is used with the ENHANCEDSTATUSCODES EHLO keyword;`,
		Keyword: KeywordDefined, Level: Defined, Feature: "ENHANCEDSTATUSCODES",
		Note: "The extension's framework states the keyword's form without a normative word; a parameter is a WARN.",
	},
	{
		ID: "RFC2034-4-code-on-every-reply", Title: "Every 2yz, 4yz and 5yz reply after EHLO (but the replies to EHLO and HELO) starts its text with an enhanced status code.",
		RFC: 2034, Sections: []string{"4", "3"},
		Quote: `These codes must appear in all 2xx, 4xx, and 5xx response lines other than initial greeting and any response to HELO or EHLO. Note that 3xx responses are NOT included in this list.` + QuoteSeparator +
			`the text part of all 2xx, 4xx, and 5xx SMTP responses other than the initial greeting and any response to HELO or EHLO are prefaced with a status code as defined in RFC 1893.`,
		Keyword: "MUST", Level: Must, Feature: "ENHANCEDSTATUSCODES",
	},
	{
		ID: "RFC2034-3-code-then-space", Title: "The enhanced status code is followed by at least one space.",
		RFC: 2034, Sections: []string{"3"},
		Quote:   `This status code is always followed by one or more spaces.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "ENHANCEDSTATUSCODES",
		Note: "The framework states the form without a normative word (WARN).",
	},
	{
		ID: "RFC2034-4-class-matches", Title: "The class of the enhanced code is the first digit of the reply code (2xx 2.X.X, 4xx 4.X.X, 5xx 5.X.X).",
		RFC: 2034, Sections: []string{"4"},
		Quote:   `All status codes returned by the server must agree with the primary response code, that is, a 2xx response must incorporate a 2.X.X code, a 4xx response must incorporate a 4.X.X code, and a 5xx response must incorporate a 5.X.X code.`,
		Keyword: "MUST", Level: Must, Feature: "ENHANCEDSTATUSCODES",
	},
	{
		ID: "RFC2034-4-multiline-same-code", Title: "Every line of a multiline reply starts with the same enhanced code.",
		RFC: 2034, Sections: []string{"4"},
		Quote:   `When responses are continued across multiple lines the same status code must appear at the beginning of the text in each line of the response.`,
		Keyword: "MUST", Level: Must, Feature: "ENHANCEDSTATUSCODES",
	},
	{
		ID: "RFC2034-4-regardless-of-ehlo", Title: "The enhanced codes are sent in a HELO session too.",
		RFC: 2034, Sections: []string{"4"},
		Quote:   `Servers supporting this extension must attach enhanced status codes to their responses regardless of whether or not EHLO is employed by the client.`,
		Keyword: "MUST", Level: Must, Feature: "ENHANCEDSTATUSCODES",
		Also: []Cite{{2034, "5"}},
		Note: "Catalogue §17.15: a server that sends no codes at all once the client said HELO is common, and the spec grades that WARN; a HELO session in which some replies carry codes and others do not is a FAIL, as a missing code is after EHLO (RFC2034-4-code-on-every-reply).",
	},
	{
		ID: "RFC3463-2-code-syntax", Title: "An enhanced code is class.subject.detail: class 2, 4 or 5, 1-3 digits each, no leading zeros, no white space.",
		RFC: 3463, Sections: []string{"2"},
		Quote: `status-code = class "." subject "." detail class = "2"/"4"/"5" subject = 1*3digit detail = 1*3digit` + QuoteSeparator +
			`White-space characters and comments are NOT allowed within a status-code. Each numeric sub-code within the status-code MUST be expressed without leading zero digits.`,
		Keyword: "MUST", Level: Must, Feature: "ENHANCEDSTATUSCODES",
		Also: []Cite{{2034, "4"}},
	},
	{
		ID: "RFC3463-2-registered-codes", Title: "The enhanced codes the server sends are registered ones (class.subject.detail of the SMTP Enhanced Status Codes registry).",
		RFC: 3463, Sections: []string{"2"},
		Quote:   `Mail system specific status codes should be mapped as close as possible to the standard status codes. Servers should send only defined, registered status codes.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "ENHANCEDSTATUSCODES",
		Also: []Cite{{5248, "2"}},
		Note: "RFC 3463 postdates RFC 2119 but writes a lower-case \"should\", which is no RFC 2119 keyword: an unregistered code is a WARN. " +
			"Registered subject.detail pairs (RFC 5248's registry, as updated by RFC 3886, 4954, 5248, 6531, 6710, 7293, 7372, 7505, 8098, 8617, 8689): " +
			"0.0, 1.0-1.10, 2.0-2.4, 3.0-3.6, 4.0-4.7, 5.0-5.6, 6.0-6.10, 7.0-7.30.",
	},
}

func init() { register(enhancedStatusCodes) }
