package refserver

import "strings"

// Faults of the EHLO cells of the state table (catalogue core_seq.go): each
// wraps the EHLO handler (ehloStateFault, called by cmdEhlo) and refuses a
// later EHLO with 503 in one state, as a server that treats a repeated
// greeting as a sequence error there.
var (
	faultEhloAfterEhlo = newFault("RFC5321-4.1.4-state-ehlo-s1",
		"answers EHLO in a greeted session with no transaction (and no message) since with 503 (duplicate greeting)").
		may("RFC5321-4.1.3-ehlo-address-literal", // sends its two literals in one session
			"RFC5321-4.3.2-hello-codes", // its battery greets again: 503 is not in the EHLO row
			"RFC5321-4.1.1.5-rset-250")  // greets again after RSET in its setup
	faultEhloAfterMail = newFault("RFC5321-4.1.4-state-ehlo-s2",
		"answers EHLO in a transaction with no recipient yet with 503 (transaction in progress)")
	faultEhloAfterRcpt = newFault("RFC5321-4.1.4-state-ehlo-s3",
		"answers EHLO in a transaction with a recipient with 503 (transaction in progress)").
		may("RFC5321-4.1.4-ehlo-resets-transaction") // sets its state up with that EHLO
	faultEhloAfterMessage = newFault("RFC5321-4.1.4-state-ehlo-s4",
		"answers EHLO after a finished message, until the next MAIL, RSET or greeting, with 503")
)

// ehloStateFault returns the refusal a fault gives to this EHLO in the
// current state, or "".
func (s *session) ehloStateFault() string {
	const refusal = "503 5.5.1 Bad sequence of commands"
	switch {
	case s.helo != "" && !s.inTx && !s.msgDone && s.has(faultEhloAfterEhlo):
		return refusal
	case s.inTx && len(s.rcpts) == 0 && s.has(faultEhloAfterMail):
		return refusal
	case s.inTx && len(s.rcpts) > 0 && s.has(faultEhloAfterRcpt):
		return refusal
	case s.msgDone && s.has(faultEhloAfterMessage):
		return refusal
	}
	return ""
}

// faultAuthNoMech breaks the AUTH row of the reply table (RFC 4954 §4, §6)
// where only RFC4954-6-auth-codes looks: AUTH without a mechanism name.
var faultAuthNoMech = newFault("RFC4954-6-auth-codes",
	"answers AUTH without a mechanism name with 555, the code of a bad MAIL or RCPT parameter")

// authNoMechFault returns the refusal faultAuthNoMech gives to AUTH with
// argument arg, or "".
func (s *session) authNoMechFault(arg string) string {
	if strings.TrimSpace(arg) == "" && s.has(faultAuthNoMech) {
		return "555 5.5.4 Mechanism name required"
	}
	return ""
}

// faultStartTLSBeforeEhlo breaks the STARTTLS row of the reply table (RFC
// 3207 §4) where only RFC3207-4-starttls-codes looks: STARTTLS before EHLO.
var faultStartTLSBeforeEhlo = newFault("RFC3207-4-starttls-codes",
	"answers STARTTLS before EHLO with 250 and stays in plaintext, as a handler that takes it for a no-op there")

// startTLSBeforeEhloFault reports whether faultStartTLSBeforeEhlo answers
// this STARTTLS (outside TLS) with 250.
func (s *session) startTLSBeforeEhloFault() bool {
	return s.helo == "" && s.has(faultStartTLSBeforeEhlo)
}
