package refserver

import (
	"strings"
	"testing"
)

// The clean server takes what RFC 5321 §3.3, §3.7.2 and §6.3 forbid it to
// refuse; each fault of faults_more.go refuses its case, and only it.
func TestContentFaults(t *testing.T) {
	var loop strings.Builder
	for i := 0; i < 31; i++ {
		loop.WriteString("Received: from a.example by b.example; Tue, 1 Dec 2026 10:00:00 +0000\r\n")
	}
	cases := []struct{ fault, header string }{
		{"RFC5321-3.3-no-reject-resent", "Resent-To: <alice@example.test>\r\n"},
		{"RFC5321-3.3-no-reject-header-defects", "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n"},
		{"RFC5321-3.7.2-no-reject-trace-format", "Received: total garbage ;;;\r\n"},
		{"RFC5321-6.3-loop-threshold", loop.String()},
	}
	message := func(header string) step {
		return step{raw: header + "Subject: t\r\n\r\nbody\r\n.\r\n", want: queued}
	}
	for _, c := range cases {
		t.Run(c.fault, func(t *testing.T) {
			open(t, start(t, Config{})).run(steps(ehlo, mailOK, rcptOK, dataGo, message(c.header)))
			for _, other := range cases {
				want := queued
				if other.fault == c.fault {
					want = "554 5."
				}
				m := message(other.header)
				m.want = want
				open(t, start(t, Config{Faults: []string{c.fault}})).run(steps(ehlo, mailOK, rcptOK, dataGo, m))
			}
		})
	}
}

// faultEhloMismatch refuses the message after EHLO with another address
// literal than the client's, and only then.
func TestEhloMismatchFault(t *testing.T) {
	s := start(t, Config{Faults: []string{"RFC5321-4.1.4-no-refuse-on-ehlo-mismatch"}})
	msg := step{raw: "Subject: t\r\n\r\nbody\r\n.\r\n", want: queued}
	open(t, s).run(steps(step{line: "EHLO [127.0.0.1]", want: "250-"}, mailOK, rcptOK, dataGo, msg))
	open(t, s).run(steps(step{line: "EHLO client.example", want: "250-"}, mailOK, rcptOK, dataGo, msg))
	msg.want = "550 5.7.1 EHLO [192.0.2.1] does not match your address\r\n"
	open(t, s).run(steps(step{line: "EHLO [192.0.2.1]", want: "250-"}, mailOK, rcptOK, dataGo, msg))
}

// faultHeloAgain answers a second greeting by HELO with 500.
func TestHelloFaultsMore(t *testing.T) {
	open(t, start(t, Config{Faults: []string{"RFC5321-4.3.2-required-never-unrecognised"}})).run(steps(
		step{line: "HELO client.example", want: "250 "},
		step{line: "HELO client.example", want: "500 5.5.1 Command unrecognized\r\n"}))
}

// faultRouteRelay accepts a foreign mailbox behind a route through the
// served domain; the clean server refuses it like the plain form.
func TestRouteRelayFault(t *testing.T) {
	probe := step{line: "RCPT TO:<@example.test:someone@other.example>", want: "550 5.7.1 "}
	open(t, start(t, Config{})).run(steps(ehlo, mailOK, probe))
	probe.want = "250 "
	open(t, start(t, Config{Faults: []string{"SEC-OPEN-RELAY"}})).run(steps(ehlo, mailOK,
		step{line: "RCPT TO:<someone@other.example>", want: "550 5.7.1 "}, probe))
}

// faultStateMatrix refuses VRFY after a finished message, and only
// there.
func TestStateMatrixFault(t *testing.T) {
	s := start(t, Config{Faults: []string{"RFC5321-4.3.2-state-matrix"}})
	vrfy := step{line: "VRFY postmaster", want: "25"}
	open(t, s).run(steps(vrfy, ehlo, vrfy, mailOK, vrfy, rcptOK, vrfy))
	open(t, s).run(steps(ehlo, mailOK, rcptOK, dataGo, step{raw: "Subject: t\r\n\r\nbody\r\n.\r\n", want: queued},
		step{line: "VRFY postmaster", want: "503 5.5.1 Bad sequence of commands\r\n"}))
}

// fault554Text leaves the reason out of the 554 greeting.
func TestRefusalTextFault(t *testing.T) {
	c := dial(t, start(t, Config{Mode: ModeRefuse, Faults: []string{"RFC5321-3.1-554-text"}}).Addr())
	if g := c.reply(); g != "554 ref.smtpspec.test\r\n" {
		t.Fatalf("greeting %q, want a bare 554 with the domain", g)
	}
	c = dial(t, start(t, Config{Mode: ModeRefuse}).Addr())
	if g := c.reply(); g != "554 ref.smtpspec.test no SMTP service here\r\n" {
		t.Fatalf("greeting %q", g)
	}
}
