package refserver

import "testing"

// Each EHLO cell fault refuses a later EHLO in its own state only.
func TestEhloStateFaults(t *testing.T) {
	refused := step{line: "EHLO client.example", want: "503 5.5.1 Bad sequence of commands\r\n"}
	message := step{raw: "Subject: t\r\n\r\nbody\r\n.\r\n", want: queued}
	rset := step{line: "RSET", want: "250 "}
	// The clean server takes EHLO in every state.
	open(t, start(t, Config{})).run(steps(ehlo, ehlo, mailOK, ehlo, mailOK, rcptOK, ehlo, mailOK, rcptOK, dataGo, message, ehlo))
	for _, c := range []struct {
		id         string
		hit, clean []step
	}{
		{"RFC5321-4.1.4-state-ehlo-s1", steps(ehlo, rset, refused), steps(ehlo, mailOK, ehlo, mailOK, rcptOK, ehlo, mailOK, rcptOK, dataGo, message, ehlo)},
		{"RFC5321-4.1.4-state-ehlo-s2", steps(ehlo, mailOK, refused), steps(ehlo, ehlo, mailOK, rcptOK, ehlo, mailOK, rcptOK, dataGo, message, ehlo)},
		{"RFC5321-4.1.4-state-ehlo-s3", steps(ehlo, mailOK, rcptOK, refused), steps(ehlo, ehlo, mailOK, ehlo, mailOK, rcptOK, dataGo, message, ehlo)},
		{"RFC5321-4.1.4-state-ehlo-s4", steps(ehlo, mailOK, rcptOK, dataGo, message, refused), steps(ehlo, ehlo, mailOK, ehlo, mailOK, rcptOK, ehlo)},
	} {
		t.Run(c.id, func(t *testing.T) {
			s := start(t, Config{Faults: []string{c.id}})
			open(t, s).run(c.hit)
			open(t, s).run(c.clean)
		})
	}
}

// faultAuthNoMech answers a bare AUTH with 555; the clean server says 501.
func TestAuthNoMechFault(t *testing.T) {
	open(t, start(t, Config{})).run(steps(ehlo, step{line: "AUTH", want: "501 "}))
	open(t, start(t, Config{Faults: []string{"RFC4954-6-auth-codes"}})).run(steps(ehlo,
		step{line: "AUTH", want: "555 "}, step{line: "AUTH X-NONE", want: "504 "}))
}

// faultStartTLSBeforeEhlo answers STARTTLS before EHLO with 250; after EHLO
// it is the clean 220.
func TestStartTLSBeforeEhloFault(t *testing.T) {
	s := start(t, Config{Faults: []string{"RFC3207-4-starttls-codes"}})
	open(t, s).run(steps(step{line: "STARTTLS", want: "250 "}))
	open(t, s).run(steps(ehlo, step{line: "STARTTLS", want: "220 "}))
	open(t, start(t, Config{})).run(steps(step{line: "STARTTLS", want: "220 "}))
}
