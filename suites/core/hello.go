package core

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// Stimuli of the EHLO and HELO specs.
const (
	// literalV4 and literalV6 are address literals from the documentation
	// ranges (RFC 5737, RFC 3849).
	literalV4 = "[192.0.2.1]"
	literalV6 = "[IPv6:2001:db8::1]"
)

var (
	// ehloKeywordLine is ehlo-line of RFC 5321 §4.1.1.1: ehlo-keyword
	// *(SP ehlo-param), the keyword a letter or digit then letters, digits
	// and hyphens, a parameter printable US-ASCII without SP.
	ehloKeywordLine = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*( [\x21-\x7e]+)*$`)
	// ehloKeywordLoose is the same with any run of SP or HT between the
	// parts and after them: a harmless deviation.
	ehloKeywordLoose = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*([ \t]+[\x21-\x7e]+)*[ \t]*$`)
)

// extensionKeywords are EHLO keywords of the IANA SMTP Service Extensions
// registry (RFC 5321 §2.2.2) and common X- ones: a HELO reply listing them
// is an EHLO reply.
var extensionKeywords = map[string]bool{"SEND": true, "SOML": true, "SAML": true, "EXPN": true, "HELP": true, "TURN": true,
	"8BITMIME": true, "SIZE": true, "CHUNKING": true, "BINARYMIME": true, "CHECKPOINT": true, "DELIVERBY": true,
	"PIPELINING": true, "DSN": true, "ETRN": true, "ENHANCEDSTATUSCODES": true, "STARTTLS": true, "NO-SOLICITING": true,
	"MT-PRIORITY": true, "AUTH": true, "BURL": true, "FUTURERELEASE": true, "SMTPUTF8": true, "RRVS": true,
	"REQUIRETLS": true, "LIMITS": true, "ATRN": true, "PRDR": true, "VRFY": true, "XCLIENT": true, "XFORWARD": true}

// helloRefusal judges the reply to an EHLO or HELO whose argument is
// missing or malformed: RFC 5321 §4.1.4 allows 501, 500, 502 or 550 for a
// refused EHLO; pass is the preferred code, and 250 (leniency, catalogue
// §17.10) is tolerated.
func helloRefusal(t *framework.T, s *framework.Session, r framework.Reply, why string) {
	t.Expect(s, r, framework.Expectation{Pass: "501", Warn: "250 500 502 504 550", Why: why})
}

var _ = ginkgo.Describe("EHLO and HELO", func() {
	// RFC 5321 §2.2.1, §4.5.1: every server implements EHLO.
	framework.It(framework.Requirement{
		ID: "RFC5321-2.2.1-ehlo-supported", Commands: []string{"EHLO"},
	}, "answers EHLO with 250", func(t *framework.T) {
		s := t.Dial()
		r := s.Cmd("EHLO " + t.Cfg.Helo)
		helloSupported(t, s, r, "RFC 5321 §2.2.1, §4.5.1: EHLO must be implemented")
	})

	// RFC 5321 §2.2.1, §4.1.1.1, App. F.3: HELO is still accepted.
	framework.It(framework.Requirement{
		ID: "RFC5321-2.2.1-helo-supported", Commands: []string{"HELO"},
	}, "answers HELO with 250", func(t *framework.T) {
		s := t.Dial()
		r := s.Cmd("HELO " + t.Cfg.Helo)
		helloSupported(t, s, r, "RFC 5321 §2.2.1, §4.1.1.1: HELO must be accepted")
	})

	// RFC 5321 §3.2: the reply to HELO is not the list of extensions.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.2-helo-not-extended", Commands: []string{"HELO"},
	}, "answers HELO without extension keywords", func(t *framework.T) {
		s := t.Dial()
		r := s.Setup("HELO "+t.Cfg.Helo, "250")
		for _, l := range r.Lines[1:] {
			if f := strings.Fields(l); len(f) > 0 && extensionKeywords[strings.ToUpper(f[0])] {
				t.Violation(framework.Finding{Sent: s.LastSent(), Expected: "a HELO reply without service extensions (RFC 5321 §3.2)",
					Actual: r.String(), Detail: fmt.Sprintf("the HELO reply lists the extension keyword %s", f[0])})
			}
		}
		t.Checked()
	})

	// RFC 5321 §4.1.1.1 (ehlo-ok-rsp): the EHLO reply starts with the
	// server's domain or address literal.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.1-ehlo-first-line", Commands: []string{"EHLO"},
	}, "starts the EHLO reply with its domain", func(t *framework.T) {
		s := t.Dial()
		r := s.Setup("EHLO "+t.Cfg.Helo, "250")
		problem, doubt := serverName(r.Lines[0])
		f := framework.Finding{Sent: s.LastSent(), Actual: r.String(),
			Expected: "250 SP-or-hyphen Domain-or-address-literal [SP text] (RFC 5321 §4.1.1.1 ehlo-ok-rsp)"}
		switch {
		case problem != "":
			f.Detail = "the EHLO reply does not start with the server's name: " + problem
			t.Violation(f)
		case doubt != "":
			f.Detail = "the EHLO reply: " + doubt
			t.Warnf(f)
		default:
			t.Checked()
		}
	})

	// RFC 5321 §4.1.1.1: each later EHLO line is a keyword (letters,
	// digits, hyphens) and its parameters, separated by SP.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.1-ehlo-line-syntax", Commands: []string{"EHLO"},
	}, "lists EHLO keywords in the ehlo-line syntax", func(t *framework.T) {
		s := t.Dial()
		r := s.Setup("EHLO "+t.Cfg.Helo, "250")
		kw := r.Keywords()
		for i, l := range r.Lines[1:] {
			f := framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "ehlo-keyword *(SP ehlo-param) on every line after the first (RFC 5321 §4.1.1.1)"}
			switch {
			case ehloKeywordLine.MatchString(l):
				continue
			case strings.HasPrefix(strings.ToUpper(l), "AUTH=") && kw["AUTH"]:
				// Catalogue §17.11: the legacy line for old clients, next
				// to a standard AUTH line.
				f.Detail = fmt.Sprintf("line %d is the legacy %q: \"=\" is not allowed in a keyword", i+2, l)
				t.Warnf(f)
			case ehloKeywordLoose.MatchString(l):
				f.Detail = fmt.Sprintf("line %d, %q, separates its parts with other than one SP", i+2, l)
				t.Warnf(f)
			default:
				f.Detail = fmt.Sprintf("line %d, %q, is not a keyword line", i+2, l)
				t.Violation(f)
			}
		}
		t.Checked()
	})

	// RFC 5321 §4.1.1.1: every supported command outside the required set
	// appears in the EHLO reply. (EXPN, ETRN, TURN, ATRN and SEND, SOML,
	// SAML have specs of their own: RFC5321-3.5.2-expn-listed,
	// RFC1985-etrn-keyword, RFC5321-F.1-turn-unauth, RFC2645-atrn-on-mta-port,
	// RFC5321-F.6-send-soml-saml.)
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.1-ehlo-lists-optional-verbs", Commands: []string{"EHLO", "HELP", "BDAT", "AUTH", "STARTTLS"},
	}, "lists in EHLO every optional command it implements", func(t *framework.T) {
		s := t.Dial()
		kw := s.Setup("EHLO "+t.Cfg.Helo, "250").Keywords()
		probes := []struct{ keyword, line string }{
			{"HELP", "HELP"}, {"CHUNKING", "BDAT 0 LAST"}, {"AUTH", "AUTH PLAIN"}, {"STARTTLS", "STARTTLS"}}
		for _, p := range probes {
			if kw[p.keyword] {
				continue
			}
			r := s.Cmd(p.line)
			sent := s.LastSent()
			if r.Code == 334 {
				s.Cmd("*") // RFC 4954 §4: the client cancels the exchange
			}
			if r.Class() != 2 && r.Class() != 3 {
				continue // not offered here (500, 502, or refused in this state)
			}
			f := framework.Finding{Sent: sent, Actual: r.String(),
				Expected: fmt.Sprintf("%s in the EHLO reply, since the command is implemented (RFC 5321 §4.1.1.1)", p.keyword),
				Detail:   fmt.Sprintf("%s got %d, so it is implemented, but the EHLO reply does not list %s", p.line, r.Code, p.keyword)}
			if p.keyword == "HELP" {
				t.Warnf(f) // catalogue §17.22: an unlisted HELP is common
				continue
			}
			t.Violation(f)
		}
		t.Checked()
	})

	// RFC 5321 §4.2.4: a command whose keyword EHLO lists is implemented,
	// so it never gets 500 or 502.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2.4-no-advertise-unimplemented", Commands: []string{"EHLO", "HELP", "EXPN", "ETRN", "ATRN", "BDAT", "AUTH", "TURN", "STARTTLS"},
	}, "implements every command its EHLO reply lists", func(t *framework.T) {
		s := t.Dial()
		ehlo := s.Setup("EHLO "+t.Cfg.Helo, "250")
		kw := ehlo.Keywords()
		// Each probe is a well-formed use of the command, so that a reply
		// to a syntax error is not taken for "not implemented". AUTH is
		// probed below with each mechanism the server lists.
		mechs := ehlo.Params("AUTH")
		probes := []struct{ keyword, line string }{
			{"HELP", "HELP"}, {"EXPN", "EXPN postmaster"}, {"ETRN", "ETRN " + t.Cfg.Helo}, {"ATRN", "ATRN " + t.Cfg.Helo},
			{"CHUNKING", "BDAT 0 LAST"}, {"TURN", "TURN"}, {"STARTTLS", "STARTTLS"}}
		if kw["AUTH"] && len(mechs) > 0 {
			authProbe(t, mechs)
		}
		if kw["CHUNKING"] && t.Cfg.Mailbox != "" {
			// BDAT is only meaningful inside a transaction (RFC 3030 §2):
			// outside one a server may answer its sequence error with the
			// wrong code, which other specs judge. So the probe sends a
			// small test message to the mailbox in one BDAT LAST chunk.
			probes[4].keyword = ""
			s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
			s.Setup("RCPT TO:<"+t.Cfg.Mailbox+">", "250 251")
			msg := scenarios.Headers(framework.Envelope(), t.Req.ID) + "smtpspec conformance test message.\r\n"
			s.SendRaw([]byte(fmt.Sprintf("BDAT %d LAST\r\n%s", len(msg), msg)), "BDAT")
			if r := s.Read(); r.Code == 500 || r.Code == 502 {
				t.Violation(framework.Finding{Sent: "EHLO, MAIL, RCPT, then " + s.LastSent(), Actual: r.String(),
					Expected: "anything but 500 or 502 (RFC 5321 §4.2.4; RFC 3030 §2)",
					Detail:   "the EHLO reply lists CHUNKING but BDAT is answered as not recognized or not implemented"})
			}
		}
		for _, p := range probes {
			if !kw[p.keyword] {
				continue
			}
			r := s.Cmd(p.line)
			if r.Code == 500 || r.Code == 502 {
				t.Violation(framework.Finding{Sent: "EHLO, then " + p.line, Actual: r.String(),
					Expected: "anything but 500 or 502 (RFC 5321 §4.2.4)",
					Detail:   fmt.Sprintf("the EHLO reply lists %s but %s is answered as not recognized or not implemented", p.keyword, p.line)})
			}
			if r.Code == 220 || (p.keyword == "TURN" && r.Code == 250) {
				break // TLS or the reversed roles would follow: no more commands
			}
		}
		t.Checked()
	})

	// RFC 5321 §4.1.4: an accepted EHLO clears the transaction like RSET.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-ehlo-resets-transaction", Commands: []string{"MAIL", "RCPT", "EHLO", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "forgets the transaction after a second EHLO", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("EHLO "+t.Cfg.Helo, "250")
		r := s.Cmd("DATA")
		if r.Code == 354 {
			dataControl(t, "RFC5321-3.3-data-without-mail")
		}
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "4yz 5yz",
			Why: "RFC 5321 §4.1.4: EHLO reset the transaction, so DATA has no MAIL before it"})
	})

	// RFC 5321 §4.1.1.1: a 250 to HELO also means the initial state, with
	// no transaction open.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.1-helo-resets-transaction", Commands: []string{"MAIL", "RCPT", "HELO", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "forgets the transaction after HELO", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("HELO "+t.Cfg.Helo, "250")
		r := s.Cmd("DATA")
		if r.Code == 354 {
			dataControl(t, "RFC5321-3.3-data-without-mail")
		}
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "4yz 5yz",
			Why: "RFC 5321 §4.1.1.1: HELO reset the transaction, so DATA has no MAIL before it"})
	})

	// RFC 5321 §4.1.4: a refused EHLO leaves the state as it was.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-rejected-ehlo-keeps-state", Commands: []string{"MAIL", "RCPT", "EHLO", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "keeps the transaction after refusing an EHLO without argument", func(t *framework.T) {
		s := t.Transaction()
		if r := s.Cmd("EHLO"); r.Class() == 2 {
			t.NotApplicable("EHLO without an argument got %s: nothing was refused", r)
		}
		r := s.Cmd("DATA")
		switch {
		case r.Code == 503 || r.Code == 554:
			t.Violation(framework.Finding{Sent: "MAIL, RCPT, EHLO (refused), then DATA", Actual: r.String(),
				Expected: "354 (RFC 5321 §4.1.4: a refused EHLO changes nothing)", Detail: "the refused EHLO dropped the transaction"})
		case r.Code != 354:
			t.Errorf("DATA after the refused EHLO got %s", r)
		}
		s.SendRaw(scenarios.MessageData(framework.Envelope(), t.Req.ID, "smtpspec conformance test message.\r\n", false), "DATA-END")
		s.Read()
		t.Checked()
	})

	// RFC 5321 §4.1.1.1 (syntax), §4.1.4: EHLO without its argument is a
	// syntax error.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.1-ehlo-arg-required", Commands: []string{"EHLO"},
	}, "answers EHLO without an argument with 501", func(t *framework.T) {
		s := t.Dial()
		helloRefusal(t, s, s.Cmd("EHLO"), "RFC 5321 §4.1.1.1, §4.1.4: EHLO needs a domain; a refused EHLO gets 501, 500, 502 or 550")
	})

	// RFC 5321 §4.1.1.1 (syntax), §4.1.4: HELO without its argument is a
	// syntax error.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.1-helo-arg-required", Commands: []string{"HELO"},
	}, "answers HELO without an argument with 501", func(t *framework.T) {
		s := t.Dial()
		helloRefusal(t, s, s.Cmd("HELO"), "RFC 5321 §4.1.1.1, §4.1.4: HELO needs a domain; a refused HELO gets 501, 500, 502 or 550")
	})

	// RFC 5321 §4.1.1.1, §4.1.3: EHLO takes IPv4 and IPv6 address
	// literals.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.3-ehlo-address-literal", Commands: []string{"EHLO"},
	}, "accepts EHLO [192.0.2.1] and EHLO [IPv6:2001:db8::1]", func(t *framework.T) {
		s := t.Dial()
		for _, lit := range []string{literalV4, literalV6} {
			r := s.Cmd("EHLO " + lit)
			t.Unimplemented(s, r)
			f := framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "250 (RFC 5321 §4.1.3: an address literal is a valid EHLO argument)"}
			switch r.Code {
			case 250:
				t.Checked()
			case 501:
				f.Detail = "the address literal is refused as a syntax error"
				t.Violation(f)
			default:
				f.Detail = "refused, presumably by policy"
				t.Warnf(f)
			}
		}
	})

	// RFC 5321 §4.1.3, §4.1.2: a malformed address literal is a syntax
	// error (501).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.3-bad-address-literal", Commands: []string{"EHLO"},
	}, "answers EHLO [999.1.1.1] and EHLO [IPv6:zz::1] with 501", func(t *framework.T) {
		s := t.Dial()
		for _, lit := range []string{"[999.1.1.1]", "[IPv6:zz::1]"} {
			helloRefusal(t, s, s.Cmd("EHLO "+lit), "RFC 5321 §4.1.3, §4.1.4: a malformed literal is a syntax error")
		}
	})

	// RFC 5321 §4.1.2: domain labels hold letters, digits and hyphens
	// only; invalid characters get 501.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.2-label-chars", Commands: []string{"EHLO"},
	}, "answers EHLO bad_host.example with 501", func(t *framework.T) {
		s := t.Dial()
		helloRefusal(t, s, s.Cmd("EHLO bad_host.example"), "RFC 5321 §4.1.2: \"_\" is not a label character")
	})

	// RFC 5321 §4.1.1.1: servers are advised to accept text after the
	// EHLO domain, as RFC 2821 practice allowed.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.1-ehlo-extra-text", Commands: []string{"EHLO"},
	}, "accepts EHLO [192.0.2.1] client-info", func(t *framework.T) {
		s := t.Dial()
		r := s.Cmd("EHLO " + literalV4 + " client-info")
		t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.1.1: servers are advised to tolerate text after the domain"})
	})

	// RFC 5321 §2.4: verbs and argument keywords are case-insensitive.
	framework.It(framework.Requirement{
		ID: "RFC5321-2.4-verb-case-insensitive", Commands: []string{"EHLO", "NOOP", "MAIL", "RCPT", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "runs a transaction written in lower and mixed case", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Dial()
		steps := []struct {
			line string
			ok   framework.CodeSet
		}{
			{"ehlo " + t.Cfg.Helo, "250"}, {"nOoP", "250"}, {"mail from:<" + t.Cfg.Sender + ">", "250"},
			{"Rcpt To:<" + mbx + ">", "250 251"}, {"dAtA", "354"}}
		for _, st := range steps {
			r := s.Cmd(st.line)
			if r.Code == 500 || r.Code == 501 {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: st.ok.String() + ", as for the upper-case form (RFC 5321 §2.4)",
					Detail:   "the command was refused for the case of its letters"})
			}
			if !st.ok.Has(r.Code) {
				t.Errorf("%s got %s, where the upper-case form gets %s", s.LastSent(), r, st.ok)
			}
		}
		s.SendRaw(scenarios.MessageData(framework.Envelope(), t.Req.ID, "smtpspec conformance test message.\r\n", false), "DATA-END")
		s.Read()
		t.Checked()
	})

	// RFC 5321 §4.3.2, §4.3.1: EHLO and HELO get 250, or 504, 550, 502,
	// or the general 500, 501 and 421.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.3.2-hello-codes", Commands: []string{"EHLO", "HELO"},
	}, "answers a battery of EHLO and HELO commands with codes of the §4.3.2 table", func(t *framework.T) {
		s := t.Dial()
		for _, line := range []string{"EHLO " + t.Cfg.Helo, "HELO " + t.Cfg.Helo, "EHLO", "HELO", "HELO " + literalV4, "EHLO " + literalV4} {
			r := s.Cmd(line)
			allowed, _, _ := framework.AllowedCodes(strings.Fields(line)[0])
			t.Expect(s, r, framework.Expectation{Pass: allowed, Why: "RFC 5321 §4.3.2: the replies to EHLO and HELO"})
		}
	})
})

// helloSupported judges the reply to a plain EHLO or HELO: 250, never 500
// or 502 (not recognized, not implemented); other refusals are policy.
func helloSupported(t *framework.T, s *framework.Session, r framework.Reply, why string) {
	f := framework.Finding{Sent: s.LastSent(), Expected: "250 (" + why + ")", Actual: r.String()}
	switch r.Code {
	case 250:
		t.Checked()
	case 500, 502:
		f.Detail = "the command is answered as not recognized or not implemented"
		t.Violation(f)
	default:
		f.Detail = "refused, presumably by policy"
		t.Warnf(f)
	}
}

// authProbe sends AUTH with each mechanism the EHLO reply lists (at most
// three), on a session of its own. AUTH is implemented if any mechanism gets
// something other than 500 or 502: a server may refuse one form (say PLAIN
// without an initial response) with a syntax error and still implement
// AUTH. A 334 answers the question, so the probe ends there and its session
// is dropped without a "*": some servers never answer a cancel (qpsmtpd
// takes "*" for a user name and waits for the password). Only when every
// mechanism is answered 500 or 502 does the EHLO reply list a command the
// server does not implement (RFC 5321 §4.2.4).
func authProbe(t *framework.T, mechs []string) {
	s := t.Dial()
	s.Hello()
	var got []string
	for i, m := range mechs {
		if i == 3 {
			break
		}
		r := s.Cmd("AUTH " + m)
		if r.Code != 500 && r.Code != 502 {
			return
		}
		got = append(got, "AUTH "+m+" → "+r.String())
	}
	t.Violation(framework.Finding{Sent: "EHLO, then AUTH with each listed mechanism", Actual: strings.Join(got, "; "),
		Expected: "anything but 500 or 502 for at least one listed mechanism (RFC 5321 §4.2.4)",
		Detail:   "the EHLO reply lists AUTH but every AUTH mechanism it names is answered as not recognized or not implemented"})
}
