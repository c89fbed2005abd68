// Package chunking holds the specs of CHUNKING and BINARYMIME (RFC 3030):
// BDAT chunks and their replies, the chunk octets a refused BDAT must still
// read, DATA and BDAT not mixed in one transaction, the BDAT grammar, and
// BDAT framing against smuggling (SEC-SMUG-BDAT-BOUNDARY, SEC-BDAT-DESYNC).
//
// A BDAT line and its chunk always go out in one write: the client does not
// wait for a reply before the chunk (RFC 3030 §2). Chunks that must not be
// run as commands are made of whole command lines, so that a server that
// runs them answers each, and the replies are counted up to QUIT's 221.
package chunking

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

func init() {
	// RFC 3030 §2: 250 for a chunk taken; 503 for a BDAT out of sequence;
	// any 4yz or 5yz once the chunk has been read.
	framework.RegisterReplies("BDAT", "250 503 4yz 5yz", "RFC3030-2-bdat-chunk-250")
}

var mbxOnly = []framework.Need{framework.NeedMailbox}

// bdatLine returns a BDAT command for chunk, with its octets after the CRLF.
func bdatLine(chunk string, last bool) []byte {
	line := fmt.Sprintf("BDAT %d", len(chunk))
	if last {
		line += " LAST"
	}
	return []byte(line + "\r\n" + chunk)
}

// bdat sends a BDAT and its chunk in one write and reads the reply.
func bdat(s *framework.Session, chunk string, last bool) framework.Reply {
	s.SendRaw(bdatLine(chunk, last), "BDAT")
	return s.Read()
}

// setupBdat sends a chunk that the spec needs taken: anything but 250 means
// the requirement cannot be tested here.
func setupBdat(t *framework.T, s *framework.Session, chunk string, last bool) {
	if r := bdat(s, chunk, last); r.Code != 250 {
		t.Policy(r)
		t.Errorf("precondition %s answered %s, needed 250", s.LastSent(), r)
	}
}

// message returns a small test message for requirement id, as BDAT sends
// it: no dot-stuffing, no terminator (RFC 3030 §2).
func message(id string) string {
	return scenarios.Headers(framework.Envelope(), id) + "smtpspec conformance test message, sent in BDAT chunks.\r\n"
}

// arbitraryLine returns n octets of every value but CR and LF, starting
// with NUL and 0xFF.
func arbitraryLine(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*73 + 255)
		if b[i] == '\r' || b[i] == '\n' {
			b[i] = 0xff
		}
	}
	b[0] = 0
	return b
}

// mailboxDomain returns the domain of the configured mailbox.
func mailboxDomain(t *framework.T) string {
	mbx := t.Mailbox()
	return mbx[strings.LastIndexByte(mbx, '@')+1:]
}

// onlyOneReply judges the replies counted after a stimulus whose chunk must
// not have been run as commands: exactly one reply, of a class in classes,
// then QUIT's 221 (or a close, RFC 5321 §7.8).
func onlyOneReply(t *framework.T, s *framework.Session, a framework.Accounting, classes framework.CodeSet, expected string) {
	switch {
	case len(a.Replies) == 0:
		t.Errorf("the server closed the connection without answering %s", s.LastSent())
	case len(a.Replies) > 1:
		t.Violation(framework.Finding{Sent: s.LastSent() + ", then QUIT", Actual: a.String(), Expected: expected,
			Detail: fmt.Sprintf("%d replies before QUIT's: the chunk's octets were read as commands (%s)", len(a.Replies), a.Codes())})
	case !classes.Has(a.Replies[0].Code):
		t.Policy(a.Replies[0])
		t.Violation(framework.Finding{Sent: s.LastSent(), Actual: a.String(), Expected: expected,
			Detail: fmt.Sprintf("the BDAT got %d", a.Replies[0].Code)})
	default:
		t.Checked()
	}
}

var _ = ginkgo.Describe("CHUNKING", func() {
	// RFC 3030 §2(5): DATA stays available, also in a session that has
	// sent a message with BDAT.
	framework.It(framework.Requirement{
		ID: "RFC3030-2-data-still-supported", Commands: []string{"BDAT", "DATA"}, Needs: mbxOnly,
	}, "takes a message through DATA after one through BDAT", func(t *framework.T) {
		s := t.Transaction()
		setupBdat(t, s, message(t.Req.ID), true)
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RCPT TO:<"+t.Mailbox()+">", "250 251")
		t.Expect(s, s.Cmd("DATA"), framework.Expectation{Pass: "354", Why: "RFC 3030 §2(5): a server that offers BDAT MUST continue to support DATA"})
		s.SendRaw(scenarios.MessageData(framework.Envelope(), t.Req.ID, "smtpspec test message\r\n", false), "DATA-END")
		t.Expect(s, s.Read(), framework.Expectation{Pass: "250", Why: "RFC 3030 §2(5), RFC 5321 §4.1.1.4: the message is taken"})
	})

	// RFC 3030 §2: each chunk that is taken gets 250.
	framework.It(framework.Requirement{
		ID: "RFC3030-2-bdat-chunk-250", Commands: []string{"BDAT"}, Needs: mbxOnly,
	}, "answers each of two chunks with 250", func(t *framework.T) {
		s := t.Transaction()
		msg := message(t.Req.ID)
		half := len(msg) / 2
		want := framework.Expectation{Pass: "250", Why: "RFC 3030 §2: a 250 response MUST be sent to each successful BDAT data block"}
		t.Expect(s, bdat(s, msg[:half], false), want)
		t.Expect(s, bdat(s, msg[half:], true), want)
	})

	// RFC 3030 §2: the last chunk may be empty.
	framework.It(framework.Requirement{
		ID: "RFC3030-2-bdat-zero-last", Commands: []string{"BDAT"}, Needs: mbxOnly,
	}, "ends a chunked message with BDAT 0 LAST and answers 250", func(t *framework.T) {
		s := t.Transaction()
		setupBdat(t, s, message(t.Req.ID), false)
		t.Expect(s, bdat(s, "", true), framework.Expectation{Pass: "250", Why: "RFC 3030 §2: the last BDAT MAY have a byte-count of zero; a successful chunk gets 250"})
	})

	// RFC 3030 §2: a BDAT after BDAT LAST gets 503, and its chunk is read.
	framework.It(framework.Requirement{
		ID: "RFC3030-2-bdat-after-last-503", Commands: []string{"BDAT"}, Needs: mbxOnly,
	}, "answers a BDAT after BDAT LAST with 503 and reads its chunk", func(t *framework.T) {
		s := t.Transaction()
		setupBdat(t, s, message(t.Req.ID), true)
		r := bdat(s, "NOOP\r\n", false)
		t.Expect(s, r, framework.Expectation{Pass: "503", Why: "RFC 3030 §2: any BDAT command sent after the BDAT LAST MUST be replied to with 503"})
		a := s.QuitAndCount()
		if len(a.Replies) > 0 {
			t.Violation(framework.Finding{Sent: "BDAT 6 with the chunk \"NOOP\\r\\n\", then QUIT", Actual: a.String(),
				Expected: "no reply before QUIT's 221 (RFC 3030 §2: the chunk of a failed BDAT is read and discarded)",
				Detail:   "the chunk was read as a command"})
		}
	})

	// RFC 3030 §2: a BDAT refused for want of a transaction still has its
	// chunk read: its two NOOP lines are data, never commands.
	framework.It(framework.Requirement{
		ID: "RFC3030-2-failed-bdat-consumes-chunk", Commands: []string{"BDAT", "NOOP"},
	}, "reads the chunk of a BDAT sent without MAIL instead of running it as commands", func(t *framework.T) {
		s := t.Greeted()
		s.SendRaw(bdatLine("NOOP\r\nNOOP\r\n", false), "BDAT")
		onlyOneReply(t, s, s.Account(), "4yz 5yz",
			"one 4yz or 5yz reply for the BDAT, then 221 to QUIT (RFC 3030 §2: the receiver MUST accept and discard the message data before sending the 5XX or 4XX)")
	})

	// RFC 3030 §2: the same, for a BDAT in a transaction whose only
	// recipient was refused; the chunk holds commands that, run, would be
	// answered.
	framework.It(framework.Requirement{
		ID: "SEC-BDAT-DESYNC", Commands: []string{"MAIL", "RCPT", "BDAT"}, Needs: mbxOnly,
	}, "reads the chunk of a BDAT sent with no accepted recipient instead of running it as commands", func(t *framework.T) {
		domain := mailboxDomain(t)
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		if r := s.Cmd("RCPT TO:<smtpspec-no-such-user-3030@" + domain + ">"); r.Class() == 2 {
			t.NotApplicable("the server accepted an unknown recipient (%s), so no transaction without a valid recipient can be made", r)
		}
		s.SendRaw(bdatLine("RSET\r\nNOOP\r\n", true), "BDAT")
		onlyOneReply(t, s, s.Account(), "4yz 5yz",
			"one 4yz or 5yz reply for the BDAT, then 221 to QUIT (RFC 3030 §2: the chunk of a failed BDAT is read and discarded, never run)")
	})

	// RFC 3030 §2: with PIPELINING, chunks already sent after a failed BDAT
	// are read and discarded too.
	framework.It(framework.Requirement{
		ID: "RFC3030-2-pipelined-chunks-discarded", Commands: []string{"BDAT"},
	}, "reads and refuses a second BDAT pipelined after a failed one", func(t *framework.T) {
		s := t.Greeted()
		s.Require("PIPELINING")
		s.SendRaw(append(bdatLine("NOOP\r\n", false), bdatLine("NOOP\r\n", true)...), "BDAT")
		a := s.Account()
		expected := "two 4yz or 5yz replies, one per BDAT, then 221 to QUIT (RFC 3030 §2: chunks in the pipeline after a failed BDAT are accepted and discarded)"
		switch {
		case len(a.Replies) == 0:
			t.Errorf("the server closed the connection without answering %s", s.LastSent())
		case len(a.Replies) != 2:
			t.Violation(framework.Finding{Sent: s.LastSent() + ", then QUIT", Actual: a.String(), Expected: expected,
				Detail: fmt.Sprintf("%d replies before QUIT's (%s): the pipelined chunk was lost or its octets were run as commands", len(a.Replies), a.Codes())})
		case a.Replies[0].Class() < 4 || a.Replies[1].Class() < 4:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: a.String(), Expected: expected,
				Detail: "a BDAT sent with no mail transaction was taken"})
		default:
			t.Checked()
		}
	})

	// RFC 3030 §2: DATA after BDAT in one transaction gets 503.
	framework.It(framework.Requirement{
		ID: "RFC3030-2-data-after-bdat-503", Commands: []string{"BDAT", "DATA"}, Needs: mbxOnly,
	}, "answers DATA after a BDAT chunk of the same transaction with 503", func(t *framework.T) {
		s := t.Transaction()
		setupBdat(t, s, message(t.Req.ID), false)
		t.Expect(s, s.Cmd("DATA"), framework.Expectation{Pass: "503", Why: "RFC 3030 §2: if a DATA statement is issued after a BDAT for the current transaction, a 503 MUST be issued"})
	})

	// RFC 3030 §2: RSET between chunks clears the transaction, so the next
	// one may use DATA.
	framework.It(framework.Requirement{
		ID: "RFC3030-2-rset-discards-chunks", Commands: []string{"BDAT", "RSET", "DATA"}, Needs: mbxOnly,
	}, "forgets the chunks of a transaction on RSET: the next transaction's DATA gets 354", func(t *framework.T) {
		s := t.Transaction()
		setupBdat(t, s, message(t.Req.ID), false)
		s.Setup("RSET", "250")
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RCPT TO:<"+t.Mailbox()+">", "250 251")
		r := s.Cmd("DATA")
		t.Expect(s, r, framework.Expectation{Pass: "354", Why: "RFC 3030 §2: RSET after the first BDAT clears all segments of that transaction; a new transaction may use DATA"})
		if r.Code == 354 {
			s.SendRaw(scenarios.MessageData(framework.Envelope(), t.Req.ID, "smtpspec test message\r\n", false), "DATA-END")
			s.Read()
		}
	})

	// RFC 3030 §2, bdat-cmd: the chunk size is 1*DIGIT. Each malformed
	// line holds no digit, so no server can take a size from it and wait
	// for a chunk (Exim reads "BDAT -1" as a huge size and waits: a
	// verdict would rest on silence). Each goes to a session of its own: a
	// server that cannot tell where the chunk ends may refuse and close
	// (Postfix answers 521 and closes; RFC 5321 §7.8).
	framework.It(framework.Requirement{
		ID: "RFC3030-2-bdat-syntax", Commands: []string{"BDAT", "RSET"}, Needs: mbxOnly,
	}, "refuses BDAT lines whose chunk size is missing or not digits with 501", func(t *framework.T) {
		for _, line := range []string{"BDAT", "BDAT x", "BDAT LAST"} {
			s := t.Transaction()
			r := s.Cmd(line)
			t.Expect(s, r, framework.Expectation{Pass: "501", Warn: "500 5yz",
				Why: "RFC 3030 §2: chunk-size ::= 1*DIGIT; a malformed argument is a syntax error (RFC 5321 §4.2.4: 501)"})
			// RFC 3030 §2: after a failed BDAT the client sends RSET.
			if r, err := s.Try("RSET"); err == nil {
				t.Expect(s, r, framework.Expectation{Pass: "250", Why: "RFC 5321 §4.1.1.5: the session goes on after the refused line (or the server closes it, RFC 5321 §7.8)"})
				s.Try("QUIT") // end the session before the next one
			}
			s.Conn().Close()
		}
	})

	// RFC 3030 §2 (Note): a line of arbitrary octets where a command is
	// expected is received, processed and rejected. The line holds every
	// octet value but CR and LF (a bare CR or LF is another rule's:
	// SEC-BARE-CR-COMMAND, SEC-BARE-LF-COMMAND).
	framework.It(framework.Requirement{
		ID: "RFC3030-2-parser-arbitrary-octets", Commands: []string{"QUIT"},
	}, "rejects a command line of arbitrary octets and goes on", func(t *framework.T) {
		s := t.Greeted()
		s.SendRaw(append(arbitraryLine(200), '\r', '\n'), "")
		a := s.Account()
		expected := "a 5yz reply rejecting the line, then 221 to QUIT (RFC 3030 §2: parsers MUST be prepared to receive, process, and reject lines of arbitrary octets)"
		if len(a.Replies) == 0 {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: a.String(), Expected: expected,
				Detail: "the server closed the connection without rejecting the line"})
		}
		for _, r := range a.Replies {
			if r.Class() == 2 || r.Class() == 3 {
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: a.String(), Expected: expected,
					Detail: fmt.Sprintf("the line of arbitrary octets got %d, a reply that does not reject it", r.Code)})
			}
		}
		t.Policy(a.Replies[0])
		t.Checked()
	})

	// SMTP smuggling through BDAT: a chunk that holds an end-of-data
	// look-alike and a second transaction is one message.
	framework.It(framework.Requirement{
		ID: "SEC-SMUG-BDAT-BOUNDARY", Commands: []string{"BDAT"}, Needs: mbxOnly,
	}, "takes a chunk holding <CRLF>.<CRLF> and a smuggled transaction as one message", func(t *framework.T) {
		s := t.Transaction()
		chunk := scenarios.Headers(framework.Envelope(), t.Req.ID) + "body\r\n.\r\n" +
			"MAIL FROM:<" + t.Cfg.Sender + ">\r\nRCPT TO:<" + t.Mailbox() + ">\r\nDATA\r\n" +
			"Subject: SMUGGLED " + t.Req.ID + "\r\n\r\nx\r\n.\r\n"
		s.SendRaw(bdatLine(chunk, true), "BDAT")
		onlyOneReply(t, s, s.Account(), "2yz 4yz 5yz",
			"one reply for the chunk, then 221 to QUIT (RFC 3030 §2: only the octet count ends a chunk; RFC 5321 §4.1.1.4 has no meaning inside it)")
	})
})

var _ = ginkgo.Describe("BINARYMIME", func() {
	// RFC 3030 §3(3): BINARYMIME goes with CHUNKING.
	framework.It(framework.Requirement{
		ID: "RFC3030-3-binarymime-needs-chunking", Commands: []string{"EHLO"},
	}, "lists CHUNKING wherever it lists BINARYMIME", func(t *framework.T) {
		s := t.Greeted()
		if !s.Has("CHUNKING") {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
				Expected: "CHUNKING in the EHLO reply (RFC 3030 §3(3): BINARYMIME can only be used with CHUNKING)",
				Detail:   "the EHLO reply lists BINARYMIME but not CHUNKING"})
		}
		t.Checked()
	})

	// RFC 3030 §3: a message labelled binary but sent without
	// BODY=BINARYMIME (its content is 7-bit) is accepted at the SMTP level.
	framework.It(framework.Requirement{
		ID: "RFC3030-3-binary-cte-without-binarymime", Commands: []string{"DATA"}, Needs: mbxOnly,
	}, "accepts through DATA a message whose header says Content-Transfer-Encoding: binary", func(t *framework.T) {
		s := t.Transaction()
		s.Setup("DATA", "354")
		headers := strings.TrimSuffix(scenarios.Headers(framework.Envelope(), t.Req.ID), "\r\n") +
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: binary\r\n\r\n"
		s.SendRaw([]byte(headers+"smtpspec test message, 7-bit text labelled binary.\r\n.\r\n"), "DATA-END")
		t.Expect(s, s.Read(), framework.Expectation{Pass: "250",
			Why: "RFC 3030 §3: a message with a binary content-transfer-encoding and no BODY=BINARYMIME MUST be accepted"})
	})

	// RFC 3030 §3: DATA after BODY=BINARYMIME gets 503.
	framework.It(framework.Requirement{
		ID: "RFC3030-3-binarymime-data-503", Commands: []string{"MAIL", "DATA"}, Needs: mbxOnly,
	}, "answers DATA after MAIL ... BODY=BINARYMIME with 503", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+"> BODY=BINARYMIME", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		t.Expect(s, s.Cmd("DATA"), framework.Expectation{Pass: "503", Why: "RFC 3030 §3: DATA after a MAIL with BODY=BINARYMIME MUST get 503"})
	})
})
