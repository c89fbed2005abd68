package refserver

import "testing"

// RFC 2034 §4: every 2yz/4yz/5yz reply but the opening one and those to
// EHLO and HELO carries an enhanced code, on every line; 3yz do not.
func TestEnhancedStatusCodes(t *testing.T) {
	c := open(t, start(t, Config{}))
	c.run(steps(
		step{line: "HELO client.example", want: "250 ref.smtpspec.test\r\n"},
		step{line: "VRFY alice", want: "250 2.1.5 <alice@example.test>\r\n"},
		step{line: "HELP", want: "214-2.0.0 smtpspec reference server"},
		step{line: "EHLO client.example", want: ehloReply},
		mailOK, step{line: "DATA", want: "554 5.5.1 "}, rcptOK, dataGo, step{line: ".", want: queued},
		step{line: "QUIT", want: "221 2.0.0 ref.smtpspec.test Service closing transmission channel\r\n"},
	))
}

// Without the extension, no code is added to a reply written without one.
func TestWithoutEnhancedStatusCodes(t *testing.T) {
	c := open(t, start(t, Config{Without: []string{"ENHANCEDSTATUSCODES"}}))
	c.run(steps(ehlo, step{line: "VRFY alice", want: "250 <alice@example.test>\r\n"},
		step{line: "QUIT", want: "221 ref.smtpspec.test Service closing transmission channel\r\n"}))
}
