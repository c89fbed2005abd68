// Package atrn holds the specs of ATRN, the Authenticated TURN of On-Demand
// Mail Relay (RFC 2645). Every spec is gated on the ATRN keyword; a server
// that does not list it is judged by the convention for MTA ports
// (RFC2645-atrn-on-mta-port, suites/core).
package atrn

import (
	"fmt"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// atrnCodes are the codes RFC 2645 §7 lists for ATRN.
const atrnCodes framework.CodeSet = "250 450 451 453 502 530"

func init() {
	framework.RegisterReplies("ATRN", atrnCodes, "RFC2645-7-atrn-codes")
}

// domain is the domain the specs ask ATRN for: the mailbox's domain, else
// the suite's EHLO domain.
func domain(t *framework.T) string {
	if d := t.Cfg.Domain(); d != "" {
		return d
	}
	return t.Cfg.Helo
}

var _ = ginkgo.Describe("ATRN", func() {
	// RFC 2645 §5.2.1: ATRN in a session that has not authenticated MUST
	// be rejected, with 530. The suite never authenticates here. After a
	// 250 the roles would reverse, so nothing more is sent.
	framework.It(framework.Requirement{
		ID: "RFC2645-5.2.1-atrn-needs-auth", Commands: []string{"ATRN"},
	}, "rejects ATRN before AUTH with 530", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("ATRN " + domain(t))
		switch {
		case r.Code == 530:
			t.Checked()
		case r.Class() == 2 || r.Class() == 3:
			t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "530 (RFC 2645 §5.2.1: ATRN MUST be rejected if the session has not been authenticated)",
				Detail:   "the server accepted ATRN from a client that has not authenticated, which hands the mail held for the domain to anyone"})
		case r.Code == 421:
			t.Policy(r)
		default:
			t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "530 (RFC 2645 §5.2.1: \"Response code 530 [AUTH] is used for this\")",
				Detail:   fmt.Sprintf("ATRN was rejected, as it must be, but with %d rather than 530", r.Code)})
		}
	})

	// RFC 2645 §7: the codes of ATRN. The spec sends ATRN without domains
	// (every domain of the customer, §5.2.1) and with one.
	framework.It(framework.Requirement{
		ID: "RFC2645-7-atrn-codes", Commands: []string{"ATRN"},
	}, "answers ATRN with the codes of RFC 2645 §7", func(t *framework.T) {
		s := t.Greeted()
		for _, line := range []string{"ATRN", "ATRN " + domain(t)} {
			r := s.Cmd(line)
			t.Expect(s, r, framework.Expectation{Pass: atrnCodes + " 500 501",
				Why: "RFC 2645 §7: 250, 450, 451, 453, 502, 530; RFC 5321 §4.3.2: 500, 501 for any command"})
			if r.Class() == 2 {
				return // the roles reverse: nothing more may be sent
			}
		}
	})
})
