package refserver

import (
	"strings"
	"testing"
)

// A submission server (ModeSubmission) offers neither ETRN nor ATRN (RFC
// 6409 §7); AUTH= in lower case is the same parameter (RFC 4954 §8).
func TestMoreSecClean(t *testing.T) {
	c := open(t, start(t, Config{Mode: ModeSubmission}))
	c.run(steps(step{line: "EHLO client.example", want: ehloWithout("ATRN", "ETRN")}))
	c = open(t, start(t, Config{}))
	c.run(steps(ehlo,
		step{line: "MAIL FROM:<sender@client.example> auth=<>", want: "250 "}, rsetOK,
		step{line: "STARTTLS now", want: "501 "}))
}

// Each fault of this file breaks its path.
func TestMoreSecFaults(t *testing.T) {
	scram := strings.Replace(ehloReply, "250-AUTH CRAM-MD5\r\n", "250-AUTH CRAM-MD5 SCRAM-SHA-256\r\n", 1)
	for _, c := range []struct {
		fault string
		mode  Mode
		steps []step
	}{
		{"RFC6409-7-no-etrn-atrn", ModeSubmission, steps(step{line: "EHLO client.example", want: ehloWithout("ATRN")})},
		{"RFC6409-7-recommended-extensions", ModeSubmission,
			steps(step{line: "EHLO client.example", want: ehloWithout("ATRN", "ETRN", "ENHANCEDSTATUSCODES")})},
		{"RFC6409-7-auth-supported", ModeSubmission, steps(step{line: "EHLO client.example", want: ehloWithout("ATRN", "ETRN", "AUTH")})},
		{"RFC3207-4-tls-required-530", ModeNormal, steps(ehlo, step{line: "MAIL FROM:<sender@client.example>", want: "451 4.7.0 TLS required\r\n"}, noopOK)},
		{"RFC3207-4-tls-required-enhanced-code", ModeNormal,
			steps(ehlo, step{line: "MAIL FROM:<sender@client.example>", want: "530 5.7.1 Must issue a STARTTLS command first\r\n"}, noopOK)},
		{"RFC3207-4-temp-unavailable-454", ModeNormal,
			steps(ehlo, step{line: "STARTTLS", want: "454 4.7.0 TLS not available due to temporary reason\r\n", more: []string{eof}})},
		{"RFC4954-3-mechanisms-available", ModeNormal,
			steps(step{line: "EHLO client.example", want: scram}, step{line: "AUTH SCRAM-SHA-256", want: "504 5.5.4 "})},
		{"RFC4954-8-case-insensitive", ModeNormal, steps(ehlo,
			step{line: "MAIL FROM:<sender@client.example> AUTH=<>", want: "250 "}, rsetOK,
			step{line: "MAIL FROM:<sender@client.example> auth=<>", want: "555 5.5.4 Unsupported parameter auth\r\n"})},
		{"RFC3463-2-registered-codes", ModeNormal, steps(ehlo, step{line: "NOOP", want: "250 2.0.1 Ok\r\n"})},
	} {
		t.Run(c.fault, func(t *testing.T) {
			open(t, start(t, Config{Mode: c.mode, Faults: []string{c.fault}})).run(c.steps)
		})
	}
}
