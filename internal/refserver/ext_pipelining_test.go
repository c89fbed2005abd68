package refserver

import "testing"

// A pipelined group with a refused RCPT gets every reply in order (RFC 2920
// §3.2 (1), (9)); so does the end of a message grouped with the next
// transaction (§3.1); a command split across writes is one command (§3.2
// (8)).
func TestPipelining(t *testing.T) {
	c := open(t, start(t, Config{}))
	c.run(steps(ehlo,
		step{raw: "MAIL FROM:<a@b.example>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<alice@example.test>\r\nRSET\r\n",
			want: "250 ", more: []string{"550 ", "250 ", "250 "}},
		mailOK, rcptOK, dataGo,
		step{raw: "x\r\n.\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<alice@example.test>\r\nRSET\r\n", want: queued, more: []string{"250 ", "250 ", "250 "}},
		step{raw: "NO", want: silence}, step{raw: "OP\r\n", want: "250 2.0.0 Ok\r\n"},
	))
}
