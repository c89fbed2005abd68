package refserver

import (
	"fmt"
	"strings"
	"testing"
)

// The clean server matches quoted local parts and the domain in any case;
// faultQuotedForms and faultDomainCase refuse them, and only them.
func TestMailboxSpellingFaults(t *testing.T) {
	quoted := step{line: `RCPT TO:<"alice"@example.test>`, want: "250 2.1.5 "}
	pair := step{line: `RCPT TO:<"\alice"@example.test>`, want: "250 2.1.5 "}
	upper := step{line: "RCPT TO:<alice@EXAMPLE.TEST>", want: "250 2.1.5 "}
	open(t, start(t, Config{})).run(steps(ehlo, mailOK, quoted, pair, upper))

	s := start(t, Config{Faults: []string{"RFC5321-4.1.2-quoted-forms-equivalent"}})
	q, p := quoted, pair
	q.want, p.want = `550 5.1.1 <"alice"@example.test>: User unknown`+"\r\n", "550 5.1.1 "
	open(t, s).run(steps(ehlo, mailOK, rcptOK, q, p, upper, step{line: `RCPT TO:<"nobody"@example.test>`, want: "550 5.1.1 "}))

	s = start(t, Config{Faults: []string{"RFC5321-2.4-domain-case-insensitive"}})
	u := upper
	u.want = "550 5.7.1 <alice@EXAMPLE.TEST>: Relaying denied\r\n"
	open(t, s).run(steps(ehlo, mailOK, rcptOK, quoted, u, step{line: "RCPT TO:<bob@Example.Test>", want: "550 5.7.1 "}))
}

// The clean server takes MAIL lines up to 512 octets plus the offered
// extensions' increments; faultIncrements keeps them to 512.
func TestIncrementsFault(t *testing.T) {
	// Past 512 octets, within 512 + SIZE's 26 + DSN's 524.
	line := "MAIL FROM:<sender@client.example> SIZE=" + fmt.Sprintf("%020d", 1000) + " RET=HDRS ENVID=" + strings.Repeat("e", 100) +
		" AUTH=" + strings.Repeat("+3D", 64) + "@" + strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 52) + ".example"
	ok := step{line: line, want: "250 2.1.0 "}
	open(t, start(t, Config{})).run(steps(ehlo, ok))
	tooLong := ok
	tooLong.want = "500 5.5.2 Line too long\r\n"
	open(t, start(t, Config{Faults: []string{"RFC5321-4.5.3.1.4-extension-increments"}})).run(steps(ehlo, tooLong, mailOK))
}

// The clean server answers EXPN 252 (disabled); faultExpnMissing answers
// 502 (not implemented).
func TestExpnFault(t *testing.T) {
	open(t, start(t, Config{})).run(steps(step{line: "EXPN postmaster", want: "252 "}))
	open(t, start(t, Config{Faults: []string{"RFC5321-3.5.2-vrfy-expn-should-support"}})).run(steps(
		step{line: "EXPN postmaster", want: "502 5.5.1 EXPN not implemented\r\n"}))
}

// The clean server takes a message listing 150 addresses in Cc: and one
// with control characters; each fault refuses its own case only.
func TestX1ContentFaults(t *testing.T) {
	var cc []string
	for i := 0; i < 150; i++ {
		cc = append(cc, fmt.Sprintf("<cc%d@example.net>", i))
	}
	cases := []struct{ fault, raw string }{
		{"RFC5321-4.5.3.1.8-no-reject-header-recipients", "Cc: " + strings.Join(cc, ",\r\n\t") + "\r\nSubject: t\r\n\r\nbody\r\n.\r\n"},
		{"RFC5321-4.1.1.4-control-characters", "Subject: t\r\n\r\nbody \x01\x1b\x7f\r\n.\r\n"},
	}
	for _, c := range cases {
		open(t, start(t, Config{})).run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: c.raw, want: queued}))
		for _, other := range cases {
			want := queued
			if other.fault == c.fault {
				want = "554 5."
			}
			open(t, start(t, Config{Faults: []string{c.fault}})).run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: other.raw, want: want}))
		}
	}
}

// The clean server takes every atext character in a Dot-string local part
// of the reverse-path; faultAtext refuses the ones outside ".-_+=".
func TestAtextFault(t *testing.T) {
	special := step{line: "MAIL FROM:<!#$%&'*+-/=?^_`{|}~.x@client.example>", want: "250 2.1.0 "}
	open(t, start(t, Config{})).run(steps(ehlo, special))
	s := start(t, Config{Faults: []string{"RFC5321-4.1.2-atext-local-part"}})
	refused := special
	refused.want = "501 5.1.7 Invalid sender address syntax\r\n"
	open(t, s).run(steps(ehlo, refused, step{line: "MAIL FROM:<a.b-c_d+e=f@client.example>", want: "250 2.1.0 "}))
	open(t, s).run(steps(ehlo, step{line: `MAIL FROM:<"a!b"@client.example>`, want: "250 2.1.0 "}))
}

// The clean server names itself in the reply to HELO; faultHeloReply
// greets the client by its name instead.
func TestHeloReplyFault(t *testing.T) {
	open(t, start(t, Config{Hostname: "mx.example.test"})).run(steps(step{line: "HELO client.example", want: "250 mx.example.test\r\n"}))
	open(t, start(t, Config{Hostname: "mx.example.test", Faults: []string{"RFC5321-4.1.1.1-helo-reply-domain"}})).run(steps(
		step{line: "HELO client.example", want: "250 Hello client.example\r\n"}))
}

// The clean server ends the data at a lone "." right after the 354;
// faultEmptyData reads on until a "." that follows a line of data.
func TestEmptyDataFault(t *testing.T) {
	open(t, start(t, Config{})).run(steps(ehlo, mailOK, rcptOK, dataGo, step{line: ".", want: queued}, step{line: "NOOP", want: "250 "}))
	open(t, start(t, Config{Faults: []string{"RFC5321-4.1.1.4-empty-content"}})).run(steps(ehlo, mailOK, rcptOK, dataGo,
		step{raw: ".\r\nNOOP\r\n.\r\n", want: queued}, step{line: "NOOP", want: "250 "}))
}

// The clean server does not expand names (252); faultExpnSyntaxOnly
// expands any Dot-string without looking it up.
func TestExpnSyntaxOnlyFault(t *testing.T) {
	open(t, start(t, Config{})).run(steps(step{line: "EXPN nobody", want: "252 "}))
	open(t, start(t, Config{Faults: []string{"RFC5321-3.5.3-no-unverified-250"}})).run(steps(ehlo,
		step{line: "EXPN nobody", want: "250 2.1.5 <nobody@example.test>\r\n"}, step{line: "EXPN a b", want: "252 "}))
}

// The clean server takes ". " and ".<HT>" for mail text; faultDotSpace
// ends the data at them.
func TestDotSpaceFault(t *testing.T) {
	msg := "Subject: t\r\n\r\nbody\r\n. \r\n.\t\r\nRSET\r\n.\r\n"
	open(t, start(t, Config{})).run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: msg, want: queued}, step{line: "NOOP", want: "250 "}))
	open(t, start(t, Config{Faults: []string{"RFC5321-4.1.1.4-dot-whitespace-not-eod"}})).run(steps(ehlo, mailOK, rcptOK, dataGo,
		step{raw: msg, want: queued}))
}

// The clean server's mailboxes are not case-sensitive; faultLocalCase
// matches local parts case-sensitively (postmaster aside).
func TestLocalCaseFault(t *testing.T) {
	open(t, start(t, Config{})).run(steps(ehlo, mailOK, step{line: "RCPT TO:<ALICE@example.test>", want: "250 "}))
	open(t, start(t, Config{Faults: []string{"RFC5321-4.1.2-local-part-case"}})).run(steps(ehlo, mailOK,
		step{line: "RCPT TO:<ALICE@example.test>", want: "550 5.1.1 "}, rcptOK, step{line: "RCPT TO:<POSTMASTER>", want: "250 "}))
}

// faultExpnBare expands a served mailbox to bare user names; other names
// keep the clean 252.
func TestExpnBareFault(t *testing.T) {
	open(t, start(t, Config{Faults: []string{"RFC5321-3.5.1-expn-one-per-line"}})).run(steps(ehlo,
		step{line: "EXPN postmaster", want: "250-2.1.5 postmaster\r\n250 2.1.5 Alice Liddell alice\r\n"}, step{line: "EXPN nobody", want: "252 "}))
}
