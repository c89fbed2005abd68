package refserver

import (
	"strings"
	"testing"
)

// The extensions of the MAIL and RCPT parameters: SIZE (RFC 1870), DSN
// (RFC 3461), SMTPUTF8 (RFC 6531), 8BITMIME (RFC 6152), clean and under
// their faults.

func TestSizeExtension(t *testing.T) {
	s := start(t, Config{})
	c := open(t, s)
	c.run(steps(ehlo,
		step{line: "MAIL FROM:<sender@client.example> SIZE=10485761", want: "552 5.3.4 "},
		step{line: "MAIL FROM:<sender@client.example> SIZE=abc", want: "501 "},
		step{line: "MAIL FROM:<sender@client.example> SIZE=100", want: "250 "},
		rcptOK,
		step{line: "DATA", want: "354 "},
		// The declared size does not end the data (RFC 1870 §6).
		step{raw: "Subject: x\r\n\r\n" + strings.Repeat("y", 600) + "\r\n.\r\n", want: "250 2.0.0 Ok: queued\r\n"},
		step{line: "NOOP", want: "250 "}))
}

// The size counts the content without the stuffed dots (RFC 1870 §5): a
// message of exactly the limit is taken however many lines are stuffed.
func TestSizeCountsUnstuffed(t *testing.T) {
	const limit = 1 << 17
	body := strings.Repeat(".d\r\n", 4096)
	body += strings.Repeat("x", limit-len(body)-2) + "\r\n"
	stuffed := strings.ReplaceAll(body, ".d\r\n", "..d\r\n")
	for _, c := range []struct {
		fault, want string
	}{
		{"", "250 "},
		{"RFC1870-5-size-counts-unstuffed", "552 5.3.4 "},
	} {
		cfg := Config{MaxMessageSize: limit}
		if c.fault != "" {
			cfg.Faults = []string{c.fault}
		}
		cl := open(t, start(t, cfg))
		cl.run(steps(ehlo, mailOK, rcptOK, step{line: "DATA", want: "354 "}, step{raw: stuffed + ".\r\n", want: c.want}))
	}
}

func TestSizeFaults(t *testing.T) {
	for _, c := range []struct {
		fault string
		steps []step
	}{
		{"RFC1870-3-keyword-syntax", steps(step{line: "EHLO client.example", want: strings.Replace(ehloReply, "250-SIZE 10485760\r\n", "250-SIZE 10MB\r\n", 1)})},
		{"RFC1870-3-size-min-64k", steps(ehlo, step{line: "MAIL FROM:<sender@client.example> SIZE=32769", want: "552 "})},
		{"RFC1870-6-accept-size-param", steps(ehlo, step{line: "MAIL FROM:<sender@client.example> SIZE=1000", want: "555 "})},
		{"RFC1870-6.1-declared-too-big-552", steps(ehlo, step{line: "MAIL FROM:<sender@client.example> SIZE=10485761", want: "250 "})},
		{"RFC1870-6-size-syntax", steps(ehlo, step{line: "MAIL FROM:<sender@client.example> SIZE=abc", want: "250 "})},
		{"RFC1870-6-size-not-end-of-data", steps(ehlo, step{line: "MAIL FROM:<sender@client.example> SIZE=10", want: "250 "}, rcptOK,
			step{line: "DATA", want: "354 "}, step{raw: "Subject: x\r\n\r\nbody\r\n.\r\n", want: "250 ", more: []string{"500 ", "500 "}})},
		{"RFC1870-6.3-no-552-within-declared", steps(ehlo, step{line: "MAIL FROM:<sender@client.example> SIZE=2000", want: "250 "}, rcptOK,
			step{line: "DATA", want: "354 "}, step{raw: "Subject: x\r\n\r\nbody\r\n.\r\n", want: "552 "})},
	} {
		t.Run(c.fault, func(t *testing.T) { open(t, start(t, Config{Faults: []string{c.fault}})).run(c.steps) })
	}
}

func TestDSNExtension(t *testing.T) {
	orcpt := "ORCPT=rfc822;" + strings.Repeat("o", 500-len("ORCPT=rfc822;@example.test")) + "@example.test"
	c := open(t, start(t, Config{}))
	c.run(steps(ehlo,
		step{line: "MAIL FROM:<sender@client.example> RET=hdrs ENVID=QQ+2B314159", want: "250 "},
		step{line: "RCPT TO:<alice@example.test> NOTIFY=success,Delay " + orcpt, want: "250 "},
		step{line: "RCPT TO:<bob@example.test> NOTIFY=NEVER", want: "250 "},
		step{line: "RCPT TO:<bob@example.test> NOTIFY=NEVER,SUCCESS", want: "501 "},
		step{line: "RCPT TO:<bob@example.test> NOTIFY=SOMETIMES", want: "501 "},
		step{line: "RCPT TO:<bob@example.test> ORCPT=rfc822", want: "501 "},
		step{line: "RCPT TO:<bob@example.test> ORCPT=rfc822;a+G1", want: "501 "},
		step{line: "RCPT TO:<bob@example.test> NOTIFY=FAILURE NOTIFY=DELAY", want: "501 "},
		step{line: "RCPT TO:<bob@example.test> " + orcpt + "o", want: "501 "},
		rsetOK,
		step{line: "MAIL FROM:<sender@client.example> RET=BODY", want: "501 "},
		step{line: "MAIL FROM:<sender@client.example> RET=FULL RET=HDRS", want: "501 "},
		step{line: "MAIL FROM:<sender@client.example> ENVID=a+ZZ", want: "501 "},
		step{line: "MAIL FROM:<sender@client.example> ENVID=" + strings.Repeat("e", 101), want: "501 "},
		step{line: "MAIL FROM:<sender@client.example> ENVID=" + strings.Repeat("e", 100), want: "250 "}))
}

func TestSMTPUTF8Extension(t *testing.T) {
	c := open(t, start(t, Config{}))
	c.run(steps(ehlo,
		// Without the parameter: 550 at MAIL, 553 at RCPT, X.6.7, and no
		// UTF-8 in the reply (RFC 6531 §3.5, §3.7.4.2).
		step{raw: "MAIL FROM:<j\xc3\xb6e@example.org>\r\n", want: "550 5.6.7 Non-ASCII sender address needs SMTPUTF8\r\n"},
		mailOK,
		step{raw: "RCPT TO:<\xc3\xbcn\xc3\xaf@example.test>\r\n", want: "553 5.6.7 Non-ASCII recipient address needs SMTPUTF8\r\n"},
		rsetOK,
		step{raw: "MAIL FROM:<j\xc3\xb6e@b\xc3\xbccher.example> SMTPUTF8\r\n", want: "250 2.1.0 Sender ok\r\n"},
		step{raw: "RCPT TO:<\xc3\xbcn\xc3\xaf@example.test>\r\n", want: "550 5.1.1 User unknown\r\n"},
		rsetOK,
		step{line: "MAIL FROM:<sender@client.example> SMTPUTF8=yes", want: "501 "},
		// Control characters stay refused, even in UTF-8 (RFC 5321 §4.1.2).
		step{raw: "MAIL FROM:<j\xc3\xb6\x01e@example.org> SMTPUTF8\r\n", want: "501 "},
		step{raw: "MAIL FROM:<j\xff@example.org> SMTPUTF8\r\n", want: "501 "},
		step{line: "VRFY postmaster SMTPUTF8", want: "250 "},
		step{raw: "EHLO b\xc3\xbccher.example\r\n", want: "501 "}))
	// Without SMTPUTF8, 8-bit envelope octets are invalid characters.
	c = open(t, start(t, Config{Without: []string{"SMTPUTF8"}}))
	c.run(steps(ehlo, step{raw: "MAIL FROM:<j\xc3\xb6e@example.org> SMTPUTF8\r\n", want: "501 5.5.2 "}))
}

func Test8BitMIMEContent(t *testing.T) {
	msg := "Subject: x\r\nContent-Transfer-Encoding: 8bit\r\n\r\nK\xc3\xb6ln\r\n.\r\n"
	for _, c := range []struct{ fault, want string }{{"", "250 "}, {"RFC6152-3-accept-8bit-content", "554 5.6.0 "}} {
		cfg := Config{}
		if c.fault != "" {
			cfg.Faults = []string{c.fault}
		}
		cl := open(t, start(t, cfg))
		cl.run(steps(ehlo, step{line: "MAIL FROM:<sender@client.example> BODY=8BITMIME", want: "250 "}, rcptOK,
			step{line: "DATA", want: "354 "}, step{raw: msg, want: c.want}))
	}
}
