package auth

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("AUTH under TLS and SASLprep", func() {
	// RFC 4954 §4: implementations MUST implement PLAIN over TLS. The EHLO
	// reply under TLS is judged; a PLAIN that is not listed is probed once
	// (without a response: the exchange is cancelled with "*").
	framework.It(framework.Requirement{ID: "RFC4954-4-plain-over-tls", Commands: []string{"STARTTLS", "EHLO", "AUTH"}},
		"lists PLAIN in the AUTH line under TLS", func(t *framework.T) {
			s := t.Greeted()
			if !s.TLS() {
				if !s.Has("STARTTLS") {
					t.NotApplicable("the session is in plaintext and the EHLO reply does not list STARTTLS: the suite cannot reach TLS")
				}
				s.StartTLS()
			}
			if !s.Has("AUTH") {
				t.NotApplicable("under TLS the EHLO reply does not list AUTH")
			}
			if s.HasMechanism("PLAIN") {
				t.Checked()
				end(s)
				return
			}
			listed := "AUTH " + strings.Join(s.Mechanisms(), " ")
			r := s.AuthCmd("PLAIN", "", false)
			if r.Code == 334 {
				s.Conn().Close() // no cancel: some servers never answer it
				t.Warnf(framework.Finding{Sent: "EHLO, then AUTH PLAIN (under TLS)", Actual: listed + "; AUTH PLAIN got " + r.String(),
					Expected: "PLAIN in the AUTH line under TLS (RFC 4954 §3(3): the keyword lists the available mechanisms)",
					Detail:   "PLAIN works under TLS but is not listed"})
				return
			}
			t.Policy(r)
			end(s)
			t.Violation(framework.Finding{Sent: "EHLO, then AUTH PLAIN (under TLS)", Actual: listed + "; AUTH PLAIN got " + r.String(),
				Expected: "PLAIN offered under TLS (RFC 4954 §4: server implementations MUST implement PLAIN running over TLS)",
				Detail:   "under TLS the server neither lists PLAIN nor takes AUTH PLAIN: not available in this configuration (whether the implementation has it cannot be seen on the wire)"})
		})

	// RFC 4616 §2: when preparation of the presented strings fails,
	// verification SHALL fail. The authcid is the user with U+0007 (BEL)
	// appended, which SASLprep prohibits; the password is the right one.
	// A control login on a session of its own shows the credentials work.
	framework.It(framework.Requirement{ID: "RFC4616-2-prep-failure", Commands: []string{"AUTH"}, Needs: needCreds},
		"fails PLAIN for an authentication identity holding a prohibited character", func(t *framework.T) {
			user, pass := t.Credentials()
			c := t.Greeted()
			c.Login()
			end(c)
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			r := s.AuthCmd("PLAIN", framework.PlainMessage("", user+"\a", pass), true)
			switch {
			case r.Class() == 2:
				end(s)
				t.Failf(framework.Finding{Sent: "AUTH PLAIN " + framework.Redacted + " (authcid: the user followed by U+0007)", Actual: r.String(),
					Expected: "a refusal (535): SASLprep prohibits U+0007, and RFC 4616 §2 says verification SHALL fail when preparation fails",
					Detail:   "the server authenticated an identity that is not the configured one: it dropped or ignored the prohibited character"})
			case r.Code == 334:
				s.AuthRespond("*", false)
				end(s)
				t.Errorf("AUTH PLAIN with a complete initial response got a further challenge: %s", r)
			case r.Code == 530 || r.Code == 421 || r.Class() == 4:
				t.Policy(r)
			}
			end(s)
			t.Checked()
		})
})

// ehloStates returns the EHLO replies of the states the suite reaches on one
// session: the first (plaintext, or TLS under --tls starttls and implicit)
// and, when the server lists STARTTLS and TLS is allowed, the one under TLS.
func ehloStates(t *framework.T) []framework.Reply {
	s := t.Greeted()
	states := []framework.Reply{s.Ehlo}
	if !s.TLS() && s.Has("STARTTLS") && t.Cfg.TLSMode != framework.TLSNone {
		s.StartTLS()
		states = append(states, s.Ehlo)
	}
	end(s)
	return states
}

// listedIn reports whether any of the EHLO replies lists keyword.
func listedIn(states []framework.Reply, keyword string) bool {
	for _, r := range states {
		if r.Lists(keyword) {
			return true
		}
	}
	return false
}

// submissionOnly ends the spec NOT APPLICABLE unless the target is declared
// a submission server.
func submissionOnly(t *framework.T) {
	if t.Cfg.Profile != framework.ProfileSubmission {
		t.NotApplicable("runs under --profile submission only (the target declared an RFC 6409 submission server)")
	}
}

// describeStates renders the EHLO replies for evidence.
func describeStates(states []framework.Reply) string {
	var parts []string
	for i, r := range states {
		name := "first EHLO"
		if i > 0 {
			name = "EHLO under TLS"
		}
		parts = append(parts, name+": "+r.String())
	}
	return strings.Join(parts, "; ")
}

// recommended are the extensions RFC 6409 §7 says an MSA SHOULD support.
var recommended = []string{"PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN"}

var _ = ginkgo.Describe("Submission extensions", func() {
	// RFC 6409 §7: AUTH MUST be supported by the MSA.
	framework.It(framework.Requirement{ID: "RFC6409-7-auth-supported", Commands: []string{"EHLO"}},
		"under --profile submission, lists AUTH", func(t *framework.T) {
			submissionOnly(t)
			states := ehloStates(t)
			if !listedIn(states, "AUTH") {
				t.Failf(framework.Finding{Sent: "EHLO (and EHLO under TLS, when STARTTLS is listed)", Actual: describeStates(states),
					Expected: "AUTH in the EHLO reply (RFC 6409 §7: SMTP-AUTH MUST be supported by the MSA)",
					Detail:   "no EHLO reply the suite reached lists AUTH"})
			}
			t.Checked()
		})

	// RFC 6409 §7, Table 1: ETRN and ATRN MUST NOT be used on the
	// submission port.
	framework.It(framework.Requirement{ID: "RFC6409-7-no-etrn-atrn", Commands: []string{"EHLO"}},
		"under --profile submission, lists neither ETRN nor ATRN", func(t *framework.T) {
			submissionOnly(t)
			states := ehloStates(t)
			var found []string
			for _, kw := range []string{"ETRN", "ATRN"} {
				if listedIn(states, kw) {
					found = append(found, kw)
				}
			}
			if len(found) > 0 {
				t.Failf(framework.Finding{Sent: "EHLO (and EHLO under TLS, when STARTTLS is listed)", Actual: describeStates(states),
					Expected: "neither ETRN nor ATRN (RFC 6409 §7, Table 1: MUST NOT on the submission port)",
					Detail:   fmt.Sprintf("the submission server offers %s", strings.Join(found, " and "))})
			}
			t.Checked()
		})

	// RFC 6409 §7, Table 1: PIPELINING, ENHANCEDSTATUSCODES, 8BITMIME and
	// DSN SHOULD be supported on the submission port.
	framework.It(framework.Requirement{ID: "RFC6409-7-recommended-extensions", Commands: []string{"EHLO"}},
		"under --profile submission, lists PIPELINING, ENHANCEDSTATUSCODES, 8BITMIME and DSN", func(t *framework.T) {
			submissionOnly(t)
			states := ehloStates(t)
			var missing []string
			for _, kw := range recommended {
				if !listedIn(states, kw) {
					missing = append(missing, kw)
				}
			}
			if len(missing) > 0 {
				t.Warnf(framework.Finding{Sent: "EHLO (and EHLO under TLS, when STARTTLS is listed)", Actual: describeStates(states),
					Expected: "PIPELINING, ENHANCEDSTATUSCODES, 8BITMIME and DSN (RFC 6409 §7: SHOULD on the submission port)",
					Detail:   "not offered: " + strings.Join(missing, ", ")})
			}
			t.Checked()
		})
})

var _ = ginkgo.Describe("AUTH mechanisms listed", func() {
	// RFC 4954 §3(3): the AUTH line lists the available mechanisms, so a
	// listed one is not refused as unsupported (504, §4).
	framework.It(framework.Requirement{ID: "RFC4954-3-mechanisms-available", Commands: []string{"AUTH"}},
		"does not answer a mechanism its AUTH line lists with 504", func(t *framework.T) {
			eachListedMechanism(t, func(s *framework.Session, mech string, r framework.Reply) {
				if r.Code == 504 {
					t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
						Expected: "a 334 challenge, or another answer than 504 (RFC 4954 §3(3): the AUTH keyword lists the available mechanisms)",
						Detail:   mech + " is listed in the AUTH line but refused as an unsupported mechanism"})
				}
			})
		})
})

var _ = ginkgo.Describe("AUTH strings in any case", func() {
	// RFC 4954 §8: the strings of its grammar are case-insensitive. The
	// lower-case verb (with a mechanism no server offers, so no credentials
	// travel) and the lower-case MAIL parameter are judged against the
	// upper-case forms on the same session.
	framework.It(framework.Requirement{ID: "RFC4954-8-case-insensitive", Commands: []string{"AUTH", "MAIL"}},
		"takes the AUTH verb and the AUTH= parameter of MAIL in lower case", func(t *framework.T) {
			s := t.Greeted()
			up := s.Cmd("AUTH " + unknownMech)
			low := s.Cmd("auth " + unknownMech)
			if (low.Code == 500 || low.Code == 502) && up.Code != low.Code {
				t.Failf(framework.Finding{Sent: "AUTH " + unknownMech + ", then auth " + unknownMech, Actual: up.String() + " then " + low.String(),
					Expected: "the same answer to both (RFC 4954 §8: implementations MUST accept these strings in a case-insensitive fashion)",
					Detail:   "the lower-case verb was taken for an unknown command"})
			}
			from := "MAIL FROM:<" + t.Cfg.Sender + ">"
			r := s.Cmd(from + " AUTH=<>")
			if r.Class() != 2 {
				t.Policy(r)
				t.NotApplicable("MAIL with AUTH=<> got %s, so the lower-case form has nothing to be compared with", r)
			}
			s.Setup("RSET", "250")
			r = s.Cmd(from + " auth=<>")
			switch {
			case r.Class() == 2:
				s.Cmd("RSET")
			case r.Code == 421 || r.Code == 530 || r.Class() == 4:
				t.Policy(r)
			default:
				t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: "250, as for AUTH=<> (RFC 4954 §8: implementations MUST accept these strings in a case-insensitive fashion)",
					Detail:   "the MAIL parameter was refused for the case of its keyword"})
			}
			end(s)
			t.Checked()
		})
})
