package core

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/internal/wire"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// Stimuli of the connection specs.
const (
	// unknownVerb is not a command of any SMTP extension.
	unknownVerb = "FROBNICATE"
	// privateVerb is a private X-command (RFC 5321 §4.1.5) no server has.
	privateVerb = "XQUUX"
	// floodVerb is the unknown verb of the error floods.
	floodVerb = "JUNK"
	// closeAfterErrors: RFC5321-3.8-no-arbitrary-close tolerates (WARN) a
	// close after at least this many errors: RFC 5321 §7.8 lets a server
	// defend itself after "an appropriate number" of them, and Exim's
	// defaults (smtp_max_synprot_errors, smtp_max_unknown_commands) are 3.
	// A close before that is a FAIL.
	closeAfterErrors = 3
	// floodErrors is how many unknown verbs the flood specs send.
	floodErrors = 50
)

// erroneousCommands are the mixed errors of RFC5321-3.8-no-arbitrary-close:
// an unknown verb (500), missing arguments (501) and a RCPT before MAIL
// (503, RFC 5321 §3.3). No two unknown verbs follow each other, and none of
// them opens a transaction or the data phase.
var erroneousCommands = []string{"BOGUS", "VRFY", "RCPT TO:<postmaster>", "HELO", "MAIL FROM:<smtpspec@example.org"}

// connQuit ends a session politely on the raw connection, ignoring the
// outcome: the specs that read only a greeting send it so that the server
// sees a command from every connection they open.
func connQuit(s *framework.Session) {
	if s.Conn().Send("QUIT") == nil {
		_, _ = s.Conn().ReadReply()
	}
}

// unrecognised sends verb, which no server defines, and expects 500 (a 2yz
// or 3yz breaks the requirement; another 4yz/5yz is tolerated), then checks
// that NOOP still gets 250 (RFC 5321 §3.8: the session goes on).
func unrecognised(t *framework.T, verb, section, accepted string) {
	s := t.Greeted()
	r := s.Cmd(verb)
	if r.Class() == 2 || r.Class() == 3 {
		t.Violation(framework.Finding{Sent: s.LastSent(), Expected: "500 (" + section + ")", Actual: r.String(), Detail: accepted})
	}
	t.Expect(s, r, framework.Expectation{Pass: "500", Warn: "4yz 5yz", Why: section + ": 500 for a command not recognized"})
	r = s.Cmd("NOOP")
	t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 5321 §3.8: the session goes on after an unknown command"})
}

// greetingWords are words banners put where the domain belongs.
var greetingWords = map[string]bool{"ESMTP": true, "SMTP": true, "LMTP": true, "ESMTPS": true, "ESMTPA": true,
	"HELLO": true, "HI": true, "WELCOME": true, "READY": true, "SERVICE": true, "GREETINGS": true, "OK": true}

var (
	// domainSyntax is Domain of RFC 5321 §4.1.2: sub-domains of letters,
	// digits and inner hyphens, separated by dots.
	domainSyntax = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
	// literalSyntax is address-literal of RFC 5321 §4.1.3, loosely: an
	// IPv4 address, IPv6: and hex digits, or a General-address-literal.
	literalSyntax = regexp.MustCompile(`^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]$`)
)

// serverName judges the token that opens a 220 greeting (RFC 5321 §4.2) or
// an EHLO reply (§4.1.1.1), where the server's Domain or an address literal
// belongs. It returns what is wrong with it ("" when it is one), and whether
// it is a well-formed name of one label, which §2.3.5 (fully qualified
// names only) does not allow either but which is a tolerated deviation.
func serverName(text string) (problem, doubt string) {
	token, _, _ := strings.Cut(text, " ")
	switch {
	case token == "":
		return "no domain after the code", ""
	case literalSyntax.MatchString(token):
		return "", ""
	case !domainSyntax.MatchString(token):
		return fmt.Sprintf("%q is neither a domain nor an address literal", token), ""
	case strings.Contains(token, "."):
		return "", ""
	case greetingWords[strings.ToUpper(token)]:
		// The grammar is met (a single label is a Domain); whether it is
		// the server's name is not something a MUST lets the suite judge.
		return "", fmt.Sprintf("%q is syntactically a domain, but reads as a word of the banner rather than the server's name", token)
	}
	return "", "the server is named by a single label, not a fully qualified domain (RFC 5321 §2.3.5)"
}

var _ = ginkgo.Describe("Connection", func() {
	// RFC 5321 §3.1, §4.3.2, §3.8; RFC 7504 §3: the opening reply of a
	// connection is 220, or 554, 521 or 421 when the server will not serve.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.1-greeting-code", Commands: []string{"QUIT"},
	}, "greets two connections opened together with 220 (or 554, 521, 421)", func(t *framework.T) {
		// Two connections at once: the opening reply must not depend on
		// whether another session is open.
		sessions := []*framework.Session{t.Connect(), t.Connect()}
		for i, s := range sessions {
			r, err := s.TryRead()
			if err != nil {
				t.Violation(framework.Finding{Sent: "(nothing: connection opened)", Expected: "220, 554, 521 or 421 (RFC 5321 §3.1, §4.3.2)",
					Actual: err.Error(), Detail: fmt.Sprintf("no opening reply on connection %d", i+1)})
			}
			t.Expect(s, r, framework.Expectation{Pass: "220 554 521 421", Why: "RFC 5321 §3.1, §4.3.2; RFC 7504 §3: the opening reply"})
		}
		for _, s := range sessions {
			connQuit(s)
		}
	})

	// RFC 5321 §4.2 (Greeting), §4.3.1: the 220 greeting names the
	// server's domain or address literal right after the code.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.2-greeting-domain", Commands: []string{"QUIT"},
	}, "greets with 220 followed by its domain", func(t *framework.T) {
		s := t.Connect()
		r, err := s.TryRead()
		if err != nil {
			t.Errorf("no greeting: %v", err)
		}
		defer connQuit(s)
		if r.Code != 220 {
			t.NotApplicable("the greeting is %s: the Greeting grammar of RFC 5321 §4.2 is that of a 220 reply", r)
		}
		problem, doubt := serverName(r.Lines[0])
		f := framework.Finding{Sent: "(nothing: connection opened)", Actual: r.String(),
			Expected: "220 SP domain-or-address-literal [SP text] (RFC 5321 §4.2 Greeting)"}
		switch {
		case problem != "":
			f.Detail = "the greeting does not name the server: " + problem
			t.Violation(f)
		case doubt != "":
			f.Detail = "the greeting: " + doubt
			t.Warnf(f)
		default:
			t.Checked()
		}
	})

	// RFC 5321 §3.1: a server that greets with 554 must wait for QUIT
	// before it closes the connection.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.1-554-waits-quit", Commands: []string{"QUIT"},
	}, "keeps a 554-greeted connection open until QUIT", func(t *framework.T) {
		s := t.Connect()
		r, err := s.TryRead()
		if err != nil {
			t.Errorf("no greeting: %v", err)
		}
		if r.Code != 554 {
			connQuit(s)
			t.NotApplicable("the greeting is %d, not 554: the server does not refuse this client", r.Code)
		}
		// The catalogue's wait: at least 5 s (a close is an event the
		// suite sees at once; staying open is what it waits for).
		closed, got := s.WaitClose(max(refusedGreetingWait, t.Cfg.Silence))
		if closed {
			t.Violation(framework.Finding{Sent: "(nothing, for the silence window)", Expected: "the connection stays open until QUIT (RFC 5321 §3.1)",
				Actual: wire.Escape(got) + " then the connection closed", Detail: "the server closed the connection after its 554 greeting without waiting for QUIT"})
		}
		r = s.Cmd("QUIT")
		t.Expect(s, r, framework.Expectation{Pass: "221", Why: "RFC 5321 §3.1, §4.1.1.10: QUIT ends the refused session with 221"})
	})

	// RFC 5321 §3.1: after a 554 greeting every command but QUIT should
	// get 503 (bad sequence of commands).
	framework.It(framework.Requirement{
		ID: "RFC5321-3.1-554-then-503", Commands: []string{"EHLO", "MAIL", "QUIT"},
	}, "answers EHLO and MAIL after a 554 greeting with 503", func(t *framework.T) {
		s := t.Connect()
		r, err := s.TryRead()
		if err != nil {
			t.Errorf("no greeting: %v", err)
		}
		if r.Code != 554 {
			connQuit(s)
			t.NotApplicable("the greeting is %d, not 554: the server does not refuse this client", r.Code)
		}
		for _, line := range []string{"EHLO " + t.Cfg.Helo, "MAIL FROM:<" + t.Cfg.Sender + ">"} {
			// Sent with no verb for the validator: its §4.3.2 table is that
			// of a session greeted with 220, where 503 to EHLO is wrong.
			s.SendRaw([]byte(line+"\r\n"), "")
			r := s.Read()
			if r.Class() == 2 || r.Class() == 3 {
				t.Failf(framework.Finding{Sent: s.LastSent(), Expected: "503 (RFC 5321 §3.1)", Actual: r.String(),
					Detail: "the server refused service with 554 but then accepted a command"})
			}
			t.Expect(s, r, framework.Expectation{Pass: "503", Why: "RFC 5321 §3.1: after a 554 greeting, commands other than QUIT get 503"})
		}
		connQuit(s)
	})

	// RFC 5321 §3.8: the server closes the connection only after QUIT, a
	// 421 or a timeout; §7.8 tolerates a defensive close after many
	// errors (the catalogue: at least 10).
	framework.It(framework.Requirement{
		ID: "RFC5321-3.8-no-arbitrary-close", Commands: []string{"EHLO", "VRFY", "RCPT", "HELO", "MAIL"},
	}, "answers 30 erroneous commands without closing", func(t *framework.T) {
		s := t.Greeted()
		for i := 0; i < 30; i++ {
			line := erroneousCommands[i%len(erroneousCommands)]
			r, err := s.Try(line)
			if err != nil {
				f := framework.Finding{Sent: s.LastSent(), Actual: err.Error(),
					Expected: "a reply; the connection closes only after QUIT, 421 or a timeout (RFC 5321 §3.8)",
					Detail:   fmt.Sprintf("no reply to erroneous command %d of 30 (%d answered)", i+1, i)}
				if !errors.Is(err, wire.ErrClosed) {
					t.Failf(f) // a reply missing without a close: RFC 5321 §4.2
				}
				if i >= closeAfterErrors {
					t.Warnf(f) // RFC 5321 §7.8: a defensive close after many errors
					return
				}
				t.Violation(f)
			}
			if r.Code == 421 {
				t.Checked() // RFC 5321 §3.8: the server may end the session with 421
				return
			}
		}
		r := s.Cmd("NOOP")
		t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.1.9: the session is still usable after the errors"})
	})

	// RFC 5321 §4.2.4, §3.8: an unknown verb gets 500 and the session goes
	// on.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.8-unknown-cmd-500", Commands: []string{unknownVerb, "NOOP"},
	}, "answers an unknown verb with 500, then NOOP with 250", func(t *framework.T) {
		unrecognised(t, unknownVerb, "RFC 5321 §4.2.4", "an unknown command was accepted")
	})

	// RFC 5321 §4.1.5: an unrecognised private X-command is answered
	// like any unknown command, with 500.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.5-x-cmd-500", Commands: []string{privateVerb, "NOOP"},
	}, "answers an unknown X-command with 500", func(t *framework.T) {
		unrecognised(t, privateVerb, "RFC 5321 §4.1.5", "a private X-command no server defines was accepted")
	})

	// RFC 5321 §4.5.4.2: the server handles several sessions at once.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.4.2-concurrency", Commands: []string{"QUIT"},
	}, "greets and serves a second connection while a first session is open", func(t *framework.T) {
		first := t.Greeted()
		second := t.Connect()
		// The greeting is read with the full reply timeout: a server that
		// holds it back until the first session ends gives no verdict
		// (ERROR), one that refuses the session says so.
		r, err := second.TryRead()
		if err != nil {
			t.Errorf("the second connection was closed without a greeting while the first session was open: %v", err)
		}
		if r.Code == 421 || r.Code == 554 {
			t.Violation(framework.Finding{Sent: "(a second connection while a first session is open)", Actual: r.String(),
				Expected: "220: RFC 5321 §4.5.4.2 says servers that cannot handle more than one SMTP transaction at a time are not in conformance with its intent",
				Detail:   "the server refused a second session while one was in use"})
			return
		}
		second.Setup("EHLO "+t.Cfg.Helo, "250")
		first.Setup("NOOP", "250")
		t.Checked()
		connQuit(second)
		connQuit(first)
	})

	// RFC 5321 §3.8, §4.2.2: a 421 announces that the server closes the
	// channel, so the close follows it.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.8-421-then-close", Commands: []string{floodVerb, "NOOP"},
	}, "closes the connection after answering an error flood with 421", func(t *framework.T) {
		s := t.Greeted()
		for i := 0; i < floodErrors; i++ {
			r, err := s.Try(floodVerb)
			if err != nil {
				t.NotApplicable("the server closed the connection without a 421 after %d unknown commands (%v)", i, err)
			}
			if r.Code != 421 {
				continue
			}
			// Whether the close followed is told by the next command: it
			// fails, or gets a reply from a server that went on serving.
			r, err = s.Try("NOOP")
			if err != nil {
				t.Checked() // closed, or no longer serving
				return
			}
			t.Violation(framework.Finding{Sent: s.LastSent(), Expected: "the connection closed after the 421 (RFC 5321 §3.8)", Actual: r.String(),
				Detail: fmt.Sprintf("the server answered unknown command %d with 421 but went on serving the session", i+1)})
			return
		}
		t.NotApplicable("no 421 in reply to %d unknown commands: nothing to check", floodErrors)
	})
})

// refusedGreetingWait is how long RFC5321-3.1-554-waits-quit watches a
// 554-greeted connection for a close before sending QUIT (catalogue: at
// least 5 s).
const refusedGreetingWait = 5 * time.Second
