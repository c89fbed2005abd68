package atrn

import (
	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// noAccessDomain is a domain no login has access to: .invalid is reserved
// (RFC 2606 §2), so no provider holds mail for it on anyone's behalf.
const noAccessDomain = "smtpspec-no-access.invalid"

var _ = ginkgo.Describe("ATRN after AUTH", func() {
	// RFC 2645 §5.2.1: when the login does not have access to every domain
	// named, the provider MUST NOT send mail and MUST reject ATRN with 450.
	framework.It(framework.Requirement{
		ID: "RFC2645-5.2.1-atrn-replies", Commands: []string{"AUTH", "ATRN"},
		Needs: []framework.Need{framework.NeedCredentials},
	}, "rejects ATRN for a domain the login has no access to with 450", func(t *framework.T) {
		s := t.Greeted()
		s.Login()
		// Alone, then after a domain of the suite's (§5.2.1: access to all
		// of the domains named), so that a server checking only the
		// first domain of the list is seen too.
		for _, line := range []string{"ATRN " + noAccessDomain, "ATRN " + domain(t) + "," + noAccessDomain} {
			r := s.Cmd(line)
			f := framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "450 (RFC 2645 §5.2.1: the provider MUST reject the ATRN command with a 450 code when the login lacks access to a domain named)"}
			switch {
			case r.Code == 450:
				t.Checked()
				continue
			case r.Class() == 2 || r.Class() == 3:
				// The roles reverse after a 250 (§5.3): nothing more is sent.
				f.Detail = "the provider accepted ATRN naming a domain no login has access to: it would hand over mail"
				t.Failf(f)
			case r.Code == 453:
				s.QuitAndCount()
				f.Detail = "453 says the login has access but no mail is queued; for a domain without access §5.2.1 requires 450"
				t.Failf(f)
			case r.Code == 451 || r.Code == 421 || r.Code == 530:
				// 451: access cannot be verified now (§5.2.1); inconclusive.
				t.Policy(r)
			default:
				s.QuitAndCount()
				f.Detail = "ATRN was rejected, as it must be, but not with 450"
				t.Warnf(f)
			}
			return
		}
		s.QuitAndCount()
	})
})
