package auth

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// enhancedAt matches an enhanced status code at the start of a reply line.
var enhancedAt = regexp.MustCompile(`^([245]\.[0-9]{1,3}\.[0-9]{1,3})(?:\s|$)`)

// authCodeProbe is one stimulus of RFC4954-6-auth-enhanced-codes: the reply
// code it provokes and the enhanced code RFC 4954 names for that reply.
type authCodeProbe struct {
	name     string
	code     int
	enhanced string
	why      string
	// run provokes the reply on a greeted session; ok is false when the
	// server does not offer what the probe needs.
	run func(t *framework.T, s *framework.Session) (r framework.Reply, ok bool)
}

var authCodeProbes = []authCodeProbe{
	{"unknown mechanism", 504, "5.5.4", "RFC 4954 §4: 504 for an unsupported mechanism, SHOULD with 5.5.4",
		func(t *framework.T, s *framework.Session) (framework.Reply, bool) {
			return s.AuthCmd(unknownMech, "", false), true
		}},
	{"initial response that is not base64", 501, "5.5.2", "RFC 4954 §4: 501 (and 5.5.2) for a response that cannot be decoded",
		func(t *framework.T, s *framework.Session) (framework.Reply, bool) {
			if !s.Offers("PLAIN") {
				return framework.Reply{}, false
			}
			return s.AuthCmd("PLAIN", "!!!!", false), true
		}},
	{"initial response with CRAM-MD5", 501, "5.7.0", "RFC 4954 §4: 501 for an initial response with a server-first mechanism, SHOULD with 5.7.0",
		func(t *framework.T, s *framework.Session) (framework.Reply, bool) {
			if !s.Offers("CRAM-MD5") {
				return framework.Reply{}, false
			}
			return s.AuthCmd("CRAM-MD5", framework.B64("test"), false), true
		}},
	{"wrong password", 535, "5.7.8", "RFC 4954 §6: 535 5.7.8 Authentication credentials invalid",
		func(t *framework.T, s *framework.Session) (framework.Reply, bool) {
			if !s.Offers("PLAIN") {
				return framework.Reply{}, false
			}
			user, pass := wrongPassword(t)
			return s.AuthCmd("PLAIN", framework.PlainMessage("", user, pass), false), true
		}},
	{"response longer than any buffer", 500, "5.5.6", "RFC 4954 §4, §6: 500 for a line longer than the authentication buffer, SHOULD with 5.5.6",
		func(t *framework.T, s *framework.Session) (framework.Reply, bool) {
			if !s.Offers("PLAIN") {
				return framework.Reply{}, false
			}
			if r := s.AuthCmd("PLAIN", "", false); r.Code != 334 {
				return r, true // not a 500: the probe does not apply
			}
			if err := s.TrySendAuthResponse(strings.Repeat("QUFB", 50000)); err != nil {
				// Closed before the whole line was written: its reply,
				// if one came, is still judged; none means no probe.
				r, rerr := s.TryRead()
				return r, rerr == nil
			}
			return s.Read(), true
		}},
	{"valid credentials", 235, "2.7.0", "RFC 4954 §6: 235 2.7.0 Authentication Succeeded",
		func(t *framework.T, s *framework.Session) (framework.Reply, bool) {
			if t.Cfg.AuthUser == "" || t.Cfg.AuthPassword == "" {
				return framework.Reply{}, false
			}
			for _, m := range []string{"PLAIN", "LOGIN", "CRAM-MD5"} {
				if s.Offers(m) {
					return s.Authenticate(m), true
				}
			}
			return framework.Reply{}, false
		}},
}

var _ = ginkgo.Describe("AUTH enhanced status codes", func() {
	// RFC 4954 §4, §6: the enhanced codes of the AUTH replies. Each probe
	// runs on a session of its own (a server may drop a client after
	// failed attempts, RFC 4954 §9); a probe whose reply has another code
	// than the one it aims at is another spec's business.
	framework.It(framework.Requirement{ID: "RFC4954-6-auth-enhanced-codes", Commands: authVerb},
		"carries the enhanced codes RFC 4954 names on its AUTH replies (504 5.5.4, 501 5.5.2, 501 5.7.0, 535 5.7.8, 500 5.5.6, 235 2.7.0)", func(t *framework.T) {
			judged := 0
			var missing []string
			for _, p := range authCodeProbes {
				s := t.Greeted()
				s.Require("ENHANCEDSTATUSCODES")
				r, ok := p.run(t, s)
				if !ok || !s.Has("ENHANCEDSTATUSCODES") {
					missing = append(missing, p.name)
					end(s)
					continue
				}
				cancel(s, r)
				if r.Code != p.code {
					missing = append(missing, fmt.Sprintf("%s (got %d, not %d)", p.name, r.Code, p.code))
					end(s)
					continue
				}
				judged++
				got := ""
				if len(r.Lines) > 0 {
					if m := enhancedAt.FindStringSubmatch(r.Lines[0]); m != nil {
						got = m[1]
					}
				}
				if got != p.enhanced {
					desc := "no enhanced code"
					if got != "" {
						desc = "the enhanced code " + got
					}
					t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
						Expected: fmt.Sprintf("%d %s (%s)", p.code, p.enhanced, p.why),
						Detail:   fmt.Sprintf("the %d reply to the %s carries %s; the server lists ENHANCEDSTATUSCODES", p.code, p.name, desc)})
				}
				t.Checked()
				end(s)
			}
			if judged == 0 {
				t.NotApplicable("no AUTH reply RFC 4954 names an enhanced code for was provoked: %s", strings.Join(missing, "; "))
			}
		})
})
