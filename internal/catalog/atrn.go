package catalog

// atrnReqs is the catalogue of ATRN, Authenticated TURN of On-Demand Mail
// Relay (RFC 2645; feature "ATRN": the specs run when EHLO lists ATRN). The
// convention for an MTA port that does not offer it is
// RFC2645-atrn-on-mta-port, in core.go.
var atrnReqs = []Requirement{
	{
		ID: "RFC2645-5.2.1-atrn-needs-auth", Title: "ATRN in a session that has not authenticated is rejected, with 530.",
		RFC: 2645, Sections: []string{"5.2.1"},
		Quote:   `The ATRN command MUST be rejected if the session has not been authenticated. Response code 530 [AUTH] is used for this.`,
		Keyword: "MUST", Level: Must, Feature: "ATRN",
		Also: []Cite{{2645, "7"}},
		Note: "Any refusal keeps the MUST; 530 is the code the RFC names, so another refusal is a WARN. Accepting it (250) reverses the roles for an unknown client.",
	},
	{
		ID: "RFC2645-7-atrn-codes", Title: "Every reply to ATRN uses a code RFC 2645 §7 lists: 250, 450, 451, 453, 502 or 530.",
		RFC: 2645, Sections: []string{"7"},
		Quote: `The response codes used in this document are: 250 Requested mail action okay, completed 450 ATRN request refused ` +
			`451 Unable to process ATRN request now 453 You have no mail 502 Command not implemented 530 Authentication required [AUTH]`,
		Keyword: KeywordDefined, Level: Defined, Feature: "ATRN",
		Also: []Cite{{2645, "5.2.1"}, {5321, "4.3.2"}},
		Note: "RFC 2645 lists its codes without a keyword; RFC 5321 §4.3.2's 500, 501 and 421, which any command may get, come on top.",
	},
	{
		ID: "RFC2645-5.2.1-atrn-replies", Title: "ATRN after AUTH for a domain the login has no access to is rejected with 450 (never 250).",
		RFC: 2645, Sections: []string{"5.2.1"},
		Quote:   `If the authentication used by the customer does not provide access to all of the domains specified in ATRN, the provider MUST NOT send mail for any domains to the customer; the provider MUST reject the ATRN command with a 450 code.`,
		Keyword: "MUST", Level: Must, Feature: "ATRN",
		Also: []Cite{{2645, "7"}},
		Note: "The domain is under .invalid (RFC 2606), so no login has access to it; it is named alone, then after the mailbox's domain in a list. 250 (the roles reverse) and 453 (which says the login has access but " +
			"no mail is queued) FAIL; 451 (access cannot be verified now, §5.2.1) is inconclusive; another refusal is a WARN.",
	},
}

func init() { register(atrnReqs) }
