package core

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// headerRecipients is the number of addresses the Cc: field of the
// header-recipients spec lists: more than the 100 recipients RFC 5321
// §4.5.3.1.8 has a server take in one transaction.
const headerRecipients = 150

// ccField returns a Cc: field listing headerRecipients addresses of the
// documentation domain example.net (RFC 2606), folded at every address.
func ccField() string {
	addrs := make([]string, headerRecipients)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("<cc%03d@example.net>", i+1)
	}
	return "Cc: " + strings.Join(addrs, ",\r\n\t") + "\r\n"
}

// controlText is a body line holding every ASCII control character but
// NUL, CR and LF (RFC 5321 §4.1.1.4, §4.5.2: the mail data may hold any of
// the 128 ASCII codes), between printable words.
func controlText() string {
	var b strings.Builder
	b.WriteString("controls:")
	for c := byte(1); c < 0x20; c++ {
		if c != '\r' && c != '\n' {
			b.WriteByte(c)
		}
	}
	b.WriteByte(0x7f)
	b.WriteString(":end\r\n")
	return b.String()
}

// deliverBody is deliver with the given body (CRLF-terminated lines, not yet
// dot-stuffed) instead of the suite's one-line body.
func deliverBody(t *framework.T, s *framework.Session, fields, body string) framework.Reply {
	s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
	s.Setup("RCPT TO:<"+t.Mailbox()+">", "250 251")
	s.Setup("DATA", "354")
	s.SendRaw([]byte(fields+scenarios.Headers(framework.Envelope(), t.Req.ID)+scenarios.Stuff(body)+".\r\n"), "DATA-END")
	return s.Read()
}

var _ = ginkgo.Describe("Empty mail data", func() {
	// RFC 5321 §4.1.1.4: with no mail data, the CRLF of DATA is the first
	// CRLF of <CRLF>.<CRLF>, so a lone "." right after the 354 ends the
	// data. The server may take the empty message or refuse it; it must not
	// read on as data.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.4-empty-content", Commands: []string{"DATA", "NOOP"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "ends the data at a lone \".\" right after the 354", func(t *framework.T) {
		judgeEnd := func(r framework.Reply) {
			if r.Class() != 2 && r.Class() != 5 {
				t.Policy(r)
				t.Errorf("the empty message got %s, neither taken nor refused", r)
			}
			t.Checked()
		}
		// alone sends the dot by itself and waits for its reply: a server
		// that took the dot for data gives none, which ends the spec as
		// ERROR (no verdict from a timeout).
		alone := func() {
			s := t.Transaction()
			defer connQuit(s)
			s.Setup("DATA", "354")
			s.SendRaw([]byte(".\r\n"), "DATA-END")
			judgeEnd(s.Read())
		}
		s := t.Transaction()
		if !s.Ehlo.Lists("PIPELINING") {
			connQuit(s)
			alone()
			return
		}
		s.Setup("DATA", "354")
		// RFC 2920 §3.1: with PIPELINING the commands after the end of the
		// data may go in the same write: the dot, a second dot and NOOP.
		// Ending the data at the first dot, the server answers it, the
		// second dot (an unknown command: 5yz) and NOOP; taking the first
		// dot for data, it answers the second dot (the end of a message
		// holding one empty line) and NOOP (250), two replies in all.
		s.SendRaw([]byte(".\r\n.\r\nNOOP\r\n"), "DATA-END")
		sent := s.LastSent()
		a := s.Account()
		switch {
		case len(a.Replies) == 2 && a.Replies[1].Code == 250:
			t.Violation(framework.Finding{Sent: sent, Actual: a.String(),
				Expected: "a reply to the lone dot (250 or a refusal), one to the second dot (an unknown command), 250 to NOOP, then 221 (RFC 5321 §4.1.1.4: with no mail data the CRLF of DATA begins <CRLF>.<CRLF>)",
				Detail:   "two replies, the second 250 to NOOP: the server took the dot right after the 354 for mail data, and ended the data at the second dot"})
		case len(a.Replies) >= 2:
			// The second dot was answered as a command (or refused, as
			// Exim's "554 SMTP synchronization error"), so the first ended
			// the data.
			judgeEnd(a.Replies[0])
		case len(a.Replies) == 1:
			// The lines after the end of the data were discarded (RFC2920-
			// 3.1-content-then-next-transaction judges that): which dot the
			// reply was for cannot be told, so ask again with the dot alone
			// (Account has sent QUIT on this session).
			alone()
		default:
			t.Errorf("the replies to \".\", \".\" and NOOP after the 354 cannot be accounted for: %s", a)
		}
	})
})

var _ = ginkgo.Describe("End of data look-alikes", func() {
	// RFC 5321 §4.1.1.4, §4.5.2: only a line of a single period ends the
	// data; ". " and ".<HT>" are mail text (their period is deleted as a
	// stuffed one). The message (". ", ".<HT>" and an RSET line) and its
	// real end go in one write, then the replies are counted up to QUIT's
	// 221: one, for the message. If more come, a control message with the
	// RSET line but no such dot line tells whether the server ends the data
	// there or answers command lines anywhere in the data (that is
	// RFC5321-3.3-data-354's violation: then this spec is ERROR).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.4-dot-whitespace-not-eod", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "does not end the data at a line \". \" or \".<HT>\"", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		s.SendRaw([]byte(scenarios.Headers(framework.Envelope(), t.Req.ID)+"smtpspec test message\r\n. \r\n.\t\r\nRSET\r\n.\r\n"), "DATA-END")
		sent := s.LastSent()
		a := s.Account()
		if len(a.Replies) > 1 {
			if c := commandsInData(t); len(c.Replies) > 1 {
				t.Errorf("the server answered %d replies, but it also answers a control message with the RSET line and no dot line with %s: it runs command lines inside the data (RFC5321-3.3-data-354 judges that), so what the dot lines did is unknown", len(a.Replies), c.Codes())
			}
			t.Violation(framework.Finding{Sent: sent, Actual: a.String(),
				Expected: "one reply, to the final <CRLF>.<CRLF>, then 221 to QUIT (RFC 5321 §4.1.1.4, §4.5.2: only a line of a single period ends the data)",
				Detail:   fmt.Sprintf("%d replies before QUIT's: a period followed by white space ended the data, and the lines after it ran as commands", len(a.Replies))})
		}
		if len(a.Replies) == 1 && a.Replies[0].Class() != 2 && a.Replies[0].Class() != 5 {
			t.Policy(a.Replies[0])
		}
		t.Checked()
	})
})

// commandsInData sends, on a session of its own, a message to the mailbox
// whose body holds an RSET line, and counts the replies up to QUIT's 221:
// more than one means the server answers command lines inside the data.
func commandsInData(t *framework.T) framework.Accounting {
	s := t.Transaction()
	s.Setup("DATA", "354")
	s.SendRaw([]byte(scenarios.Headers(framework.Envelope(), t.Req.ID)+"smtpspec control message\r\nRSET\r\n.\r\n"), "DATA-END")
	return s.Account()
}
