package refserver

import (
	"strings"
	"unicode/utf8"
)

// SMTPUTF8, RFC 6531: MAIL takes the SMTPUTF8 parameter, which has no value
// (§3.1(4), §3.4); mailboxes in MAIL, RCPT, VRFY and EXPN may then hold
// UTF-8 (§3.2, §3.3), and VRFY and EXPN take an optional SMTPUTF8 parameter
// (§3.7.4.2). A UTF-8 mailbox in a transaction whose MAIL lacked the
// parameter is refused: 550 at MAIL, 553 at RCPT, with X.6.7 (§3.5).
// Replies never carry non-ASCII octets: the server echoes no UTF-8 address
// (§3.7.4.2), and its EHLO reply names its domain in ASCII (§3.7.1). The
// MAIL line limit grows by 10 octets (§3.1(5)).

// utf8LineIncrement: RFC 6531 §3.1(5).
const utf8LineIncrement = 10

var extSMTPUTF8 *extension

func init() {
	extSMTPUTF8 = registerExtension(&extension{
		keyword: "SMTPUTF8",
		line:    utf8Line,
		// RFC 6531 §3.1(8): offered only along with 8BITMIME, so a server
		// configured without 8BITMIME (Config.Without) leaves it out too.
		offered:      func(s *session) bool { return s.srv.enabled[ext8BitMIME] },
		mailParams:   map[string]paramHandler{"SMTPUTF8": mailSMTPUTF8},
		resetTx:      func(s *session) { extState[utf8State](s, extSMTPUTF8).on = false },
		envelopeLine: func(*session) int { return utf8LineIncrement },
	})
}

func init() {
	// Faults of other hooks that change the new SMTPUTF8 specs with cause:
	// a 250 quoting a UTF-8 mailbox to VRFY without the parameter; refusals
	// quoting the UTF-8 address; no 8BITMIME for the BODY parameter; a
	// UTF-8 reverse-path taken without the parameter; an open relay.
	faultVrfyFalse250.may("RFC6531-3.7.4.2-vrfy-without-param", "RFC6531-3.7.4.2-utf8-reply-scope")
	faultUTF8Echo.may("RFC6531-3.7.4.2-utf8-reply-scope")
	faultUTF8Without8Bit.may("RFC6531-3.6-with-body-param", "RFC3030-3-binarymime-body-value", "RFC3030-3-binarymime-binary-content", "RFC3030-2-bdat-any-body")
	fault8BitMIMEMissing.may("RFC6531-3.6-with-body-param", "RFC3030-3-binarymime-body-value", "RFC3030-3-binarymime-binary-content", "RFC3030-2-bdat-any-body")
	faultEightBitEnvelope.may("RFC6531-3.5-ascii-only-codes")
	faultUTF8NoParam.may("RFC6531-3.5-ascii-only-codes")
	faultOpenRelay.may("RFC6531-3.2-relaying-unchanged") // no relay filter left to compare with: NOT APPLICABLE
}

// utf8State is the SMTPUTF8 state of a session.
type utf8State struct {
	// on: the open transaction's MAIL carried the SMTPUTF8 parameter.
	on bool
	// verbParam: a VRFY or EXPN of the session carried the SMTPUTF8
	// parameter (only faultUTF8Scope reads it).
	verbParam bool
}

// Faults of SMTPUTF8: each wraps one hook (the EHLO line, the MAIL
// parameter, the envelope check, the VRFY/EXPN parameter, the EHLO domain).
var (
	faultUTF8Keyword = newFault("RFC6531-3.1-keyword-no-params",
		"lists the keyword with a parameter: \"SMTPUTF8 UTF8\"")
	faultUTF8Value = newFault("RFC6531-3.4-param-no-value",
		"takes the MAIL parameter SMTPUTF8 with a value (SMTPUTF8=yes)")
	faultUTF8Rcpt = newFault("RFC6531-3.2-utf8-mailboxes",
		"refuses a UTF-8 forward-path with 501, its RCPT parser being ASCII-only")
	faultUTF8NoParam = newFault("RFC6531-3.4-utf8-without-param",
		"takes a UTF-8 reverse-path in a MAIL without the SMTPUTF8 parameter").
		may("RFC5321-2.4-8bit-envelope-reject") // the same stimulus
	faultUTF8Echo = newFault("RFC6531-3.7.4.2-no-utf8-replies",
		"quotes the UTF-8 address in its refusal of a MAIL or RCPT that lacks the SMTPUTF8 parameter")
	faultUTF8Vrfy = newFault("RFC6531-3.7.4.2-vrfy-param-syntax",
		"refuses VRFY with the SMTPUTF8 parameter with 501")
	faultUTF8VrfyNoParam = newFault("RFC6531-3.7.4.2-vrfy-without-param",
		"answers VRFY of a UTF-8 mailbox with 250 and the mailbox, whether or not the SMTPUTF8 parameter was sent").
		may("RFC6531-3.7.4.2-no-utf8-replies", "RFC6531-3.7.4.2-utf8-reply-scope") // they send VRFY of a UTF-8 mailbox without the parameter too
	faultUTF8Scope = newFault("RFC6531-3.7.4.2-utf8-reply-scope",
		"once a VRFY carried the SMTPUTF8 parameter, quotes UTF-8 mailboxes in its VRFY replies for the rest of the session")
	faultULabel = newFault("RFC6531-3.3-u-label-domain",
		"takes UTF-8 local parts under SMTPUTF8 but refuses a U-label domain with 501")
	faultUTF8Body = newFault("RFC6531-3.6-with-body-param",
		"refuses a BODY parameter that follows SMTPUTF8 on the same MAIL with 555")
	faultUTF8MailCode = newFault("RFC6531-3.5-ascii-only-codes",
		"refuses a non-ASCII reverse-path lacking the SMTPUTF8 parameter with 553 5.1.7, the code of a bad address, not 550 5.6.7")
	faultUTF8Relay = newFault("RFC6531-3.2-relaying-unchanged",
		"skips its relay check for a UTF-8 recipient of a transaction under SMTPUTF8: it takes a non-ASCII mailbox in a domain it does not serve (250)")
	faultUTF8RcptCode = newVariantFault("RFC6531-3.5-ascii-only-codes", "rcpt-550",
		"refuses a non-ASCII forward-path lacking the SMTPUTF8 parameter with 550 5.6.7, the MAIL code, not 553 5.6.7")
	faultUTF8Ehlo = newFault("RFC6531-3.7.1-ehlo-ascii-names",
		"names itself in the EHLO reply with a U-label (UTF-8) domain when it offers SMTPUTF8").
		may("RFC5321-4.1.1.1-ehlo-first-line", "RFC5321-4.2-textstring-charset") // they read the same first line
)

// utf8Line is the SMTPUTF8 EHLO line (RFC 6531 §3.1(3): no parameters).
func utf8Line(s *session) string {
	if s.has(faultUTF8Keyword) {
		return "SMTPUTF8 UTF8"
	}
	return "SMTPUTF8"
}

// mailSMTPUTF8 checks MAIL's SMTPUTF8 parameter, which takes no value.
func mailSMTPUTF8(s *session, p param) string {
	if p.hasValue && !s.has(faultUTF8Value) {
		return "501 5.5.4 SMTPUTF8 takes no value"
	}
	extState[utf8State](s, extSMTPUTF8).on = true
	return ""
}

// utf8Allowed reports whether the argument arg of verb may hold non-ASCII
// octets: SMTPUTF8 is offered, the verb is MAIL, RCPT, VRFY or EXPN (whose
// mailboxes may be UTF-8, RFC 6531 §3.2, §3.7.4.2), and arg is valid UTF-8
// free of control characters (RFC 5321 §4.1.2 still refuses those).
func (s *session) utf8Allowed(verb, arg string) bool {
	if !s.offers(extSMTPUTF8) || !utf8.ValidString(arg) {
		return false
	}
	switch verb {
	case "MAIL", "RCPT", "VRFY", "EXPN":
	default:
		return false
	}
	for _, r := range arg {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// utf8Envelope judges a mailbox of MAIL (rcpt false) or RCPT (rcpt true)
// once its parameters have been handled: a non-ASCII one needs the
// SMTPUTF8 parameter on the transaction's MAIL (RFC 6531 §3.4), else it is
// refused with 550 (MAIL) or 553 (RCPT) and X.6.7 (§3.5). It returns the
// refusal, or "".
func (s *session) utf8Envelope(mailbox string, rcpt bool) string {
	if isASCII([]byte(mailbox)) || !s.offers(extSMTPUTF8) {
		return ""
	}
	if rcpt && s.has(faultUTF8Rcpt) {
		return "501 5.1.3 Invalid recipient address syntax"
	}
	if i := strings.LastIndexByte(mailbox, '@'); i >= 0 && !isASCII([]byte(mailbox[i+1:])) && s.has(faultULabel) {
		return "501 5.1.7 Invalid domain name"
	}
	if extState[utf8State](s, extSMTPUTF8).on || (!rcpt && s.has(faultUTF8NoParam)) {
		if i := strings.LastIndexByte(mailbox, '@'); rcpt && i >= 0 && s.has(faultUTF8Relay) && s.cfg.lookup(mailbox[:i], mailbox[i+1:]) == mailboxForeign {
			s.rcpts = append(s.rcpts, mailbox)
			return "250 2.1.5 Recipient ok"
		}
		return ""
	}
	code, text := "550 5.6.7", "Non-ASCII sender address needs SMTPUTF8"
	if s.has(faultUTF8MailCode) {
		code = "553 5.1.7"
	}
	if rcpt {
		code, text = "553 5.6.7", "Non-ASCII recipient address needs SMTPUTF8"
		if s.has(faultUTF8RcptCode) {
			code = "550 5.6.7"
		}
	}
	if s.has(faultUTF8Echo) {
		return code + " <" + mailbox + ">: " + text
	}
	return code + " " + text
}

// utf8VerbParam removes the optional SMTPUTF8 parameter from a VRFY or
// EXPN argument (RFC 6531 §3.7.4.2). refusal is set when the command is to
// be refused for it.
func (s *session) utf8VerbParam(verb, arg string) (rest, refusal string) {
	if !s.offers(extSMTPUTF8) {
		return arg, ""
	}
	st := extState[utf8State](s, extSMTPUTF8)
	i := strings.LastIndexByte(arg, ' ')
	if i < 0 || !strings.EqualFold(arg[i+1:], "SMTPUTF8") {
		if verb == "VRFY" && !isASCII([]byte(arg)) && (s.has(faultUTF8VrfyNoParam) || (st.verbParam && s.has(faultUTF8Scope))) {
			return "", "250 " + s.utf8Mailbox(arg)
		}
		return arg, ""
	}
	if s.has(faultUTF8Vrfy) {
		return "", "501 5.5.4 Syntax: " + verb + " address"
	}
	st.verbParam = true
	if verb == "VRFY" && !isASCII([]byte(arg[:i])) && (s.has(faultUTF8VrfyNoParam) || s.has(faultUTF8Scope)) {
		return "", "250 " + s.utf8Mailbox(arg[:i]) // UTF-8 is permitted here
	}
	return arg[:i], ""
}

// utf8Mailbox is the mailbox a VRFY fault quotes for arg: in angle
// brackets, in the server's domain when arg names none.
func (s *session) utf8Mailbox(arg string) string {
	m := strings.Trim(arg, "<>")
	if !strings.Contains(m, "@") {
		m += "@" + s.cfg.Domain
	}
	return "<" + m + ">"
}

// ehloDomain is the domain that opens the EHLO reply: the host name, in
// ASCII (RFC 6531 §3.7.1).
func (s *session) ehloDomain() string {
	if s.has(faultUTF8Ehlo) && s.offers(extSMTPUTF8) {
		return "smtp\u00fc." + s.cfg.Hostname // a U-label
	}
	return s.cfg.Hostname
}
