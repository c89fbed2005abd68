package catalog

// sizeReqs is the catalogue of the SIZE extension (RFC 1870; feature
// "SIZE"). RFC 1870 predates RFC 2119: its lower-case "must" and "should"
// are the normative words.
var sizeReqs = []Requirement{
	{
		ID: "RFC1870-3-keyword-syntax", Title: "The SIZE keyword's parameter, when present, is a decimal number.",
		RFC: 1870, Sections: []string{"3"},
		Quote:   `one optional parameter is allowed with this EHLO keyword value, a decimal number indicating the fixed maximum message size in bytes that the server will accept. The syntax of the parameter is as follows, using the augmented BNF notation of [2]: size-param ::= [1*DIGIT]`,
		Keyword: KeywordABNF, Level: Must, Feature: "SIZE",
	},
	{
		ID: "RFC1870-3-size-min-64k", Title: "An advertised SIZE limit is 0 (none) or at least 65536 octets.",
		RFC: 5321, Sections: []string{"4.5.3.1.7"},
		Quote:   `The maximum total length of a message content (including any message header section as well as the message body) MUST BE at least 64K octets.`,
		Keyword: "MUST", Level: Must, Feature: "SIZE",
		Also: []Cite{{1870, "3"}},
		Note: "RFC 1870 §3 defines the parameter as the fixed maximum message size (0: no fixed maximum); RFC 5321 §4.5.3.1.7 puts the floor at 64K octets, so a nonzero limit below 65536 breaks it.",
	},
	{
		ID: "RFC1870-6-accept-size-param", Title: "MAIL with a SIZE parameter within the limit is accepted.",
		RFC: 1870, Sections: []string{"7"},
		Quote:   `Such a server must accept the extended MAIL command and return a 552 reply code if the client's declared size exceeds its fixed size limit (if any), but it need not detect "temporary" limitations on message size.`,
		Keyword: "MUST", Level: Must, Feature: "SIZE",
		Also: []Cite{{1870, "6"}, {1870, "4"}, {5321, "2.4"}},
		Note: "RFC 5321 §2.4: extension keywords are not case sensitive, so size=1000 is the same parameter.",
	},
	{
		ID: "RFC1870-6.1-declared-too-big-552", Title: "MAIL declaring a SIZE above the advertised limit gets 552.",
		RFC: 1870, Sections: []string{"6.1", "7"},
		Quote: `If the indicated size is larger than the server's fixed maximum message size, the server responds with code "552 message size exceeds fixed maximium message size".` + QuoteSeparator +
			`Such a server must accept the extended MAIL command and return a 552 reply code if the client's declared size exceeds its fixed size limit (if any), but it need not detect "temporary" limitations on message size.`,
		Keyword: "MUST", Level: Must, Feature: "SIZE",
		Note: "Catalogue §17.20: another 5yz (554 5.3.4, 552 5.2.3 ...) is a WARN.",
	},
	{
		ID: "RFC1870-6-size-syntax", Title: "A SIZE value that is not 1 to 20 digits, or a second SIZE, is refused.",
		RFC: 1870, Sections: []string{"3", "6"},
		Quote: `The syntax of the value is as follows, using the augmented BNF notation of [2]: size-value ::= 1*20DIGIT` + QuoteSeparator +
			`Only one SIZE parameter may be specified in a single MAIL command.`,
		Keyword: KeywordABNF, Level: Must, Feature: "SIZE",
		Also: []Cite{{5321, "4.1.1.11"}},
	},
	{
		ID: "RFC1870-6-size-not-end-of-data", Title: "The declared SIZE never decides where the mail data ends.",
		RFC: 1870, Sections: []string{"6"},
		Quote:   `NOTE: Servers MUST NOT use the SIZE parameter to determine end of content in the DATA command.`,
		Keyword: "MUST NOT", Level: Must, Feature: "SIZE",
	},
	{
		ID: "RFC1870-4-oversize-data", Title: "A message larger than the advertised limit is refused with 552, even without a SIZE parameter.",
		RFC: 1870, Sections: []string{"4"},
		Quote:   `Any attempt by a client to transfer a message which is larger than this limit will be rejected with a permanent failure (552) reply code.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "SIZE",
		Note: "\"will be rejected\": no keyword. Catalogue §17.20: another 5yz, or a close after a 5yz, is tolerated.",
	},
	{
		ID: "RFC1870-6.3-no-552-within-declared", Title: "A message no larger than its accepted declared SIZE does not get 552 after the data.",
		RFC: 1870, Sections: []string{"6.3"},
		Quote:   `Once a server has agreed (via the extended MAIL command) to accept a message of a particular size, it should not return a 552 reply code after the transfer phase of the DATA command, unless the actual size of the message transferred is greater than the declared message size.`,
		Keyword: "SHOULD NOT", Level: Should, Feature: "SIZE",
	},
	{
		ID: "RFC1870-5-size-counts-unstuffed", Title: "The message size counts neither the stuffed dots nor the terminating dot.",
		RFC: 1870, Sections: []string{"5"},
		Quote:   `The message size is defined as the number of octets, including CR-LF pairs, but not the SMTP DATA command's terminating dot or doubled quoting dots, to be transmitted by the SMTP client after receiving reply code 354 to the DATA command.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "SIZE",
		Note: "A definition, with no keyword: a server that counts the stuffed dots refuses messages within its advertised limit.",
	},
	{
		ID: "RFC1870-3-size-value-20-digits", Title: "A SIZE value of 20 digits, the longest the grammar allows, is judged as a size (552 over the limit), not refused as a syntax error.",
		RFC: 1870, Sections: []string{"3", "6.1"},
		Quote: `size-value ::= 1*20DIGIT` + QuoteSeparator +
			`If the indicated size is larger than the server's fixed maximum message size, the server responds with code "552 message size exceeds fixed maximium message size".`,
		Keyword: KeywordABNF, Level: Must, Feature: "SIZE",
		Note: "Twenty nines is above 2^64-1: a server that parses the value into a 64-bit integer and calls the overflow a syntax error refuses a value the grammar allows. 552 (over a fixed maximum) and 452 (§6.1(1), no room now) are the answers, and 250 where no fixed maximum is in force; 500, 501 and 555 are FAIL.",
	},
}

func init() { register(sizeReqs) }
