package catalog

// pipelining is the catalogue of RFC 2920, command pipelining: the server
// rules of §3.2 and the group shape of §3.1 that the server must take.
var pipelining = []Requirement{
	{
		ID: "RFC2920-2-keyword", Title: "The PIPELINING keyword is listed without a parameter.",
		RFC: 2920, Sections: []string{"2"},
		Quote:   `no parameter is used with the PIPELINING EHLO keyword;`,
		Keyword: KeywordDefined, Level: Defined, Feature: "PIPELINING",
		Note: "The extension's framework states the keyword's form without a keyword of RFC 2119; a parameter is a WARN.",
	},
	{
		ID: "RFC2920-3.2-no-input-loss", Title: "A pipelined group with a refused RCPT in it gets every reply, in order: no buffered command is lost.",
		RFC: 2920, Sections: []string{"3.2"},
		Quote: `MUST respond to commands in the order they are received from the client.` + QuoteSeparator +
			`MUST NOT flush or otherwise lose the contents of the TCP input buffer under any circumstances whatsoever.`,
		Keyword: "MUST NOT", Level: Must, Feature: "PIPELINING",
	},
	{
		ID: "RFC2920-3.2-data-iff-valid-rcpt", Title: "A pipelined DATA gets 354 if and only if a RCPT of the transaction was accepted.",
		RFC: 2920, Sections: []string{"3.2"},
		Quote:   `SHOULD issue a positive response to the DATA command if and only if one or more valid RCPT TO addresses have been previously received.`,
		Keyword: "SHOULD", Level: Should, Feature: "PIPELINING",
		Also: []Cite{{5321, "3.3"}},
	},
	{
		ID: "RFC2920-3.1-content-then-next-transaction", Title: "The end of a message and the next transaction's MAIL, RCPT and DATA may come in one write; each gets its reply.",
		RFC: 2920, Sections: []string{"3.1"},
		Quote:   `The actual transfer of message content is explicitly allowed to be the first "command" in a group. That is, a RSET/MAIL FROM sequence used to initiate a new message transaction can be placed in the same group as the final transfer of the headers and body of the previous message.`,
		Keyword: KeywordDefined, Level: Defined, Feature: "PIPELINING",
		Also: []Cite{{2920, "3.2"}},
		Note: "§3.1 allows the client this group without a keyword of RFC 2119; a server that loses the commands after the end of data also breaks the MUST NOT of §3.2 (9), which RFC2920-3.2-no-input-loss tests.",
	},
	{
		ID: "RFC2920-3.2-no-lookahead", Title: "A command that arrives in two pieces is taken whole: the server does not act on a partial line.",
		RFC: 2920, Sections: []string{"3.2"},
		Quote:   `MUST NOT make assumptions about commands that are yet to be received.`,
		Keyword: "MUST NOT", Level: Must, Feature: "PIPELINING",
		Also: []Cite{{5321, "2.3.8"}},
	},
}

func init() { register(pipelining) }
