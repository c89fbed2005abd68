package atrn

import (
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("ATRN initial state", func() {
	// RFC 2645 §5.1.1: the EHLO reply of an ODMR provider lists AUTH and
	// ATRN: a customer must authenticate before ATRN (§5.2.1).
	framework.It(framework.Requirement{
		ID: "RFC2645-5.1-initial-commands", Commands: []string{"EHLO"},
	}, "lists AUTH beside ATRN in its EHLO reply", func(t *framework.T) {
		s := t.Greeted()
		if s.Has("AUTH") {
			t.Checked()
			return
		}
		f := framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
			Expected: "an EHLO reply listing both AUTH and ATRN (RFC 2645 §5.1.1)"}
		if legacyAuth(s) {
			// AUTH is there, in a form RFC4954-3-keyword-syntax judges.
			f.Detail = "AUTH is listed only in the legacy form \"AUTH=...\" (REQUIREMENTS.md §17 item 11; RFC4954-3-keyword-syntax judges the form)"
			t.Warnf(f)
			return
		}
		if !s.TLS() && s.Has("STARTTLS") {
			s.StartTLS()
			if s.Has("AUTH") {
				f.Detail = "ATRN is listed without AUTH before STARTTLS; AUTH appears only under TLS (RFC 3207 §4.2 lets the offer change there)"
				t.Warnf(f)
				return
			}
			f.Actual += " (under TLS: " + s.Ehlo.String() + ")"
		}
		f.Detail = "the server lists ATRN but not AUTH, so no customer can authenticate for ATRN (§5.2.1)"
		t.Failf(f)
	})
})

// legacyAuth reports whether the session's last EHLO reply lists the
// mechanisms in the legacy form "AUTH=mech ...".
func legacyAuth(s *framework.Session) bool {
	for _, l := range s.Ehlo.Lines[1:] {
		if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(strings.ToUpper(f[0]), "AUTH=") {
			return true
		}
	}
	return false
}
