package framework

import (
	"fmt"
	"strings"
)

// Keyword names an EHLO keyword that its extension defines without
// parameters, and the rule that says so ("RFC 6152 §2(3)").
type Keyword struct {
	Name string
	Rule string
}

// KeywordAlone is the body of the specs that check that the EHLO reply
// lists k.Name with no parameter (DSN, 8BITMIME, SMTPUTF8 ...): declare
// them as Table rows of it. The spec is NOT APPLICABLE when the keyword is
// not listed (the requirement's Feature).
func KeywordAlone(t *T, k Keyword) {
	s := t.Greeted()
	if p := s.Ehlo.Params(k.Name); len(p) > 0 {
		t.Violation(Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
			Expected: k.Name + " alone (" + k.Rule + ")", Detail: fmt.Sprintf("the keyword has the parameter %q", strings.Join(p, " "))})
	}
	t.Checked()
}

// BadParam is one invalid parameter (or parameters) of a MAIL or RCPT
// command, and the answers the RFC allows to it.
type BadParam struct {
	Param string
	Want  Expectation
}

// BadParams sends line (a MAIL or RCPT command the server takes) once with
// each bad parameter appended and judges each reply by its expectation. A
// MAIL taken in spite of its parameter is followed by RSET, so the next MAIL
// starts afresh.
func BadParams(t *T, s *Session, line string, bad []BadParam) {
	for _, b := range bad {
		r := s.Cmd(line + " " + b.Param)
		t.Expect(s, r, b.Want)
		if r.Code == 250 && verbOf(line) == "MAIL" {
			s.Setup("RSET", "250")
		}
	}
}
