package refserver

import (
	"strconv"
	"strings"
)

// ETRN, RFC 1985: the server holds the mail it accepted for its own domain
// (Config.Domain), as a provider holds mail for a customer that connects
// from time to time, and ETRN asks it to start delivering that mail. It
// sends nothing anywhere: the reply only reports what is held.
//
//   - ETRN <domain>: 253 with the number of messages held for the domain,
//     or 251 when there are none (§5.1); the domain must be fully qualified
//     (§5), else 501.
//   - ETRN @<domain>: the domain and its subdomains (§5.3): 250; allowed only
//     for the served domain and its subdomains (§8: "@test" would release
//     everything under .test), else 459.
//   - ETRN #<queue>: a named queue (§5.3); the server has none, so 458.
//   - ETRN for a node it does not hold mail for: 459 (§5.1).
//   - ETRN with no node: 501 (§5, §5.1); inside a mail transaction: 503 (§5:
//     "illegal between a MAIL FROM: command and the end of the DATA").
var _ = registerExtension(&extension{
	keyword: "ETRN",
	// RFC 1985 §2(2): the keyword has no parameters. faultEtrnKeyword
	// (misc.go) leaves it out of EHLO while ETRN still works.
	line: func(s *session) string {
		if s.has(faultEtrnParams) {
			return "ETRN QUEUE"
		}
		return "ETRN"
	},
	// RFC 6409 §7: a submission server (ModeSubmission) MUST NOT offer it.
	offered: func(s *session) bool {
		return !s.has(faultEtrnKeyword) && (s.cfg.Mode != ModeSubmission || s.has(faultSubmissionEtrn))
	},
	verbs: map[string]verbHandler{"ETRN": cmdEtrn},
})

// Faults of ETRN. Each wraps the ETRN verb handler and misbehaves whenever
// its path runs.
var (
	faultEtrnReplySet = newFault("RFC1985-etrn-reply-set",
		"answers every ETRN it accepts with 200 (\"200 OK, queue run started\") instead of 250, 251, 252 or 253").
		may("RFC1985-etrn-253-count")
	faultEtrnSyntax = newFault("RFC1985-etrn-syntax",
		"answers ETRN without a node name with 250, starting the queues for every node, instead of 501")
	faultEtrnForeign = newFault("RFC1985-etrn-unauthorised-node",
		"refuses ETRN for a node it holds no mail for with 550 (relay access denied) instead of 459")
	faultEtrnInTx = newFault("RFC1985-etrn-in-transaction",
		"accepts ETRN inside an open mail transaction")
	faultEtrn253 = newFault("RFC1985-etrn-253-count",
		"answers ETRN for a domain it holds mail for with 253 but leaves the number of messages out of the text")
	faultEtrnParams = newFault("RFC1985-2-etrn-no-params",
		"lists ETRN in the EHLO reply with a parameter (\"ETRN QUEUE\")")
	faultSubmissionEtrn = newSubmissionFault("RFC6409-7-no-etrn-atrn",
		"as a submission server, offers ETRN (lists it in EHLO and takes it)")
	faultEtrnOptions = newFault("RFC1985-etrn-options",
		"honours ETRN @<domain> for any suffix of its domain, so that ETRN @test releases everything under .test")
)

func init() {
	// Without the ETRN keyword, the ETRN specs are not applicable.
	faultEtrnKeyword.may("RFC1985-etrn-reply-set", "RFC1985-etrn-syntax", "RFC1985-etrn-unauthorised-node",
		"RFC1985-etrn-in-transaction", "RFC1985-etrn-253-count", "RFC1985-etrn-options", "RFC1985-2-etrn-no-params")
}

// cmdEtrn answers ETRN [<option character>]<node name> (RFC 1985 §5).
func cmdEtrn(s *session, arg string) error {
	switch {
	case s.inTx && !s.has(faultEtrnInTx):
		return s.reply("503 5.5.1 ETRN not allowed inside a mail transaction")
	case arg == "" && s.has(faultEtrnSyntax):
		return s.reply("250 2.0.0 OK, queuing for every node started")
	case arg == "":
		return s.reply("501 5.5.4 Syntax: ETRN [@|#]node")
	}
	option, node := byte(0), arg
	if arg[0] == '@' || arg[0] == '#' {
		option, node = arg[0], arg[1:]
	}
	if option == '#' {
		// §5.3: a queue name is a local matter; this server has none.
		return s.reply("458 4.3.0 Unable to queue messages for node " + arg)
	}
	if !isDomain(node) || (option == 0 && !strings.Contains(node, ".")) {
		// §5: the node name must be a fully qualified domain name; after
		// "@" it is a suffix, which may be a single label (§5.3, §8).
		return s.reply("501 5.5.4 Syntax error in parameters: the node must be a fully qualified domain name")
	}
	domain := strings.ToLower(s.cfg.Domain)
	name := strings.ToLower(node)
	held := name == domain
	if option == '@' {
		held = held || strings.HasSuffix(name, "."+domain) ||
			(s.has(faultEtrnOptions) && strings.HasSuffix(domain, "."+name))
	}
	if !held {
		if s.has(faultEtrnForeign) {
			return s.reply("550 5.7.1 Relay access denied")
		}
		return s.reply("459 4.7.1 Node " + node + " not allowed: no mail is held for it here")
	}
	if s.has(faultEtrnReplySet) {
		return s.reply("200 OK, queue run started")
	}
	if option == '@' {
		return s.reply("250 2.0.0 OK, queuing for node " + node + " started")
	}
	n := s.srv.heldFor(name)
	switch {
	case n == 0:
		return s.reply("251 2.0.0 OK, no messages waiting for node " + node)
	case s.has(faultEtrn253):
		return s.reply("253 2.0.0 OK, pending messages for node " + node + " started")
	}
	return s.reply("253 2.0.0 OK, " + strconv.Itoa(n) + " pending messages for node " + node + " started")
}

// heldFor counts the stored messages with a recipient in domain (lower
// case).
func (s *Server) heldFor(domain string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.msgs {
		for _, to := range m.To {
			if i := strings.LastIndexByte(to, '@'); i >= 0 && strings.EqualFold(to[i+1:], domain) {
				n++
				break
			}
		}
	}
	return n
}
