package core

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// Octet counts of the DATA limits.
const (
	// textLineOctets: RFC 5321 §4.5.3.1.6, a text line may be 1000 octets
	// including CRLF, so 998 before it.
	textLineOctets = 998
	// minContentOctets: RFC 5321 §4.5.3.1.7, a server must take message
	// content of at least 64K octets.
	minContentOctets = 64 << 10
)

// sendMessage sends a small test message after a 354 and reads the reply to
// the final dot.
func sendMessage(s *framework.Session, id string) framework.Reply {
	s.SendRaw(scenarios.MessageData(framework.Envelope(), id, "smtpspec test message\r\n", false), "DATA-END")
	return s.Read()
}

var _ = ginkgo.Describe("DATA", func() {
	// RFC 5321 §3.3, §4.1.1.4: with at least one accepted recipient, DATA
	// gets 354, and the lines after it are mail data up to <CRLF>.<CRLF>,
	// not commands.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-data-354", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers DATA with 354 and takes a NOOP line after it as data", func(t *framework.T) {
		s := t.Transaction()
		r := s.Cmd("DATA")
		t.Expect(s, r, framework.Expectation{Pass: "354", Why: "RFC 5321 §3.3, §4.3.2: DATA after an accepted RCPT gets 354"})
		// The data and its end in one write; then the replies are counted
		// up to QUIT's 221: one for the message, none for the NOOP line.
		s.SendRaw([]byte(scenarios.Headers(framework.Envelope(), "RFC5321-3.3-data-354")+"NOOP\r\n.\r\n"), "DATA-END")
		sent := s.LastSent()
		a := s.Account()
		if len(a.Replies) != 1 {
			t.Violation(framework.Finding{Sent: sent, Actual: a.String(),
				Expected: "one reply, to the end of the data, then 221 to QUIT (RFC 5321 §3.3: after the 354 every line up to <CRLF>.<CRLF> is mail data)",
				Detail:   fmt.Sprintf("%d replies before QUIT's: the NOOP line was answered as a command", len(a.Replies))})
		}
		t.Checked()
	})

	// RFC 5321 §3.3: the client sends no data unless it got 354, so after a
	// refused DATA the server stays in command mode.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.3-data-refused-stays-command-mode", Commands: []string{"DATA"},
	}, "answers a header line after a refused DATA as a command, then NOOP with 250", func(t *framework.T) {
		s := t.Greeted()
		s.Setup("DATA", "5yz") // no MAIL: 503 or 554 (RFC5321-3.3-data-without-mail judges which)
		header := "Subject: smtpspec RFC5321-3.3-data-refused-stays-command-mode"
		if !s.Ehlo.Lists("PIPELINING") {
			// Without PIPELINING the suite sends one line and waits for its
			// reply: a server that took it as data would give none, which
			// ends the spec as ERROR (no verdict from a timeout).
			r, err := s.Try(header)
			if err != nil {
				t.Errorf("the server closed the connection after %s: %v", s.LastSent(), err)
			}
			refusedDataLine(t, r)
			t.Expect(s, s.Cmd("NOOP"), framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.1.9: in command mode NOOP gets 250"})
			return
		}
		// With PIPELINING (RFC 2920 §3.1: commands may go in one write), the
		// header line and a lone dot go together, and the replies are
		// counted up to QUIT's 221: in command mode each line gets one; a
		// server that took them as mail data answers once, at the dot.
		s.SendRaw([]byte(header+"\r\n.\r\n"), "")
		sent := s.LastSent()
		a := s.Account()
		if len(a.Replies) == 0 {
			t.Errorf("the server closed the connection without a reply to %s", sent)
		}
		if refusedDataLine(t, a.Replies[0]) {
			return
		}
		if len(a.Replies) < 2 && !a.Closed {
			t.Violation(framework.Finding{Sent: sent + ", then QUIT", Actual: a.String(),
				Expected: "a reply to each line (they are commands: no 354 came, RFC 5321 §3.3), then 221 to QUIT",
				Detail:   "one reply to the two lines: the server took them as mail data after refusing DATA"})
		}
		t.Checked()
	})

	// RFC 5321 §4.1.1.4: the mail data ends only at <CRLF>.<CRLF>, and the
	// server replies only once the whole sequence has arrived.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.4-eod-crlf-dot-crlf", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers data ending in <CRLF>. and, after a pause, CRLF with one reply", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		s.SendRaw([]byte(scenarios.Headers(framework.Envelope(), "RFC5321-4.1.1.4-eod-crlf-dot-crlf")+"body\r\n."), "")
		// The pause gives a server that ends the data at "<CRLF>." the
		// chance to do so; the verdict comes from the replies counted, not
		// from the pause: such a server reads the final CRLF as an empty
		// command and answers it too.
		s.Pause()
		s.SendRaw([]byte("\r\n"), "DATA-END")
		a := s.Account()
		if len(a.Replies) != 1 {
			t.Violation(framework.Finding{Sent: "mail data ending in \"\\r\\n.\", then after a pause \"\\r\\n\"", Actual: a.String(),
				Expected: "one reply, after the CRLF that completes <CRLF>.<CRLF>, then 221 to QUIT (RFC 5321 §4.1.1.4)",
				Detail:   fmt.Sprintf("%d replies before QUIT's: the server ended the data before the final CRLF and answered that CRLF as a command", len(a.Replies))})
		}
		t.Checked()
	})

	// RFC 5321 §4.1.1.4: the bare-LF sequence <LF>.<LF> is not the end of
	// the mail data.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.4-lf-dot-lf-not-eod", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers data holding <LF>.<LF> and a NOOP line with one reply", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		endOfDataProbe(t, s, scenarios.Headers(framework.Envelope(), "RFC5321-4.1.1.4-lf-dot-lf-not-eod")+"x\n.\nNOOP\r\n")
	})

	// RFC 5321 §4.5.2: a line of more than one character starting with a
	// period has its first period removed, so "..", "..." and "..hidden"
	// are data, and only a lone "." ends it. (That the delivered lines are
	// unstuffed needs SINK: RFC5321-4.5.2-dot-unstuffing.)
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.2-dot-stuffing-wire", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "takes a message with dot-stuffed lines with one reply, then NOOP with 250", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		s.SendRaw(scenarios.MessageData(framework.Envelope(), "RFC5321-4.5.2-dot-stuffing-wire", "..hidden\r\n...\r\n..\r\nafter the stuffed lines\r\n", true), "DATA-END")
		r := s.Read()
		t.Expect(s, r, framework.Expectation{Pass: "250", Warn: "4yz", Why: "RFC 5321 §4.5.2: the stuffed lines are data and the message is complete"})
		r = s.Cmd("NOOP")
		t.Expect(s, r, framework.Expectation{Pass: "250",
			Why: "RFC 5321 §4.5.2: the data ended only at the final <CRLF>.<CRLF>, so nothing after \"..\" was read as a command"})
	})

	// RFC 5321 §4.5.3.1.6: a text line of 1000 octets, CRLF included and a
	// stuffed dot not counted, must be received.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.6-text-line-1000", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "takes a message with a 998-octet line and a stuffed 998-octet line", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		body := strings.Repeat("x", textLineOctets) + "\r\n" + ".." + strings.Repeat("y", textLineOctets-1) + "\r\n"
		s.SendRaw(scenarios.MessageData(framework.Envelope(), "RFC5321-4.5.3.1.6-text-line-1000", body, true), "DATA-END")
		r := s.Read()
		t.Expect(s, r, framework.Expectation{Pass: "250", Warn: "4yz", Why: "RFC 5321 §4.5.3.1.6: 1000-octet text lines must be received"})
	})

	// RFC 5321 §4.5.3.1.7: message content of at least 64K octets must be
	// accepted, so an advertised SIZE below 65536 contradicts it too.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.7-content-64k", Commands: []string{"EHLO", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "takes a 65,536-octet message", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Dial()
		ehlo := s.Setup("EHLO "+t.Cfg.Helo, "250")
		for _, l := range ehlo.Lines[1:] {
			f := strings.Fields(l)
			if len(f) == 2 && strings.EqualFold(f[0], "SIZE") {
				if n, err := strconv.ParseInt(f[1], 10, 64); err == nil && n > 0 && n < minContentOctets {
					t.Violation(framework.Finding{Sent: s.LastSent(), Actual: ehlo.String(),
						Expected: "no SIZE, SIZE 0, or SIZE of at least 65536 (RFC 5321 §4.5.3.1.7, RFC 1870 §3)",
						Detail:   fmt.Sprintf("the server advertises a size limit of %d octets, below the 64K minimum", n)})
				}
			}
		}
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		s.Setup("DATA", "354")
		s.SendRaw([]byte(content64K("RFC5321-4.5.3.1.7-content-64k")+".\r\n"), "DATA-END")
		r := s.Read()
		t.Expect(s, r, framework.Expectation{Pass: "250", Warn: "4yz", Why: "RFC 5321 §4.5.3.1.7: 64K octets of content must be accepted"})
	})

	// RFC 5321 §4.1.1.4: after the end of the data the server sends exactly
	// one reply, 250 or a failure, even for several recipients (no partial
	// acceptance outside LMTP).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.4-single-final-reply", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "gives one reply to a message for two recipients", func(t *framework.T) {
		s := t.Transaction()
		// A second, different recipient: postmaster of the mailbox's domain,
		// which RFC 5321 §4.5.1 requires to exist. A server need not keep a
		// duplicate recipient, so the mailbox is not given twice.
		second := "postmaster@" + t.Cfg.Domain()
		if r, err := s.Try("RCPT TO:<" + second + ">"); err != nil || (r.Code != 250 && r.Code != 251) {
			t.NotApplicable("needs two accepted recipients; RCPT TO:<%s> got %s", second, r)
		}
		s.Setup("DATA", "354")
		s.SendRaw(scenarios.MessageData(framework.Envelope(), "RFC5321-4.1.1.4-single-final-reply", "smtpspec test message\r\n", false), "DATA-END")
		sent := s.LastSent()
		a := s.Account()
		if len(a.Replies) != 1 {
			t.Violation(framework.Finding{Sent: sent, Actual: a.String(),
				Expected: "one reply to the end of the data, then 221 to QUIT (RFC 5321 §4.1.1.4, §4.2)",
				Detail:   fmt.Sprintf("%d replies before QUIT's: the server sent more than one reply to the end of the data", len(a.Replies))})
		}
		t.Checked()
	})

	// RFC 5321 §4.1.1.4: processing the end of the data clears the
	// reverse-path, forward-path and mail data buffers.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1.4-buffers-cleared", Commands: []string{"DATA", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT after a finished message with 503, then DATA with 503 or 554", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		sendMessage(s, "RFC5321-4.1.1.4-buffers-cleared")
		r := s.Cmd("RCPT TO:<" + t.Mailbox() + ">")
		t.Expect(s, r, framework.Expectation{Pass: "503", Warn: "4yz 5yz", Why: "RFC 5321 §4.1.1.4, §3.3: no MAIL is in effect after the message"})
		r = s.Cmd("DATA")
		t.Expect(s, r, framework.Expectation{Pass: "503 554", Warn: "4yz 5yz", Why: "RFC 5321 §4.1.1.4, §3.3: no transaction is in effect after the message"})
	})

	// RFC 5321 §4.1.1, §4.3.2: DATA takes no argument, so one gets 501
	// (catalogue §17.24: many servers ignore it, WARN).
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.1-data-args-501", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers DATA with an argument with 501", func(t *framework.T) {
		s := t.Transaction()
		r := s.Cmd("DATA now")
		t.Expect(s, r, framework.Expectation{Pass: "501", Why: "RFC 5321 §4.1.1: DATA has no parameters, so the argument is a syntax error"})
		if r.Code == 354 {
			sendMessage(s, "RFC5321-4.1.1-data-args-501")
		}
	})
})

// content64K returns message content of exactly 64K octets (RFC 5321
// §4.5.3.1.7) for the requirement id: a Subject, a blank line and lines of
// 76 octets.
func content64K(id string) string {
	var b strings.Builder
	b.WriteString(scenarios.Headers(framework.Envelope(), id))
	line := strings.Repeat("x", 74) + "\r\n"
	for minContentOctets-b.Len() >= len(line)+2 {
		b.WriteString(line)
	}
	b.WriteString(strings.Repeat("x", minContentOctets-b.Len()-2) + "\r\n")
	return b.String()
}

// refusedDataLine takes the reply to a header line sent after a refused
// DATA as the sign that the line was read as a command; it returns true
// when the server ended the session with 221, which RFC 5321 §7.8 allows
// against a client that sends header lines as commands (Postfix does;
// catalogue §17.17).
func refusedDataLine(t *framework.T, r framework.Reply) bool {
	// Any reply to the line shows it was read as a command: in mail data
	// no line is answered before the end of the data. Which reply an
	// unknown command gets (500, RFC 5321 §4.2.4) is RFC5321-3.8-unknown-
	// cmd-500's requirement, not this one's.
	t.Checked()
	return r.Code == 221
}
