// Package starttls holds the specs of STARTTLS (RFC 3207, catalogue §12.8)
// and of the plaintext command injection behind it (CVE-2011-0411,
// catalogue §13.2). Every spec starts in plaintext, so under --tls none and
// --tls implicit they are NOT APPLICABLE (framework/tls.go).
package starttls

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/internal/wire"
	"github.com/smtpspec/smtpspec/suites/framework"
)

func init() {
	// RFC 3207 §4: 220, 501, 454; 503 (already under TLS, out of
	// sequence) by convention, 502 from a server that does not offer it,
	// 554 under RFC 3207 §4.1 (security judged insufficient).
	framework.RegisterReplies("STARTTLS", "220 454 501 502 503 554", "RFC3207-4-starttls-220")
}

// upgrade sends STARTTLS, which must get 220, and runs the handshake,
// which must succeed (both preconditions: ERROR otherwise), without sending
// EHLO again.
func upgrade(t *framework.T, s *framework.Session) {
	s.Setup("STARTTLS", "220")
	if _, err := s.Handshake(); err != nil {
		t.Errorf("the TLS handshake after the 220 to STARTTLS failed: %v", err)
	}
}

// plaintextControl opens a second, plaintext session and sends line as its
// first command, without EHLO: whether the server accepts it there tells a
// server that forgot its state under TLS but is lenient anyway from one
// that carried the state over (catalogue §17.2).
func plaintextControl(t *framework.T, line string) framework.Reply {
	c := t.Dial()
	r := c.Cmd(line)
	if r.Class() == 2 {
		c.Send("RSET")
		c.Read()
	}
	return r
}

var _ = ginkgo.Describe("STARTTLS", func() {
	// RFC 3207 §2(3), §3: the keyword has no parameters.
	framework.It(framework.Requirement{ID: "RFC3207-4-keyword-no-param", Commands: []string{"EHLO"}},
		"lists STARTTLS in EHLO without parameters", func(t *framework.T) {
			s := t.Greeted()
			if p := s.Ehlo.Params("STARTTLS"); len(p) > 0 {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
					Expected: "a STARTTLS line with no parameters (RFC 3207 §2(3), §3)",
					Detail:   fmt.Sprintf("the STARTTLS keyword carries the parameters %q", strings.Join(p, " "))})
			}
			t.Checked()
		})

	// RFC 3207 §4: STARTTLS gets 220, then the handshake.
	framework.It(framework.Requirement{ID: "RFC3207-4-starttls-220", Commands: []string{"STARTTLS"}},
		"answers STARTTLS with 220 and completes the TLS handshake", func(t *framework.T) {
			s := t.Greeted()
			r := s.Cmd("STARTTLS")
			t.Expect(s, r, framework.Expectation{Pass: "220", Why: "RFC 3207 §4: 220 Ready to start TLS (454 when TLS is temporarily unavailable)"})
			if r.Code != 220 {
				return // a WARN (the requirement is descriptive): no handshake follows
			}
			if _, err := s.Handshake(); err != nil {
				t.Violation(framework.Finding{Sent: "STARTTLS, then a TLS ClientHello", Actual: err.Error(),
					Expected: "a TLS handshake right after the 220 (RFC 3207 §4)",
					Detail:   "the server answered 220 to STARTTLS, but the TLS handshake failed"})
			}
		})

	// RFC 3207 §4: STARTTLS takes no parameters; 501 for one.
	framework.It(framework.Requirement{ID: "RFC3207-4-no-arguments-501", Commands: []string{"STARTTLS"}},
		"answers STARTTLS with an argument with 501", func(t *framework.T) {
			s := t.Greeted()
			r := s.Cmd("STARTTLS now")
			t.Expect(s, r, framework.Expectation{Pass: "501", Warn: "5yz",
				Why: "RFC 3207 §4: STARTTLS has no parameters: 501 Syntax error (no parameters allowed)"})
		})

	// RFC 3207 §4.2: after the handshake the EHLO given in plaintext is
	// forgotten, so MAIL needs a new EHLO.
	framework.It(framework.Requirement{ID: "RFC3207-4.2-reset-discards-ehlo", Commands: []string{"STARTTLS", "MAIL"}},
		"refuses MAIL right after the TLS handshake, before a new EHLO", func(t *framework.T) {
			s := t.Greeted()
			upgrade(t, s)
			mail := "MAIL FROM:<" + t.Cfg.Sender + ">"
			r := s.Cmd(mail)
			if r.Class() != 2 {
				t.Expect(s, r, framework.Expectation{Pass: "5yz", Why: "RFC 3207 §4.2: the session is back in its initial state, with no EHLO; RFC 5321 §4.1.4: 503"})
				return
			}
			f := framework.Finding{Sent: "EHLO, STARTTLS, the TLS handshake, then " + s.LastSent(), Actual: r.String(),
				Expected: "503 (RFC 3207 §4.2: the server MUST discard the EHLO argument obtained before TLS; RFC 5321 §4.1.4: MAIL needs EHLO)"}
			if c := plaintextControl(t, mail); c.Class() == 2 {
				f.Detail = "MAIL was accepted without a new EHLO, but the server also accepts MAIL before EHLO in plaintext (" + c.String() +
					"): lenient, not proof that the EHLO state survived the handshake (catalogue §17.2)"
				t.Warnf(f)
				return
			}
			f.Detail = "the server refuses MAIL before EHLO in plaintext, yet accepted it after the handshake: it kept the EHLO given before TLS"
			t.Violation(f)
		})

	// RFC 3207 §4.2, §6: a transaction opened before STARTTLS is gone.
	framework.It(framework.Requirement{ID: "RFC3207-4.2-reset-discards-transaction", Commands: []string{"MAIL", "RCPT", "STARTTLS"},
		Needs: []framework.Need{framework.NeedMailbox}},
		"forgets a mail transaction opened before STARTTLS", func(t *framework.T) {
			s := t.Transaction()
			r := s.Cmd("STARTTLS")
			if r.Code != 220 {
				t.Policy(r)
				if r.Class() == 2 {
					t.Errorf("STARTTLS got %s, not 220, so no handshake can follow (RFC3207-4-starttls-220 judges that)", r)
				}
				t.NotApplicable("the server refuses STARTTLS inside a mail transaction (%s): RFC 3207 does not say whether it may, and no transaction survives a handshake that does not happen", r)
			}
			if _, err := s.Handshake(); err != nil {
				t.Errorf("the TLS handshake after the 220 to STARTTLS failed: %v", err)
			}
			rcpt := "RCPT TO:<" + t.Mailbox() + ">"
			r = s.Cmd(rcpt)
			if r.Class() != 2 {
				t.Expect(s, r, framework.Expectation{Pass: "5yz", Why: "RFC 3207 §4.2: the session is back in its initial state, with no MAIL; RFC 5321 §3.3: 503"})
				return
			}
			if c := plaintextControl(t, rcpt); c.Class() == 2 {
				t.Errorf("RCPT after the handshake got %s, but the server accepts RCPT with no MAIL in plaintext too (%s): inconclusive (RFC5321-4.1.4-rcpt-before-ehlo judges that)", r, c)
			}
			t.Violation(framework.Finding{Sent: "EHLO, MAIL, RCPT, STARTTLS, the TLS handshake, then " + s.LastSent(), Actual: r.String(),
				Expected: "503 (RFC 3207 §4.2, §6: no knowledge from before the handshake survives it, so no MAIL is in effect)",
				Detail:   "the recipient was accepted with no MAIL given under TLS: the transaction opened in plaintext survived the handshake"})
		})

	// RFC 3207 §4.2: STARTTLS is not offered again under TLS.
	framework.It(framework.Requirement{ID: "RFC3207-4.2-no-starttls-after-tls", Commands: []string{"STARTTLS", "EHLO"}},
		"does not list STARTTLS in the EHLO reply after the TLS handshake", func(t *framework.T) {
			s := t.Greeted()
			s.StartTLS()
			if s.Has("STARTTLS") {
				t.Violation(framework.Finding{Sent: "EHLO, STARTTLS, the TLS handshake, then " + s.LastSent(), Actual: s.Ehlo.String(),
					Expected: "an EHLO reply without STARTTLS (RFC 3207 §4.2: a server MUST NOT return the STARTTLS extension after a TLS handshake)",
					Detail:   "the EHLO reply under TLS lists STARTTLS"})
			}
			t.Checked()
		})

	// RFC 3207 §4.2: a second STARTTLS is refused.
	framework.It(framework.Requirement{ID: "RFC3207-4.2-second-starttls", Commands: []string{"STARTTLS"}},
		"refuses STARTTLS inside TLS", func(t *framework.T) {
			s := t.Greeted()
			s.StartTLS()
			r := s.Cmd("STARTTLS")
			t.Expect(s, r, framework.Expectation{Pass: "5yz",
				Why: "RFC 3207 §4.2: TLS is already active (503, 502 or 554 are usual; catalogue §17.12), a second handshake is not offered"})
		})

	// RFC 3207 §4.2: EHLO right after the handshake gets 250.
	framework.It(framework.Requirement{ID: "RFC3207-4.2-ehlo-after-tls", Commands: []string{"STARTTLS", "EHLO"}},
		"answers EHLO, the first command after the TLS handshake, with 250", func(t *framework.T) {
			s := t.Greeted()
			upgrade(t, s)
			r := s.Cmd("EHLO " + t.Cfg.Helo)
			t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 3207 §4.2: the session is in its initial state and the client sends EHLO first; RFC 5321 §4.1.1.1: 250"})
		})

	// RFC 3207 §4: nothing in plaintext after the 220.
	framework.It(framework.Requirement{ID: "SEC-STARTTLS-NO-EXTRA-RESPONSE", Commands: []string{"STARTTLS"}},
		"sends nothing in plaintext after its 220 to STARTTLS", func(t *framework.T) {
			s := t.Greeted()
			s.Setup("STARTTLS", "220")
			_, err := s.Handshake() // extra plaintext is judged there, under this requirement
			var rh tls.RecordHeaderError
			switch {
			case errors.As(err, &rh):
				t.Violation(framework.Finding{Sent: "STARTTLS, then a TLS ClientHello", Actual: wire.Escape(rh.RecordHeader[:]) + "...",
					Expected: "the TLS handshake right after the 220 (RFC 3207 §4)",
					Detail:   "the server sent something that is not TLS after its 220: " + rh.Msg})
			case err != nil:
				t.Errorf("the TLS handshake after the 220 to STARTTLS failed: %v", err)
			}
			t.Checked()
		})

	// CVE-2011-0411: commands sent in plaintext in the same write as
	// STARTTLS are never answered inside TLS. The data of each variant is
	// the injected commands and the probe sent under TLS.
	for _, v := range injections {
		framework.It(framework.Requirement{ID: v.id, Commands: []string{"STARTTLS", v.probeVerb}, Needs: v.needs}, v.text, func(t *framework.T) {
			injection(t, v)
		})
	}
})

// injectionCase is one variant of the CVE-2011-0411 check.
type injectionCase struct {
	id, text string
	// inject returns the commands sent in plaintext behind STARTTLS.
	inject func(cfg framework.Config) string
	// probe is the command sent first under TLS; its reply must be the
	// only one.
	probe     func(cfg framework.Config) string
	probeVerb string
	// accepted: the probe must not be accepted (a MAIL is in effect).
	refuseProbe bool
	needs       []framework.Need
}

var injections = []injectionCase{
	{
		id: "SEC-STARTTLS-INJECTION", text: "never answers inside TLS a NOOP sent in plaintext behind STARTTLS",
		inject:    func(framework.Config) string { return "NOOP\r\n" },
		probe:     func(cfg framework.Config) string { return "EHLO " + cfg.Helo },
		probeVerb: "EHLO",
	},
	{
		id: "SEC-STARTTLS-INJECTION-TXN", text: "opens no transaction inside TLS from an EHLO and MAIL sent in plaintext behind STARTTLS",
		inject: func(cfg framework.Config) string {
			return "EHLO " + cfg.Helo + "\r\nMAIL FROM:<" + cfg.Sender + ">\r\n"
		},
		probe:       func(cfg framework.Config) string { return "RCPT TO:<" + cfg.Mailbox + ">" },
		probeVerb:   "RCPT",
		refuseProbe: true,
		needs:       []framework.Need{framework.NeedMailbox},
	},
}

// injection sends STARTTLS and the injected commands in one write, runs the
// handshake after a 220, sends the probe under TLS and counts the replies
// up to QUIT's 221. Refusing the STARTTLS or closing the connection passes
// (catalogue §17.25); a reply under TLS to a command sent in plaintext
// fails.
func injection(t *framework.T, v injectionCase) {
	if v.refuseProbe {
		t.Mailbox()
	}
	s := t.Greeted()
	injected := v.inject(t.Cfg)
	s.SendRaw([]byte("STARTTLS\r\n"+injected), "STARTTLS")
	r, err := s.TryRead()
	switch {
	case err != nil:
		t.Checked() // closed: nothing runs inside TLS
		return
	case r.Class() == 4:
		t.Policy(r) // 454: TLS temporarily unavailable, inconclusive
	case r.Code != 220:
		t.Checked() // STARTTLS refused: the session stays in plaintext
		return
	}
	if _, err := s.Handshake(); err != nil {
		var te *wire.TLSError
		if errors.As(err, &te) {
			t.Errorf("the TLS handshake after the 220 to STARTTLS failed: %v", err)
		}
		t.Checked() // the server closed the connection rather than start TLS
		return
	}
	s.Send(v.probe(t.Cfg))
	probe := s.LastSent()
	a := s.Account()
	sent := fmt.Sprintf("%q in one write; after the TLS handshake %s", "STARTTLS\r\n"+injected, probe)
	switch {
	case len(a.Replies) > 1:
		t.Violation(framework.Finding{Sent: sent, Actual: a.String(),
			Expected: "one reply, to " + probe + " (RFC 3207 §4.2, §6: what came before the handshake is discarded)",
			Detail:   fmt.Sprintf("the server sent %d replies inside TLS before QUIT's: it executed the plaintext sent behind STARTTLS (CVE-2011-0411)", len(a.Replies))})
	case len(a.Replies) == 1 && v.refuseProbe && a.Replies[0].Class() == 2:
		if c := plaintextControl(t, v.probe(t.Cfg)); c.Class() == 2 {
			t.Errorf("%s under TLS got %s, but the server accepts it with no MAIL in plaintext too (%s): inconclusive (RFC5321-4.1.4-rcpt-before-ehlo judges that)", probe, a.Replies[0], c)
		}
		t.Violation(framework.Finding{Sent: sent, Actual: a.String(),
			Expected: "503 to " + probe + ": no MAIL was given under TLS (RFC 3207 §4.2, §6)",
			Detail:   "the recipient was accepted: the MAIL sent in plaintext behind STARTTLS is in effect inside TLS (CVE-2011-0411)"})
	}
	t.Checked()
}
