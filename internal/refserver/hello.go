package refserver

import (
	"strings"
)

// Faults of EHLO and HELO (RFC 5321 §2.2.1, §3.2, §4.1.1.1, §4.1.3,
// §4.1.4, §4.3.2). Each triggers only on its own spec's stimulus: an EHLO
// or HELO name no other spec gives, an argument form only that spec sends,
// or the state the spec sets up. The ones that change every EHLO reply
// (first line, keyword lines, TURN listed) change what only their own spec
// reads.
// faultDomain255 breaks RFC 5321 §4.5.3.1.2 where no other limit
// interferes: in the EHLO argument.
var faultDomain255 = newFault("RFC5321-4.5.3.1.2-domain-255",
	"refuses an EHLO domain of 250 octets or more with 501 (too long)")

var (
	faultEhloSupported = newFault("RFC5321-2.2.1-ehlo-supported",
		"answers every EHLO with 502, as a server without EHLO").breaksSessionSetup()
	faultHeloSupported = newFault("RFC5321-2.2.1-helo-supported",
		"answers every HELO with 500 (command unrecognized)").breaksSessionSetup().
		may("RFC5321-4.3.2-required-never-unrecognised") // HELO is a required command
	faultHeloExtended = newFault("RFC5321-3.2-helo-not-extended",
		"answers every HELO with the EHLO keyword list")
	faultEhloFirstLine = newFault("RFC5321-4.1.1.1-ehlo-first-line",
		"starts the EHLO reply with \"250-Hello, <name>\" instead of its own domain")
	faultEhloLineSyntax = newFault("RFC5321-4.1.1.1-ehlo-line-syntax",
		"lists a keyword with an underscore (X_SMTPSPEC) in the EHLO reply")
	faultEhloListsVerbs = newFault("RFC5321-4.1.1.1-ehlo-lists-optional-verbs",
		"answers BDAT 0 LAST outside a transaction with 250 (BDAT implemented) without listing CHUNKING")
	faultAdvertiseUnimplemented = newFault("RFC5321-4.2.4-no-advertise-unimplemented",
		"lists TURN in the EHLO reply but answers TURN with 502")
	faultEhloKeepsTx = newFault("RFC5321-4.1.4-ehlo-resets-transaction",
		"answers EHLO inside a mail transaction with 250 but keeps the transaction")
	faultHeloKeepsTx = newFault("RFC5321-4.1.1.1-helo-resets-transaction",
		"answers HELO inside a mail transaction with 250 but keeps the transaction")
	faultRejectedEhloResets = newFault("RFC5321-4.1.4-rejected-ehlo-keeps-state",
		"drops the mail transaction on an EHLO it refuses for a missing argument")
	faultEhloArg = newFault("RFC5321-4.1.1.1-ehlo-arg-required",
		"answers EHLO without an argument with 553, a code §4.1.4 does not allow for a refused EHLO").
		may("RFC5321-4.3.2-hello-codes") // its battery sends a bare EHLO too
	faultHeloArg = newFault("RFC5321-4.1.1.1-helo-arg-required",
		"answers HELO without an argument with 553, a code §4.1.4 does not allow for a refused HELO").
		may("RFC5321-4.3.2-hello-codes") // its battery sends a bare HELO too
	faultEhloLiteral = newFault("RFC5321-4.1.3-ehlo-address-literal",
		"refuses an IPv6 address literal in EHLO with 501")
	faultEhloBadLiteral = newFault("RFC5321-4.1.3-bad-address-literal",
		"answers EHLO with a malformed address literal with 553 instead of 501")
	faultEhloLabelChars = newFault("RFC5321-4.1.2-label-chars",
		"answers EHLO with an underscore in the domain with 553 instead of 501")
	faultEhloExtraText = newFault("RFC5321-4.1.1.1-ehlo-extra-text",
		"refuses text after the EHLO domain or address literal with 501")
	faultHelloCodes = newFault("RFC5321-4.3.2-hello-codes",
		"answers HELO with an address literal with 252, a code outside the §4.3.2 table for HELO")
)

// helloName returns the domain or address literal that opens an EHLO or
// HELO argument (RFC 5321 §4.1.1.1). Text after it is tolerated, as
// §4.1.1.1 advises for RFC 2821 practice.
func helloName(arg string) (string, bool) {
	name, _, _ := strings.Cut(arg, " ")
	return name, isDomain(name) || isAddressLiteral(name)
}

// helloFault answers an EHLO or HELO argument the way one of the faults
// of this file does; ok is false when none applies.
func (s *session) helloFault(verb, arg string) (reply string, ok bool) {
	name, rest, _ := strings.Cut(arg, " ")
	switch {
	case arg == "" && verb == "EHLO" && s.has(faultEhloArg),
		arg == "" && verb == "HELO" && s.has(faultHeloArg):
		return "553 5.5.4 " + verb + " parameter missing", true
	case verb == "EHLO" && s.has(faultEhloSupported):
		return "502 5.5.1 EHLO not implemented", true
	case verb == "HELO" && s.has(faultHeloSupported):
		return "500 5.5.1 Command unrecognized", true
	case verb == "HELO" && isAddressLiteral(name) && s.has(faultHelloCodes):
		return "252 2.0.0 Hello", true
	case verb != "EHLO":
		return "", false
	case len(name) > 6 && strings.EqualFold(name[:6], "[IPv6:") && s.has(faultEhloLiteral):
		return "501 5.5.4 Invalid address literal", true
	case strings.HasPrefix(name, "[") && !isAddressLiteral(name) && s.has(faultEhloBadLiteral):
		return "553 5.5.4 Address literal not supported", true
	case strings.Contains(name, "_") && s.has(faultEhloLabelChars):
		return "553 5.5.4 Domain not supported", true
	case rest != "" && s.has(faultEhloExtraText):
		return "501 5.5.4 Syntax: EHLO hostname", true
	}
	return "", false
}

// cmdEhlo answers EHLO (RFC 5321 §4.1.1.1). An accepted EHLO resets the
// transaction like RSET (§4.1.4); a refused one changes nothing (§4.1.4).
func (s *session) cmdEhlo(arg string) error {
	if refusal := s.ehloStateFault(); refusal != "" {
		return s.reply(refusal) // faults_seq.go
	}
	if arg == "" && s.inTx && s.has(faultRejectedEhloResets) {
		s.resetTx()
	}
	if reply, ok := s.helloFault("EHLO", arg); ok {
		return s.reply(reply)
	}
	if arg == "" {
		return s.reply("501 5.5.4 Syntax: EHLO hostname")
	}
	if len(arg) >= 250 && s.has(faultDomain255) {
		return s.reply("501 5.5.4 Domain name too long")
	}
	name, ok := helloName(arg)
	if !ok {
		return s.reply("501 5.5.4 Invalid domain name or address literal")
	}
	if !(s.inTx && s.has(faultEhloKeepsTx)) {
		s.resetTx()
	}
	s.helo, s.freshHelo, s.heloVerb = name, true, "EHLO"
	return s.replyLines("250", s.ehloLines(name))
}

// ehloLines is the EHLO reply: the server's domain, then one keyword per
// line. Every supported command outside the required set is listed
// (§4.1.1.1): HELP is the only one. Keywords have no "=" (§4.1.1.1).
func (s *session) ehloLines(name string) []string {
	first := s.ehloDomain() + " greets " + name // ext_smtputf8.go
	if s.has(faultEhloFirstLine) {
		first = "Hello, " + name
	}
	lines := append([]string{first}, s.extensionLines()...)
	lines = append(lines, "HELP") // RFC 5321 §4.1.1.8
	if s.has(faultEhloLineSyntax) {
		lines = append(lines, "X_SMTPSPEC")
	}
	if s.has(faultAdvertiseUnimplemented) {
		lines = append(lines, "TURN")
	}
	return lines
}

// cmdHelo answers HELO (RFC 5321 §4.1.1.1): one line, never the extension
// list (§3.2). Like EHLO it resets the transaction when accepted.
func (s *session) cmdHelo(arg string) error {
	if reply, ok := s.helloFault("HELO", arg); ok {
		return s.reply(reply)
	}
	if s.heloFault() {
		return s.reply("500 5.5.1 Command unrecognized") // faults_more.go
	}
	if arg == "" {
		return s.reply("501 5.5.4 Syntax: HELO hostname")
	}
	name, ok := helloName(arg)
	if !ok {
		return s.reply("501 5.5.4 Invalid domain name or address literal")
	}
	if !(s.inTx && s.has(faultHeloKeepsTx)) {
		s.resetTx()
	}
	s.helo, s.freshHelo, s.heloVerb = name, true, "HELO"
	if s.has(faultHeloExtended) {
		return s.replyLines("250", s.ehloLines(name))
	}
	return s.reply("250 " + s.heloReply(name)) // faults_x1.go
}
