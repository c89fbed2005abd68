package refserver

import (
	"strings"
	"testing"
)

// The server offers every extension by default; Config.Without leaves some
// out, and then their keyword, parameters and verbs are unknown.
func TestWithoutExtensions(t *testing.T) {
	if got := Extensions(); len(got) < 3 {
		t.Fatalf("Extensions() = %v, want at least 8BITMIME, PIPELINING and SIZE", got)
	}
	s := start(t, Config{Without: []string{"size", "8BITMIME", "ATRN", "etrn", "auth", "chunking", "BINARYMIME", "ENHANCEDSTATUSCODES"}})
	c := open(t, s)
	c.run(steps(
		step{line: "EHLO client.example", want: ehloWithout("SIZE", "8BITMIME", "ATRN", "ETRN", "SMTPUTF8", "AUTH", "CHUNKING", "BINARYMIME", "ENHANCEDSTATUSCODES")},
		step{line: "MAIL FROM:<sender@client.example> SIZE=100", want: "555 5.5.4 Unsupported parameter SIZE\r\n"},
		step{line: "MAIL FROM:<sender@client.example> BODY=8BITMIME", want: "555 5.5.4 Unsupported parameter BODY\r\n"},
		step{line: "ETRN example.test", want: "502 5.5.1 Command not implemented\r\n"},
		step{line: "ATRN example.test", want: "502 5.5.1 Command not implemented\r\n"},
		step{line: "MAIL FROM:<sender@client.example>", want: "250 "},
	))
	if _, err := Start(Config{Without: []string{"XNOPE"}}); err == nil || !strings.Contains(err.Error(), "XNOPE") {
		t.Errorf("Start with Without XNOPE: err = %v, want one naming XNOPE", err)
	}
}

// A parameter named twice on one MAIL line is refused with 501.
func TestDuplicateParameter(t *testing.T) {
	c := open(t, start(t, Config{}))
	c.run(steps(
		step{line: "EHLO client.example", want: ehloReply},
		step{line: "MAIL FROM:<sender@client.example> SIZE=10 SIZE=20", want: "501 5.5.4 Duplicate SIZE parameter\r\n"},
		step{line: "MAIL FROM:<sender@client.example> SIZE=10 BODY=7BIT", want: "250 "},
	))
}

// SMTPUTF8 needs 8BITMIME (RFC 6531 §3.1(8)): without it, it is left out.
func TestSMTPUTF8Needs8BitMIME(t *testing.T) {
	c := open(t, start(t, Config{Without: []string{"8BITMIME"}}))
	c.run(steps(step{line: "EHLO client.example", want: ehloWithout("8BITMIME", "SMTPUTF8", "BINARYMIME")}))
}
