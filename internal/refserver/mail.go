package refserver

import (
	"bytes"
	"errors"
	"strings"
)

// errParamSyntax: the parameter list does not follow the esmtp-param
// grammar.
var errParamSyntax = errors.New("refserver: invalid parameter syntax")

// param is one MAIL or RCPT parameter (RFC 5321 §4.1.2):
//
//	esmtp-param   = esmtp-keyword ["=" esmtp-value]
//	esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
//	esmtp-value   = 1*(%d33-60 / %d62-126)
type param struct {
	keyword  string // upper-cased: keywords are case-insensitive (§2.4)
	written  string // the keyword as the client wrote it
	value    string
	hasValue bool
}

// parseParams parses the text after a path: empty, or SP followed by
// parameters separated by single SPs (Mail-parameters, RFC 5321 §4.1.2).
func parseParams(s string) ([]param, error) {
	if s == "" {
		return nil, nil
	}
	if s[0] != ' ' {
		return nil, errParamSyntax
	}
	var out []param
	for _, f := range strings.Split(s[1:], " ") {
		kw, val, hasVal := strings.Cut(f, "=")
		if kw == "" || !isLetDig(kw[0]) {
			return nil, errParamSyntax
		}
		for i := 0; i < len(kw); i++ {
			if !isLetDig(kw[i]) && kw[i] != '-' {
				return nil, errParamSyntax
			}
		}
		if hasVal {
			if val == "" {
				return nil, errParamSyntax
			}
			for i := 0; i < len(val); i++ {
				if c := val[i]; c < 33 || c > 126 || c == '=' {
					return nil, errParamSyntax
				}
			}
		}
		out = append(out, param{keyword: strings.ToUpper(kw), written: kw, value: val, hasValue: hasVal})
	}
	return out, nil
}

// cutPrefixFold removes prefix from s, ignoring ASCII case (RFC 5321 §2.4:
// "FROM:" and "TO:" are case-insensitive).
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// addrReply builds "code <addr>: text", so that a pipelined reply says
// which command it answers (RFC 2920 §3.2(9)). The address is left out if
// the line would pass 512 octets (RFC 5321 §4.5.3.1.5).
func addrReply(code, addr, text string) string {
	line := code + " <" + addr + ">: " + text
	// A UTF-8 address (RFC 6531) is not echoed: replies stay ASCII
	// (RFC 6531 §3.7.4.2, RFC 5321 §4.2).
	if len(line)+2 > maxCommandLine || !isASCII([]byte(addr)) {
		return code + " " + text
	}
	return line
}

// Faults of MAIL (RFC 5321 §3.3, §4.1.1.2, §4.1.2, §4.1.4).
var (
	faultMailAccept = newFault("RFC5321-3.3-mail-accept-250",
		"answers 503 (send EHLO first) to MAIL in every session greeted with HELO: it serves mail only to EHLO sessions")
	faultMailFailClass = newFault("RFC5321-3.3-mail-fail-class",
		"refuses every reverse-path that does not parse with 252, a code that is not a failure")
	faultMailBadArg = newFault("RFC5321-4.1.4-mail-bad-arg-501",
		"answers 501 to MAIL FROM: without angle brackets but opens the transaction anyway")
	faultNestedMail = newFault("RFC5321-4.1.4-nested-mail",
		"answers 502 to MAIL while a MAIL is accepted and no RCPT yet")
	faultMailAfterRcpt = newFault("RFC5321-4.1.4-mail-after-rcpt",
		"answers 502 to MAIL while a transaction with recipients is open")
	faultNullReversePath = newFault("RFC5321-4.1.2-null-reverse-path",
		"refuses MAIL FROM:<> with 501")
	faultSpaceAfterColon = newFault("RFC5321-3.3-no-space-after-colon",
		"refuses MAIL FROM: <...> (space after the colon) with 555 instead of 501, taking the path for a parameter")
	faultRouteReverse = newFault("RFC5321-4.1.2-source-route-reverse",
		"refuses a source route in the reverse-path with 501")
	faultQuotedLocal = newFault("RFC5321-4.1.2-quoted-local-part",
		"refuses a quoted local part in the reverse-path with 501")
	faultControlChar = newFault("RFC5321-4.1.2-control-char-501",
		"accepts a MAIL command line holding a \\x01 control octet with 250")
	faultEightBitEnvelope = newFault("RFC5321-2.4-8bit-envelope-reject",
		"accepts a MAIL command line holding 8-bit octets (no SMTPUTF8) with 250").
		may("RFC6531-3.4-utf8-without-param") // the same stimulus, under SMTPUTF8
	faultUnknownParam = newFault("RFC5321-4.1.1.11-unknown-param-555",
		"ignores every MAIL parameter that no extension defines and answers 250")
	faultParamNotAdvertised = newFault("RFC5321-4.1.1.11-param-not-advertised",
		"ignores MAIL parameters of well-known extensions it does not advertise (RET, BY, MT-PRIORITY ...) and answers 250")
	faultTrailingSpace = newFault("RFC5321-4.1.1-trailing-whitespace",
		"refuses a MAIL command line ending in SP with 501")
	faultMailKeepsRcpts = newFault("RFC5321-4.1.1.2-mail-clears-buffers",
		"MAIL right after a finished message keeps a recipient in the forward-path buffer")
	faultMailBeforeEhlo = newFault("RFC5321-4.1.4-mail-before-ehlo",
		"accepts MAIL before any EHLO or HELO with 250").
		may("RFC3207-4.2-reset-discards-ehlo") // the session after STARTTLS has no EHLO either: judged lenient (WARN)
	faultMailCodes = newFault("RFC5321-4.3.2-mail-codes",
		"answers MAIL TO:<...> (wrong keyword) with 504, a code RFC 5321 §4.3.2 does not list for MAIL")
	faultTransactionOrder = newFault("RFC5321-4.1.4-transaction-order",
		"once it has answered a 503 in the session, answers every MAIL with 503 (a refused bad sequence corrupts its state)")
	faultPath256 = newFault("RFC5321-4.5.3.1.3-path-256",
		"refuses a reverse-path of 256 octets or more (domain under 250) with 501 (too long)")
)

// cmdMail answers MAIL (RFC 5321 §4.1.1.2, syntax in §3.3 and §4.1.2).
// A refused MAIL opens no transaction (§4.1.4).
func (s *session) cmdMail(arg string) error {
	if s.helo == "" {
		if s.has(faultMailBeforeEhlo) {
			return s.openTx("", "250 2.1.0 Ok")
		}
		return s.reply("503 5.5.1 Send HELO/EHLO first") // §4.1.1.1
	}
	if s.inTx {
		if len(s.rcpts) == 0 && s.has(faultNestedMail) {
			return s.reply("502 5.5.1 Nested MAIL command")
		}
		if len(s.rcpts) > 0 && s.has(faultMailAfterRcpt) {
			return s.reply("502 5.5.1 Nested MAIL command")
		}
		return s.reply("503 5.5.1 Nested MAIL command") // §4.1.4
	}
	if s.saw["503"] && s.has(faultTransactionOrder) {
		return s.reply("503 5.5.1 Bad sequence of commands")
	}
	if s.heloVerb == "HELO" && s.has(faultMailAccept) {
		return s.reply("503 5.5.1 Send EHLO first")
	}
	if _, ok := cutPrefixFold(arg, "TO:"); ok && s.has(faultMailCodes) {
		return s.reply("504 5.5.4 Command parameter not implemented")
	}
	// §3.3: the syntax is exactly "MAIL FROM:<reverse-path>", with no
	// space around the colon and the angle brackets required.
	rest, ok := cutPrefixFold(arg, "FROM:")
	if !ok {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	if strings.HasPrefix(rest, " <") && s.has(faultSpaceAfterColon) {
		// It splits the argument at the space and takes the path for an
		// unknown parameter.
		return s.reply("555 5.5.4 Unsupported parameter " + strings.TrimSpace(rest))
	}
	if !strings.HasPrefix(rest, "<") && strings.Contains(rest, "@") && s.has(faultMailBadArg) {
		s.openTx(rest, "")
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	text, rest, ok := cutPath(rest)
	if !ok {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	p, err := parsePath(text, false)
	if err != nil {
		if s.has(faultMailFailClass) {
			return s.reply("252 2.1.7 Sender address not accepted")
		}
		return s.reply("501 5.1.7 Invalid sender address syntax")
	}
	switch {
	case p.null() && s.has(faultNullReversePath),
		len(p.route) > 0 && s.has(faultRouteReverse),
		strings.HasPrefix(p.local, `"`) && s.has(faultQuotedLocal),
		s.atextFault(p): // faults_x1.go
		return s.reply("501 5.1.7 Invalid sender address syntax")
	case len(text) >= 256 && len(p.domain) < 250 && s.has(faultPath256):
		return s.reply("501 5.1.7 Path too long")
	}
	params, err := parseParams(rest)
	if err != nil {
		return s.reply("501 5.5.4 Syntax error in parameters")
	}
	kept := params[:0]
	for _, prm := range params {
		// The faults of §4.1.1.11 ignore one unknown parameter each.
		if (s.has(faultUnknownParam) && s.unknownParam(false, prm.keyword)) || (s.has(faultParamNotAdvertised) && s.unofferedKnownParam(false, prm.keyword)) {
			continue
		}
		kept = append(kept, prm)
	}
	afterMessage := s.msgDone
	s.resetTx() // no transaction is open here; the handlers keep their state for the new one
	if refusal := s.checkParams(false, kept); refusal != "" {
		return s.reply(refusal)
	}
	if refusal := s.utf8Envelope(p.mailbox(), false); refusal != "" {
		return s.reply(refusal) // RFC 6531 §3.4, §3.5 (ext_smtputf8.go)
	}
	s.inTx, s.from, s.freshHelo = true, p.mailbox(), false
	if afterMessage && s.has(faultMailKeepsRcpts) {
		// The forward-path buffer of the finished message is not cleared.
		s.rcpts = []string{s.cfg.Mailboxes[0] + "@" + s.cfg.Domain}
	}
	return s.reply(s.addrReply("250 2.1.0", p.mailbox(), "Sender ok"))
}

// openTx opens a transaction for a faulty accepted MAIL and sends reply
// (nothing when reply is "").
func (s *session) openTx(from, reply string) error {
	s.resetTx()
	s.inTx, s.from, s.freshHelo = true, from, false
	if reply == "" {
		return nil
	}
	return s.reply(reply)
}

// Faults of the command order for DATA (RFC 5321 §3.3, §4.1.4, the state
// matrix of the catalogue's §10.2), whose handler is in data.go; they are
// answered by envelopeFault before the command is dispatched.
var (
	faultDataBeforeEhlo = newFault("RFC5321-4.1.4-data-before-ehlo",
		"answers DATA before any EHLO or HELO with 354")
	faultDataWithoutMail = newFault("RFC5321-3.3-data-without-mail",
		"answers DATA with 354 when no MAIL was given since EHLO, HELO or RSET").
		// The reset specs see 354 and their control session shows it is
		// this bug (ERROR); the refused DATA of command-mode is not refused.
		may("RFC5321-3.3-data-refused-stays-command-mode", "RFC5321-4.1.1.1-helo-resets-transaction",
			"RFC5321-4.1.1.5-rset-discards", "RFC5321-4.1.4-ehlo-resets-transaction", "RFC5321-4.3.2-state-matrix")
	faultDataBeforeRcpt = newFault("RFC5321-4.1.4-data-before-rcpt",
		"answers DATA with 354 in a transaction that has had no RCPT").
		may("RFC5321-4.1.1.2-mail-clears-buffers") // its control session shows this bug: ERROR
	faultDataNoValidRcpt = newFault("RFC5321-3.3-data-without-valid-rcpt",
		"answers DATA with 354 when every RCPT of the transaction was refused")
	faultDataAfterMessage = newFault("RFC5321-4.1.4-data-after-message",
		"answers DATA with 354 after a finished message, until the next MAIL, RSET, EHLO or HELO").
		may("RFC5321-4.1.1.4-buffers-cleared") // it sends the same DATA after a finished message
)

// envelopeFault answers the command line itself when one of the faults
// above (or a MAIL fault that needs the raw line) is on and triggers;
// done is false otherwise, and the line is dispatched as usual.
func (s *session) envelopeFault(line []byte, verb string) (done bool, err error) {
	switch verb {
	case "MAIL":
		switch {
		case bytes.IndexByte(line, 0x01) >= 0 && s.has(faultControlChar),
			!isASCII(line) && s.has(faultEightBitEnvelope):
			return true, s.openTx("", "250 2.1.0 Ok")
		case bytes.HasSuffix(line, []byte(" ")) && s.has(faultTrailingSpace):
			return true, s.reply("501 5.5.4 Syntax error in parameters")
		}
	case "DATA":
		if !s.dataFault() {
			return false, nil
		}
		if err := s.reply("354 End data with <CR><LF>.<CR><LF>"); err != nil {
			return true, err
		}
		for { // read and drop the data, then refuse it
			l, _, err := s.readLine(minTextLine)
			if err != nil {
				return true, err
			}
			if string(l) == "." {
				return true, s.reply("554 5.5.1 No valid recipients")
			}
		}
	}
	return false, nil
}

// dataFault reports whether a DATA fault triggers in the current state.
func (s *session) dataFault() bool {
	switch {
	case s.helo == "":
		return s.has(faultDataBeforeEhlo)
	case !s.inTx && s.msgDone:
		return s.has(faultDataAfterMessage)
	case !s.inTx:
		return s.has(faultDataWithoutMail)
	case len(s.rcpts) == 0 && !s.rcptSeen:
		return s.has(faultDataBeforeRcpt)
	case len(s.rcpts) == 0:
		return s.has(faultDataNoValidRcpt)
	}
	return false
}

// isASCII reports whether b holds only 7-bit octets.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c > 0x7f {
			return false
		}
	}
	return true
}

// knownParams are MAIL (rcpt false) and RCPT (rcpt true) parameters of
// registered SMTP extensions (IANA's SMTP Service Extensions registry),
// whether or not this server implements them. The §4.1.1.11 faults ignore
// those of extensions the session does not offer, as a server does that
// knows a parameter but not whether it advertised its extension.
var knownParams = map[bool]map[string]bool{
	false: {"SIZE": true, "BODY": true, "RET": true, "ENVID": true, "SMTPUTF8": true, "AUTH": true, "BY": true,
		"MT-PRIORITY": true, "HOLDFOR": true, "HOLDUNTIL": true, "REQUIRETLS": true, "TRANSID": true, "SOLICIT": true},
	true: {"NOTIFY": true, "ORCPT": true, "RRVS": true, "MTRK": true},
}

// unofferedKnownParam reports whether keyword is a known parameter of MAIL
// (rcpt false) or RCPT (rcpt true) that no extension offered now handles.
func (s *session) unofferedKnownParam(rcpt bool, keyword string) bool {
	return knownParams[rcpt][keyword] && s.extensionParam(rcpt, keyword) == nil
}

// unknownParam reports whether keyword is a parameter of MAIL (rcpt false)
// or RCPT (rcpt true) that no registered extension defines.
func (s *session) unknownParam(rcpt bool, keyword string) bool {
	return !knownParams[rcpt][keyword] && s.extensionParam(rcpt, keyword) == nil
}
