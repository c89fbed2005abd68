package refserver

import (
	"encoding/base64"
	"strings"
	"testing"
)

// ETRN (RFC 1985): the codes of §5.1 for what the server holds, 501 for a
// malformed request, 503 inside a transaction.
func TestEtrn(t *testing.T) {
	s := start(t, Config{})
	c := open(t, s)
	c.run(steps(ehlo,
		step{line: "ETRN example.test", want: "251 2.0.0 OK, no messages waiting for node example.test\r\n"},
		step{line: "ETRN", want: "501 5.5.4 Syntax: ETRN [@|#]node\r\n"},
		step{line: "ETRN localname", want: "501 "},
		step{line: "ETRN other.example", want: "459 4.7.1 Node other.example not allowed: no mail is held for it here\r\n"},
		step{line: "ETRN @example.test", want: "250 2.0.0 OK, queuing for node example.test started\r\n"},
		step{line: "ETRN @sub.example.test", want: "250 "},
		step{line: "ETRN @test", want: "459 "},
		step{line: "ETRN #uucp", want: "458 4.3.0 Unable to queue messages for node #uucp\r\n"},
		mailOK,
		step{line: "ETRN example.test", want: "503 5.5.1 ETRN not allowed inside a mail transaction\r\n"},
		rcptOK, dataGo, step{line: ".", want: queued},
		step{line: "ETRN EXAMPLE.test", want: "253 2.0.0 OK, 1 pending messages for node EXAMPLE.test started\r\n"},
	))
}

// Each ETRN fault breaks its path of the handler.
func TestEtrnFaults(t *testing.T) {
	for _, c := range []struct {
		fault string
		steps []step
	}{
		{"RFC1985-etrn-reply-set", steps(ehlo, step{line: "ETRN example.test", want: "200 2.0.0 OK, queue run started\r\n"})},
		{"RFC1985-etrn-syntax", steps(ehlo, step{line: "ETRN", want: "250 "})},
		{"RFC1985-etrn-unauthorised-node", steps(ehlo, step{line: "ETRN other.example", want: "550 "})},
		{"RFC1985-etrn-in-transaction", steps(ehlo, mailOK, step{line: "ETRN example.test", want: "251 "})},
		{"RFC1985-etrn-253-count", steps(ehlo, mailOK, rcptOK, dataGo, step{line: ".", want: queued},
			step{line: "ETRN example.test", want: "253 2.0.0 OK, pending messages for node example.test started\r\n"})},
		{"RFC1985-etrn-options", steps(ehlo, step{line: "ETRN @test", want: "250 "})},
		{"RFC1985-2-etrn-no-params", steps(step{line: "EHLO client.example", want: strings.Replace(ehloReply, "250-ETRN\r\n", "250-ETRN QUEUE\r\n", 1)})},
		{"RFC1985-etrn-keyword", steps(step{line: "EHLO client.example", want: ehloWithout("ETRN")},
			step{line: "ETRN example.test", want: "250 2.0.0 Queuing started\r\n"})},
	} {
		t.Run(c.fault, func(t *testing.T) {
			open(t, start(t, Config{Faults: []string{c.fault}})).run(c.steps)
		})
	}
}

// ATRN (RFC 2645 §5.2.1): 530 without authentication; with the fault on, 250
// and the roles reverse: the server waits for the greeting, sends EHLO and
// QUIT.
func TestAtrn(t *testing.T) {
	open(t, start(t, Config{})).run(steps(ehlo,
		step{line: "ATRN", want: "530 5.7.0 Authentication required\r\n"},
		step{line: "ATRN example.test,example.org", want: "530 "}))
	open(t, start(t, Config{Faults: []string{"RFC2645-atrn-on-mta-port"}})).run(steps(
		step{line: "EHLO client.example", want: ehloWithout("ATRN")},
		step{line: "ATRN example.test", want: "530 "}))
	c := open(t, start(t, Config{Faults: []string{"RFC2645-5.2.1-atrn-needs-auth"}}))
	c.run(steps(ehlo,
		step{line: "ATRN example.test", want: "250 2.0.0 OK now reversing the connection\r\n"}))
	c.send("220 customer.example ready\r\n")
	if got, err := c.r.ReadString('\n'); err != nil || got != "EHLO ref.smtpspec.test\r\n" {
		t.Fatalf("after the greeting: %q, %v; want EHLO", got, err)
	}
	c.send("250 customer.example\r\n")
	if got, err := c.r.ReadString('\n'); err != nil || got != "QUIT\r\n" {
		t.Fatalf("after the EHLO reply: %q, %v; want QUIT", got, err)
	}
	c.send("221 customer.example bye\r\n")
	c.expectEOF()
}

// In an authenticated session ATRN gets 450 for a domain the login has no
// access to, 453 when no mail is held, 501 for a malformed domain list.
func TestAtrnAuthenticated(t *testing.T) {
	// Without STARTTLS the server offers PLAIN in plaintext.
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + DefaultAuthUser + "\x00" + DefaultAuthPassword))
	open(t, start(t, Config{Without: []string{"STARTTLS"}})).run(steps(ehlo,
		step{line: "AUTH PLAIN " + plain, want: "235 "},
		step{line: "ATRN example.test", want: "453 4.3.0 You have no mail\r\n"},
		step{line: "ATRN", want: "453 "},
		step{line: "ATRN example.test,other.example", want: "450 4.7.1 ATRN request refused\r\n"},
		step{line: "ATRN example.test,", want: "501 "}))
}
