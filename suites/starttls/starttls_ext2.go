package starttls

import (
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// firstMechanism returns the first of the mechanisms the suite speaks that
// the session's last EHLO reply lists (CRAM-MD5 first: it does not expose
// the password), or "".
func firstMechanism(s *framework.Session) string {
	for _, m := range []string{"CRAM-MD5", "PLAIN", "LOGIN"} {
		if s.HasMechanism(m) {
			return m
		}
	}
	return ""
}

var _ = ginkgo.Describe("STARTTLS and AUTH", func() {
	// RFC 3207 §4.2, RFC 4954 §4: the identity authenticated before the
	// handshake is knowledge from the client the server must discard;
	// 503 to AUTH under TLS (RFC 4954 §4's answer to a second AUTH) shows
	// that it did not.
	framework.It(framework.Requirement{ID: "RFC3207-4.2-reset-discards-auth", Commands: []string{"AUTH", "STARTTLS"},
		Needs: []framework.Need{framework.NeedCredentials}},
		"forgets an AUTH completed before STARTTLS: AUTH after the handshake is not refused as a second AUTH", func(t *framework.T) {
			s := t.Greeted()
			t.Credentials()
			if !s.Has("AUTH") {
				t.NotApplicable("AUTH is not advertised before STARTTLS: no identity can be authenticated in plaintext")
			}
			mech := firstMechanism(s)
			if mech == "" {
				t.NotApplicable("none of CRAM-MD5, PLAIN, LOGIN is offered before STARTTLS (AUTH %s)", strings.Join(s.Mechanisms(), " "))
			}
			if r := s.Authenticate(mech); r.Code != 235 {
				t.Policy(r)
				t.Errorf("precondition: AUTH %s before STARTTLS with --auth-user %s answered %s, needed 235", mech, t.Cfg.AuthUser, r)
			}
			upgrade(t, s)
			s.Hello()
			mech = firstMechanism(s)
			if mech == "" {
				t.NotApplicable("no mechanism the suite speaks is offered after the handshake (AUTH %s): AUTH cannot be tried again", strings.Join(s.Mechanisms(), " "))
			}
			r := s.Authenticate(mech)
			switch {
			case r.Code == 235:
				t.Checked()
			case r.Code == 503:
				t.Failf(framework.Finding{Sent: "EHLO, AUTH " + mech + " (235), STARTTLS, the TLS handshake, EHLO, then " + s.LastSent(), Actual: r.String(),
					Expected: "235 (RFC 3207 §4.2: the session is back in its initial state, the identity given before TLS discarded)",
					Detail:   "AUTH under TLS was refused with 503, RFC 4954 §4's answer to a second AUTH: the identity authenticated in plaintext survived the TLS reset"})
			default:
				t.Policy(r)
				t.Errorf("AUTH %s after the handshake answered %s, neither 235 nor 503: the spec cannot tell whether the identity was kept", mech, r)
			}
		})
})
