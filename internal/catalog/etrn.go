package catalog

// etrnReqs is the catalogue of ETRN, Remote Message Queue Starting (RFC
// 1985; feature "ETRN": the specs run when EHLO lists ETRN). RFC 1985 is
// older than RFC 2119: its lower-case "should" is the normative word. The
// rule that a server implementing ETRN lists it in EHLO is RFC 5321's
// (RFC1985-etrn-keyword, in core.go).
var etrnReqs = []Requirement{
	{
		ID: "RFC1985-etrn-reply-set", Title: "ETRN for a node is answered with one of RFC 1985's codes: 250, 251, 252, 253, 458 or 459.",
		RFC: 1985, Sections: []string{"5.1"},
		Quote: `The valid return codes for this command are: 250 OK, queuing for node <x> started 251 OK, no messages waiting for node <x> ` +
			`252 OK, pending messages for node <x> started 253 OK, <n> pending messages for node <x> started 458 Unable to queue messages for node <x> ` +
			`459 Node <x> not allowed: <reason> 500 Syntax Error 501 Syntax Error in Parameters`,
		Keyword: KeywordDefined, Level: Defined, Feature: "ETRN",
		Also: []Cite{{1985, "7"}},
		Note: "RFC 1985 lists the valid return codes without a keyword; 500 and 501 answer a malformed request (RFC1985-etrn-syntax), so a well-formed one gets one of the other six.",
	},
	{
		ID: "RFC1985-etrn-syntax", Title: "ETRN without a node name is a syntax error: 500 or 501.",
		RFC: 1985, Sections: []string{"5", "5.1"},
		Quote: `ETRN [<option character>]<node name><CR><LF>` + QuoteSeparator +
			`If the syntax of the request is not correct, then the 500 and 501 result codes should be used.`,
		Keyword: "SHOULD", Level: Should, Feature: "ETRN",
		Also: []Cite{{1985, "7"}},
		Note: "The node name is not optional in the syntax of §5; the example of §7 answers a bare ETRN with \"500 Syntax Error\".",
	},
	{
		ID: "RFC1985-etrn-unauthorised-node", Title: "ETRN for a node the server does not hold mail for is refused with 458 or 459, if it is refused.",
		RFC: 1985, Sections: []string{"5.1"},
		Quote:   `The 458 and 459 result codes should be used to give more information back to the client host as to why the action was not performed.`,
		Keyword: "SHOULD", Level: Should, Feature: "ETRN",
		Also: []Cite{{1985, "5.2"}, {1985, "6"}, {1985, "8"}},
		Note: "Honouring the request (250-253) is not a miss: §5.1 leaves the decision to the server, §6 lets a minimal server start the queues for every node, " +
			"and §8 finds no security problem in it; what the rule asks is that a refusal say why with 458 or 459.",
	},
	{
		ID: "RFC1985-etrn-in-transaction", Title: "ETRN inside an open mail transaction is refused (503).",
		RFC: 1985, Sections: []string{"5"},
		Quote:   `This command may be issued at any time once a session is established, as long as there is not a transaction occuring. Thus, this command is illegal between a MAIL FROM: command and the end of the DATA commands and responses.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "ETRN",
		Also: []Cite{{5321, "4.1.4"}},
		Note: "RFC 1985 calls the command illegal inside a transaction without a keyword or a reply code; 503 is RFC 5321's code for a command out of sequence (§4.1.4).",
	},
	{
		ID: "RFC1985-etrn-253-count", Title: "A 253 reply to ETRN gives the number of pending messages.",
		RFC: 1985, Sections: []string{"5.1"},
		Quote:   `253 OK, <n> pending messages for node <x> started`,
		Keyword: KeywordDefined, Level: Defined, Feature: "ETRN",
		Also: []Cite{{1985, "7"}},
		Note: "RFC 1985 defines the 253 text by example, without a keyword: \"253 OK, 14 pending messages for node mysoft.com started\" (§7).",
	},
	{
		ID: "RFC1985-etrn-options", Title: "ETRN @<top-level domain>, releasing the mail of a whole top-level domain, is refused.",
		RFC: 1985, Sections: []string{"5.3", "8"},
		Quote: `In this manner, any domain names that are formed with a suffix of the specified node name are released.` + QuoteSeparator +
			`Precautions should be taken to make sure that any client server can only use the @ and # option characters for systems that make sense.`,
		Keyword: "SHOULD", Level: Should, Feature: "ETRN",
		Note: "§8 names the case: \"a person asking to release @com, which would release mail for any address that ended with com\".",
	},
	{
		ID: "RFC1985-2-etrn-no-params", Title: "The ETRN line of the EHLO reply has no parameters.",
		RFC: 1985, Sections: []string{"2"},
		Quote:   `the EHLO keyword value associated with this extension is "ETRN", with no associated parameters;`,
		Keyword: KeywordDefined, Level: Defined, Feature: "ETRN",
		Note: "RFC 1985 §2(2) defines the keyword line without a keyword of its own.",
	},
}

func init() { register(etrnReqs) }
