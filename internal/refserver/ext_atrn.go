package refserver

import (
	"strings"
)

// ATRN, RFC 2645 (On-Demand Mail Relay): offered, and rejected with 530 in
// a session that has not authenticated (§5.2.1). In an authenticated
// session the server, which holds no mail for any customer (what it
// accepts for its own domain is delivered there), refuses the request:
// 450 when the login has no access to every domain named (§5.2.1: MUST),
// else 453, "You have no mail" (§5.2.1, §7). It never reverses the roles.
var _ = registerExtension(&extension{
	keyword: "ATRN",
	// faultAtrn (misc.go) leaves ATRN out of EHLO and answers it as an
	// ODMR server would, on a port that does not offer it.
	// RFC 6409 §7: a submission server (ModeSubmission) MUST NOT offer it.
	offered: func(s *session) bool { return !s.has(faultAtrn) && s.cfg.Mode != ModeSubmission },
	verbs:   map[string]verbHandler{"ATRN": cmdAtrn},
})

// atrnAuthenticated reports whether the session has authenticated (RFC
// 4954, ext_auth.go).
func atrnAuthenticated(s *session) bool { return s.authenticated() }

// faultAtrnNeedsAuth wraps the ATRN handler: it skips the authentication
// check and reverses the roles for anyone.
var faultAtrnNeedsAuth = newFault("RFC2645-5.2.1-atrn-needs-auth",
	"accepts ATRN in a session that has not authenticated (250) and reverses the roles").
	may("RFC5321-4.2.4-no-advertise-unimplemented") // its ATRN probe then ends in the reversed state

// faultAtrnCodes wraps the ATRN handler: its refusal of an unauthenticated
// ATRN uses 554, a code RFC 2645 §7 does not list.
var faultAtrnCodes = newFault("RFC2645-7-atrn-codes",
	"rejects ATRN in a session that has not authenticated with 554 instead of 530").
	may("RFC2645-5.2.1-atrn-needs-auth") // still a rejection, but not with 530

// faultAtrnNoAccess wraps the ATRN handler: a login without access to a
// domain it names is told there is no mail (453) instead of refused (450).
var faultAtrnNoAccess = newFault("RFC2645-5.2.1-atrn-replies",
	"answers an authenticated ATRN for a domain the login has no access to with 453 (no mail) instead of 450")

func init() {
	// Without the ATRN keyword, the ATRN specs are not applicable.
	faultAtrn.may("RFC2645-5.2.1-atrn-needs-auth", "RFC2645-7-atrn-codes", "RFC2645-5.2.1-atrn-replies")
	// Without AUTH (faults_ext2.go) the login before ATRN cannot happen.
	faultAtrnNoAuth.may("RFC2645-5.2.1-atrn-replies")
}

// cmdAtrn answers ATRN [SP domain *("," domain)] (RFC 2645 §5.2.1).
func cmdAtrn(s *session, arg string) error {
	if !atrnAuthenticated(s) {
		if s.has(faultAtrnNeedsAuth) {
			return s.reverse()
		}
		if s.has(faultAtrnCodes) {
			return s.reply("554 5.7.1 ATRN refused")
		}
		return s.reply("530 5.7.0 Authentication required")
	}
	var domains []string
	if arg != "" {
		domains = strings.Split(arg, ",")
	}
	for _, d := range domains {
		// §5.2.1: domain = sub-domain 1*("." sub-domain).
		if !isDomain(d) || !strings.Contains(d, ".") {
			return s.reply("501 5.5.4 Syntax: ATRN [domain *(\",\" domain)]")
		}
	}
	for _, d := range domains {
		if !strings.EqualFold(d, s.cfg.Domain) && !s.has(faultAtrnNoAccess) {
			return s.reply("450 4.7.1 ATRN request refused")
		}
	}
	return s.reply("453 4.3.0 You have no mail")
}

// reverse is faultAtrnNeedsAuth: 250, then the roles reverse (RFC 2645
// §5.3). The server waits for the customer's greeting, sends EHLO and,
// having no mail, QUIT (§5.2.1), and the session ends.
func (s *session) reverse() error {
	if err := s.reply("250 2.0.0 OK now reversing the connection"); err != nil {
		return err
	}
	line, _, err := s.readLine(maxMailLine)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(line), "220") {
		return errDrop
	}
	for _, cmd := range []string{"EHLO " + s.cfg.Hostname, "QUIT"} {
		s.w.WriteString(cmd + "\r\n")
		if err := s.w.Flush(); err != nil {
			return err
		}
		for {
			line, _, err := s.readLine(maxMailLine)
			if err != nil {
				return err
			}
			if len(line) < 4 || line[3] != '-' {
				break
			}
		}
	}
	return errQuit
}
