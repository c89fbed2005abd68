package starttls

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("STARTTLS replies", func() {
	// RFC 3207 §4 (REQUIREMENTS.md §10.1, the STARTTLS row; §10.2, its
	// column of the state table): STARTTLS with an argument, before EHLO,
	// in a mail transaction and inside TLS, each on a fresh connection, and
	// every reply judged against the row. RFC 3207 leaves the reply before
	// EHLO and in a transaction open, so any code of the row passes there.
	// After a 220 outside the last case the connection is dropped without
	// a handshake: the spec needs only the code.
	framework.It(framework.Requirement{ID: "RFC3207-4-starttls-codes", Commands: []string{"STARTTLS"}},
		"answers STARTTLS in each state with codes of the RFC 3207 row", func(t *framework.T) {
			allowed, _, _ := framework.AllowedCodes("STARTTLS")
			judge := func(s *framework.Session, r framework.Reply, where string) {
				t.Expect(s, r, framework.Expectation{Pass: allowed, Why: "RFC 3207 §4: the replies to STARTTLS (" + where + ")"})
				if r.Code == 220 {
					s.Conn().Close()
				}
			}

			s := t.Greeted()
			judge(s, s.Cmd("STARTTLS now"), "with an argument")

			s = t.Dial()
			judge(s, s.Cmd("STARTTLS"), "before EHLO")

			s = t.Greeted()
			s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
			judge(s, s.Cmd("STARTTLS"), "in a mail transaction")

			s = t.Greeted()
			s.StartTLS()
			judge(s, s.Cmd("STARTTLS"), "inside TLS")
		})
})
