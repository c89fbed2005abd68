package core

import (
	"fmt"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

var _ = ginkgo.Describe("MAIL", func() {
	// RFC 5321 §3.3, §4.1.1.2: an acceptable MAIL command gets 250; a
	// session opened with HELO may start a transaction like one opened with
	// EHLO (§4.1.1.1).
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-mail-accept-250", Commands: []string{"HELO", "MAIL"},
	}, "answers MAIL FROM:<sender> after HELO with 250", func(t *framework.T) {
		s := t.Dial()
		s.Setup("HELO "+t.Cfg.Helo, "250")
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">")
		t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 5321 §3.3: an acceptable MAIL gets 250"})
	})

	// RFC 5321 §3.3: if the reverse-path is not acceptable, the server MUST
	// reply with a code that says whether the failure is permanent (5yz) or
	// temporary (4yz); a syntax error is permanent. Accepting the invalid
	// address instead is lenient parsing (catalogue §17.8: WARN), which this
	// MUST does not cover.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-mail-fail-class", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<a@@b> with a 5yz", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("MAIL FROM:<a@@b>")
		t.Expect(s, r, framework.Expectation{Pass: "5yz", Warn: "4yz 250",
			Why: "RFC 5321 §3.3: a refused reverse-path gets a failure code, 5yz for the invalid <a@@b>; 250 (accepted leniently) is tolerated (§17.8)"})
	})

	// RFC 5321 §4.1.4: an unacceptable argument to MAIL gets 501 and the
	// server stays in the same state, so a correct MAIL still works.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-mail-bad-arg-501", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:sender (no brackets) with 501, then MAIL FROM:<sender> with 250", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("MAIL FROM:" + t.Cfg.Sender)
		if r.Class() == 2 {
			// §17.8: many servers accept the bracketless form; then the
			// transaction is open and the state check does not apply.
			t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "501 (RFC 5321 §4.1.2: the reverse-path needs angle brackets)",
				Detail:   "the bracketless reverse-path was accepted (lenient, common)"})
			return
		}
		t.Expect(s, r, framework.Expectation{Pass: "501", Warn: "5yz",
			Why: "RFC 5321 §4.1.4: an unacceptable MAIL argument gets 501; another refusal of the malformed path is tolerated"})
		r = s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">")
		sameState(t, s, r, "250", "RFC 5321 §4.1.4: after a refused MAIL the server stays in the same state, so MAIL is accepted (503 means the refused MAIL opened a transaction)")
	})

	// RFC 5321 §4.1.4: MAIL inside an open transaction is out of sequence
	// and gets 503; treating it as an implicit reset is tolerated.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-nested-mail", Commands: []string{"MAIL"},
	}, "answers a nested MAIL (no RCPT yet) with 503", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">")
		t.Expect(s, r, framework.Expectation{Pass: "503", Warn: "250",
			Why: "RFC 5321 §4.1.4: a command out of sequence gets 503; 250 (an implicit reset) is tolerated"})
	})

	// RFC 5321 §4.1.2: Reverse-path = Path / "<>"; the null reverse-path is
	// valid syntax (bounces depend on it, §4.5.5, §6.1).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.2-null-reverse-path", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<> with 250", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("MAIL FROM:<>")
		t.Expect(s, r, framework.Expectation{Pass: "250", Warn: "550 4yz",
			Why: "RFC 5321 §4.1.2: Reverse-path = Path / \"<>\"; 501 or 553 refuses valid syntax"})
	})

	// RFC 5321 §3.3: "MAIL FROM:<reverse-path>" is exactly the syntax; no
	// space is allowed after the colon.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-no-space-after-colon", Commands: []string{"MAIL"},
	}, "answers MAIL FROM: <sender> with 501", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("MAIL FROM: <" + t.Cfg.Sender + ">")
		t.Expect(s, r, framework.Expectation{Pass: "501", Warn: "250 550 553",
			Why: "RFC 5321 §3.3, §4.1.4: no spaces on either side of the colon, and an unacceptable argument gets 501; accepting it is lenient (§17.8), and §3.3 lets failures be 550 or 553"})
	})

	// RFC 5321 §4.1.2, App. C: a source route (A-d-l) in a path MUST BE
	// accepted as syntax, and SHOULD be ignored.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.2-source-route-reverse", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<@relay.example:sender> with 250", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("MAIL FROM:<@relay.example:" + t.Cfg.Sender + ">")
		t.Expect(s, r, framework.Expectation{Pass: "250", Warn: "550 553 4yz",
			Why: "RFC 5321 §4.1.2: the A-d-l syntax MUST BE accepted; a policy refusal (550, 553) is tolerated, a syntax error (501) is not"})
	})

	// RFC 5321 §4.1.2: Local-part = Dot-string / Quoted-string.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.2-quoted-local-part", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<\"john q. public\"@example.org> with 250", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd(`MAIL FROM:<"john q. public"@example.org>`)
		t.Expect(s, r, framework.Expectation{Pass: "250", Warn: "550 553 4yz",
			Why: "RFC 5321 §4.1.2: Local-part = Dot-string / Quoted-string; a policy refusal is tolerated, 501 is not"})
	})

	// RFC 5321 §4.1.2: a command with invalid character codes, such as
	// ASCII controls, gets 501 unless there is another reason to refuse it.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.2-control-char-501", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<us\\x01er@example.org> with 501", func(t *framework.T) {
		s := t.Greeted()
		s.SendRaw([]byte("MAIL FROM:<us\x01er@example.org>\r\n"), "MAIL")
		r := s.Read()
		t.Expect(s, r, framework.Expectation{Pass: "501", Warn: "5yz 4yz",
			Why: "RFC 5321 §4.1.2: invalid character codes get 501; accepting them is a violation"})
	})

	// RFC 5321 §2.4: without a negotiated extension (SMTPUTF8, RFC 6531),
	// non-ASCII octets in envelope commands SHOULD be rejected. A server
	// that lists SMTPUTF8 refuses a UTF-8 reverse-path sent without the
	// parameter with 550 (RFC 6531 §3.5), which passes then.
	framework.It(framework.Requirement{
		ID: "RFC5321-2.4-8bit-envelope-reject", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<j\\xc3\\xb6e@example.org> with 500 or 501", func(t *framework.T) {
		s := t.Greeted()
		s.SendRaw([]byte("MAIL FROM:<j\xc3\xb6e@example.org>\r\n"), "MAIL")
		r := s.Read()
		if s.Has("SMTPUTF8") {
			t.Expect(s, r, framework.Expectation{Pass: "500 501 550 553", Warn: "5yz",
				Why: "RFC 5321 §2.4, RFC 6531 §3.4, §3.5: without the SMTPUTF8 parameter a UTF-8 reverse-path is refused (550, X.6.7)"})
			return
		}
		t.Expect(s, r, framework.Expectation{Pass: "500 501", Warn: "553 550",
			Why: "RFC 5321 §2.4: 8-bit envelope octets without an extension should be rejected (normally 500)"})
	})

	// RFC 5321 §4.1.1.11: a MAIL parameter that is not recognised gets 555.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.11-unknown-param-555", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<sender> XFOO=1 with 555", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> XFOO=1")
		// §4.1.1.11 says the server "will return" 555, without a 2119
		// keyword: another refusal (501, 504, 500) is a WARN (§17.4);
		// accepting a parameter nobody defines is the failure.
		t.Expect(s, r, framework.Expectation{Pass: "555", Warn: "5yz",
			Why: "RFC 5321 §4.1.1.11: an unrecognised parameter gets 555; 501 and 504 are common (§17.4)"})
	})

	// RFC 5321 §4.1.1.2, §4.1.1.11: parameters of an extension the server
	// did not advertise are treated as unrecognised (555).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.11-param-not-advertised", Commands: []string{"EHLO", "MAIL"},
	}, "answers MAIL with a parameter of an unadvertised extension with 555", func(t *framework.T) {
		s, kws := envGreetedKeywords(t)
		// A parameter of each extension, tried in this order; the first
		// whose keyword is not in the EHLO reply is sent.
		candidates := []struct{ ext, param string }{
			{"DSN", "RET=HDRS"},               // RFC 3461 §4.3
			{"DELIVERBY", "BY=120;R"},         // RFC 2852 §4
			{"MT-PRIORITY", "MT-PRIORITY=3"},  // RFC 6710 §3
			{"SMTPUTF8", "SMTPUTF8"},          // RFC 6531 §3.4
			{"BINARYMIME", "BODY=BINARYMIME"}, // RFC 3030 §3
			{"SIZE", "SIZE=100"},              // RFC 1870 §6
			{"8BITMIME", "BODY=8BITMIME"},     // RFC 6152 §2
		}
		for _, c := range candidates {
			if kws[c.ext] {
				continue
			}
			r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> " + c.param)
			t.Expect(s, r, framework.Expectation{Pass: "555", Warn: "501 504 250",
				Why: fmt.Sprintf("RFC 5321 §4.1.1.11: %s is not advertised, so %s is unrecognised", c.ext, c.param)})
			return
		}
		t.NotApplicable("the server advertises every extension whose MAIL parameter the spec knows (DSN, DELIVERBY, MT-PRIORITY, SMTPUTF8, BINARYMIME, SIZE, 8BITMIME)")
	})

	// RFC 5321 §4.1.1: trailing whitespace before CRLF SHOULD be tolerated.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1-trailing-whitespace", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<sender> followed by two spaces with 250", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">  ")
		t.Expect(s, r, framework.Expectation{Pass: "250",
			Why: "RFC 5321 §4.1.1: servers should tolerate trailing white space"})
	})

	// RFC 5321 §4.1.1.2, §3.3: MAIL clears the forward-path and mail-data
	// buffers, so recipients of a finished message do not carry over.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.2-mail-clears-buffers", Commands: []string{"MAIL", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers DATA after a finished message and a new MAIL with 503 or 554", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		s.SendRaw(scenarios.MessageData(framework.Envelope(), "RFC5321-4.1.1.2-mail-clears-buffers", "Test message.\r\n", false), "DATA-END")
		if r := s.Read(); r.Code != 250 {
			t.Errorf("the test message to the mailbox got %s, needed 250", r)
		}
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("DATA")
		if r.Code == 354 {
			dataControl(t, "RFC5321-4.1.4-data-before-rcpt", "MAIL FROM:<"+t.Cfg.Sender+">")
		}
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "5yz 4yz",
			Why: "RFC 5321 §4.1.1.2: MAIL clears the forward-path buffer, so there is no recipient (354 means old recipients carried over)"})
	})

	// RFC 5321 §4.1.1.1, §4.1.4: the client MUST greet before MAIL; a
	// server that refuses MAIL without a greeting conventionally answers 503.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.4-mail-before-ehlo", Commands: []string{"MAIL"},
	}, "answers MAIL before EHLO with 503", func(t *framework.T) {
		s := t.Dial()
		r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + ">")
		t.Expect(s, r, framework.Expectation{Pass: "503", Warn: "250",
			Why: "RFC 5321 §4.1.4: a session starts with EHLO; 250 is the Postfix default (§17.2)"})
	})

	// RFC 5321 §4.3.2: MAIL answers 250, or fails with 552, 451, 452, 550,
	// 553, 503, 455 or 555 (plus the general 500, 501, 421, and 530, 521).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.3.2-mail-codes", Commands: []string{"MAIL"},
	}, "answers a battery of MAIL commands with codes from the §4.3.2 table", func(t *framework.T) {
		s := t.Greeted()
		for _, line := range []string{
			"MAIL FROM:<" + t.Cfg.Sender + ">", // accepted
			"RSET",
			"MAIL TO:<" + t.Cfg.Sender + ">", // wrong keyword
			"RSET",
			"MAIL FROM:<" + t.Cfg.Sender + "> XFOO=1", // unknown parameter
		} {
			if line == "RSET" {
				s.Setup(line, "250")
				continue
			}
			envCheckCode(t, s, s.Cmd(line), "MAIL")
		}
	})
})

// sameState judges the reply to a command sent after a refused one, to see
// that the refusal left the state alone (RFC 5321 §4.1.4): a code in ok
// passes; only 503 shows a changed state (a violation); any other refusal
// (policy, a limit) says nothing about the state, so the spec is ERROR.
func sameState(t *framework.T, s *framework.Session, r framework.Reply, ok framework.CodeSet, why string) {
	switch {
	case ok.Has(r.Code):
		t.Checked()
	case r.Code == 503:
		t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: ok.String() + " (" + why + ")",
			Detail: "503: the refused command changed the session's state"})
	default:
		t.Policy(r)
		t.Errorf("%s answered %s, a refusal that does not tell whether the state changed (needed %s or 503)", s.LastSent(), r, ok)
	}
}
