package refserver

// faultRcptBeforeMail breaks RFC 5321 §3.3 and §4.1.4 (RCPT before MAIL is
// a bad sequence). It triggers only between an accepted EHLO or HELO and the
// first MAIL after it, so RCPT after RSET or after a finished message (other
// requirements) still gets 503.
var faultRcptBeforeMail = newFault("RFC5321-3.3-rcpt-before-mail",
	"answers RCPT with 250 instead of 503 when no MAIL has been given since EHLO/HELO")

// cmdRcpt answers RCPT (RFC 5321 §4.1.1.3, syntax in §3.3 and §4.1.2).
func (s *session) cmdRcpt(arg string) error {
	if !s.inTx {
		if s.freshHelo && s.has(faultRcptBeforeMail) {
			return s.reply("250 2.1.5 Ok")
		}
		return s.reply("503 5.5.1 Need MAIL command") // §3.3, §4.1.4
	}
	rest, ok := cutPrefixFold(arg, "TO:")
	if !ok {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	text, rest, ok := cutPath(rest)
	if !ok {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	// Forward-path = Path, so <> is invalid; <Postmaster> is allowed
	// (§4.1.1.3).
	p, err := parsePath(text, true)
	if err != nil || p.null() {
		return s.reply("501 5.1.3 Invalid recipient address syntax")
	}
	params, err := parseParams(rest)
	if err != nil {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	if len(params) > 0 {
		// §4.1.1.11: no RCPT parameter is supported (DSN is not
		// advertised), so every one is unrecognised.
		return s.reply("555 5.5.4 Unsupported parameter")
	}
	mbox := p.mailbox() // the source route is dropped (§4.1.1.3, App. C)
	if len(s.rcpts) >= s.cfg.MaxRecipients {
		// §4.5.3.1.10: 452 for the implementation limit; accepted
		// recipients stay (§4.5.3.1.8).
		return s.reply(addrReply("452 4.5.3", mbox, "Too many recipients"))
	}
	switch s.cfg.lookup(p.localValue(), p.domain) {
	case mailboxForeign:
		return s.reply(addrReply("550 5.7.1", mbox, "Relaying denied")) // §3.6.2, §7.9
	case mailboxUnknown:
		return s.reply(addrReply("550 5.1.1", mbox, "User unknown")) // §3.3
	}
	s.rcpts = append(s.rcpts, mbox)
	return s.reply(addrReply("250 2.1.5", mbox, "Recipient ok"))
}
