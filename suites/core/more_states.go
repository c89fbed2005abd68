package core

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// smtpState is a state of REQUIREMENTS.md §10.2, and how to reach it on a
// fresh connection.
type smtpState struct {
	name  string
	enter func(t *framework.T) *framework.Session
}

var smtpStates = []smtpState{
	{"S0 (connected, no EHLO)", func(t *framework.T) *framework.Session { return t.Dial() }},
	{"S1 (after EHLO)", func(t *framework.T) *framework.Session { return t.Greeted() }},
	{"S2 (MAIL accepted)", func(t *framework.T) *framework.Session {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		return s
	}},
	{"S3 (a RCPT accepted)", func(t *framework.T) *framework.Session { return t.Transaction() }},
	{"S4 (right after the 250 for a message)", func(t *framework.T) *framework.Session {
		s := t.Transaction()
		s.Setup("DATA", "354")
		if r := sendMessage(s, t.Req.ID); r.Class() != 2 {
			t.Policy(r)
			t.Errorf("the test message was refused (%s)", r)
		}
		return s
	}},
}

// stateCell is one command of the §10.2 table with its expected replies in
// S0 to S4 (index = state); warn holds the tolerated ones. EHLO is not
// among them: its cells are specs of their own (states_seq.go).
type stateCell struct {
	command    func(t *framework.T) string
	pass, warn [5]framework.CodeSet
}

const (
	vrfyCodes framework.CodeSet = "250 251 252 550 551 553 502 504"
	helpCodes framework.CodeSet = "211 214 502 504"
)

var stateCells = []stateCell{
	{func(t *framework.T) string { return "MAIL FROM:<" + t.Cfg.Sender + ">" },
		[5]framework.CodeSet{"503", "250", "503", "503", "250"}, [5]framework.CodeSet{"250", "", "250", "250", ""}},
	{func(t *framework.T) string { return "RCPT TO:<" + t.Cfg.Mailbox + ">" },
		[5]framework.CodeSet{"503", "503", "250 251", "250 251", "503"}, [5]framework.CodeSet{}},
	{func(*framework.T) string { return "DATA" },
		[5]framework.CodeSet{"503 554", "503 554", "503 554", "354", "503 554"}, [5]framework.CodeSet{}},
	{func(*framework.T) string { return "RSET" },
		[5]framework.CodeSet{"250", "250", "250", "250", "250"}, [5]framework.CodeSet{"503", "", "", "", ""}},
	{func(*framework.T) string { return "NOOP" },
		[5]framework.CodeSet{"250", "250", "250", "250", "250"}, [5]framework.CodeSet{"503", "", "", "", ""}},
	{func(*framework.T) string { return "VRFY postmaster" },
		[5]framework.CodeSet{vrfyCodes, vrfyCodes, vrfyCodes, vrfyCodes, vrfyCodes}, [5]framework.CodeSet{"503", "", "", "", ""}},
	{func(*framework.T) string { return "HELP" },
		[5]framework.CodeSet{helpCodes, helpCodes, helpCodes, helpCodes, helpCodes}, [5]framework.CodeSet{"503", "", "", "", ""}},
	{func(*framework.T) string { return "QUIT" },
		[5]framework.CodeSet{"221", "221", "221", "221", "221"}, [5]framework.CodeSet{}},
}

var _ = ginkgo.Describe("The state table", func() {
	// RFC 5321 §4.3.1, §4.3.2, §4.1.4 (REQUIREMENTS.md §10.2): every
	// command of the table in every state, each on a fresh connection
	// brought to that state. A 354 (DATA in S3) is followed by a message to
	// the mailbox.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.3.2-state-matrix", Commands: []string{"MAIL", "RCPT", "DATA", "RSET", "NOOP", "VRFY", "HELP", "QUIT"},
		Needs: []framework.Need{framework.NeedMailbox},
	}, "answers each command in each state as the §4.3.2 table has it", func(t *framework.T) {
		t.Mailbox()
		for i, st := range smtpStates {
			for _, c := range stateCells {
				s := st.enter(t)
				r := s.Cmd(c.command(t))
				t.Expect(s, r, framework.Expectation{Pass: c.pass[i], Warn: c.warn[i],
					Why: "RFC 5321 §4.3.2, §4.1.4 in state " + st.name})
				if r.Code == 354 {
					sendMessage(s, t.Req.ID)
				}
				s.Conn().Close()
			}
		}
	})
})
