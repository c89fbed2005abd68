package core

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/internal/wire"
	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// endOfDataProbe judges mail data that holds an end-of-data look-alike
// (RFC 5321 §2.3.8, §4.1.1.4; catalogue §13.1). After the 354, payload goes
// out in one write and nothing may come back within the silence window: a
// reply there means the server ended the data early and read the rest as
// commands. When bare is true the payload holds a bare CR or LF, and a
// single immediate 5yz refusing it is also safe (catalogue §13.1, §17.7).
// Then final completes <CRLF>.<CRLF>, which gets exactly one reply (250, or
// a refusal of the bare CR or LF), and a NOOP after it gets 250.
func endOfDataProbe(t *framework.T, s *framework.Session, payload, final string, bare bool) {
	const expected = "no reply before the real <CRLF>.<CRLF> (RFC 5321 §4.1.1.4, §2.3.8: CRLF is the only line ending)"
	s.SendRaw([]byte(payload), "")
	got, closed := s.Silence()
	if codes := replyCodes(got); bare && len(codes) == 1 && codes[0]/100 == 5 {
		// A refusal of the bare CR or LF at once; nothing smuggled was
		// answered, and the connection is closed or back in command mode.
		t.Checked()
		return
	}
	if len(got) > 0 {
		t.Violation(framework.Finding{Sent: s.LastSent(), Expected: expected, Actual: wire.Escape(got),
			Detail: "the server replied before the end of the mail data: it took the look-alike as the end and read what followed as commands"})
	}
	if closed {
		t.Violation(framework.Finding{Sent: s.LastSent(), Expected: expected, Actual: "connection closed",
			Detail: "the server closed the connection in the middle of the mail data, without a reply"})
	}
	s.SendRaw([]byte(final), "DATA-END")
	r := s.Read()
	t.Expect(s, r, framework.Expectation{Pass: "250 4yz 5yz",
		Why: "RFC 5321 §4.1.1.4: one reply after <CRLF>.<CRLF>: 250, or a refusal of the bare CR or LF"})
	r = s.Cmd("NOOP")
	t.Expect(s, r, framework.Expectation{Pass: "250",
		Why: "RFC 5321 §4.2: the data got exactly one reply, so NOOP's reply is 250"})
}

// replyCodes returns the codes of the complete replies in b: one per line
// with a code followed by SP or the end of the line (RFC 5321 §4.2.1).
func replyCodes(b []byte) []int {
	var codes []int
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSuffix(l, "\r")
		if len(l) < 3 || (len(l) > 3 && l[3] != ' ') {
			continue
		}
		var code int
		if _, err := fmt.Sscanf(l[:3], "%d", &code); err == nil && code >= 200 && code < 600 {
			codes = append(codes, code)
		}
	}
	return codes
}

// smuggleProbe runs the catalogue's common procedure for SEC-SMUG-* (§13.1):
// a transaction to the mailbox, then in one write a message, the
// end-of-data look-alike variant, and a smuggled MAIL, RCPT, DATA and
// message to the same mailbox; then the real <CRLF>.<CRLF>.
func smuggleProbe(t *framework.T, id, variant string) {
	mbx := t.Mailbox()
	s := t.Transaction()
	s.Setup("DATA", "354")
	payload := scenarios.Headers(id) + "body" + variant +
		"MAIL FROM:<" + t.Cfg.Sender + ">\r\nRCPT TO:<" + mbx + ">\r\nDATA\r\n" +
		scenarios.Headers("SMUGGLED "+id) + "x\r\n"
	endOfDataProbe(t, s, payload, "\r\n.\r\n", true)
}

var _ = ginkgo.Describe("SMTP smuggling", func() {
	// RFC 5321 §4.1.1.4: <LF>.<LF> is not the end of the data, so commands
	// after it are not run.
	framework.It(framework.Requirement{
		ID: "SEC-SMUG-LF-DOT-LF", Section: "RFC 5321 §4.1.1.4, §2.3.8", Level: framework.Must,
		Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
		Summary: "<LF>.<LF> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
	}, "does not end the data at <LF>.<LF> followed by a smuggled transaction", func(t *framework.T) {
		smuggleProbe(t, "SEC-SMUG-LF-DOT-LF", "\n.\n")
	})

	// RFC 5321 §2.3.8, §4.1.1.4: a bare LF does not end a line, so
	// <LF>.<CRLF> is not the end of the data (CVE-2023-51764/5/6).
	framework.It(framework.Requirement{
		ID: "SEC-SMUG-LF-DOT-CRLF", Section: "RFC 5321 §2.3.8, §4.1.1.4", Level: framework.Must,
		Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
		Summary: "<LF>.<CRLF> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
	}, "does not end the data at <LF>.<CRLF> followed by a smuggled transaction", func(t *framework.T) {
		smuggleProbe(t, "SEC-SMUG-LF-DOT-CRLF", "\n.\r\n")
	})

	// RFC 5321 §2.3.8, §4.1.1.4: <CRLF>.<LF> is not the end of the data.
	framework.It(framework.Requirement{
		ID: "SEC-SMUG-CRLF-DOT-LF", Section: "RFC 5321 §2.3.8, §4.1.1.4", Level: framework.Must,
		Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
		Summary: "<CRLF>.<LF> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
	}, "does not end the data at <CRLF>.<LF> followed by a smuggled transaction", func(t *framework.T) {
		smuggleProbe(t, "SEC-SMUG-CRLF-DOT-LF", "\r\n.\n")
	})

	// RFC 5321 §2.3.8: a bare CR is not a line ending, so <CR>.<CR> is not
	// the end of the data.
	framework.It(framework.Requirement{
		ID: "SEC-SMUG-CR-DOT-CR", Section: "RFC 5321 §2.3.8, §4.1.1.4", Level: framework.Must,
		Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
		Summary: "<CR>.<CR> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
	}, "does not end the data at <CR>.<CR> followed by a smuggled transaction", func(t *framework.T) {
		smuggleProbe(t, "SEC-SMUG-CR-DOT-CR", "\r.\r")
	})

	// RFC 5321 §2.3.8: <CR>.<CRLF> is not the end of the data.
	framework.It(framework.Requirement{
		ID: "SEC-SMUG-CR-DOT-CRLF", Section: "RFC 5321 §2.3.8, §4.1.1.4", Level: framework.Must,
		Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
		Summary: "<CR>.<CRLF> does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
	}, "does not end the data at <CR>.<CRLF> followed by a smuggled transaction", func(t *framework.T) {
		smuggleProbe(t, "SEC-SMUG-CR-DOT-CRLF", "\r.\r\n")
	})

	// RFC 5321 §2.3.8: <CRLF>.<CR> followed by a byte other than LF is not
	// the end of the data.
	framework.It(framework.Requirement{
		ID: "SEC-SMUG-CRLF-DOT-CR", Section: "RFC 5321 §2.3.8, §4.1.1.4", Level: framework.Must,
		Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
		Summary: "<CRLF>.<CR> not followed by LF does not end the data: a MAIL/RCPT/DATA smuggled after it is not run.",
	}, "does not end the data at <CRLF>.<CR> followed by a smuggled transaction", func(t *framework.T) {
		smuggleProbe(t, "SEC-SMUG-CRLF-DOT-CR", "\r\n.\r")
	})

	// RFC 5321 §4.5.3.1.6, §4.5.3.1.9: a data line far over the 1000-octet
	// limit may be refused, but the server handles it: one reply, no crash,
	// no pieces of it read as commands.
	framework.It(framework.Requirement{
		ID: "SEC-HUGE-DATA-LINE", Section: "RFC 5321 §4.5.3.1.6, §4.5.3.1.9", Level: framework.May,
		Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
		Summary: "A 1 MiB data line without CRLF is taken or refused with exactly one reply.",
	}, "gives exactly one reply to a message holding a 1 MiB line", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		body := scenarios.Headers("SEC-HUGE-DATA-LINE") + strings.Repeat("x", 1<<20)
		sent := fmt.Sprintf("a message whose body is one line of 1 MiB of \"x\" (%d octets before \"\\r\\n.\\r\\n\")", len(body))
		// The line goes out raw; the terminator through the session, so
		// that the reply is checked as the reply to the end of the data.
		if err := s.Conn().SendRaw([]byte(body)); err != nil {
			// RFC 5321 §4.5.3.1.9 lets the server refuse; catalogue
			// §17.20: some close part-way through a very large DATA.
			r, rerr := s.TryRead()
			if rerr == nil && r.Class() == 5 {
				t.Checked()
				return
			}
			t.Violation(framework.Finding{Sent: sent, Expected: "one reply (RFC 5321 §4.5.3.1.9)",
				Actual: r.String(), Detail: fmt.Sprintf("the server closed the connection during the long line: %v", err)})
			return
		}
		werr := s.TrySendRaw([]byte("\r\n.\r\n"), "DATA-END")
		r, err := s.TryRead()
		if err != nil {
			// The server dropped the connection over the long line, after
			// the body was written: no reply at all.
			t.Violation(framework.Finding{Sent: sent, Expected: "one reply (RFC 5321 §4.5.3.1.9)", Actual: err.Error(),
				Detail: fmt.Sprintf("the server closed the connection without replying to the long line (write: %v)", werr)})
			return
		}
		t.Expect(s, r, framework.Expectation{Pass: "250 4yz 5yz", Why: "RFC 5321 §4.5.3.1.9: the long line may be refused, with one reply"})
		if werr != nil {
			// One reply, then a close before the terminator went out
			// (catalogue §17.20): refused, and not split into several replies.
			return
		}
		if got, _ := s.Silence(); len(got) > 0 {
			t.Violation(framework.Finding{Sent: sent, Expected: "one reply (RFC 5321 §4.2, §4.5.3.1.9)",
				Actual: r.String() + " then " + wire.Escape(got), Detail: "the server sent more than one reply to the message"})
		}
	})
})
