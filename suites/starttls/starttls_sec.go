package starttls

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// tlsRequirement is what a session showed about a server that requires TLS
// before mail (RFC 3207 §4): the refusal of MAIL in plaintext, and whether
// the plaintext EHLO reply listed ENHANCEDSTATUSCODES.
type tlsRequirement struct {
	refusal  framework.Reply
	enhanced bool
}

// requiresTLS sends MAIL in plaintext and, when it is refused, upgrades the
// same session (STARTTLS, handshake, EHLO) and sends the same MAIL under
// TLS. The requirement is shown when MAIL is refused in plaintext and
// accepted under TLS; otherwise the spec is NOT APPLICABLE: a server that
// takes MAIL in plaintext does not require TLS, and one that refuses it
// under TLS too refuses it for another reason (authentication, RFC 4954
// §6, say). The session is ended either way.
func requiresTLS(t *framework.T) tlsRequirement {
	s := t.Greeted()
	req := tlsRequirement{enhanced: s.Has("ENHANCEDSTATUSCODES")}
	mail := "MAIL FROM:<" + t.Cfg.Sender + ">"
	req.refusal = s.Cmd(mail)
	if req.refusal.Class() == 2 {
		s.QuitAndCount()
		t.NotApplicable("MAIL in plaintext was accepted (%s): the server does not require TLS before mail", req.refusal)
	}
	if req.refusal.Code == 421 {
		t.Policy(req.refusal)
	}
	s.StartTLS()
	r := s.Cmd(mail)
	s.QuitAndCount()
	if r.Class() != 2 {
		t.NotApplicable("MAIL was refused in plaintext (%s) and under TLS too (%s): the refusal is not (only) a TLS requirement", req.refusal, r)
	}
	return req
}

var _ = ginkgo.Describe("STARTTLS required, or unavailable", func() {
	// RFC 3207 §4: a server that requires TLS SHOULD answer 530 to every
	// command but NOOP, EHLO, STARTTLS and QUIT. MAIL is the command
	// judged: it is the one such a server must refuse.
	framework.It(framework.Requirement{ID: "RFC3207-4-tls-required-530", Commands: []string{"MAIL", "STARTTLS"}},
		"refuses MAIL in plaintext with 530 when it requires TLS", func(t *framework.T) {
			req := requiresTLS(t)
			if req.refusal.Code != 530 {
				t.Violation(framework.Finding{Sent: "MAIL FROM in plaintext, then STARTTLS, EHLO and the same MAIL FROM under TLS",
					Actual:   req.refusal.String() + " in plaintext; accepted under TLS",
					Expected: "530 to MAIL before TLS (RFC 3207 §4: \"530 Must issue a STARTTLS command first\")",
					Detail:   fmt.Sprintf("the server requires TLS before mail, and says so with %d rather than 530", req.refusal.Code)})
			}
			t.Checked()
		})

	// RFC 3207 §4: with ENHANCEDSTATUSCODES, that 530 SHOULD carry 5.7.0.
	framework.It(framework.Requirement{ID: "RFC3207-4-tls-required-enhanced-code", Commands: []string{"MAIL", "STARTTLS"}},
		"gives the 530 of a TLS requirement the enhanced code 5.7.0", func(t *framework.T) {
			req := requiresTLS(t)
			switch {
			case req.refusal.Code != 530:
				t.NotApplicable("the server requires TLS but refuses MAIL in plaintext with %s, not 530 (RFC3207-4-tls-required-530 judges that)", req.refusal)
			case !req.enhanced:
				t.NotApplicable("the plaintext EHLO reply does not list ENHANCEDSTATUSCODES")
			}
			text := ""
			if len(req.refusal.Lines) > 0 {
				text = req.refusal.Lines[0]
			}
			if text != "5.7.0" && !strings.HasPrefix(text, "5.7.0 ") {
				t.Violation(framework.Finding{Sent: "MAIL FROM in plaintext (accepted under TLS)", Actual: req.refusal.String(),
					Expected: "530 5.7.0 (RFC 3207 §4: the status code to be returned SHOULD be 5.7.0)",
					Detail:   "the 530 of the TLS requirement carries another enhanced code, or none"})
			}
			t.Checked()
		})

	// RFC 3207 §4: after a 454 the client decides whether to go on, so the
	// session must still work in plaintext. A server that can start TLS
	// (220) never shows the case.
	framework.It(framework.Requirement{ID: "RFC3207-4-temp-unavailable-454", Commands: []string{"STARTTLS", "NOOP"}},
		"goes on in plaintext after answering STARTTLS with 454", func(t *framework.T) {
			s := t.Greeted()
			r := s.Cmd("STARTTLS")
			switch {
			case r.Code == 220:
				if _, err := s.Handshake(); err == nil {
					s.QuitAndCount()
				}
				t.NotApplicable("STARTTLS got 220: TLS is available, so the 454 case does not arise")
			case r.Code != 454:
				t.Policy(r)
				t.NotApplicable("STARTTLS got %s, not 454", r)
			}
			n, err := s.Try("NOOP")
			switch {
			case err == nil && n.Code == 250:
				t.Checked()
				s.QuitAndCount()
				return
			case err == nil && n.Code == 421:
				t.Policy(n) // the service is closing: RFC 5321 §3.8 allows it at any time
			}
			actual := n.String()
			if err != nil {
				actual = "no reply: " + err.Error()
			}
			t.Violation(framework.Finding{Sent: "STARTTLS (454), then NOOP", Actual: actual,
				Expected: "250 to NOOP: after a 454 the session goes on in plaintext (RFC 3207 §4: the client decides whether to continue)",
				Detail:   "the server answered STARTTLS with 454 and then did not take the next command in plaintext"})
		})
})
