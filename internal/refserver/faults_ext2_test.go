package refserver

import (
	"encoding/base64"
	"testing"
)

// faultAuthEnhanced answers invalid credentials with 5.7.0; the clean
// server with RFC 4954 §6's 5.7.8. PLAIN is offered in plaintext only on a
// server without STARTTLS.
func TestAuthEnhancedFault(t *testing.T) {
	bad := "AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00"+DefaultAuthUser+"\x00wrong"))
	cfg := Config{Without: []string{"STARTTLS"}}
	open(t, start(t, cfg)).run(steps(ehlo, step{line: bad, want: "535 5.7.8 Authentication credentials invalid\r\n"}))
	cfg.Faults = []string{"RFC4954-6-auth-enhanced-codes"}
	open(t, start(t, cfg)).run(steps(ehlo, step{line: bad, want: "535 5.7.0 Authentication credentials invalid\r\n"}))
}

// faultReplyNoAddress drops the address and the command's name from the
// 250 replies to MAIL and RCPT.
func TestReplyNoAddressFault(t *testing.T) {
	open(t, start(t, Config{Faults: []string{"RFC2920-3.2-reply-identifies-command"}})).run(steps(ehlo,
		step{line: mailOK.line, want: "250 2.0.0 Ok\r\n"},
		step{line: rcptOK.line, want: "250 2.0.0 Ok\r\n"}))
}

// faultAtrnNoAuth leaves AUTH out of the EHLO reply, and ATRN in.
func TestAtrnNoAuthFault(t *testing.T) {
	open(t, start(t, Config{Faults: []string{"RFC2645-5.1-initial-commands"}})).run(steps(
		step{line: "EHLO client.example", want: ehloWithout("AUTH")}))
}
