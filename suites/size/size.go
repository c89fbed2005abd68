// Package size holds the specs of the SIZE extension (RFC 1870): the EHLO
// keyword's parameter, the MAIL parameter SIZE=, and the size limit at the
// end of the data. Each spec is NOT APPLICABLE when SIZE is not listed.
package size

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/scenarios"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// Bounds of the specs that send a message of about the advertised size.
const (
	// maxTestedLimit: above this advertised limit the oversize specs are
	// NOT APPLICABLE rather than send that much (a run stays short).
	maxTestedLimit = 32 << 20
	// headerRoom is left under the limit for the header fields a server
	// adds and counts (Received, Return-Path ...): a message that big and
	// no bigger must be within any limit worth the name.
	headerRoom = 64 << 10
	// stuffedLines is how many dot-stuffed lines the stuffing spec sends:
	// their stuffed dots alone are more than headerRoom octets.
	stuffedLines = 80 << 10
	// minContent is RFC 5321 §4.5.3.1.7's 64K octets.
	minContent = 64 << 10
)

// advertised returns the SIZE limit of the session's EHLO reply: ok is
// false when the keyword has no parameter (no limit is announced) and the
// spec ends NOT APPLICABLE when the parameter is not a number (see
// RFC1870-3-keyword-syntax).
func advertised(t *framework.T, s *framework.Session) (limit int64, ok bool) {
	p := s.Ehlo.Params("SIZE")
	if len(p) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(p[0], 10, 64)
	if len(p) != 1 || err != nil || n < 0 {
		t.NotApplicable("the SIZE keyword's parameter %q is not a number of octets (see RFC1870-3-keyword-syntax)", strings.Join(p, " "))
	}
	return n, true
}

// fixedLimit returns the advertised limit, ending the spec NOT APPLICABLE
// when there is none (no parameter, or 0: no fixed maximum, RFC 1870 §3).
func fixedLimit(t *framework.T, s *framework.Session) int64 {
	n, ok := advertised(t, s)
	if !ok || n == 0 {
		t.NotApplicable("the server announces no fixed maximum message size (SIZE without a parameter, or SIZE 0)")
	}
	return n
}

// mailPolicy checks that the server takes a plain MAIL FROM the sender in
// this session (else the spec cannot tell a SIZE refusal from policy), and
// resets.
func mailPolicy(t *framework.T, s *framework.Session) {
	s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
	s.Setup("RSET", "250")
}

// message returns mail data for requirement id: the headers, then body
// lines up to exactly size octets of content (CRLFs included, RFC 1870 §5),
// of which the first dotted lines start with a dot (sent stuffed), then the
// terminating dot line.
func message(id string, size, dotted int) []byte {
	var b strings.Builder
	b.Grow(size + dotted + 8)
	b.WriteString(scenarios.Headers(framework.Envelope(), id))
	const dotLine = ".dotted\r\n" // 9 octets of content, 10 on the wire
	for i := 0; i < dotted && b.Len()+len(dotLine)+2 <= size; i++ {
		b.WriteString(dotLine)
	}
	line := strings.Repeat("x", 76) + "\r\n"
	for b.Len()+len(line)+2 <= size {
		b.WriteString(line)
	}
	if rest := size - b.Len(); rest >= 2 {
		b.WriteString(strings.Repeat("y", rest-2) + "\r\n")
	}
	return []byte(scenarios.Stuff(b.String()) + ".\r\n")
}

var _ = ginkgo.Describe("SIZE", func() {
	// RFC 1870 §3(3): size-param ::= [1*DIGIT].
	framework.It(framework.Requirement{
		ID: "RFC1870-3-keyword-syntax", Commands: []string{"EHLO"},
	}, "lists SIZE with no parameter or a decimal number", func(t *framework.T) {
		s := t.Greeted()
		p := s.Ehlo.Params("SIZE")
		if len(p) == 0 || (len(p) == 1 && isDigits(p[0])) {
			t.Checked()
			return
		}
		t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
			Expected: "SIZE, or SIZE followed by one decimal number (RFC 1870 §3: size-param ::= [1*DIGIT])",
			Detail:   fmt.Sprintf("the SIZE keyword has the parameter %q", strings.Join(p, " "))})
	})

	// RFC 5321 §4.5.3.1.7, RFC 1870 §3: the advertised maximum is 0 (none)
	// or at least 64K octets.
	framework.It(framework.Requirement{
		ID: "RFC1870-3-size-min-64k", Commands: []string{"EHLO"},
	}, "advertises no limit or a limit of at least 65536 octets", func(t *framework.T) {
		s := t.Greeted()
		n, ok := advertised(t, s)
		if ok && n > 0 && n < minContent {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: s.Ehlo.String(),
				Expected: "SIZE, SIZE 0, or SIZE of at least 65536 (RFC 5321 §4.5.3.1.7)",
				Detail:   fmt.Sprintf("the server announces a maximum of %d octets, below the 64K octets every server must take", n)})
		}
		t.Checked()
	})

	// RFC 1870 §7: the server must accept the extended MAIL command.
	framework.It(framework.Requirement{
		ID: "RFC1870-6-accept-size-param", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<sender> SIZE=1000, and size=1000, with 250", func(t *framework.T) {
		s := t.Greeted()
		mailPolicy(t, s)
		for _, p := range []string{"SIZE=1000", "size=1000"} { // keywords are case-insensitive (RFC 5321 §2.4)
			r := s.Cmd("MAIL FROM:<" + t.Cfg.Sender + "> " + p)
			t.Expect(s, r, framework.Expectation{Pass: "250",
				Why: "RFC 1870 §7: a server offering SIZE must accept the extended MAIL command (the same MAIL without SIZE got 250); RFC 5321 §2.4: in any case"})
			s.Setup("RSET", "250")
		}
	})

	// RFC 1870 §6.1(2), §7: a declared size above the limit gets 552.
	framework.It(framework.Requirement{
		ID: "RFC1870-6.1-declared-too-big-552", Commands: []string{"MAIL"},
	}, "answers MAIL with SIZE one octet over the advertised limit with 552", func(t *framework.T) {
		s := t.Greeted()
		n := fixedLimit(t, s)
		mailPolicy(t, s)
		r := s.Cmd(fmt.Sprintf("MAIL FROM:<%s> SIZE=%d", t.Cfg.Sender, n+1))
		t.Expect(s, r, framework.Expectation{Pass: "552", Warn: "5yz",
			Why: "RFC 1870 §6.1(2), §7: a declared size over the fixed maximum gets 552; another 5yz is tolerated (catalogue §17.20)"})
	})

	// RFC 1870 §3(4), §6: size-value ::= 1*20DIGIT, one SIZE per MAIL.
	framework.It(framework.Requirement{
		ID: "RFC1870-6-size-syntax", Commands: []string{"MAIL"},
	}, "answers MAIL with an invalid or repeated SIZE with 501", func(t *framework.T) {
		s := t.Greeted()
		mailPolicy(t, s)
		grammar := framework.Expectation{Pass: "501", Warn: "5yz",
			Why: "RFC 1870 §3(4): size-value ::= 1*20DIGIT; 501 is the syntax error, another refusal is tolerated"}
		// "Only one SIZE parameter may be specified" (§6) binds the client
		// and is no rule of the grammar: a server that takes the second
		// SIZE gets a WARN, not a FAIL.
		twice := framework.Expectation{Pass: "501", Warn: "5yz 250",
			Why: "RFC 1870 §6: only one SIZE parameter may be specified; 501 is the syntax error"}
		framework.BadParams(t, s, "MAIL FROM:<"+t.Cfg.Sender+">", []framework.BadParam{
			{Param: "SIZE=abc", Want: grammar},                        // not digits
			{Param: "SIZE=", Want: grammar},                           // no value (also outside esmtp-value)
			{Param: "SIZE=" + strings.Repeat("1", 21), Want: grammar}, // 21 digits
			{Param: "SIZE=10 SIZE=20", Want: twice},
		})
	})

	// RFC 1870 §6 NOTE: the declared size never ends the data.
	framework.It(framework.Requirement{
		ID: "RFC1870-6-size-not-end-of-data", Commands: []string{"MAIL", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "gives exactly one reply to a 600-octet message declared as SIZE=100", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+"> SIZE=100", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		s.Setup("DATA", "354")
		s.SendRaw(message("RFC1870-6-size-not-end-of-data", 600, 0), "DATA-END")
		sent := s.LastSent()
		a := s.Account()
		switch {
		case len(a.Replies) == 0:
			t.Errorf("the server closed the connection instead of answering the end of the data (%s)", a)
		case len(a.Replies) > 1:
			t.Violation(framework.Finding{Sent: sent, Actual: a.String(),
				Expected: "one reply to the end of the data (250, or 552 for a message larger than declared, RFC 1870 §6.3), then 221 to QUIT",
				Detail:   fmt.Sprintf("%d replies before QUIT's: the server ended the data after the declared 100 octets and read the rest as commands", len(a.Replies))})
		}
		t.Policy(a.Replies[0])
		t.Checked()
	})

	// RFC 1870 §4: a message over the advertised limit is refused with 552,
	// even when MAIL declared no size.
	framework.It(framework.Requirement{
		ID: "RFC1870-4-oversize-data", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "refuses a message 1024 octets over the advertised limit, sent without SIZE, with 552", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		n := fixedLimit(t, s)
		if n > maxTestedLimit {
			t.NotApplicable("the advertised limit of %d octets is above the %d octets this spec sends", n, maxTestedLimit)
		}
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		s.Setup("DATA", "354")
		werr := s.TrySendRaw(message("RFC1870-4-oversize-data", int(n)+1024, 0), "DATA-END")
		r, err := s.TryRead()
		if err != nil {
			// Catalogue §17.20: closing part-way through an oversized
			// message is tolerated, with a WARN.
			t.Warnf(framework.Finding{Sent: s.LastSent(), Actual: fmt.Sprintf("no reply (write: %v; read: %v)", werr, err),
				Expected: "552 (RFC 1870 §4)", Detail: "the server closed the connection instead of refusing the oversized message with 552"})
			return
		}
		t.Expect(s, r, framework.Expectation{Pass: "552", Warn: "5yz",
			Why: "RFC 1870 §4: a message over the advertised maximum is rejected with 552; another 5yz is tolerated (catalogue §17.20)"})
	})

	// RFC 1870 §6.3: within the accepted declared size, no 552 after the
	// data.
	framework.It(framework.Requirement{
		ID: "RFC1870-6.3-no-552-within-declared", Commands: []string{"MAIL", "DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "takes a 10000-octet message declared as SIZE=20000", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+"> SIZE=20000", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		s.Setup("DATA", "354")
		s.SendRaw(message("RFC1870-6.3-no-552-within-declared", 10000, 0), "DATA-END")
		r := s.Read()
		t.Expect(s, r, framework.Expectation{Pass: "250",
			Why: "RFC 1870 §6.3: having accepted SIZE=20000, the server should not answer a smaller message with 552"})
	})

	// RFC 1870 §5: the size counts neither stuffed dots nor the final dot.
	framework.It(framework.Requirement{
		ID: "RFC1870-5-size-counts-unstuffed", Commands: []string{"DATA"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "takes a message within the limit whose dot-stuffed form is over it", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		n := fixedLimit(t, s)
		size := n - headerRoom
		if n > maxTestedLimit || size < 2*stuffedLines*int64(len(".dotted\r\n")) {
			t.NotApplicable("the advertised limit of %d octets is outside what this spec can test (%d to %d octets)",
				n, headerRoom+2*stuffedLines*len(".dotted\r\n"), maxTestedLimit)
		}
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		s.Setup("RCPT TO:<"+mbx+">", "250 251")
		s.Setup("DATA", "354")
		// size octets of content (64K under the limit, for the header
		// fields the server adds), of which stuffedLines lines start with
		// a dot: stuffed on the wire, they take it over the limit.
		s.SendRaw(message("RFC1870-5-size-counts-unstuffed", int(size), stuffedLines), "DATA-END")
		r := s.Read()
		t.Expect(s, r, framework.Expectation{Pass: "250",
			Why: fmt.Sprintf("RFC 1870 §5: the message size (%d octets, %d under the limit) does not count the %d stuffed dots", size, headerRoom, stuffedLines)})
	})
})

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
