// Package etrn holds the specs of ETRN, Remote Message Queue Starting (RFC
// 1985). Every spec is gated on the ETRN keyword: a server that does not
// list it gets NOT APPLICABLE. Whether an unlisted ETRN is implemented is
// RFC 5321's rule (RFC1985-etrn-keyword, suites/core).
package etrn

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

func init() {
	// RFC 1985 §5.1: the replies to ETRN (500, 501 and 421 come from the
	// general codes), and 503 for ETRN out of sequence, inside a mail
	// transaction (RFC 1985 §5; RFC 5321 §4.1.4; RFC1985-etrn-in-transaction).
	framework.RegisterReplies("ETRN", "250 251 252 253 458 459 503", "RFC1985-etrn-reply-set")
}

// node is the node name the specs give to ETRN: the mailbox's domain, the
// one a server most likely holds mail for, else the suite's EHLO domain.
func node(t *framework.T) string {
	if d := t.Cfg.Domain(); d != "" {
		return d
	}
	return t.Cfg.Helo
}

// foreignNode is a node no server holds mail for (RFC 2606 reserves
// .example).
const foreignNode = "smtpspec-etrn-probe.example"

// count matches the number of messages in a 253 reply: "253 OK, 14 pending
// messages for node mysoft.com started" (RFC 1985 §7).
var count = regexp.MustCompile(`(^|[^0-9.])[0-9]+\s+pending`)

var _ = ginkgo.Describe("ETRN", func() {
	// RFC 1985 §2(2): the EHLO keyword ETRN has no parameters.
	framework.It(framework.Requirement{
		ID: "RFC1985-2-etrn-no-params", Commands: []string{"EHLO"},
	}, "lists ETRN in EHLO without parameters", func(t *framework.T) {
		s := t.Greeted()
		if params := s.Ehlo.Params("ETRN"); len(params) > 0 {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
				Expected: "an ETRN line without parameters (RFC 1985 §2(2))",
				Detail:   fmt.Sprintf("the ETRN line has parameters: %s", strings.Join(params, " "))})
		}
		t.Checked()
	})

	// RFC 1985 §5.1: a well-formed ETRN is answered with one of the codes
	// §5.1 lists for it.
	framework.It(framework.Requirement{
		ID: "RFC1985-etrn-reply-set", Commands: []string{"ETRN"},
	}, "answers ETRN <domain> with 250, 251, 252, 253, 458 or 459", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("ETRN " + node(t))
		t.Expect(s, r, framework.Expectation{Pass: "250 251 252 253 458 459",
			Why: "RFC 1985 §5.1: the valid return codes of ETRN; 500 and 501 are for a malformed request"})
	})

	// RFC 1985 §5, §5.1: the node name is not optional; a malformed request
	// gets 500 or 501 (§7 answers a bare ETRN with 500).
	framework.It(framework.Requirement{
		ID: "RFC1985-etrn-syntax", Commands: []string{"ETRN"},
	}, "answers ETRN without a node name with 500 or 501", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("ETRN")
		t.Expect(s, r, framework.Expectation{Pass: "500 501",
			Why: "RFC 1985 §5: ETRN [<option character>]<node name>; §5.1: 500 or 501 for an incorrect request"})
	})

	// RFC 1985 §5.1: whether to honour ETRN for a node is the server's
	// decision (§6: a minimal server honours every node); a refusal says
	// why with 458 or 459.
	framework.It(framework.Requirement{
		ID: "RFC1985-etrn-unauthorised-node", Commands: []string{"ETRN"},
	}, "honours ETRN for a node it holds no mail for, or refuses it with 458 or 459", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("ETRN " + foreignNode)
		t.Expect(s, r, framework.Expectation{Pass: "250 251 252 253 458 459",
			Why: "RFC 1985 §5.1: the server decides whether to honour the request (§6: a minimal server honours every node), and 458 or 459 say why it did not"})
	})

	// RFC 1985 §5: ETRN is illegal between MAIL FROM and the end of DATA;
	// RFC 5321 §4.1.4's code for a command out of sequence is 503.
	framework.It(framework.Requirement{
		ID: "RFC1985-etrn-in-transaction", Commands: []string{"MAIL", "ETRN"},
	}, "answers ETRN inside a mail transaction with 503", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("ETRN " + node(t))
		switch {
		case r.Code == 503:
			t.Checked()
		case r.Class() == 2:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "503 (RFC 1985 §5: ETRN is illegal between MAIL FROM and the end of DATA; RFC 5321 §4.1.4)",
				Detail:   "the server started a queue run in the middle of a mail transaction"})
		case r.Code == 530 || r.Code == 421:
			t.Policy(r)
		default:
			t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "503 (RFC 5321 §4.1.4: bad sequence of commands)",
				Detail:   fmt.Sprintf("ETRN was refused inside the transaction, but with %d rather than the sequence error 503", r.Code)})
		}
	})

	// RFC 1985 §5.1, §7: the text of a 253 reply gives the number of
	// pending messages. The spec first leaves a message for the mailbox,
	// so that a server that holds mail for its domain has some.
	framework.It(framework.Requirement{
		ID: "RFC1985-etrn-253-count", Commands: []string{"ETRN"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "gives the number of pending messages in a 253 reply", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		s.SendRaw(scenarios.MessageData(framework.Envelope(), t.Req.ID, "smtpspec test message\r\n", false), "DATA-END")
		if r := s.Read(); r.Class() != 2 {
			t.Policy(r)
			t.Errorf("the test message was refused (%s)", r)
		}
		r := s.Cmd("ETRN " + node(t))
		if r.Code != 253 {
			if r.Code == 530 || r.Code == 421 {
				t.Policy(r)
			}
			t.NotApplicable("ETRN %s answered %d, not 253, so there is no count to check", node(t), r.Code)
		}
		if !count.MatchString(r.Text()) {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "253 OK, <n> pending messages for node <x> started (RFC 1985 §5.1, §7)",
				Detail:   "the 253 reply does not give the number of pending messages"})
		}
		t.Checked()
	})

	// RFC 1985 §5.3, §8: "@" releases a domain and every domain under it;
	// a server lets a client use it only for systems that make sense, and
	// a whole top-level domain does not.
	framework.It(framework.Requirement{
		ID: "RFC1985-etrn-options", Commands: []string{"ETRN"},
	}, "refuses ETRN @<top-level domain>", func(t *framework.T) {
		n := node(t)
		i := strings.LastIndexByte(n, '.')
		if i < 0 || i == len(n)-1 {
			t.NotApplicable("the node %q has no top-level domain to ask for", n)
		}
		s := t.Greeted()
		r := s.Cmd("ETRN @" + n[i+1:])
		switch {
		case r.Class() == 2:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "a refusal, 458 or 459 (RFC 1985 §8: the @ option only for systems that make sense; §5.1)",
				Detail:   "the server accepted to release the mail of a whole top-level domain"})
		case r.Code == 530 || r.Code == 421:
			t.Policy(r)
		}
		t.Checked() // a refusal: 458, 459, 501, or another 4yz or 5yz
	})
})
