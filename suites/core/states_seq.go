package core

import (
	"github.com/smtpspec/smtpspec/suites/framework"
)

// ehloCell is one EHLO cell of the state table (REQUIREMENTS.md §10.2): the
// index of its state in smtpStates.
type ehloCell struct{ state int }

// ehloLater lists the replies RFC 5321 allows to an EHLO later in the
// session: 250, or a refusal with a code of §4.1.4 (500, 501, 502, 550) or
// of the §4.3.2 table (504).
const ehloLater framework.CodeSet = "250 500 501 502 504 550"

// ehloCellRow is the row of the EHLO cell of state (1 to 4).
func ehloCellRow(state int, id, text string, needs ...framework.Need) framework.Row[ehloCell] {
	return framework.Row[ehloCell]{
		Req:  framework.Requirement{ID: id, Commands: []string{"EHLO"}, Needs: needs},
		Text: text, Data: ehloCell{state},
	}
}

// RFC 5321 §4.1.4: a client MAY send EHLO later in the session; a server
// that does not take it MUST answer 500, 501, 502 or 550 (and the §4.3.2
// table adds 504). Each cell brings a fresh connection to its state and
// judges the reply to one EHLO there; a 503 is a FAIL. That the accepted
// EHLO also resets the transaction is RFC5321-4.1.4-ehlo-resets-transaction.
var _ = framework.Table("EHLO in each state of the session",
	func(t *framework.T, c ehloCell) {
		st := smtpStates[c.state]
		if c.state >= 3 {
			t.Mailbox()
		}
		s := st.enter(t)
		r := s.Cmd("EHLO " + t.Cfg.Helo)
		t.Expect(s, r, framework.Expectation{Pass: ehloLater,
			Why: "RFC 5321 §4.1.4: an EHLO later in the session gets 250, or 500, 501, 502 or 550 if refused (504 in the §4.3.2 table), in state " + st.name})
	},
	ehloCellRow(1, "RFC5321-4.1.4-state-ehlo-s1", "answers an EHLO right after the first one with 250 or a §4.1.4 refusal code"),
	ehloCellRow(2, "RFC5321-4.1.4-state-ehlo-s2", "answers EHLO after MAIL with 250 or a §4.1.4 refusal code"),
	ehloCellRow(3, "RFC5321-4.1.4-state-ehlo-s3", "answers EHLO after an accepted RCPT with 250 or a §4.1.4 refusal code", framework.NeedMailbox),
	ehloCellRow(4, "RFC5321-4.1.4-state-ehlo-s4", "answers EHLO right after the 250 for a message with 250 or a §4.1.4 refusal code", framework.NeedMailbox),
)
