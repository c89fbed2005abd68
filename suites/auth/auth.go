// Package auth holds the specs of the AUTH extension (RFC 4954), of the
// SASL mechanisms PLAIN (RFC 4616), LOGIN and CRAM-MD5 (RFC 2195), and of
// the submission profile's authentication rule (RFC 6409 §4.3).
//
// Specs that need valid credentials (--auth-user, with the password from
// SMTPSPEC_PASSWORD or --auth-password-file) are NOT APPLICABLE without
// them; the others use credentials that cannot be valid. Every payload that
// carries the password, or is derived from it, is redacted in transcripts
// (framework.Redacted). The real password is never sent before TLS unless
// the server itself offers the mechanism in that state.
package auth

import (
	"encoding/base64"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

func init() {
	// RFC 4954 §4, §6: the replies to AUTH and to its responses.
	framework.RegisterReplies("AUTH", "334 235 432 454 500 501 503 504 534 535 538", "RFC4954-6-auth-codes")
}

const (
	// bogusUser and bogusPassword are credentials no server should accept.
	bogusUser     = "smtpspec-no-such-user-4e1d"
	bogusPassword = "smtpspec-wrong-password-9b2c"
	// unknownMech is a mechanism name no server offers (RFC 4422 §3.1:
	// 1 to 20 upper-case letters, digits, "-" and "_").
	unknownMech = "X-SMTPSPEC-NOMECH"
)

var (
	// base64Text is RFC 4954 §8's base64 (possibly empty): the only text a
	// 334 challenge may carry.
	base64Text = regexp.MustCompile(`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`)
	// msgID is the shape of an RFC 822 msg-id: <local@domain>.
	msgID = regexp.MustCompile(`^<[^<>@ ]+@[^<>@ ]+>$`)
)

var (
	needCreds = []framework.Need{framework.NeedCredentials}
	authVerb  = []string{"AUTH"}
)

// credsOrBogus returns the configured credentials, or bogus ones.
func credsOrBogus(t *framework.T) (user, password string, real bool) {
	if t.Cfg.AuthUser != "" && t.Cfg.AuthPassword != "" {
		return t.Cfg.AuthUser, t.Cfg.AuthPassword, true
	}
	return bogusUser, bogusPassword, false
}

// wrongPassword returns a user name and a password that is not its own: the
// configured user with a wrong password, or a user that does not exist.
func wrongPassword(t *framework.T) (user, password string) {
	if t.Cfg.AuthUser != "" {
		return t.Cfg.AuthUser, bogusPassword
	}
	return bogusUser, bogusPassword
}

// cancel ends an exchange the server left waiting at a 334.
func cancel(s *framework.Session, r framework.Reply) {
	if r.Code == 334 {
		s.AuthRespond("*", false)
	}
}

// eachListedMechanism starts every mechanism the AUTH line lists, without
// an initial response, each on a session of its own, and hands the first
// reply to judge; then it drops the connection. Nothing more is sent in
// the exchange: a cancel ("*") is what RFC4954-4-cancel-501 judges, and
// some servers never answer it, which would leave this probe waiting. It
// runs on the offer of a plain session (the gate may upgrade it) and, when
// STARTTLS is listed, on the offer under TLS, which may differ (RFC 3207
// §4.2).
func eachListedMechanism(t *framework.T, judge func(s *framework.Session, mech string, r framework.Reply)) {
	check := func(upgrade bool) {
		open := func() *framework.Session {
			s := t.Greeted()
			if upgrade {
				framework.BeforeGate(s, "AUTH")
			}
			return s
		}
		list := open()
		mechs := list.Mechanisms()
		list.Conn().Close()
		for _, mech := range mechs {
			s := open()
			r := s.AuthCmd(mech, "", false)
			judge(s, mech, r)
			s.Conn().Close()
		}
		t.Checked()
	}
	s := t.Greeted()
	tls := s.Has("STARTTLS")
	end(s)
	check(false)
	if tls && framework.BeforeGate != nil {
		check(true)
	}
}

// challenge starts mech without an initial response and requires a 334 (a
// precondition of the spec: anything else ends it).
func challenge(t *framework.T, s *framework.Session, mech string) framework.Reply {
	s.RequireMechanism(mech)
	r := s.AuthCmd(mech, "", false)
	if r.Code != 334 {
		t.Policy(r)
		t.Errorf("precondition: AUTH %s without an initial response answered %s, needed a 334 challenge", mech, r)
	}
	return r
}

var _ = ginkgo.Describe("AUTH", func() {
	// RFC 4954 §3(3), RFC 5321 §4.1.1.1: AUTH and a list of mechanisms.
	framework.It(framework.Requirement{ID: "RFC4954-3-keyword-syntax", Commands: []string{"EHLO"}},
		"lists AUTH as a keyword followed by mechanisms, not only as the legacy AUTH=", func(t *framework.T) {
			s := t.Greeted()
			var legacy string
			for _, l := range s.Ehlo.Lines[1:] {
				if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(strings.ToUpper(f[0]), "AUTH=") {
					legacy = l
				}
			}
			standard := s.Has("AUTH")
			switch {
			case !standard && legacy == "":
				t.NotApplicable("AUTH is not advertised in the EHLO reply")
			case !standard:
				t.Failf(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
					Expected: "an ehlo-line \"AUTH mech ...\" (RFC 4954 §3; RFC 5321 §4.1.1.1: an ehlo-keyword has no \"=\")",
					Detail:   fmt.Sprintf("only the legacy line %q lists the mechanisms (REQUIREMENTS.md §17 item 11)", legacy)})
			case legacy != "":
				t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
					Detail: fmt.Sprintf("the legacy line %q is listed beside the standard AUTH line (tolerated for old clients, §17 item 11)", legacy)})
			default:
				t.Checked()
			}
		})

	// RFC 4954 §4: an unsupported mechanism gets 504.
	framework.It(framework.Requirement{ID: "RFC4954-4-unknown-mechanism-504", Commands: authVerb},
		"answers AUTH with a mechanism it does not offer with 504", func(t *framework.T) {
			s := t.Greeted()
			r := s.AuthCmd(unknownMech, "", false)
			t.Expect(s, r, framework.Expectation{Pass: "504", Why: "RFC 4954 §4: an unsupported mechanism is rejected with 504"})
			cancel(s, r)
		})

	// RFC 4954 §4, §8: a 334 carries base64 only.
	framework.It(framework.Requirement{ID: "RFC4954-4-334-base64-only", Commands: authVerb},
		"sends 334 challenges (LOGIN, CRAM-MD5, PLAIN) whose text is base64 only", func(t *framework.T) {
			s := t.Greeted()
			tested := 0
			for _, mech := range []string{"LOGIN", "CRAM-MD5", "PLAIN"} {
				if !s.Offers(mech) {
					continue
				}
				r := s.AuthCmd(mech, "", false)
				if r.Code != 334 {
					continue // refused: nothing to judge here
				}
				tested++
				if len(r.Lines) != 1 || !base64Text.MatchString(r.Lines[0]) {
					t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
						Expected: "\"334\" SP [base64] CRLF (RFC 4954 §4, §8: no text other than the base64 challenge)",
						Detail:   fmt.Sprintf("the %s challenge carries text that is not base64", mech)})
				}
				t.Checked()
				cancel(s, r)
			}
			if tested == 0 {
				t.NotApplicable("no challenge to look at: none of LOGIN, CRAM-MD5, PLAIN is offered with a 334 (AUTH %s)", strings.Join(s.Mechanisms(), " "))
			}
		})

	// RFC 4954 §4: the empty challenge is "334 ".
	framework.It(framework.Requirement{ID: "RFC4954-4-empty-challenge-format", Commands: authVerb},
		"sends the empty challenge of PLAIN as \"334 \", with the space", func(t *framework.T) {
			s := t.Greeted()
			r := challenge(t, s, "PLAIN")
			if string(r.Raw) != "334 \r\n" {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: `"334 \r\n" (RFC 4954 §4)`,
					Detail: "the empty challenge is not the line \"334 \""})
			} else {
				t.Checked()
			}
			cancel(s, r)
		})

	// RFC 4954 §4: "*" cancels, 501.
	framework.It(framework.Requirement{ID: "RFC4954-4-cancel-501", Commands: authVerb},
		"answers a \"*\" response with 501", func(t *framework.T) {
			s := t.Greeted()
			for _, mech := range []string{"LOGIN", "PLAIN", "CRAM-MD5"} {
				if !s.Offers(mech) {
					continue
				}
				if r := s.AuthCmd(mech, "", false); r.Code != 334 {
					t.Policy(r)
					continue
				}
				r := s.AuthRespond("*", false)
				t.Expect(s, r, framework.Expectation{Pass: "501", Why: "RFC 4954 §4: a \"*\" response MUST be rejected with 501"})
				return
			}
			t.NotApplicable("no exchange to cancel: none of LOGIN, PLAIN, CRAM-MD5 answered AUTH with a 334 (AUTH %s)", strings.Join(s.Mechanisms(), " "))
		})

	// RFC 4954 §4: undecodable responses get 501.
	framework.It(framework.Requirement{ID: "RFC4954-4-undecodable-501", Commands: authVerb},
		"answers responses that are not base64 (!!!!, =AAA, AAA=BBB) with 501", func(t *framework.T) {
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			want := framework.Expectation{Pass: "501", Why: "RFC 4954 §4: a response that cannot be base64-decoded MUST be rejected with 501"}
			r := s.AuthCmd("PLAIN", "!!!!", false)
			t.Expect(s, r, want)
			cancel(s, r)
			for _, bad := range []string{"=AAA", "AAA=BBB"} {
				challenge(t, s, "PLAIN")
				r = s.AuthRespond(bad, false)
				t.Expect(s, r, want)
			}
		})

	// RFC 4954 §4: no character outside the alphabet is skipped.
	framework.It(framework.Requirement{ID: "RFC4954-4-strict-base64", Commands: authVerb, Needs: needCreds},
		"refuses valid credentials whose base64 holds a space, a TAB or a \"*\"", func(t *framework.T) {
			user, pass := t.Credentials()
			s := t.Greeted()
			msg := framework.PlainMessage("", user, pass)
			for _, c := range []string{" ", "\t", "*"} {
				challenge(t, s, "PLAIN")
				r := s.AuthRespond(msg[:4]+c+msg[4:], true)
				if r.Class() == 2 || r.Code == 334 {
					t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "501 (RFC 4954 §4: characters outside the base64 alphabet MUST be rejected, not ignored)",
						Detail: fmt.Sprintf("valid credentials with %q inserted in the base64 were not rejected: the character was skipped", c)})
				}
				// Rejected: the code is RFC4954-4-undecodable-501's business.
				t.Expect(s, r, framework.Expectation{Pass: "5yz", Warn: "454", Why: "RFC 4954 §4: characters outside the alphabet MUST be rejected, not ignored"})
			}
		})

	// RFC 4954 §4: an initial response with CRAM-MD5 gets 501.
	framework.It(framework.Requirement{ID: "RFC4954-4-ir-server-first-501", Commands: authVerb},
		"answers AUTH CRAM-MD5 with an initial response with 501", func(t *framework.T) {
			s := t.Greeted()
			s.RequireMechanism("CRAM-MD5")
			r := s.AuthCmd("CRAM-MD5", framework.B64("test"), false)
			t.Expect(s, r, framework.Expectation{Pass: "501", Why: "RFC 4954 §4: an initial response with a mechanism where the server speaks first MUST be rejected with 501"})
		})

	// RFC 4954 §4, §8: "=" is an empty initial response.
	framework.It(framework.Requirement{ID: "RFC4954-4-ir-equals-is-empty", Commands: authVerb},
		"answers AUTH PLAIN = (an empty message) with a failure, not a 334 re-prompt", func(t *framework.T) {
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			r := s.AuthCmd("PLAIN", "=", false)
			t.Expect(s, r, framework.Expectation{Pass: "535 501", Why: "RFC 4954 §4: \"=\" is a present but empty response, and an empty PLAIN message is invalid (RFC 4616 §2)"})
		})

	// RFC 4954 §4: PLAIN without an initial response: 334, then the
	// response is taken.
	framework.It(framework.Requirement{ID: "RFC4954-4-no-ir-then-334", Commands: authVerb},
		"answers AUTH PLAIN without an initial response with 334, then takes the response", func(t *framework.T) {
			user, pass, real := credsOrBogus(t)
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			r := s.AuthCmd("PLAIN", "", false)
			t.Expect(s, r, framework.Expectation{Pass: "334", Why: "RFC 4954 §4: the server MUST send an empty challenge (SASL §5.1) and wait"})
			r = s.AuthRespond(framework.PlainMessage("", user, pass), real)
			t.Expect(s, r, framework.Expectation{Pass: "235 535", Warn: "5yz", Why: "RFC 4954 §4: the response ends the PLAIN exchange"})
		})

	// RFC 4954 §4: 235 on success, with each mechanism the suite speaks.
	framework.It(framework.Requirement{ID: "RFC4954-4-success-235", Commands: authVerb, Needs: needCreds},
		"answers a completed PLAIN, LOGIN and CRAM-MD5 exchange with valid credentials with 235", func(t *framework.T) {
			t.Credentials()
			tried := 0
			for _, mech := range []string{"PLAIN", "LOGIN", "CRAM-MD5"} {
				s := t.Greeted()
				if !s.Offers(mech) {
					continue
				}
				tried++
				r := s.Authenticate(mech)
				t.Expect(s, r, framework.Expectation{Pass: "235", Why: "RFC 4954 §4, §6: a completed exchange gets 235 (" + mech + ")"})
				end(s)
			}
			if tried == 0 {
				t.NotApplicable("none of PLAIN, LOGIN, CRAM-MD5 is offered")
			}
		})

	// RFC 4954 §4: 535 for bad credentials.
	framework.It(framework.Requirement{ID: "RFC4954-4-failure-535", Commands: authVerb},
		"answers AUTH PLAIN with a wrong password with 535", func(t *framework.T) {
			user, pass := wrongPassword(t)
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			r := s.AuthCmd("PLAIN", framework.PlainMessage("", user, pass), false)
			t.Expect(s, r, framework.Expectation{Pass: "535", Warn: "5yz 454", Why: "RFC 4954 §4: failed authentication SHOULD get 535; REQUIREMENTS.md §17 item 14: 454, 534 and other 5yz are seen"})
		})

	// RFC 4954 §4: no second AUTH.
	framework.It(framework.Requirement{ID: "RFC4954-4-reauth-503", Commands: authVerb, Needs: needCreds},
		"answers AUTH after a successful AUTH with 503", func(t *framework.T) {
			user, pass := t.Credentials()
			s := t.Greeted()
			s.Login()
			var r framework.Reply
			if s.Offers("PLAIN") {
				r = s.AuthCmd("PLAIN", framework.PlainMessage("", user, pass), true)
			} else {
				r = s.AuthCmd(s.Mechanisms()[0], "", false)
			}
			t.Expect(s, r, framework.Expectation{Pass: "503", Why: "RFC 4954 §4: after a successful AUTH, any further AUTH MUST be rejected with 503"})
		})

	// RFC 4954 §4: no AUTH inside a transaction.
	framework.It(framework.Requirement{ID: "RFC4954-4-auth-in-transaction-503", Commands: []string{"MAIL", "AUTH"}},
		"answers AUTH after an accepted MAIL with 503", func(t *framework.T) {
			user, pass, real := credsOrBogus(t)
			s := t.Greeted()
			plain := s.Offers("PLAIN") // before the transaction: it may upgrade to TLS
			s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
			var r framework.Reply
			if plain {
				r = s.AuthCmd("PLAIN", framework.PlainMessage("", user, pass), real)
			} else {
				r = s.AuthCmd(s.Mechanisms()[0], "", false)
			}
			t.Expect(s, r, framework.Expectation{Pass: "503", Why: "RFC 4954 §4: AUTH during a mail transaction MUST be rejected with 503"})
		})

	// RFC 4954 §4: a response of about 1 KB is read.
	framework.It(framework.Requirement{ID: "RFC4954-4-long-response-ok", Commands: authVerb},
		"reads a 1024-octet PLAIN response (three 255-octet fields) and answers it, not with 500", func(t *framework.T) {
			s := t.Greeted()
			challenge(t, s, "PLAIN")
			resp := framework.PlainMessage(strings.Repeat("z", 255), strings.Repeat("a", 255), strings.Repeat("b", 255))
			r := s.AuthRespond(resp, false)
			if r.Code == 500 {
				t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "535 (RFC 4954 §4: responses of the mechanism's size MUST be handled; 12288 octets is considered enough)",
					Detail: fmt.Sprintf("a %d-octet response was refused as too long", len(resp)+2)})
			}
			t.Expect(s, r, framework.Expectation{Pass: "535 235", Warn: "5yz", Why: "RFC 4954 §4: the response is read and judged on its credentials"})
		})

	// RFC 4954 §4: past the buffer, 500.
	framework.It(framework.Requirement{ID: "RFC4954-4-too-long-500", Commands: authVerb},
		"answers a 200000-octet response with 500", func(t *framework.T) {
			s := t.Greeted()
			challenge(t, s, "PLAIN")
			want := framework.Expectation{Pass: "500", Why: "RFC 4954 §4: a line longer than the authentication buffer fails AUTH with 500 (5.5.6)"}
			if err := s.TrySendAuthResponse(strings.Repeat("QUFB", 50000)); err != nil {
				// The server may answer and close before the whole line is
				// written: its reply is what is judged.
				r, rerr := s.TryRead()
				if rerr != nil {
					t.Errorf("the server closed the connection during the 200000-octet response without a reply (write: %v; read: %v)", err, rerr)
				}
				t.Expect(s, r, want)
				return
			}
			t.Expect(s, s.Read(), want)
		})

	// RFC 4954 §4: an authzid that fails preparation fails.
	framework.It(framework.Requirement{ID: "RFC4954-4-authzid-prep-failure", Commands: authVerb, Needs: needCreds},
		"refuses PLAIN with valid credentials and an authzid holding a control character (BEL)", func(t *framework.T) {
			user, pass := t.Credentials()
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			r := s.AuthCmd("PLAIN", framework.PlainMessage(user+"\a", user, pass), true)
			t.Expect(s, r, framework.Expectation{Pass: "5yz", Warn: "454", Why: "RFC 4954 §4: an authorization identity that fails preparation (SASLprep prohibits control characters) MUST fail the authentication"})
		})

	// RFC 4954 §4 Note, RFC 4616 §5: no plaintext mechanism before TLS.
	framework.It(framework.Requirement{ID: "RFC4954-4-no-plaintext-without-tls", Commands: authVerb},
		"neither offers nor takes PLAIN or LOGIN before TLS when it offers STARTTLS", func(t *framework.T) {
			if t.Cfg.TLSMode == framework.TLSImplicit || t.Cfg.TLSMode == framework.TLSStartTLS {
				t.NotApplicable("the sessions are under TLS (--tls %s)", t.Cfg.TLSMode)
			}
			// The plaintext offer is what is judged: no feature gate here
			// (it would upgrade first when AUTH is offered only under TLS).
			s := t.Dial()
			s.Hello()
			if !s.Has("STARTTLS") {
				t.NotApplicable("STARTTLS is not advertised: whether another protection against password snooping is in place cannot be seen on the wire")
			}
			if !s.Has("AUTH") {
				// No mechanism before TLS at all: the requirement holds if
				// AUTH is offered under TLS (else AUTH is not offered).
				s.StartTLS()
				s.Require("AUTH")
				t.Checked()
				return
			}
			note := ""
			if host, _, err := net.SplitHostPort(t.Cfg.Target); err == nil {
				if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
					note = " (the target is a loopback address: some servers, Dovecot among them, count loopback as protected " +
						"and offer plaintext mechanisms there only; test the address clients use to see the policy there)"
				}
			}
			for _, mech := range []string{"PLAIN", "LOGIN"} {
				if s.HasMechanism(mech) {
					t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(), Expected: "no plaintext mechanism listed before STARTTLS (RFC 4954 §4 Note; RFC 4616 §5)",
						Detail: mech + " is offered on a connection without TLS" + note})
				}
			}
			// Never the real password: the mechanism is used when the
			// server judges the (wrong) credentials instead of refusing it.
			r := s.AuthCmd("PLAIN", framework.PlainMessage("", bogusUser, bogusPassword), false)
			if r.Code == 235 || r.Code == 334 || r.Code == 535 {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "504, 530 or 538 before TLS (RFC 4954 §4 Note)",
					Detail: "PLAIN is used before TLS: the server judged the credentials instead of refusing the mechanism" + note})
			}
			t.Checked()
		})

	// RFC 4954 §4: the PIPELINING exception for PLAIN with an initial
	// response.
	framework.It(framework.Requirement{ID: "RFC4954-4-pipelined-plain-ir", Commands: []string{"AUTH", "MAIL"}, Needs: needCreds},
		"answers MAIL pipelined after AUTH PLAIN with an initial response: 235, then 250", func(t *framework.T) {
			user, pass := t.Credentials()
			s := t.Greeted()
			s.Require("PIPELINING")
			s.RequireMechanism("PLAIN")
			s.SendAuthPipelined("PLAIN", framework.PlainMessage("", user, pass), "MAIL FROM:<"+t.Cfg.Sender+">")
			if r := s.Read(); r.Code != 235 {
				t.Policy(r)
				t.Errorf("precondition: AUTH PLAIN with --auth-user %s answered %s, needed 235", user, r)
			}
			// PIPELINING is offered: RSET (the marker; it closes the
			// transaction before QUIT) and QUIT may follow before MAIL's reply.
			s.Send("RSET")
			a := s.QuitAndCount()
			if len(a.Replies) != 2 {
				t.Failf(framework.Finding{Sent: s.LastSent(), Actual: a.String(), Expected: "a reply to the pipelined MAIL, one to RSET, then 221 to QUIT (RFC 4954 §4; RFC 2920 §3.2)",
					Detail: fmt.Sprintf("the MAIL pipelined after AUTH PLAIN and the RSET after it got %d replies (%s)", len(a.Replies), a.Codes())})
			}
			t.Expect(s, a.Replies[0], framework.Expectation{Pass: "250", Why: "RFC 4954 §4: MAIL may follow AUTH PLAIN with an initial response in one pipelined group"})
		})

	// RFC 4954 §5: MAIL takes AUTH=.
	framework.It(framework.Requirement{ID: "RFC4954-5-auth-param-accepted", Commands: []string{"MAIL"}},
		"accepts MAIL FROM with AUTH=<> and AUTH=<sender as xtext> before authentication", func(t *framework.T) {
			s := t.Greeted()
			if t.Cfg.Profile == framework.ProfileSubmission && t.Cfg.AuthUser != "" {
				s.Login() // a submission server refuses MAIL before AUTH (RFC 6409 §4.3)
			}
			for _, v := range []string{"<>", framework.Xtext(t.Cfg.Sender)} {
				r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> AUTH=" + v)
				t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 4954 §5: a server offering AUTH MUST support the AUTH parameter, even unauthenticated"})
				s.Setup("RSET", "250")
			}
		})

	// RFC 4954 §5, §8: AUTH= holds xtext.
	framework.It(framework.Requirement{ID: "RFC4954-5-auth-param-syntax", Commands: []string{"MAIL"}},
		"refuses MAIL FROM with AUTH=+ZZ (not xtext) with 501", func(t *framework.T) {
			s := t.Greeted()
			r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> AUTH=+ZZ")
			t.Expect(s, r, framework.Expectation{Pass: "501", Why: "RFC 4954 §5, §8: auth-param = \"AUTH=\" xtext; \"+ZZ\" is not a hexchar"})
		})

	// RFC 4954 §6: 530 where policy requires authentication.
	framework.It(framework.Requirement{ID: "RFC4954-6-auth-required-530", Commands: []string{"MAIL", "NOOP", "RSET"}},
		"under --profile submission, answers MAIL before AUTH with 530 and NOOP and RSET with 250", func(t *framework.T) {
			if t.Cfg.Profile != framework.ProfileSubmission {
				t.NotApplicable("runs under --profile submission only (policy requiring authentication is declared by the user)")
			}
			s := t.Greeted()
			r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">")
			if r.Code != 530 {
				t.Expect(s, r, framework.Expectation{Pass: "530", Warn: "5yz", Why: "RFC 4954 §6: MAIL before AUTH SHOULD get 530 where policy requires authentication"})
			}
			t.Checked()
			for _, cmd := range []string{"NOOP", "RSET"} {
				if r := s.Cmd(cmd); r.Code != 250 {
					t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "250 (RFC 4954 §6: 530 is for commands other than AUTH, EHLO, HELO, NOOP, RSET and QUIT)"})
				}
			}
		})

	// RFC 4954 §6: 538 only for mechanisms not advertised.
	framework.It(framework.Requirement{ID: "RFC4954-6-538-historical", Commands: authVerb},
		"answers no advertised mechanism with 538 (encryption required)", func(t *framework.T) {
			eachListedMechanism(t, func(s *framework.Session, mech string, r framework.Reply) {
				if r.Code == 538 {
					t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "no 538 for a mechanism advertised in this state (RFC 4954 §6)",
						Detail: mech + " is advertised but refused for lack of encryption"})
				}
			})
		})

	// RFC 4954 §9: no drop before 3 failures.
	framework.It(framework.Requirement{ID: "RFC4954-9-min-three-attempts", Commands: []string{"AUTH", "NOOP"}},
		"keeps the connection through three failed AUTH attempts", func(t *framework.T) {
			user, pass := wrongPassword(t)
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			for i := 1; i <= 3; i++ {
				s.SendAuth("PLAIN", framework.PlainMessage("", user, pass), false)
				r, err := s.TryRead()
				if err != nil {
					t.Violation(framework.Finding{Sent: s.LastSent(), Actual: err.Error(), Expected: "a reply (RFC 4954 §9: no drop before 3 failed attempts)",
						Detail: fmt.Sprintf("the connection was dropped at attempt %d, after %d failures", i, i-1)})
					return
				}
				t.Policy(r)
				cancel(s, r)
			}
			t.Checked()
		})

	// RFC 4616 §2: the PLAIN message.
	framework.It(framework.Requirement{ID: "RFC4616-2-message-format", Commands: authVerb, Needs: needCreds},
		"authenticates PLAIN with an empty authzid (NUL user NUL password)", func(t *framework.T) {
			user, pass := t.Credentials()
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			r := s.AuthCmd("PLAIN", framework.PlainMessage("", user, pass), true)
			if r.Code != 235 {
				t.Policy(r)
				// Wrong credentials are not the server's fault: they must
				// work in another form before the refusal is a FAIL.
				end(s)
				if c := control(t); c.Code != 235 {
					t.Errorf("--auth-user %s was refused in PLAIN (%s) and in the control exchange too (%s): check the credentials", user, r, c)
				}
			}
			t.Expect(s, r, framework.Expectation{Pass: "235", Why: "RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd"})
		})

	framework.It(framework.Requirement{ID: "RFC4616-2-authzid-self", Commands: authVerb, Needs: needCreds},
		"authenticates PLAIN whose authzid is the authcid", func(t *framework.T) {
			user, pass := t.Credentials()
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			r := s.AuthCmd("PLAIN", framework.PlainMessage(user, user, pass), true)
			t.Expect(s, r, framework.Expectation{Pass: "235", Why: "RFC 4616 §2: a user may act as itself"})
		})

	framework.It(framework.Requirement{ID: "RFC4616-2-authzid-other-refused", Commands: authVerb, Needs: needCreds},
		"refuses PLAIN whose authzid names another identity", func(t *framework.T) {
			user, pass := t.Credentials()
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			r := s.AuthCmd("PLAIN", framework.PlainMessage("smtpspec-other-identity", user, pass), true)
			t.Expect(s, r, framework.Expectation{Pass: "5yz", Warn: "454", Why: "RFC 4616 §2: the server verifies that the credentials permit acting as the authzid (unless proxy rights are configured)"})
		})

	framework.It(framework.Requirement{ID: "RFC4616-2-255-octet-fields", Commands: authVerb},
		"parses a PLAIN message with a 255-octet authcid and password (535, not 500 or 501)", func(t *framework.T) {
			s := t.Greeted()
			challenge(t, s, "PLAIN")
			r := s.AuthRespond(framework.PlainMessage("", strings.Repeat("a", 255), strings.Repeat("b", 255)), false)
			if r.Code == 500 || r.Code == 501 {
				t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "535 (RFC 4616 §2: fields up to 255 octets MUST be accepted)",
					Detail: "the message was refused for its form, not for its credentials"})
			}
			t.Expect(s, r, framework.Expectation{Pass: "535 235", Warn: "5yz", Why: "RFC 4616 §2: the message parses and is judged on its credentials"})
		})

	// RFC 4616 §2: malformed messages, each with the valid credentials.
	framework.It(framework.Requirement{ID: "RFC4616-2-malformed-message", Commands: authVerb, Needs: needCreds},
		"refuses PLAIN messages with one NUL, no NUL, an empty authcid or three NULs", func(t *framework.T) {
			user, pass := t.Credentials()
			s := t.Greeted()
			s.RequireMechanism("PLAIN")
			for _, v := range []struct{ name, msg string }{
				{"one NUL", user + "\x00" + pass},
				{"no NUL", user + pass},
				{"empty authcid", "\x00\x00" + pass},
				{"three NULs", "\x00" + user + "\x00" + pass + "\x00x"},
			} {
				r := s.AuthCmd("PLAIN", framework.B64(v.msg), true)
				if r.Class() == 2 {
					t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "501 or 535 (RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd)",
						Detail: "a malformed PLAIN message (" + v.name + ") authenticated"})
				}
				t.Expect(s, r, framework.Expectation{Pass: "501 535", Warn: "5yz 334 454", Why: "RFC 4616 §2 (" + v.name + "); REQUIREMENTS.md §17 item 14: 501 and 535 are both seen"})
				cancel(s, r)
			}
		})

	// RFC 2195 §2: the CRAM-MD5 challenge.
	framework.It(framework.Requirement{ID: "RFC2195-2-challenge-msgid", Commands: authVerb},
		"sends a CRAM-MD5 challenge that decodes to a msg-id <...@...>", func(t *framework.T) {
			s := t.Greeted()
			r := challenge(t, s, "CRAM-MD5")
			ch, ok := decode(r)
			if !ok || !msgID.MatchString(ch) {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "base64 of <digits.timestamp@host> (RFC 2195 §2)",
					Detail: fmt.Sprintf("the challenge decodes to %q, not a msg-id", ch)})
			}
			t.Checked()
		})

	framework.It(framework.Requirement{ID: "RFC2195-2-challenge-unique", Commands: authVerb},
		"sends a different CRAM-MD5 challenge on each of three connections", func(t *framework.T) {
			seen := map[string]bool{}
			for i := 0; i < 3; i++ {
				s := t.Greeted()
				r := challenge(t, s, "CRAM-MD5")
				ch, _ := decode(r)
				if seen[ch] {
					t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "a fresh challenge (RFC 2195 §2: random digits and a timestamp)",
						Detail: fmt.Sprintf("the challenge %q came twice", ch)})
				}
				seen[ch] = true
				cancel(s, r)
				end(s)
			}
			t.Checked()
		})

	framework.It(framework.Requirement{ID: "RFC2195-2-digest-verification", Commands: authVerb, Needs: needCreds},
		"authenticates CRAM-MD5 with the right digest (235) and not with a wrong one (535)", func(t *framework.T) {
			user, pass := t.Credentials()
			s := t.Greeted()
			s.RequireMechanism("CRAM-MD5")
			t.Expect(s, s.Authenticate("CRAM-MD5"), framework.Expectation{Pass: "235", Why: "RFC 2195 §2: the right digest authenticates"})
			end(s)
			s = t.Greeted()
			r := challenge(t, s, "CRAM-MD5")
			resp, ok := framework.CramResponse(strings.TrimSpace(r.Text()), user, pass)
			if !ok {
				t.Errorf("the CRAM-MD5 challenge is not base64: %s", r)
			}
			r = s.AuthRespond(framework.B64(wrongDigit(string(mustDecode(resp)))), true)
			t.Expect(s, r, framework.Expectation{Pass: "535", Warn: "5yz", Why: "RFC 2195 §2: a wrong digest does not authenticate"})
		})
})

// RFC 6409 §4.3, a requirement of RFC 5321's submission profile.
var _ = ginkgo.Describe("Submission", func() {
	framework.It(framework.Requirement{ID: "RFC6409-4.3-auth-required", Commands: []string{"MAIL"}},
		"under --profile submission, answers MAIL before AUTH with an error (530)", func(t *framework.T) {
			if t.Cfg.Profile != framework.ProfileSubmission {
				t.NotApplicable("runs under --profile submission only (the target declared an RFC 6409 submission server)")
			}
			s := t.Greeted()
			r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">")
			switch {
			case r.Code == 530:
				t.Checked()
			case r.Class() == 2:
				t.Failf(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "530 (RFC 6409 §4.3: an MSA MUST, by default, refuse MAIL before AUTH)",
					Detail: "MAIL was accepted without authentication; RFC 6409 §4.3 excepts only sessions authorised otherwise (such as a protected subnetwork)"})
			case r.Class() == 5:
				t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "530 (RFC 6409 §4.3)", Detail: "an error, but not the 530 RFC 6409 §4.3 names"})
			default:
				t.Policy(r)
				t.Expect(s, r, framework.Expectation{Pass: "530", Why: "RFC 6409 §4.3"})
			}
		})
})

// control authenticates on a session of its own in another form than PLAIN
// with an empty authzid (LOGIN, CRAM-MD5, else PLAIN with the authzid set
// to the user), to tell a server's refusal of a form from wrong credentials.
func control(t *framework.T) framework.Reply {
	user, pass := t.Credentials()
	s := t.Greeted()
	var r framework.Reply
	switch {
	case s.Offers("LOGIN"):
		r = s.Authenticate("LOGIN")
	case s.Offers("CRAM-MD5"):
		r = s.Authenticate("CRAM-MD5")
	default:
		s.RequireMechanism("PLAIN")
		r = s.AuthCmd("PLAIN", framework.PlainMessage(user, user, pass), true)
	}
	end(s)
	return r
}

// end sends QUIT and reads to its 221, so that the server has ended the
// session before the spec opens the next one (a server may serve a client
// one session at a time).
func end(s *framework.Session) { s.QuitAndCount() }

// decode returns the decoded text of a 334 challenge.
func decode(r framework.Reply) (string, bool) {
	text := strings.TrimSpace(r.Text())
	if !base64Text.MatchString(text) {
		return text, false
	}
	return string(mustDecode(text)), true
}

func mustDecode(s string) []byte {
	b, err := b64std.DecodeString(s)
	if err != nil {
		return nil
	}
	return b
}

// wrongDigit changes the last hex digit of a CRAM-MD5 response.
func wrongDigit(resp string) string {
	if resp == "" {
		return resp
	}
	last := resp[len(resp)-1]
	d := byte('0')
	if last == '0' {
		d = '1'
	}
	return resp[:len(resp)-1] + string(d)
}

var b64std = base64.StdEncoding
