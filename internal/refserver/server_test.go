package refserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	replyWait   = 5 * time.Second        // bound on every reply read
	silenceWait = 300 * time.Millisecond // how long "no reply" is watched for
)

// client is a minimal SMTP client over a real TCP connection.
type client struct {
	t    tb
	conn net.Conn
	r    *bufio.Reader
	wait time.Duration // bound on every reply read and on expectEOF
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, replyWait)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return &client{t: t, conn: conn, r: bufio.NewReader(conn), wait: replyWait}
}

// send writes raw octets as they are.
func (c *client) send(raw string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(replyWait))
	if _, err := io.WriteString(c.conn, raw); err != nil {
		c.t.Fatalf("send %q: %v", raw, err)
	}
}

// readReply reads one complete reply, checking its line syntax strictly
// (CRLF only, three-digit code, SP or hyphen, same code on every line).
func (c *client) readReply(d time.Duration) (string, error) {
	c.conn.SetReadDeadline(time.Now().Add(d))
	var b strings.Builder
	for {
		line, err := c.r.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			return b.String(), err
		}
		body, ok := strings.CutSuffix(line, "\r\n")
		if !ok || strings.ContainsAny(body, "\r\n") {
			return b.String(), fmt.Errorf("reply line %q does not end in CRLF or holds a bare CR", line)
		}
		if len(body) < 4 || body[0] < '2' || body[0] > '5' || (body[3] != ' ' && body[3] != '-') {
			return b.String(), fmt.Errorf("malformed reply line %q", line)
		}
		if first := b.String(); first[:3] != body[:3] {
			return b.String(), fmt.Errorf("mixed codes in multiline reply %q", first)
		}
		if body[3] == ' ' {
			return b.String(), nil
		}
	}
}

func (c *client) reply() string {
	c.t.Helper()
	r, err := c.readReply(c.wait)
	if err != nil {
		c.t.Fatalf("reading reply: %v (got %q)", err, r)
	}
	return r
}

// expectSilence fails if any octet arrives within silenceWait.
func (c *client) expectSilence() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(silenceWait))
	if _, err := c.r.ReadByte(); err == nil {
		c.r.UnreadByte()
		rest, _ := c.readReply(replyWait)
		c.t.Fatalf("expected no reply, got %q", rest)
	} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		c.t.Fatalf("expected no reply and an open connection, got %v", err)
	}
}

// expectEOF fails unless the server closes the connection within c.wait,
// without sending anything more.
func (c *client) expectEOF() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(c.wait))
	_, err := c.r.ReadByte()
	if err == nil {
		c.r.UnreadByte()
		rest, _ := c.readReply(replyWait)
		c.t.Fatalf("expected the connection to close, got %q", rest)
	}
	// EOF, or a reset: either way the server closed the connection.
	var ne net.Error
	if !errors.Is(err, io.EOF) && (!errors.As(err, &ne) || ne.Timeout()) {
		c.t.Fatalf("expected the connection to close, got %v", err)
	}
}

func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// open dials s and reads the greeting.
func open(t *testing.T, s *Server) *client {
	t.Helper()
	c := dial(t, s.Addr())
	if g := c.reply(); !strings.HasPrefix(g, "220 ") && !strings.HasPrefix(g, "554 ") {
		t.Fatalf("greeting %q", g)
	}
	return c
}

// step is one exchange of a script. With line set, line+CRLF is sent; with
// raw set, raw is sent as it is. Then want is checked: a prefix of the full
// reply text (an exact match when it is a whole reply), or one of the
// special values below. more lists further replies expected to the same write.
type step struct {
	line string
	raw  string
	want string
	more []string
}

const (
	silence = "<silence>" // no reply within silenceWait
	eof     = "<eof>"     // the server closes the connection
	nothing = "<nothing>" // send only, read nothing
)

func (c *client) run(steps []step) {
	c.t.Helper()
	for i, st := range steps {
		sent := st.raw
		if st.line != "" {
			sent = st.line + "\r\n"
		}
		if sent != "" {
			c.send(sent)
		}
		for j, want := range append([]string{st.want}, st.more...) {
			switch want {
			case nothing:
			case silence:
				c.expectSilence()
			case eof:
				c.expectEOF()
			default:
				got := c.reply()
				ok := strings.HasPrefix(got, want)
				if complete(want) {
					ok = got == want
				}
				if !ok {
					c.t.Fatalf("step %d (%q), reply %d:\nExpected: %q\nActual:   %q", i, truncate(sent), j, want, got)
				}
			}
		}
	}
}

// complete reports whether want is a whole reply: it ends in CRLF and its
// last line has SP after the code.
func complete(want string) bool {
	body, ok := strings.CutSuffix(want, "\r\n")
	if !ok {
		return false
	}
	last := body[strings.LastIndex(body, "\n")+1:]
	return len(last) >= 4 && last[3] == ' '
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

const ehloReply = "250-ref.smtpspec.test greets client.example\r\n" +
	"250-8BITMIME\r\n250-ATRN\r\n250-AUTH CRAM-MD5\r\n250-BINARYMIME\r\n250-CHUNKING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-ETRN\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-SMTPUTF8\r\n250-STARTTLS\r\n250 HELP\r\n"

// ehloWithout is ehloReply without the lines of the given EHLO keywords (a
// server configured Without them, or a fault that leaves one out).
func ehloWithout(keywords ...string) string {
	r := ehloReply
	for _, k := range keywords {
		r = regexp.MustCompile(`250-`+regexp.QuoteMeta(k)+`( [^\r]*)?\r\n`).ReplaceAllString(r, "")
	}
	return r
}

var (
	ehlo     = step{line: "EHLO client.example", want: "250-"}
	mailOK   = step{line: "MAIL FROM:<sender@client.example>", want: "250 2.1.0 <sender@client.example>: Sender ok\r\n"}
	rcptOK   = step{line: "RCPT TO:<alice@example.test>", want: "250 2.1.5 <alice@example.test>: Recipient ok\r\n"}
	dataGo   = step{line: "DATA", want: "354 End data with <CR><LF>.<CR><LF>\r\n"}
	queued   = "250 2.0.0 Ok: queued\r\n"
	noopOK   = step{line: "NOOP", want: "250 2.0.0 Ok\r\n"}
	rsetOK   = step{line: "RSET", want: "250 2.0.0 Ok\r\n"}
	bareData = "550 5.5.2 Bare CR or LF in message\r\n"
)

// steps joins groups of steps.
func steps(groups ...any) []step {
	var out []step
	for _, g := range groups {
		switch g := g.(type) {
		case step:
			out = append(out, g)
		case []step:
			out = append(out, g...)
		}
	}
	return out
}

func repeat(n int, s step) []step {
	out := make([]step, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// longDomain returns a valid domain of n octets made of 63-octet labels.
func longDomain(n int) string {
	var labels []string
	for n > 0 {
		l := min(63, n)
		if n-l == 1 { // avoid a trailing 0-octet label
			l--
		}
		labels = append(labels, strings.Repeat("d", l))
		n -= l + 1
	}
	return strings.Join(labels, ".")
}

// scriptCase is one scripted session against a default server. fault names
// the fault whose behaviour this case checks: with that fault on, the case
// is expected to fail; with any other fault on, it must still pass.
type scriptCase struct {
	name  string
	fault string
	steps []step
}

func scriptCases() []scriptCase {
	smug := func(variant string) []step {
		return steps(ehlo, mailOK, rcptOK, dataGo,
			step{raw: "Subject: smug\r\n\r\nbody" + variant + "MAIL FROM:<a@b.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nSubject: SMUGGLED\r\n\r\nx\r\n", want: silence},
			step{raw: "\r\n.\r\n", want: bareData}, noopOK)
	}
	return []scriptCase{
		{name: "ehlo keywords", steps: steps(step{line: "EHLO client.example", want: ehloReply})},
		{name: "helo single line", steps: steps(step{line: "HELO client.example", want: "250 ref.smtpspec.test\r\n"})},
		{name: "verbs are case-insensitive", steps: steps(step{line: "ehlo client.example", want: "250-"},
			step{line: "mail from:<sender@client.example>", want: "250 "}, step{line: "Rcpt To:<alice@example.test>", want: "250 "},
			step{line: "dAtA", want: "354 "}, step{line: ".", want: queued})},
		{name: "ehlo argument required", steps: steps(step{line: "EHLO", want: "501 5.5.4 Syntax: EHLO hostname\r\n"},
			step{line: "HELO", want: "501 5.5.4 Syntax: HELO hostname\r\n"}, step{line: "EHLO ", want: "501 "})},
		{name: "ehlo argument syntax", steps: steps(
			step{line: "EHLO bad_host.example", want: "501 "},
			step{line: "EHLO [192.0.2.1]", want: "250-ref.smtpspec.test greets [192.0.2.1]\r\n"},
			step{line: "EHLO [IPv6:2001:db8::1]", want: "250-"},
			step{line: "EHLO [999.1.1.1]", want: "501 "},
			step{line: "EHLO [IPv6:zz::1]", want: "501 "},
			step{line: "EHLO [tag:foo]", want: "501 "},
			step{line: "HELO -bad.example", want: "501 "},
			step{line: "EHLO [192.0.2.1] client-info", want: "250-"},
			step{line: "EHLO " + longDomain(255), want: "250-"},
			step{line: "EHLO " + longDomain(256), want: "501 "})},
		{name: "ehlo resets the transaction", steps: steps(ehlo, mailOK, rcptOK, ehlo, step{line: "DATA", want: "503 "})},
		{name: "helo resets the transaction", steps: steps(ehlo, mailOK, rcptOK, step{line: "HELO client.example", want: "250 "}, step{line: "DATA", want: "503 "})},
		{name: "refused ehlo keeps the state", steps: steps(ehlo, mailOK, rcptOK, step{line: "EHLO", want: "501 "},
			step{line: "EHLO bad_host", want: "501 "}, dataGo, step{line: ".", want: queued})},

		{name: "mail before ehlo", steps: steps(step{line: "MAIL FROM:<sender@client.example>", want: "503 5.5.1 Send HELO/EHLO first\r\n"})},
		{name: "nested mail", steps: steps(ehlo, mailOK, step{line: "MAIL FROM:<other@client.example>", want: "503 5.5.1 Nested MAIL command\r\n"})},
		{name: "mail syntax errors keep the state", steps: steps(ehlo,
			step{line: "MAIL FROM: <sender@client.example>", want: "501 5.5.4 Syntax error in parameters\r\n"},
			step{line: "MAIL FROM:sender@client.example", want: "501 5.5.4 Syntax error in parameters\r\n"},
			step{line: "MAIL FROM <sender@client.example>", want: "501 "},
			step{line: "MAIL FROM:<sender@client.example", want: "501 "},
			step{line: "MAIL FROM:<a@@b>", want: "501 5.1.7 Invalid sender address syntax\r\n"},
			step{line: "MAIL FROM:<postmaster>", want: "501 5.1.7 "},
			step{line: "MAIL FROM:<a..b@client.example>", want: "501 5.1.7 "},
			step{line: "MAIL FROM:<sender@client.example>x", want: "501 "},
			step{raw: "MAIL FROM:<us\x01er@example.org>\r\n", want: "501 5.5.2 Invalid character in command\r\n"},
			step{raw: "MAIL FROM:<j\xc3\xb6e@example.org>\r\n", want: "550 5.6.7 "}, // RFC 6531 §3.5: no SMTPUTF8 parameter
			mailOK)},
		{name: "mail path forms", steps: steps(ehlo,
			step{line: "MAIL FROM:<>", want: "250 2.1.0 <>: Sender ok\r\n"}, rsetOK,
			step{line: "MAIL FROM:<@relay.example:sender@client.example>", want: "250 2.1.0 <sender@client.example>: "}, rsetOK,
			step{line: "MAIL FROM:<@a.example,@b.example:sender@client.example>", want: "250 "}, rsetOK,
			step{line: `MAIL FROM:<"john q. public"@example.org>`, want: "250 "}, rsetOK,
			step{line: `MAIL FROM:<"a>b"@example.org>`, want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<sender@[192.0.2.1]>", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<sender@client.example>  ", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<" + strings.Repeat("l", 64) + "@" + longDomain(253) + ">", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<a@" + longDomain(255) + ">", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<a@" + longDomain(256) + ">", want: "501 "})},
		{name: "mail parameters", steps: steps(ehlo,
			step{line: "MAIL FROM:<sender@client.example> XFOO=1", want: "555 5.5.4 Unsupported parameter XFOO\r\n"},
			step{line: "MAIL FROM:<sender@client.example> SIZE=10485761", want: "552 5.3.4 Message size exceeds fixed limit\r\n"},
			step{line: "MAIL FROM:<sender@client.example> SIZE=99999999999999999999", want: "552 "},
			step{line: "MAIL FROM:<sender@client.example> SIZE=abc", want: "501 "},
			step{line: "MAIL FROM:<sender@client.example> SIZE=", want: "501 "},
			step{line: "MAIL FROM:<sender@client.example> SIZE=" + strings.Repeat("1", 21), want: "501 "},
			step{line: "MAIL FROM:<sender@client.example> SIZE=10 SIZE=20", want: "501 "},
			step{line: "MAIL FROM:<sender@client.example> BODY=FOO", want: "501 "},
			step{line: "MAIL FROM:<sender@client.example> BODY=BINARY", want: "501 "},
			step{line: "MAIL FROM:<sender@client.example> BODY=7BIT BODY=8BITMIME", want: "501 "},
			step{line: "MAIL FROM:<sender@client.example>  SIZE=10", want: "501 "},
			step{line: "MAIL FROM:<sender@client.example> SIZE=1000", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<sender@client.example> SIZE=10485760 BODY=8BITMIME", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<sender@client.example> body=8bitmime", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<sender@client.example> BODY=7BIT", want: "250 "})},
		// 512 + 26 (SIZE, RFC 1870 §3(5)) + 10 (SMTPUTF8, RFC 6531 §3.1(5)) +
		// 524 (DSN, RFC 3461 §5.4) = 1072 octets.
		{name: "mail line of 512, 538 and 1072 octets", steps: steps(ehlo,
			step{line: "MAIL FROM:<" + strings.Repeat("l", 512-len("MAIL FROM:<@example.test>\r\n")) + "@example.test>", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<" + strings.Repeat("l", 538-len("MAIL FROM:<@example.test> SIZE=1\r\n")) + "@example.test> SIZE=1", want: "250 2.1.0 "}, rsetOK,
			step{line: "MAIL FROM:<" + strings.Repeat("l", 1072-len("MAIL FROM:<@example.test>\r\n")) + "@example.test>", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<" + strings.Repeat("l", 1073-len("MAIL FROM:<@example.test>\r\n")) + "@example.test>", want: "500 5.5.2 Line too long\r\n"})},

		{name: "rcpt before mail", fault: "RFC5321-3.3-rcpt-before-mail", steps: steps(ehlo,
			step{line: "RCPT TO:<alice@example.test>", want: "503 5.5.1 Need MAIL command\r\n"})},
		{name: "rcpt before ehlo", steps: steps(step{line: "RCPT TO:<alice@example.test>", want: "503 "})},
		{name: "rcpt after rset", steps: steps(ehlo, mailOK, rcptOK, rsetOK, step{line: "RCPT TO:<alice@example.test>", want: "503 "}, step{line: "DATA", want: "503 "})},
		{name: "rcpt after a finished message", steps: steps(ehlo, mailOK, rcptOK, dataGo, step{line: ".", want: queued},
			step{line: "RCPT TO:<alice@example.test>", want: "503 "}, step{line: "DATA", want: "503 "})},
		{name: "transaction order survives a 503", fault: "RFC5321-3.3-rcpt-before-mail", steps: steps(ehlo, step{line: "RCPT TO:<alice@example.test>", want: "503 "}, rsetOK, mailOK, rcptOK)},
		{name: "rcpt syntax", steps: steps(ehlo, mailOK,
			step{line: "RCPT TO:<>", want: "501 5.1.3 Invalid recipient address syntax\r\n"},
			step{line: "RCPT TO:alice@example.test", want: "501 5.5.4 Syntax error in parameters\r\n"},
			step{line: "RCPT TO: <alice@example.test>", want: "501 "},
			step{line: "RCPT TO:<alice>", want: "501 "},
			step{line: "RCPT TO:<alice@example.test> RRVS=2014-04-03T23:01:00Z", want: "555 5.5.4 Unsupported parameter RRVS\r\n"},
			rcptOK)},
		{name: "rcpt postmaster forms", steps: steps(ehlo, mailOK,
			step{line: "RCPT TO:<Postmaster>", want: "250 2.1.5 <Postmaster>: Recipient ok\r\n"},
			step{line: "RCPT TO:<pOsTmAsTeR>", want: "250 "},
			step{line: "RCPT TO:<POSTMASTER@EXAMPLE.TEST>", want: "250 "},
			step{line: "RCPT TO:<postmaster@example.test>", want: "250 "})},
		{name: "rcpt mailbox judgement", steps: steps(ehlo, mailOK,
			step{line: "RCPT TO:<nobody@example.test>", want: "550 5.1.1 <nobody@example.test>: User unknown\r\n"},
			step{line: "RCPT TO:<" + strings.Repeat("a", 64) + "@example.test>", want: "550 5.1.1 "},
			step{line: "RCPT TO:<probe@unrelated.example>", want: "550 5.7.1 <probe@unrelated.example>: Relaying denied\r\n"},
			step{line: "RCPT TO:<Alice@example.test>", want: "250 "},
			step{line: "RCPT TO:<alice@EXAMPLE.Test>", want: "250 "},
			step{line: `RCPT TO:<"alice"@example.test>`, want: "250 "},
			step{line: "RCPT TO:<@other.example:alice@example.test>", want: "250 2.1.5 <alice@example.test>: "},
			step{line: "RCPT TO:<bob@example.test>", want: "250 "},
			step{line: "RCPT TO:<bob@example.test>", want: "250 "})},
		{name: "rcpt relay tricks", steps: steps(ehlo, mailOK,
			step{line: "RCPT TO:<user%other.example@example.test>", want: "550 5.1.1 "},
			step{line: "RCPT TO:<@example.test:user@other.example>", want: "550 5.7.1 "},
			step{line: `RCPT TO:<"user@other.example">`, want: "501 "},
			step{line: "RCPT TO:<other.example!user@example.test>", want: "550 5.1.1 "},
			step{line: "RCPT TO:<alice@[127.0.0.1]>", want: "550 5.7.1 "})},

		{name: "data sequencing", steps: steps(
			step{line: "DATA", want: "503 5.5.1 Need MAIL command\r\n"}, ehlo,
			step{line: "DATA", want: "503 5.5.1 Need MAIL command\r\n"}, mailOK,
			step{line: "DATA", want: "554 5.5.1 No valid recipients\r\n"},
			step{line: "RCPT TO:<nobody@example.test>", want: "550 "},
			step{line: "DATA", want: "554 "}, rcptOK,
			step{line: "DATA now", want: "501 5.5.4 Syntax: DATA\r\n"},
			dataGo, step{line: ".", want: queued})},
		{name: "refused data stays in command mode", steps: steps(ehlo, step{line: "DATA", want: "503 "},
			step{line: "Subject: hi", want: "500 5.5.1 Command unrecognized\r\n"}, noopOK)},
		{name: "only CRLF.CRLF ends the data", steps: steps(ehlo, mailOK, rcptOK, dataGo,
			step{raw: "Subject: t\r\n\r\nbody\r\n.", want: silence}, step{raw: "\r\n", want: queued}, noopOK)},
		{name: "LF.LF is not the end of data", fault: "RFC5321-4.1.1.4-lf-dot-lf-not-eod", steps: steps(ehlo, mailOK, rcptOK, dataGo,
			step{raw: "Subject: t\r\n\r\nx\n.\nNOOP\r\n", want: silence}, step{raw: "\r\n.\r\n", want: bareData}, noopOK)},
		{name: "smuggling LF.LF", fault: "SEC-SMUG-LF-DOT-LF", steps: smug("\n.\n")},
		{name: "smuggling LF.CRLF", steps: smug("\n.\r\n")},
		{name: "smuggling CRLF.LF", steps: smug("\r\n.\n")},
		{name: "smuggling CR.CR", steps: smug("\r.\r")},
		{name: "smuggling CR.CRLF", steps: smug("\r.\r\n")},
		{name: "smuggling CRLF.CR", steps: smug("\r\n.\r")},
		{name: "bare LF line endings in data", steps: steps(ehlo, mailOK, rcptOK, dataGo,
			step{raw: "a\nb\n\r\n.\r\n", want: bareData}, noopOK)},
		{name: "pipelined transaction after the data", steps: steps(ehlo, mailOK, rcptOK, dataGo,
			step{raw: "body\r\n.\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n", want: queued, more: []string{"250 ", "250 ", "354 "}},
			step{line: ".", want: queued})},
		{name: "pipelined commands keep order", steps: steps(ehlo,
			step{raw: "MAIL FROM:<a@b.example>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n", want: "250 ", more: []string{"550 ", "250 ", "354 "}},
			step{line: ".", want: queued})},
		{name: "SIZE is not the end of data", steps: steps(ehlo,
			step{line: "MAIL FROM:<a@b.example> SIZE=100", want: "250 "}, rcptOK, dataGo,
			step{raw: strings.Repeat("x", 598) + "\r\n", want: silence}, step{raw: ".\r\n", want: queued})},

		{name: "rset", steps: steps(rsetOK, step{line: "RSET now", want: "501 5.5.4 Syntax: RSET\r\n"}, ehlo, rsetOK, mailOK, rcptOK, rsetOK,
			step{line: "RCPT TO:<alice@example.test>", want: "503 "}, mailOK, repeat(25, rsetOK), noopOK)},
		{name: "noop", steps: steps(noopOK, step{line: "NOOP hello world", want: "250 2.0.0 Ok\r\n"}, ehlo, mailOK, noopOK, rcptOK, noopOK, dataGo,
			step{line: ".", want: queued}, noopOK)},
		{name: "quit with an argument", steps: steps(step{line: "QUIT now", want: "501 5.5.4 Syntax: QUIT\r\n"}, noopOK)},
		{name: "quit closes", fault: "RFC5321-4.1.1.10-quit-221-close", steps: steps(ehlo, mailOK, rcptOK,
			step{line: "QUIT", want: "221 2.0.0 ref.smtpspec.test Service closing transmission channel\r\n"}, step{want: eof})},
		{name: "quit before ehlo", fault: "RFC5321-4.1.1.10-quit-221-close", steps: steps(step{line: "QUIT", want: "221 2.0.0 ref.smtpspec.test "}, step{want: eof})},

		{name: "vrfy", steps: steps(
			step{line: "VRFY", want: "501 5.5.4 Syntax: VRFY address\r\n"},
			step{line: "VRFY postmaster", want: "250 2.1.5 <postmaster@example.test>\r\n"},
			step{line: "VRFY PostMaster", want: "250 2.1.5 <postmaster@example.test>\r\n"},
			step{line: "VRFY alice", want: "250 2.1.5 <alice@example.test>\r\n"},
			step{line: "VRFY <alice@example.test>", want: "250 2.1.5 <alice@example.test>\r\n"},
			step{line: "VRFY alice@EXAMPLE.test", want: "250 2.1.5 <alice@example.test>\r\n"},
			step{line: "VRFY nobody", want: "550 5.1.1 User unknown\r\n"},
			step{line: "VRFY <nobody@example.test>", want: "550 5.1.1 User unknown\r\n"},
			step{line: "VRFY <someone@other.example>", want: "252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery\r\n"},
			step{line: "VRFY <a@@b>", want: "501 "})},
		{name: "vrfy, expn and help keep the transaction", steps: steps(ehlo, mailOK, rcptOK,
			step{line: "VRFY postmaster", want: "250 "}, step{line: "EXPN postmaster", want: "252 "}, step{line: "HELP", want: "214-"}, dataGo, step{line: ".", want: queued})},
		{name: "expn disabled", steps: steps(step{line: "EXPN postmaster", want: "252 2.0.0 Cannot EXPN: list expansion is disabled\r\n"})},
		{name: "help", steps: steps(
			step{line: "HELP", want: "214-2.0.0 smtpspec reference server, see RFC 5321\r\n214-2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP\r\n214-2.0.0 Use HELP <command> for details\r\n214 2.0.0 End of HELP info\r\n"},
			step{line: "HELP mail", want: "214 2.0.0 MAIL FROM:<reverse-path>"},
			step{line: "HELP FOO", want: "504 5.5.4 HELP topic unknown\r\n"})},
		{name: "not implemented commands", steps: steps(
			step{line: "TURN", want: "502 5.5.1 TURN not implemented\r\n"},
			step{line: "SEND FROM:<a@b.example>", want: "502 5.5.1 Command not implemented\r\n"},
			step{line: "SOML FROM:<a@b.example>", want: "502 "},
			step{line: "SAML FROM:<a@b.example>", want: "502 "},
			step{raw: "BDAT 4 LAST\r\nabcd", want: "503 "}, noopOK)},

		{name: "unknown commands", steps: steps(
			step{line: "XYZZY", want: "500 5.5.1 Command unrecognized\r\n"},
			step{line: "XFOOBAR", want: "500 5.5.1 Command unrecognized\r\n"},
			step{raw: "\r\n", want: "500 "}, noopOK)},
		{name: "thirty errors keep the connection", steps: steps(repeat(10, step{line: "XYZZY", want: "500 "}),
			repeat(10, step{line: "MAIL FROM:bad", want: "50"}), repeat(10, step{line: "RCPT TO:<alice@example.test>", want: "503 "}), noopOK)},
		{name: "NUL in a command", steps: steps(step{raw: "NO\x00OP\r\n", want: "501 5.5.2 Invalid character in command\r\n"}, noopOK)},
		{name: "bare CR does not split a command", steps: steps(step{raw: "NOOP\rRSET\r\n", want: "501 "}, noopOK)},
		{name: "bare LF does not end a command", steps: steps(step{raw: "NOOP\n", want: silence}, step{raw: "\r\n", want: "501 "}, noopOK)},
		{name: "noop ignores its argument", steps: steps(step{raw: "NOOP \x01\xff\r\n", want: "250 "})},
		{name: "arbitrary octets", steps: steps(step{raw: "\x00\xff\x10 \x80abc\r\n", want: "501 "}, noopOK)},
		{name: "512-octet command line", steps: steps(step{line: "NOOP " + strings.Repeat("x", 505), want: "250 "},
			step{line: "NOOP " + strings.Repeat("x", 506), want: "500 5.5.2 Line too long\r\n"}, noopOK)},
		{name: "overlong line is one command", steps: steps(
			step{line: "NOOP " + strings.Repeat("a", 4000), want: "500 5.5.2 Line too long\r\n"}, noopOK,
			step{line: "NOOP " + strings.Repeat("A", 8000) + "\r\nRSET", want: "500 ", more: []string{"250 2.0.0 Ok\r\n"}},
			step{line: strings.Repeat("RSET\rNOOP\n", 100), want: "500 "}, noopOK)},
		{name: "trailing whitespace", steps: steps(step{line: "EHLO client.example \t", want: "250-"}, step{line: "RSET  ", want: "250 "}, step{line: "DATA ", want: "503 "})},
	}
}

// TestScripts runs every script with no fault and with each fault on: a
// script passes unless it checks the fault that is on, and then it fails.
func TestScripts(t *testing.T) {
	// Every script passes against the clean server; a script tagged with a
	// fault fails with that fault on. Whether a fault leaves every other
	// behaviour alone is the self-test matrix's job (selftest.TestMatrix),
	// which checks it spec by spec.
	for _, sc := range scriptCases() {
		t.Run("no-fault/"+sc.name, func(t *testing.T) {
			t.Parallel()
			open(t, start(t, Config{})).run(sc.steps)
		})
		if sc.fault == "" {
			continue
		}
		t.Run(sc.fault+"/"+sc.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, Config{Faults: []string{sc.fault}})
			if !scriptFails(t, s, sc.steps) {
				t.Fatalf("fault %s is on, but the script passed", sc.fault)
			}
		})
	}
}

// scriptFails runs steps on a new session and reports whether they failed,
// for a script that is expected to fail under a fault. The script runs in its
// own goroutine, so that fakeT.Fatalf (runtime.Goexit) ends only that one.
func scriptFails(t *testing.T, s *Server, st []step) bool {
	c := open(t, s)
	ft := &fakeT{}
	c.t, c.wait = ft, time.Second
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.run(st)
	}()
	<-done
	return ft.failed
}

// tb is the part of testing.TB the client uses.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

// fakeT records a failure instead of failing the test.
type fakeT struct{ failed bool }

func (*fakeT) Helper() {}

func (f *fakeT) Fatalf(string, ...any) {
	f.failed = true
	runtime.Goexit()
}

func TestGreeting(t *testing.T) {
	s := start(t, Config{})
	c := dial(t, s.Addr())
	if g := c.reply(); g != "220 ref.smtpspec.test ESMTP smtpspec reference server\r\n" {
		t.Fatalf("greeting %q", g)
	}
}

func TestRefuseMode(t *testing.T) {
	for _, faults := range [][]string{nil, {"RFC5321-4.1.1.10-quit-221-close"}} {
		s := start(t, Config{Mode: ModeRefuse, Faults: faults})
		c := dial(t, s.Addr())
		c.run([]step{
			{want: "554 ref.smtpspec.test no SMTP service here\r\n"},
			{want: silence},
			{line: "EHLO client.example", want: "503 5.5.1 "},
			{line: "MAIL FROM:<a@b.example>", want: "503 "},
			{line: "NOOP", want: "503 "},
			{line: "QUIT now", want: "501 "},
			{line: "QUIT", want: "221 2.0.0 ref.smtpspec.test Service closing transmission channel\r\n"},
			{want: eof},
		})
	}
}

func TestMessageStored(t *testing.T) {
	s := start(t, Config{})
	c := open(t, s)
	c.run(steps(ehlo, mailOK, rcptOK, step{line: "RCPT TO:<Postmaster>", want: "250 "}, dataGo,
		step{raw: "Subject: t\r\n\r\n..hidden\r\n...\r\n..\r\n.x\r\n" + strings.Repeat("y", 998) + "\r\n.." + strings.Repeat("z", 997) + "\r\nend\r\n.\r\n", want: queued},
		mailOK, rcptOK, dataGo, step{line: ".", want: queued}))
	msgs := s.Messages()
	if len(msgs) != 2 {
		t.Fatalf("stored %d messages, want 2", len(msgs))
	}
	want := "Subject: t\r\n\r\n.hidden\r\n..\r\n.\r\nx\r\n" + strings.Repeat("y", 998) + "\r\n." + strings.Repeat("z", 997) + "\r\nend\r\n"
	m := msgs[0]
	if string(m.Data) != want || m.From != "sender@client.example" || !slices.Equal(m.To, []string{"alice@example.test", "Postmaster"}) {
		t.Fatalf("stored %+v\nwant data %q", m, want)
	}
	if len(msgs[1].Data) != 0 {
		t.Fatalf("empty message stored as %q", msgs[1].Data)
	}
	// Messages returns copies.
	msgs[0].Data[0] = 'X'
	if s.Messages()[0].Data[0] != 'S' {
		t.Fatal("Messages exposes the store")
	}
}

func TestNothingStoredOnRefusal(t *testing.T) {
	s := start(t, Config{MaxMessageSize: 65536})
	c := open(t, s)
	c.run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: "a\nb\r\n.\r\n", want: bareData},
		mailOK, rcptOK, dataGo, step{raw: "a\rb\r\n.\r\n", want: bareData},
		mailOK, rcptOK, dataGo, step{raw: strings.Repeat("x", 1<<20) + "\r\n.\r\n", want: "552 5.3.4 Message too big\r\n"},
		mailOK, rcptOK, step{line: "QUIT", want: "221 "}))
	if n := len(s.Messages()); n != 0 {
		t.Fatalf("stored %d messages, want 0", n)
	}
}

func TestMessageSizeLimit(t *testing.T) {
	s := start(t, Config{MaxMessageSize: 65536})
	c := open(t, s)
	// Exactly 65536 octets after unstuffing, with stuffed lines on the
	// wire (RFC 1870 §5).
	line := "." + strings.Repeat("s", 62) + "\r\n" // 65 octets unstuffed
	body := strings.Repeat(line, 1008)             // 65520 octets
	body += strings.Repeat("t", 14) + "\r\n"       // 65536
	stuffed := strings.ReplaceAll(body, "\r\n.", "\r\n..")
	stuffed = "." + stuffed
	c.run(steps(ehlo, step{line: "EHLO client.example", want: strings.Replace(ehloReply, "250-SIZE 10485760", "250-SIZE 65536", 1)},
		mailOK, rcptOK, dataGo, step{raw: stuffed + ".\r\n", want: queued},
		mailOK, rcptOK, dataGo, step{raw: stuffed + "u\r\n.\r\n", want: "552 5.3.4 Message too big\r\n"}, noopOK))
	if msgs := s.Messages(); len(msgs) != 1 || string(msgs[0].Data) != body {
		t.Fatalf("stored %d messages, or the content changed", len(msgs))
	}
}

func TestRecipientLimit(t *testing.T) {
	s := start(t, Config{MaxRecipients: 100})
	c := open(t, s)
	c.run(steps(ehlo, mailOK, repeat(100, step{line: "RCPT TO:<bob@example.test>", want: "250 "}),
		step{line: "RCPT TO:<alice@example.test>", want: "452 4.5.3 <alice@example.test>: Too many recipients\r\n"},
		dataGo, step{line: ".", want: queued}))
	if msgs := s.Messages(); len(msgs) != 1 || len(msgs[0].To) != 100 {
		t.Fatalf("want one message to 100 recipients")
	}
}

func TestFaults(t *testing.T) {
	fs := Faults()
	var ids []string
	for _, f := range fs {
		if f.Description == "" {
			t.Errorf("fault %s has no description", f.ID)
		}
		ids = append(ids, f.ID)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("Faults not sorted: %v", ids)
	}
	for _, id := range []string{"RFC5321-3.3-rcpt-before-mail", "RFC5321-4.1.1.4-lf-dot-lf-not-eod", "RFC5321-4.1.1.10-quit-221-close"} {
		if !slices.Contains(ids, id) {
			t.Errorf("fault %s not registered", id)
		}
	}
}

func TestFaultRcptBeforeMail(t *testing.T) {
	s := start(t, Config{Faults: []string{"RFC5321-3.3-rcpt-before-mail"}})
	open(t, s).run(steps(step{line: "RCPT TO:<alice@example.test>", want: "503 "}, ehlo,
		step{line: "RCPT TO:<alice@example.test>", want: "250 "}, step{line: "DATA", want: "503 "}, mailOK, rcptOK))
}

func TestFaultLFDotLF(t *testing.T) {
	s := start(t, Config{Faults: []string{"RFC5321-4.1.1.4-lf-dot-lf-not-eod"}})
	open(t, s).run(steps(ehlo, mailOK, rcptOK, dataGo,
		step{raw: "Subject: t\r\n\r\nx\n.\nNOOP\r\n", want: queued, more: []string{"250 2.0.0 Ok\r\n"}},
		step{raw: "\r\n.\r\n", want: "500 ", more: []string{"500 "}}))
	if msgs := s.Messages(); len(msgs) != 1 || string(msgs[0].Data) != "Subject: t\r\n\r\nx\r\n" {
		t.Fatalf("stored %+v", msgs)
	}
}

func TestFaultQuitNoClose(t *testing.T) {
	s := start(t, Config{Faults: []string{"RFC5321-4.1.1.10-quit-221-close"}})
	c := open(t, s)
	c.run(steps(step{line: "QUIT", want: "221 "}, step{want: silence}, step{line: "NOOP", want: silence}))
	s.Close()
	c.expectEOF()
}

func TestStartErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown fault", Config{Faults: []string{"RFC5321-3.3-rcpt-before-mail", "NO-SUCH-FAULT"}}, `"NO-SUCH-FAULT"`},
		{"all interfaces", Config{Addr: ":0"}, "loopback"},
		{"unspecified IPv4", Config{Addr: "0.0.0.0:0"}, "loopback"},
		{"unspecified IPv6", Config{Addr: "[::]:0"}, "loopback"},
		{"public address", Config{Addr: "192.0.2.1:25"}, "loopback"},
		{"host name", Config{Addr: "mail.example:25"}, "loopback"},
		{"no port", Config{Addr: "127.0.0.1"}, "listen address"},
		{"bad mode", Config{Mode: "sometimes"}, "mode"},
		{"few recipients", Config{MaxRecipients: 99}, "4.5.3.1.8"},
		{"small size", Config{MaxMessageSize: 65535}, "4.5.3.1.7"},
		{"huge size", Config{MaxMessageSize: 1 << 30}, "cap"},
		{"postmaster mailbox", Config{Mailboxes: []string{"postmaster"}}, "reserved"},
		{"bad mailbox", Config{Mailboxes: []string{"a b"}}, "dot-string"},
		{"bad hostname", Config{Hostname: "bad_host"}, "hostname"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Start(tc.cfg)
			if err == nil {
				s.Close()
				t.Fatal("Start succeeded")
			}
			if !strings.HasPrefix(err.Error(), "refserver: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestStartLocalhost(t *testing.T) {
	s := start(t, Config{Addr: "localhost:0", Hostname: "mx.test", Domain: "d.test", Mailboxes: []string{"carol"}})
	open(t, s).run(steps(step{line: "HELO c.example", want: "250 mx.test\r\n"},
		step{line: "MAIL FROM:<>", want: "250 "}, step{line: "RCPT TO:<carol@D.test>", want: "250 "},
		step{line: "RCPT TO:<alice@d.test>", want: "550 5.1.1 "}, step{line: "VRFY postmaster", want: "250 2.1.5 <postmaster@d.test>\r\n"}))
}

func TestCloseEndsSessions(t *testing.T) {
	s, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	c := open(t, s)
	c.run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: "partial", want: nothing}))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	c.expectEOF()
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if len(s.Messages()) != 0 {
		t.Fatal("a broken transaction was stored")
	}
	if _, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
		t.Fatal("still listening after Close")
	}
}

func TestSessionLimit(t *testing.T) {
	s := start(t, Config{})
	for range maxSessions {
		open(t, s)
	}
	c := dial(t, s.Addr())
	c.run([]step{{want: "421 ref.smtpspec.test Too many connections"}, {want: eof}})
}

func TestStoreCap(t *testing.T) {
	s := &Server{}
	for i := range maxStoreMessages + 5 {
		s.store(Message{From: fmt.Sprint(i), Data: []byte("x")})
	}
	if msgs := s.Messages(); len(msgs) != maxStoreMessages || msgs[0].From != "5" {
		t.Fatalf("store holds %d messages starting at %q", len(msgs), msgs[0].From)
	}
	big := make([]byte, maxStoreBytes/2+1)
	s.store(Message{Data: big})
	s.store(Message{Data: big})
	if s.msgBytes > maxStoreBytes {
		t.Fatalf("store holds %d octets", s.msgBytes)
	}
}

func TestAddressSyntax(t *testing.T) {
	cases := []struct {
		in    string
		fwd   bool
		ok    bool
		mbox  string
		local string
	}{
		{"<a@b.example>", false, true, "a@b.example", "a"},
		{"<>", false, true, "", ""},
		{"<Postmaster>", true, true, "Postmaster", "Postmaster"},
		{"<Postmaster>", false, false, "", ""},
		{`<"a\"b c"@x.example>`, false, true, `"a\"b c"@x.example`, `a"b c`},
		{"<@r1.example,@r2.example:a@b.example>", false, true, "a@b.example", "a"},
		{"<@r1.example:a@[IPv6:::1]>", false, true, "a@[IPv6:::1]", "a"},
		{"<a@[IPv6:2001:db8::192.0.2.1]>", false, true, "a@[IPv6:2001:db8::192.0.2.1]", "a"},
		{"<a@[IPv6:fe80::1%eth0]>", false, false, "", ""},
		{"<a@[1.2.3]>", false, false, "", ""},
		{"<a@b_c.example>", false, false, "", ""},
		{"<.a@b.example>", false, false, "", ""},
		{"<a.@b.example>", false, false, "", ""},
		{"<a@-b.example>", false, false, "", ""},
		{"<a@b.example.>", false, false, "", ""},
		{"<@r.example a@b.example>", false, false, "", ""},
		{"<r.example:a@b.example>", false, false, "", ""},
		{`<"unterminated@b.example>`, false, false, "", ""},
	}
	for _, tc := range cases {
		p, err := parsePath(tc.in, tc.fwd)
		if (err == nil) != tc.ok {
			t.Errorf("parsePath(%q, %v) error %v, want ok=%v", tc.in, tc.fwd, err, tc.ok)
			continue
		}
		if tc.ok && (p.mailbox() != tc.mbox || p.localValue() != tc.local) {
			t.Errorf("parsePath(%q) = %q / %q, want %q / %q", tc.in, p.mailbox(), p.localValue(), tc.mbox, tc.local)
		}
	}
}
