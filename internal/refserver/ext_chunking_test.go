package refserver

import (
	"strings"
	"testing"
)

// BDAT (RFC 3030 §2): chunks and BDAT LAST make a message; a failed BDAT
// still reads its chunk; DATA does not mix with BDAT or BODY=BINARYMIME.
func TestChunking(t *testing.T) {
	s := start(t, Config{})
	c := open(t, s)
	c.run(steps(
		step{line: "EHLO client.example", want: ehloReply},
		// Outside a transaction: 503, after the chunk (two NOOP lines) is read.
		step{raw: "BDAT 12\r\nNOOP\r\nNOOP\r\n", want: "503 5.5.1 Need MAIL command\r\n"}, noopOK,
		mailOK, rcptOK,
		step{raw: "BDAT 5\r\nHello", want: "250 2.0.0 5 octets received\r\n"},
		step{line: "DATA", want: "503 5.5.1 DATA cannot be mixed with BDAT in one transaction\r\n"},
		step{raw: "BDAT 9 LAST\r\n, world\r\n", want: queued},
		// After LAST, no transaction: 503, chunk read.
		step{raw: "BDAT 6\r\nNOOP\r\n", want: "503 "}, noopOK,
		mailOK, rcptOK, step{raw: "BDAT 3\r\nabc", want: "250 "}, step{line: "BDAT 0 LAST", want: queued},
		mailOK, rcptOK, step{line: "BDAT x", want: "501 "}, step{line: "BDAT", want: "501 "}, step{line: "BDAT 5 FIRST", want: "501 "},
		// A chunk with an end-of-data look-alike is one message.
		step{raw: "BDAT 12 LAST\r\na\r\n.\r\nNOOP\r\n", want: queued}, noopOK,
		// RSET clears the chunks: DATA is fine in the next transaction.
		mailOK, rcptOK, step{raw: "BDAT 3\r\nabc", want: "250 "}, rsetOK, mailOK, rcptOK, dataGo, step{line: ".", want: queued},
		step{line: "MAIL FROM:<sender@client.example> BODY=BINARYMIME", want: "250 "}, rcptOK,
		step{line: "DATA", want: "503 5.5.1 BODY=BINARYMIME needs BDAT\r\n"},
	))
	msgs := s.Messages()
	var got []string
	for _, m := range msgs {
		got = append(got, string(m.Data))
	}
	want := []string{"Hello, world\r\n", "abc", "a\r\n.\r\nNOOP\r\n", ""}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("messages %q, want %q", got, want)
	}
}

// Without CHUNKING, BDAT is not implemented and BINARYMIME is not offered.
func TestWithoutChunking(t *testing.T) {
	c := open(t, start(t, Config{Without: []string{"CHUNKING"}}))
	c.run(steps(ehlo,
		step{line: "BDAT 0 LAST", want: "502 "},
		step{line: "MAIL FROM:<sender@client.example> BODY=BINARYMIME", want: "501 "},
	))
}

// Without 8BITMIME there is no BODY parameter, so BINARYMIME is not offered
// either; CHUNKING still is.
func TestBinaryMIMENeeds8BitMIME(t *testing.T) {
	c := open(t, start(t, Config{Without: []string{"8BITMIME"}}))
	c.run(steps(
		step{line: "EHLO client.example", want: ehloWithout("8BITMIME", "SMTPUTF8", "BINARYMIME")},
	))
}
