package refserver

// Faults of the EHLO cells of the state table (catalogue core_seq.go): each
// wraps the EHLO handler (ehloStateFault, called by cmdEhlo) and refuses a
// later EHLO with 503 in one state, as a server that treats a repeated
// greeting as a sequence error there.
var (
	faultEhloAfterEhlo = newFault("RFC5321-4.1.4-state-ehlo-s1",
		"answers an EHLO right after an accepted EHLO with 503 (duplicate greeting)").
		may("RFC5321-4.1.3-ehlo-address-literal") // sends its two literals in one session
	faultEhloAfterMail = newFault("RFC5321-4.1.4-state-ehlo-s2",
		"answers EHLO in a transaction with no recipient yet with 503 (transaction in progress)")
	faultEhloAfterRcpt = newFault("RFC5321-4.1.4-state-ehlo-s3",
		"answers EHLO in a transaction with a recipient with 503 (transaction in progress)").
		may("RFC5321-4.1.4-ehlo-resets-transaction") // sets its state up with that EHLO
	faultEhloAfterMessage = newFault("RFC5321-4.1.4-state-ehlo-s4",
		"answers EHLO right after the 250 for a message with 503")
)

// ehloStateFault returns the refusal a fault gives to this EHLO in the
// current state, or "".
func (s *session) ehloStateFault() string {
	const refusal = "503 5.5.1 Bad sequence of commands"
	switch {
	case s.prev == "EHLO" && s.helo != "" && s.has(faultEhloAfterEhlo):
		return refusal
	case s.inTx && len(s.rcpts) == 0 && s.has(faultEhloAfterMail):
		return refusal
	case s.inTx && len(s.rcpts) > 0 && s.has(faultEhloAfterRcpt):
		return refusal
	case s.prev == "DATA-END" && s.has(faultEhloAfterMessage):
		return refusal
	}
	return ""
}
