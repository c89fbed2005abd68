package core

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// dataEndExpected is what a server that ends mail data only at
// <CRLF>.<CRLF> answers to data holding a look-alike, then QUIT.
const dataEndExpected = "one reply to the mail data (250, or a 4yz/5yz refusing it or its bare CR or LF), then 221 to QUIT (RFC 5321 §4.1.1.4, §2.3.8: only <CRLF>.<CRLF> ends the data)"

// endOfDataProbe sends payload (mail data after the 354, holding an
// end-of-data look-alike), then the real <CRLF>.<CRLF>, and judges by counting the replies up to QUIT's 221 (catalogue §13.1), never
// by how long they took:
//   - one reply, then 221 or a close: PASS (the data ended at the real
//     terminator, or the server refused it, for instance at the bare LF);
//   - a 2yz or 3yz after the first reply: a command hidden in the data was
//     answered (FAIL), however late it came;
//   - a 2yz first and more replies after it: the server ended the data at
//     the look-alike and read the rest as commands (FAIL);
//   - a refusal first and only refusals after it: nothing hidden was run
//     (PASS, the server refused the data and what followed);
//   - no reply before a close: cannot tell (ERROR); no reply within the
//     timeout: ERROR (the session does that).
func endOfDataProbe(t *framework.T, s *framework.Session, payload string) {
	s.SendRaw([]byte(payload), "")
	sent := s.LastSent()
	// The real <CRLF>.<CRLF> goes in a second write, after a pause. A
	// server that takes the look-alike for the end and then throws away
	// the rest of its input (instead of running it) would hide that if the
	// terminator came in the same write; in a later write, it reads the
	// terminator's lines as commands and answers them. The pause only gives
	// the server the chance; the verdict comes from the replies counted.
	s.Pause()
	_ = s.TrySendRaw([]byte("\r\n.\r\n"), "") // a server that refused and closed: its reply is still read
	judgeDataEnd(t, sent+", then after a pause \"\\r\\n.\\r\\n\"", s.Account())
}

// judgeDataEnd applies endOfDataProbe's rules to the replies counted after
// mail data holding an end-of-data look-alike (sent, escaped, is evidence).
func judgeDataEnd(t *framework.T, sent string, a framework.Accounting) {
	rs := a.Replies
	if len(rs) == 0 {
		t.Errorf("the server closed the connection without any reply to the mail data, so how it ended the data cannot be told (sent %s)", sent)
	}
	if len(rs) == 1 && rs[0].Class() == 2 && a.Ended421 {
		// One 2yz, then 421: it may have answered the real end and then be
		// closing, or have answered the look-alike and then refused the
		// rest with a 421. The count cannot tell.
		t.Errorf("after the mail data the server sent %s, then 421 instead of answering QUIT: whether the 2yz answered the real end of the data cannot be told", rs[0])
	}
	for i, r := range rs {
		if i > 0 && (r.Class() == 2 || r.Class() == 3) || r.Class() == 3 {
			t.Violation(framework.Finding{Sent: sent, Expected: dataEndExpected, Actual: a.String(),
				Detail: fmt.Sprintf("reply %d of %d (%d) answers a command that was inside the mail data: the server ended the data at the look-alike and ran what followed", i+1, len(rs), r.Code)})
		}
	}
	if len(rs) > 1 && rs[0].Class() == 2 {
		t.Violation(framework.Finding{Sent: sent, Expected: dataEndExpected, Actual: a.String(),
			Detail: fmt.Sprintf("%d replies before QUIT's: the server took the look-alike as the end of the data (its %d) and answered what followed as commands", len(rs), rs[0].Code)})
	}
	t.Checked()
}

// smuggleProbe runs the catalogue's common procedure for SEC-SMUG-* (§13.1):
// a transaction to the mailbox, then in one write a message, the
// end-of-data look-alike variant, and a smuggled MAIL, RCPT, DATA and
// message to the same mailbox; then the real <CRLF>.<CRLF>.
func smuggleProbe(t *framework.T, id, variant string) {
	mbx := t.Mailbox()
	s := t.Transaction()
	s.Setup("DATA", "354")
	payload := scenarios.Headers(framework.Envelope(), id) + "body" + variant +
		"MAIL FROM:<" + t.Cfg.Sender + ">\r\nRCPT TO:<" + mbx + ">\r\nDATA\r\n" +
		scenarios.Headers(framework.Envelope(), "SMUGGLED "+id) + "x\r\n"
	endOfDataProbe(t, s, payload)
}

// smuggleRow is one end-of-data look-alike of the smuggling table.
func smuggleRow(id, name, lookalike string) framework.Row[string] {
	return framework.Row[string]{
		Req:  framework.Requirement{ID: id, Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox}},
		Text: "does not end the data at " + name + " followed by a smuggled transaction",
		Data: lookalike,
	}
}

var _ = ginkgo.Describe("SMTP smuggling", func() {
	// RFC 5321 §2.3.8, §4.1.1.4: only <CRLF>.<CRLF> ends the mail data; a
	// bare CR or LF is not a line ending, so none of these look-alikes ends
	// it, and the transaction smuggled after one is never run
	// (CVE-2023-51764/5/6 for <LF>.<CRLF>).
	framework.Table("end-of-data look-alikes:",
		func(t *framework.T, lookalike string) { smuggleProbe(t, t.Req.ID, lookalike) },
		smuggleRow("SEC-SMUG-LF-DOT-LF", "<LF>.<LF>", "\n.\n"),
		smuggleRow("SEC-SMUG-LF-DOT-CRLF", "<LF>.<CRLF>", "\n.\r\n"),
		smuggleRow("SEC-SMUG-CRLF-DOT-LF", "<CRLF>.<LF>", "\r\n.\n"),
		smuggleRow("SEC-SMUG-CR-DOT-CR", "<CR>.<CR>", "\r.\r"),
		smuggleRow("SEC-SMUG-CR-DOT-CRLF", "<CR>.<CRLF>", "\r.\r\n"),
		// <CRLF>.<CR> followed by a byte other than LF.
		smuggleRow("SEC-SMUG-CRLF-DOT-CR", "<CRLF>.<CR>", "\r\n.\r"),
	)

	// RFC 5321 §4.5.3.1.6, §4.5.3.1.9: a data line far over the 1000-octet
	// limit may be refused, but the server handles it: one reply, no crash,
	// no pieces of it read as commands.
	framework.It(framework.Requirement{
		ID: "SEC-HUGE-DATA-LINE", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "gives exactly one reply to a message holding a 1 MiB line", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		body := scenarios.Headers(framework.Envelope(), "SEC-HUGE-DATA-LINE") + strings.Repeat("x", 1<<20)
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
			// A close without a refusal: a defence RFC 5321 §7.8 tolerates
			// (catalogue §17.20), not a second reply.
			t.Warnf(framework.Finding{Sent: sent, Expected: "one reply (RFC 5321 §4.5.3.1.9)",
				Actual: r.String(), Detail: fmt.Sprintf("the server closed the connection during the long line, without refusing it: %v", err)})
			return
		}
		werr := s.TrySendRaw([]byte("\r\n.\r\n"), "DATA-END")
		r, err := s.TryRead()
		if err != nil {
			// The server dropped the connection over the long line, after
			// the body was written: no reply at all.
			t.Warnf(framework.Finding{Sent: sent, Expected: "one reply (RFC 5321 §4.5.3.1.9)", Actual: err.Error(),
				Detail: fmt.Sprintf("the server closed the connection without replying to the long line (write: %v); RFC 5321 §7.8 tolerates a defensive close", werr)})
			return
		}
		t.Expect(s, r, framework.Expectation{Pass: "250 4yz 5yz", Why: "RFC 5321 §4.5.3.1.9: the long line may be refused, with one reply"})
		if werr != nil {
			// One reply, then a close before the terminator went out
			// (catalogue §17.20): refused, and not split into several replies.
			return
		}
		// The replies after the first are counted up to QUIT's 221 and
		// judged as for an end-of-data look-alike: a refusal followed only
		// by refusals ran nothing (a server that refuses the line, then
		// refuses the rest of it as a command and closes, is safe); a 2yz
		// or 3yz after the first reply answered a piece of the line.
		a := s.QuitAndCount()
		a.Replies = append([]framework.Reply{r}, a.Replies...)
		judgeDataEnd(t, sent+", then QUIT", a)
	})
})
