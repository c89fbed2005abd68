package auth

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("AUTH replies", func() {
	// RFC 4954 §4, §6 (REQUIREMENTS.md §10.1, the AUTH row): the spec
	// provokes each kind of AUTH reply (a command without a mechanism, an
	// unknown mechanism, a cancelled and a malformed exchange, a wrong
	// password, and with credentials a success and a second AUTH), each in
	// a session of its own so that no server limit on failed attempts
	// interferes, and judges every reply against the row: 334 235 432 454
	// 500 501 503 504 534 535 538, plus the codes any command may get.
	framework.It(framework.Requirement{ID: "RFC4954-6-auth-codes", Commands: authVerb},
		"answers each kind of AUTH exchange with codes of the RFC 4954 row", func(t *framework.T) {
			allowed, _, _ := framework.AllowedCodes("AUTH")
			judge := func(s *framework.Session, r framework.Reply) {
				t.Expect(s, r, framework.Expectation{Pass: allowed, Why: "RFC 4954 §4, §6: the replies to AUTH and its responses"})
			}

			s := t.Greeted()
			judge(s, s.Cmd("AUTH"))
			r := s.AuthCmd(unknownMech, "", false)
			judge(s, r)
			cancel(s, r)

			for _, mech := range []string{"PLAIN", "LOGIN"} {
				s = t.Greeted()
				if !s.Offers(mech) {
					continue
				}
				r = s.AuthCmd(mech, "", false)
				judge(s, r)
				if r.Code == 334 {
					judge(s, s.AuthRespond("*", false)) // §4: cancelled
				}
				if mech == "PLAIN" {
					judge(s, s.AuthCmd("PLAIN", "!!not-base64!!", false)) // §4: undecodable
				}
			}

			s = t.Greeted()
			if s.Offers("PLAIN") {
				user, pass := wrongPassword(t)
				judge(s, s.AuthCmd("PLAIN", framework.PlainMessage("", user, pass), false))
			}

			if t.Cfg.AuthUser == "" || t.Cfg.AuthPassword == "" {
				return // the success and the second AUTH need credentials
			}
			s = t.Greeted()
			if s.Offers("PLAIN") || s.Offers("LOGIN") || s.Offers("CRAM-MD5") {
				r = s.Login()
				judge(s, r)
				r = s.AuthCmd(unknownMech, "", false) // §4: 503 after a successful AUTH
				judge(s, r)
				cancel(s, r)
			}
		})
})
