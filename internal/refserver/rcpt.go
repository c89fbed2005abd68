package refserver

import "strings"

// faultRcptBeforeMail breaks RFC 5321 §3.3 and §4.1.4 (RCPT before MAIL is
// a bad sequence). It triggers only between an accepted EHLO or HELO and the
// first MAIL after it, and only for a recipient that is an existing mailbox
// other than postmaster, so RCPT after RSET or after a finished message, and
// the postmaster RCPT of the transaction-order spec, still get 503.
var faultRcptBeforeMail = newFault("RFC5321-3.3-rcpt-before-mail",
	"answers RCPT to an existing mailbox with 250 instead of 503 when no MAIL has been given since EHLO/HELO")

// Faults of RCPT (RFC 5321 §3.3, §4.1.1.3, §4.1.2, §4.5.1, §4.5.3.1). Each
// triggers only on the stimulus of its own spec.
var (
	faultRcptBeforeEhlo = newFault("RFC5321-4.1.4-rcpt-before-ehlo",
		"answers RCPT before any EHLO or HELO with 250").
		may("RFC3207-4.2-reset-discards-transaction", "SEC-STARTTLS-INJECTION-TXN") // their RCPT after STARTTLS has no EHLO either: inconclusive (ERROR)
	faultRcptAccept = newFault("RFC5321-3.3-rcpt-accept",
		"refuses an existing mailbox with 550 once a RCPT of the transaction was refused and none accepted")
	faultRcptUnknown = newFault("RFC5321-3.3-rcpt-unknown-550",
		"answers 252 to an unknown recipient once another recipient was accepted")
	faultRcptNullPath = newFault("RFC5321-4.1.1.3-rcpt-null-path",
		"accepts RCPT TO:<> with 250")
	faultRcptNoBrackets = newFault("RFC5321-4.1.1.3-rcpt-no-brackets",
		"accepts RCPT TO: without angle brackets with 250")
	faultPostmasterBare = newFault("RFC5321-4.5.1-postmaster-bare",
		"refuses postmaster without a domain (RCPT TO:<Postmaster>, any case) with 550").
		may("RFC5321-4.1.1.3-postmaster-case-bare")
	faultPostmasterDomain = newFault("RFC5321-4.5.1-postmaster-domain",
		"refuses postmaster@domain (any case) with 550").
		may("RFC5321-4.1.1.4-single-final-reply", // its second recipient is postmaster@domain
			"RFC5321-4.1.1.3-postmaster-case-domain")
	faultPostmasterCaseBare = newFault("RFC5321-4.1.1.3-postmaster-case-bare",
		"refuses postmaster without a domain unless it is written in lower case, with 550").
		may("RFC5321-4.5.1-postmaster-bare") // it sends <Postmaster>
	faultPostmasterCaseDomain = newFault("RFC5321-4.1.1.3-postmaster-case-domain",
		"refuses postmaster@domain unless the local part is written in lower case, with 550")
	faultRouteForward = newFault("RFC5321-4.1.1.3-source-route-forward",
		"refuses a source route in the forward-path with 501")
	faultOpenRelay = newFault("RFC5321-3.6.2-relay-denied-550",
		"accepts a recipient in a domain it does not serve with 250 (open relay)")
	faultRcptParamNotAdvertised = newFault("RFC5321-4.1.1.3-rcpt-param-not-advertised",
		"ignores RCPT parameters of well-known extensions it does not advertise (NOTIFY, RRVS ...) and answers 250")
	faultRcptCodes = newFault("RFC5321-4.3.2-rcpt-codes",
		"answers RCPT FROM:<...> (wrong keyword) with 504, a code RFC 5321 §4.3.2 does not list for RCPT")
	faultLocalPart64 = newFault("RFC5321-4.5.3.1.1-local-part-64",
		"refuses a local part of 64 octets or more with 501 (too long)")
	faultRcpt100 = newFault("RFC5321-4.5.3.1.8-100-recipients",
		"refuses the 100th recipient of a transaction with 452 (too many recipients)")
	faultTooMany451 = newFault("RFC5321-4.5.3.1.10-too-many-452",
		"refuses recipients over the limit with 451 4.5.3 instead of 452")
)

// cmdRcpt answers RCPT (RFC 5321 §4.1.1.3, syntax in §3.3 and §4.1.2).
func (s *session) cmdRcpt(arg string) error {
	if !s.inTx && s.msgDone && s.has(faultBuffersCleared) {
		s.inTx, s.from, s.rcpts = true, s.lastMsg.From, append([]string(nil), s.lastMsg.To...)
	}
	if !s.inTx {
		switch {
		case s.helo == "" && s.has(faultRcptBeforeEhlo):
			return s.reply("250 2.1.5 Ok")
		case s.freshHelo && s.has(faultRcptBeforeMail) && s.rcptIsMailbox(arg):
			return s.reply("250 2.1.5 Ok")
		}
		return s.reply("503 5.5.1 Need MAIL command") // §3.3, §4.1.4
	}
	seen := s.rcptSeen // an earlier RCPT of this transaction was answered
	s.rcptSeen = true
	if _, ok := cutPrefixFold(arg, "FROM:"); ok && s.has(faultRcptCodes) {
		return s.reply("504 5.5.4 Command parameter not implemented")
	}
	rest, ok := cutPrefixFold(arg, "TO:")
	if !ok {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	if !strings.HasPrefix(rest, "<") && strings.Contains(rest, "@") && s.has(faultRcptNoBrackets) {
		s.rcpts = append(s.rcpts, rest)
		return s.reply("250 2.1.5 Ok")
	}
	text, rest, ok := cutPath(rest)
	if !ok {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	if text == "<>" && s.has(faultRcptNullPath) {
		return s.reply("250 2.1.5 Ok")
	}
	// Forward-path = Path, so <> is invalid; <Postmaster> is allowed
	// (§4.1.1.3).
	p, err := parsePath(text, true)
	if err != nil || p.null() {
		return s.reply("501 5.1.3 Invalid recipient address syntax")
	}
	switch {
	case len(p.route) > 0 && s.has(faultRouteForward):
		return s.reply("501 5.1.3 Invalid recipient address syntax")
	case len(p.local) >= 64 && s.has(faultLocalPart64):
		return s.reply("501 5.5.4 Local part too long")
	}
	params, err := parseParams(rest)
	if err != nil {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	if s.has(faultRcptParamNotAdvertised) {
		kept := params[:0]
		for _, prm := range params {
			if !s.unofferedKnownParam(true, prm.keyword) {
				kept = append(kept, prm)
			}
		}
		params = kept
	}
	mbox := p.mailbox() // the source route is dropped (§4.1.1.3, App. C)
	if refusal := s.utf8Envelope(mbox, true); refusal != "" {
		return s.reply(refusal) // RFC 6531 §3.4, §3.5 (ext_smtputf8.go)
	}
	if len(s.rcpts) == minRecipients-1 && s.has(faultRcpt100) {
		return s.reply(addrReply("452 4.5.3", mbox, "Too many recipients"))
	}
	if len(s.rcpts) >= s.cfg.MaxRecipients {
		if s.has(faultTooMany451) {
			return s.reply(addrReply("451 4.5.3", mbox, "Too many recipients"))
		}
		// §4.5.3.1.10: 452 for the implementation limit; accepted
		// recipients stay (§4.5.3.1.8).
		return s.reply(addrReply("452 4.5.3", mbox, "Too many recipients"))
	}
	if s.postmasterFault(p) {
		return s.reply(addrReply("550 5.1.1", mbox, "User unknown"))
	}
	if refusal := s.x1RcptFault(p); refusal != "" {
		return s.reply(refusal) // faults_x1.go
	}
	switch s.cfg.lookup(p.localValue(), p.domain) {
	case mailboxForeign:
		if s.has(faultOpenRelay) || s.routeRelayFault(p) {
			return s.reply(s.addrReply("250 2.1.5", mbox, "Recipient ok"))
		}
		return s.reply(addrReply("550 5.7.1", mbox, "Relaying denied")) // §3.6.2, §7.9
	case mailboxUnknown:
		if len(s.rcpts) > 0 && s.has(faultRcptUnknown) {
			return s.reply(addrReply("252 2.1.5", mbox, "Cannot verify user"))
		}
		return s.reply(addrReply("550 5.1.1", mbox, "User unknown")) // §3.3
	}
	if seen && len(s.rcpts) == 0 && s.has(faultRcptAccept) {
		return s.reply(addrReply("550 5.1.1", mbox, "User unknown"))
	}
	// §4.1.1.11: parameters no offered extension defines get 555; the
	// handlers see only a recipient that is otherwise accepted.
	if refusal := s.checkParams(true, params); refusal != "" {
		return s.reply(refusal)
	}
	s.rcpts = append(s.rcpts, mbox)
	return s.reply(s.addrReply("250 2.1.5", mbox, "Recipient ok"))
}

// postmasterFault reports whether a postmaster fault refuses p: one knows
// postmaster only with a domain, one only without, and two compare the
// local part case-sensitively (with or without a domain).
func (s *session) postmasterFault(p path) bool {
	if !strings.EqualFold(p.localValue(), "postmaster") {
		return false
	}
	bare, lower := p.domain == "", p.local == "postmaster"
	if bare {
		return s.has(faultPostmasterBare) || (!lower && s.has(faultPostmasterCaseBare))
	}
	return s.has(faultPostmasterDomain) || (!lower && s.has(faultPostmasterCaseDomain))
}

// rcptIsMailbox reports whether arg is "TO:<mailbox>" for an existing
// mailbox other than postmaster.
func (s *session) rcptIsMailbox(arg string) bool {
	rest, ok := cutPrefixFold(arg, "TO:")
	if !ok {
		return false
	}
	p, err := parsePath(rest, true)
	if err != nil || p.null() || strings.EqualFold(p.localValue(), "postmaster") {
		return false
	}
	return s.cfg.lookup(p.localValue(), p.domain) == mailboxLocal
}
