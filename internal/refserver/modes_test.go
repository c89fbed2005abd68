package refserver

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Tests of the behaviour modes (Config.FalseEODReplyDelay,
// RejectBareLineEndsInData, Tarpit, SilentAfterGreeting, ReplyDelay).
// Timings are checked by lower bounds only; where a reply must not be
// delayed, the delay is made far longer than the reply wait instead, so that
// a loaded machine cannot make a test fail.

const (
	smuggledMail = "MAIL FROM:<sender@client.example>\r\n"
	mailReply    = "250 2.1.0 <sender@client.example>: Sender ok\r\n"
	bareLF421    = "421 4.5.0 ref.smtpspec.test Bare linefeed (LF) not allowed\r\n"
	bareCR421    = "421 4.5.0 ref.smtpspec.test Bare carriage return (CR) not allowed\r\n"
)

// timed runs f and returns how long it took.
func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

// atLeast fails the test if d is below min.
func atLeast(t *testing.T, what string, d, min time.Duration) {
	t.Helper()
	if d < min {
		t.Errorf("%s came after %v, want at least %v", what, d, min)
	}
}

// smuggleCases are the end-of-data faults with a payload that makes each of
// them end the data at its look-alike and then read a MAIL command, and the
// 421 a server with RejectBareLineEndsInData answers the payload with.
var smuggleCases = []struct {
	fault, payload, bare421 string
}{
	{"SEC-SMUG-LF-DOT-LF", "Subject: t\r\n\r\nbody\n.\n" + smuggledMail, bareLF421},
	{"SEC-SMUG-LF-DOT-CRLF", "Subject: t\r\n\r\nbody\n.\r\n" + smuggledMail, bareLF421},
	{"SEC-SMUG-CRLF-DOT-LF", "Subject: t\r\n\r\nbody\r\n.\n" + smuggledMail, bareLF421},
	{"SEC-SMUG-CR-DOT-CR", "Subject: t\r\n\r\nbody\r.\r" + smuggledMail, bareCR421},
	{"SEC-SMUG-CR-DOT-CRLF", "Subject: t\r\n\r\nbody\r.\r\n" + smuggledMail, bareCR421},
	{"SEC-SMUG-CRLF-DOT-CR", "Subject: t\r\n\r\nbody\r\n.\r" + smuggledMail, bareCR421},
	{"RFC5321-4.1.1.4-lf-dot-lf-not-eod", "Subject: t\r\n\r\nx\n.\nNOOP\r\n", bareLF421},
}

func TestFalseEODReplyDelay(t *testing.T) {
	const delay = 300 * time.Millisecond
	for _, sc := range smuggleCases {
		t.Run(sc.fault, func(t *testing.T) {
			t.Parallel()
			s := start(t, Config{Faults: []string{sc.fault}, FalseEODReplyDelay: delay})
			c := open(t, s)
			c.run(steps(ehlo, mailOK, rcptOK, dataGo))
			sent := time.Now()
			c.send(sc.payload)
			// The reply to the cut-short message, then the one to the
			// smuggled command, each delayed on its own: the second comes
			// at least two delays after the payload was sent (measured from
			// the send, as the server starts each delay after it has read
			// or written, never before).
			if r := c.reply(); r != queued {
				t.Fatalf("reply to the message %q, want %q", r, queued)
			}
			atLeast(t, "the reply to the cut-short message", time.Since(sent), delay)
			if r := c.reply(); !strings.HasPrefix(r, "250 ") {
				t.Fatalf("reply to the smuggled command %q, want 250", r)
			}
			atLeast(t, "the reply to the smuggled command", time.Since(sent), 2*delay)
			// Every later reply of the session is delayed too.
			c.send("RSET\r\n")
			atLeast(t, "the reply to RSET", timed(func() { c.reply() }), delay)
		})
	}
}

// TestFalseEODReplyDelayOnlyAfterFalseEnd: before the false end of data, and
// in sessions where no fault fires, nothing is delayed (the delay is far
// longer than the reply wait).
func TestFalseEODReplyDelayOnlyAfterFalseEnd(t *testing.T) {
	s := start(t, Config{Faults: []string{"SEC-SMUG-LF-DOT-LF"}, FalseEODReplyDelay: time.Hour})
	c := open(t, s)
	// A message with a bare LF but no smuggled MAIL: the fault does not
	// fire, and the clean server refuses the bare LF at the end of data.
	c.run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: "a\n.\nb\r\n.\r\n", want: bareData},
		mailOK, rcptOK, dataGo, step{raw: "Subject: t\r\n\r\nbody\r\n.\r\n", want: queued}, noopOK))
	// Now the fault fires: the reply to the message is held back.
	c.run(steps(mailOK, rcptOK, dataGo, step{raw: smuggleCases[0].payload, want: silence}))
	// A new session of the same server is not delayed.
	open(t, s).run(steps(ehlo, noopOK))
}

func TestRejectBareLineEndsInData(t *testing.T) {
	for _, sc := range smuggleCases {
		for _, faults := range [][]string{nil, {sc.fault}} {
			name := sc.fault + "/payload"
			if faults != nil {
				name = sc.fault + "/fault-on"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s := start(t, Config{Faults: faults, RejectBareLineEndsInData: true, FalseEODReplyDelay: time.Hour})
				c := open(t, s)
				// The end-of-data faults are inert, and the reply is
				// not delayed (no false end of data).
				c.run(steps(ehlo, mailOK, rcptOK, dataGo,
					step{raw: sc.payload + "more data\r\n", want: sc.bare421}, step{want: eof}))
				if n := len(s.Messages()); n != 0 {
					t.Fatalf("stored %d messages, want 0", n)
				}
			})
		}
	}
}

func TestRejectBareLineEndsInDataAtOnce(t *testing.T) {
	s := start(t, Config{RejectBareLineEndsInData: true})
	// A bare LF is answered as soon as it arrives, before any CRLF.
	c := open(t, s)
	c.run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: "Subject: t\r\n\r\nx\n.\n", want: bareLF421}, step{want: eof}))
	// A bare LF that starts the data, right after the 354.
	c = open(t, s)
	c.run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: "\nx", want: bareLF421}, step{want: eof}))
	// A bare CR is found when the input up to the next LF arrives.
	c = open(t, s)
	c.run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: "x\r.\r\n", want: bareCR421}, step{want: eof}))
}

func TestRejectBareLineEndsInDataCRLF(t *testing.T) {
	s := start(t, Config{RejectBareLineEndsInData: true})
	c := open(t, s)
	// Data with CRLF only, dot-stuffed lines and CR LF split across writes
	// is taken as usual; command lines are not affected.
	c.run(steps(ehlo, mailOK, rcptOK, dataGo,
		step{raw: "Subject: t\r\n\r\n..x\r", want: nothing}, step{raw: "\nmid\r", want: nothing},
		step{raw: "\nend\r\n" + strings.Repeat("y", 5000) + "\r\n.\r\n", want: queued},
		noopOK, step{raw: "NOOP\n", want: silence}, step{raw: "\r\n", want: "501 "}, noopOK))
	msgs := s.Messages()
	if want := "Subject: t\r\n\r\n.x\r\nmid\r\nend\r\n" + strings.Repeat("y", 5000) + "\r\n"; len(msgs) != 1 || string(msgs[0].Data) != want {
		t.Fatalf("stored %q, want one message %q", msgs, want)
	}
}

func TestBareLineEnd(t *testing.T) {
	cases := []struct {
		chunk  string
		prevCR bool
		want   error
	}{
		{"abc\r\n", false, nil},
		{"\r\n", false, nil},
		{"\n", true, nil}, // CR at the end of the previous piece, LF here
		{"abc", false, nil},
		{"abc\r", false, nil}, // judged with the next piece
		{"\n", false, errBareLF},
		{"a\nb\r\n", false, errBareLF},
		{"abc\n", false, errBareLF},
		{"a\rb\r\n", false, errBareCR},
		{"\r\r\n", false, errBareCR},
		{"x\r\n", true, errBareCR},
	}
	for _, tc := range cases {
		if got := bareLineEnd([]byte(tc.chunk), tc.prevCR); got != tc.want {
			t.Errorf("bareLineEnd(%q, %v) = %v, want %v", tc.chunk, tc.prevCR, got, tc.want)
		}
	}
}

func TestTarpit(t *testing.T) {
	const base = 40 * time.Millisecond
	s := start(t, Config{Tarpit: true, TarpitBase: base})
	c := open(t, s)
	c.run(steps(ehlo, step{line: "FOO1", want: "500 "}, step{line: "FOO2", want: "500 "}))
	for i, want := range []time.Duration{base, 2 * base, 4 * base} {
		c.send("FOO\r\n")
		atLeast(t, fmt.Sprintf("error %d", i+3), timed(func() {
			if r := c.reply(); !strings.HasPrefix(r, "500 ") {
				t.Fatalf("reply %q, want 500", r)
			}
		}), want)
	}
	// A reply that is not an error waits as long as the last error did.
	c.send("NOOP\r\n")
	atLeast(t, "NOOP after 5 errors", timed(func() { c.run([]step{{want: "250 2.0.0 Ok\r\n"}}) }), 4*base)
	// An error in a transaction (503) counts the same.
	c.send("RCPT TO:<alice@example.test>\r\n")
	atLeast(t, "error 6", timed(func() { c.run([]step{{want: "503 "}}) }), 8*base)
}

// TestTarpitUndelayed: the first two errors and the replies before them come
// without a tarpit delay (the base is far longer than the reply wait), and
// the third is held back.
func TestTarpitUndelayed(t *testing.T) {
	s := start(t, Config{Tarpit: true, TarpitBase: time.Hour})
	c := open(t, s)
	c.run(steps(ehlo, noopOK, step{line: "FOO1", want: "500 "}, noopOK, step{line: "MAIL FROM:<bad", want: "501 "},
		noopOK, mailOK, rcptOK, step{line: "FOO3", want: silence}))
}

// TestTarpitCap: the delay stops doubling at 16 times the base.
func TestTarpitCap(t *testing.T) {
	const base = 20 * time.Millisecond
	s := start(t, Config{Tarpit: true, TarpitBase: base})
	c := open(t, s)
	c.run(repeat(10, step{line: "FOO", want: "500 "}))
	// Uncapped, the 11th error would wait base·2^8 (5.12 s).
	c.send("FOO\r\n")
	if d := timed(func() { c.run([]step{{want: "500 "}}) }); d < 16*base || d > 3*time.Second {
		t.Fatalf("error 11 came after %v, want 16·%v (capped), not 256·%v", d, base, base)
	}
}

func TestTarpitDefaultBase(t *testing.T) {
	s := start(t, Config{Tarpit: true})
	if s.cfg.TarpitBase != DefaultTarpitBase {
		t.Fatalf("TarpitBase %v, want %v", s.cfg.TarpitBase, DefaultTarpitBase)
	}
}

func TestSilentAfterGreeting(t *testing.T) {
	for _, mode := range []Mode{ModeNormal, ModeRefuse} {
		s := start(t, Config{Mode: mode, SilentAfterGreeting: true})
		c := open(t, s)
		c.run(steps(step{line: "NOOP", want: silence}, step{line: "EHLO client.example", want: silence},
			step{line: "QUIT", want: silence}))
		s.Close()
		c.expectEOF()
	}
}

func TestReplyDelay(t *testing.T) {
	const delay = 150 * time.Millisecond
	s := start(t, Config{ReplyDelay: delay})
	var c *client
	atLeast(t, "the greeting", timed(func() { c = open(t, s) }), delay)
	atLeast(t, "the EHLO reply", timed(func() { c.run([]step{ehlo}) }), delay)
	atLeast(t, "the NOOP reply", timed(func() { c.run([]step{noopOK}) }), delay)
}

// TestCloseEndsDelays: Server.Close does not wait for delayed replies.
func TestCloseEndsDelays(t *testing.T) {
	s := start(t, Config{ReplyDelay: time.Hour})
	c := dial(t, s.Addr())
	c.run([]step{{want: silence}})
	done := make(chan struct{})
	go func() {
		s.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(replyWait):
		t.Fatal("Close is still waiting for a delayed greeting")
	}
	c.expectEOF()
}

func TestModeConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{FalseEODReplyDelay: -time.Second},
		{Tarpit: true, TarpitBase: -time.Second},
		{ReplyDelay: -1},
	} {
		if s, err := Start(cfg); err == nil {
			s.Close()
			t.Errorf("Start(%+v) succeeded, want an error for the negative duration", cfg)
		}
	}
}
