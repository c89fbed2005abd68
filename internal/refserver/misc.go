package refserver

import (
	"io"
	"strings"
)

// faultQuitNoClose breaks RFC 5321 §4.1.1.10 and §3.8 (after the 221 to
// QUIT the server closes the channel). It affects only QUIT in a session
// greeted with 220; the 554 session of ModeRefuse still closes after QUIT
// (RFC 5321 §3.1 is a separate requirement).
var faultQuitNoClose = newFault("RFC5321-4.1.1.10-quit-221-close",
	"answers QUIT with 221 but keeps the connection open (reading and ignoring input)")

// Faults of RSET, NOOP and QUIT. Each triggers only on its own spec's
// stimulus, told apart by the command before it (session.prev) or the state.
var (
	faultRset250 = newFault("RFC5321-4.1.1.5-rset-250",
		"answers RSET with no transaction open (after a message, after EHLO) with 503 instead of 250").
		may("RFC5321-3.3-data-without-mail", "RFC5321-4.1.1.5-rset-keeps-greeting", "RFC5321-4.3.2-mail-codes", // their RSET set-up step fails: ERROR
			"RFC5321-4.1.4-rset-before-ehlo") // its RSET, before EHLO, gets the same 503
	faultRsetDiscards = newFault("RFC5321-4.1.1.5-rset-discards",
		"answers RSET with 250 but keeps the sender and recipients when recipients were given")
	faultRsetNoClose = newFault("RFC5321-4.1.1.5-rset-no-close",
		"closes the connection, without a reply, at the 6th RSET in a row")
	faultRsetKeepsGreeting = newFault("RFC5321-4.1.1.5-rset-keeps-greeting",
		"forgets the EHLO/HELO identity on every RSET outside a transaction, so MAIL then gets 503")
	faultRsetBeforeEhlo = newFault("RFC5321-4.1.4-rset-before-ehlo",
		"answers RSET before EHLO/HELO with 503")
	faultRsetArgs = newFault("RFC5321-4.1.1-rset-args-501",
		"ignores an argument to RSET and answers 250")
	faultNoop250 = newFault("RFC5321-4.1.1.9-noop-250",
		"answers NOOP inside a transaction with recipients with 503")
	faultNoopArg = newFault("RFC5321-4.1.1.9-noop-arg-ignored",
		"answers NOOP with an argument of several words with 501")
	faultNoopState = newFault("RFC5321-4.1.1.9-noop-no-state-change",
		"drops the transaction on a NOOP between MAIL and the first RCPT")
	faultNoopBeforeEhlo = newFault("RFC5321-4.1.4-noop-before-ehlo",
		"answers NOOP before EHLO/HELO with 503")
	faultQuitAnyTime = newFault("RFC5321-4.1.1.10-quit-any-time",
		"answers QUIT inside an open mail transaction with 503 (RSET first)").
		// They end their plaintext MAIL probe with QUIT: no 221 comes.
		may("RFC3207-4-tls-required-530", "RFC3207-4-tls-required-enhanced-code")
	faultQuitArgs = newFault("RFC5321-4.1.1-quit-args-501",
		"ignores an argument to QUIT, answers 221 and closes")
	fault221Domain = newFault("RFC5321-4.2-221-domain",
		"answers QUIT before EHLO/HELO with \"221 2.0.0 Bye\", with no domain")
)

// Faults of VRFY, EXPN and HELP.
var (
	faultVrfyMinSet = newFault("RFC5321-4.5.1-vrfy-in-minimum-set",
		"answers every VRFY with 500 (command unrecognized), as a server without VRFY").
		may("RFC5321-3.5.2-vrfy-mailbox-form", "RFC5321-7.3-vrfy-disabled-252", // their VRFY is unrecognised too: NOT APPLICABLE
			"RFC5321-4.3.2-required-never-unrecognised") // VRFY is a required command
	faultVrfyFalse250 = newVariantFault("RFC5321-7.3-vrfy-disabled-252", "false-250",
		"answers VRFY of any mailbox in its own domain with 250, existing or not (RCPT still refuses unknown users): a 250 without verification")
	faultVrfyDisabled = newFault("RFC5321-7.3-vrfy-disabled-252",
		"refuses every VRFY <address> with 550, as a disabled VRFY, instead of 252").
		may("RFC5321-7.3-vrfy-not-always-550") // 550 for every VRFY breaks that too
	faultVrfyAlways550 = newFault("RFC5321-7.3-vrfy-not-always-550",
		"answers every VRFY <address> of an existing mailbox with 550").
		may("RFC5321-7.3-vrfy-disabled-252") // it sees the same 550
	faultVrfyForm = newFault("RFC5321-3.5.2-vrfy-mailbox-form",
		"answers every VRFY local@domain of an existing mailbox with 250 and the bare local part, no mailbox")
	faultVrfyFullAddress = newFault("RFC5321-3.5.1-vrfy-full-address",
		"answers every VRFY local@domain (no angle brackets) with 501").
		may("RFC5321-3.5.2-vrfy-mailbox-form") // its VRFY local@domain is refused: NOT APPLICABLE
	faultVrfyArg = newFault("RFC5321-4.1.1.6-vrfy-arg-required",
		"answers VRFY without an argument with 250")
	faultVrfyState = newFault("RFC5321-4.1.1.6-vrfy-no-state-change",
		"drops the mail transaction on VRFY")
	faultVrfyPreEhlo = newFault("RFC5321-4.1.4-vrfy-expn-help-pre-ehlo",
		"answers VRFY before EHLO/HELO with 503")
	faultVrfyCodes = newFault("RFC5321-4.3.2-vrfy-expn-codes",
		"answers VRFY of an unknown user name (no domain) with 554, a code outside the §4.3.2 table for VRFY")
	faultExpnListed = newFault("RFC5321-3.5.2-expn-listed",
		"expands every EXPN (250) without listing EXPN in EHLO")
	faultExpnState = newFault("RFC5321-4.1.1.7-expn-no-state-change",
		"drops the mail transaction on EXPN")
	faultHelp = newFault("RFC5321-4.1.1.8-help",
		"answers HELP with a topic with 250 instead of 214 or 504")
	faultHelpState = newFault("RFC5321-4.1.1.8-help-no-state-change",
		"drops the mail transaction on HELP")
)

// Faults of TURN and the other commands the server does not implement.
var (
	faultTurn = newFault("RFC5321-F.1-turn-unauth",
		"answers TURN with 530 (authentication required) instead of 502")
	faultSoml = newFault("RFC5321-F.6-send-soml-saml",
		"accepts SOML FROM: with 250 without listing SOML in EHLO")
	faultEtrnKeyword = newFault("RFC1985-etrn-keyword",
		"answers ETRN with 250 (queuing started) without listing ETRN in EHLO")
	faultAtrn = newFault("RFC2645-atrn-on-mta-port",
		"answers ATRN with 530 (authentication required), as an ODMR server, instead of 502")
)

// cmdRset answers RSET (RFC 5321 §4.1.1.5): it drops the transaction but
// keeps the EHLO identity, works before EHLO (§4.1.4) and never closes.
func (s *session) cmdRset(arg string) error {
	switch {
	case arg != "" && !s.has(faultRsetArgs):
		return s.reply("501 5.5.4 Syntax: RSET") // §4.1.1
	case s.helo == "" && s.has(faultRsetBeforeEhlo):
		return s.reply("503 5.5.1 Send HELO/EHLO first")
	case !s.inTx && s.has(faultRset250):
		return s.reply("503 5.5.1 No transaction to reset")
	case len(s.rcpts) > 0 && s.has(faultRsetDiscards):
		return s.reply("250 2.0.0 Ok")
	case !s.inTx && s.has(faultRsetKeepsGreeting):
		s.helo = ""
	}
	s.resetTx()
	if err := s.reply("250 2.0.0 Ok"); err != nil {
		return err
	}
	if s.has(faultRsetNoClose) {
		return s.rsetsInARow()
	}
	return nil
}

// rsetsInARow is faultRsetNoClose: it answers the RSETs that follow the
// first one and closes the connection at the 21st in a row.
func (s *session) rsetsInARow() error {
	for n := 2; ; n++ {
		line, long, err := s.readLine(maxMailLine)
		if err != nil {
			return err
		}
		if verb, arg := splitCommand(line); long || arg != "" || !strings.EqualFold(verb, "RSET") {
			return s.handle(line, long)
		}
		if n > 5 {
			return io.EOF // close without a reply
		}
		s.resetTx()
		if err := s.reply("250 2.0.0 Ok"); err != nil {
			return err
		}
	}
}

// cmdNoop answers NOOP (RFC 5321 §4.1.1.9): 250 in every state, with the
// argument ignored and nothing changed.
func (s *session) cmdNoop(arg string) error {
	switch {
	case strings.Contains(arg, " ") && s.has(faultNoopArg):
		return s.reply("501 5.5.4 Syntax: NOOP")
	case s.helo == "" && s.has(faultNoopBeforeEhlo):
		return s.reply("503 5.5.1 Send HELO/EHLO first")
	case len(s.rcpts) > 0 && s.has(faultNoop250):
		return s.reply("503 5.5.1 Bad sequence of commands")
	case s.inTx && len(s.rcpts) == 0 && s.has(faultNoopState):
		s.resetTx()
	}
	return s.reply("250 2.0.0 Ok")
}

// cmdQuit answers QUIT (RFC 5321 §4.1.1.10): 221, whose text starts with
// the server's domain (§4.2), then the close. An open transaction is
// abandoned.
func (s *session) cmdQuit(arg string) error {
	switch {
	case arg != "" && !s.has(faultQuitArgs):
		return s.reply("501 5.5.4 Syntax: QUIT") // §4.1.1
	case s.inTx && s.has(faultQuitAnyTime):
		return s.reply("503 5.5.1 Finish or RSET the transaction first")
	}
	s.resetTx()
	text := s.cfg.Hostname + " Service closing transmission channel"
	if s.helo == "" && s.has(fault221Domain) {
		text = "2.0.0 Bye"
	}
	if err := s.reply("221 " + text); err != nil {
		return err
	}
	if s.has(faultQuitNoClose) {
		// Keep the connection open and ignore whatever comes, until the
		// client closes, the idle timeout or Server.Close.
		io.Copy(io.Discard, s.r)
		return io.EOF
	}
	return errQuit
}

// cmdVrfy answers VRFY (RFC 5321 §3.5, §4.1.1.6). The argument may be a
// user name (a local part), a mailbox, or a mailbox in angle brackets
// (§3.5.1). Nothing in the transaction changes.
func (s *session) cmdVrfy(arg string) error {
	arg, refusal := s.utf8VerbParam("VRFY", arg) // RFC 6531 §3.7.4.2 (ext_smtputf8.go)
	switch {
	case refusal != "":
		return s.reply(refusal)
	case arg == "" && s.has(faultVrfyArg):
		return s.reply("250 <postmaster@" + s.cfg.Domain + ">")
	case arg == "":
		return s.reply("501 5.5.4 Syntax: VRFY address")
	case s.vrfyAfterMessageFault(): // faults_more.go
		return s.reply("503 5.5.1 Bad sequence of commands")
	case s.helo == "" && s.has(faultVrfyPreEhlo):
		return s.reply("503 5.5.1 Send HELO/EHLO first")
	case s.has(faultVrfyMinSet):
		return s.reply("500 5.5.1 Command unrecognized")
	case s.inTx && s.has(faultVrfyState):
		s.resetTx()
	}
	angle, full := strings.HasPrefix(arg, "<"), !strings.HasPrefix(arg, "<") && strings.Contains(arg, "@")
	switch {
	case angle && s.has(faultVrfyDisabled):
		return s.reply("550 5.7.1 VRFY refused")
	case full && s.has(faultVrfyFullAddress):
		return s.reply("501 5.5.4 Give a user name, not an address")
	}
	var local, domain string
	switch {
	case angle:
		p, err := parsePath(arg, true)
		if err != nil || p.null() {
			return s.reply("501 5.1.3 Invalid address syntax")
		}
		local, domain = p.localValue(), p.domain
	case strings.Contains(arg, "@"):
		l, d, err := parseMailbox(arg)
		if err != nil {
			return s.reply("501 5.1.3 Invalid address syntax")
		}
		local, domain = unquoteLocal(l), d
	default:
		local = unquoteLocal(arg)
	}
	if angle && strings.EqualFold(domain, s.cfg.Domain) && s.has(faultVrfyFalse250) {
		return s.reply("250 <" + local + "@" + s.cfg.Domain + ">")
	}
	switch s.cfg.lookup(local, domain) {
	case mailboxForeign:
		// §7.3: the server does not know; 252, never a verified answer.
		return s.reply("252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery")
	case mailboxUnknown:
		if !angle && !full && s.has(faultVrfyCodes) {
			return s.reply("554 5.1.1 User unknown")
		}
		return s.reply("550 5.1.1 User unknown")
	}
	if strings.EqualFold(local, "postmaster") {
		local = "postmaster"
	}
	switch {
	case angle && s.has(faultVrfyAlways550):
		return s.reply("550 5.1.1 User unknown")
	case full && s.has(faultVrfyForm):
		return s.reply("250 " + local)
	}
	// §3.5.2: the reply names the mailbox as local-part@domain.
	return s.reply("250 <" + local + "@" + s.cfg.Domain + ">")
}

// cmdExpn answers EXPN, which is implemented but disabled (RFC 5321 §3.5.2:
// servers SHOULD support it; §7.3: a disabled EXPN answers 252), and so not
// advertised: it expands nothing (§3.5.2 asks an EHLO keyword only of a
// server that does).
func (s *session) cmdExpn(arg string) error {
	switch {
	case s.has(faultExpnListed):
		// It expands the list: EXPN is supported, yet not listed.
		return s.replyLines("250", []string{"2.1.5 Alice <alice@" + s.cfg.Domain + ">"})
	case s.inTx && s.has(faultExpnState):
		s.resetTx()
	}
	if code, lines := s.x1ExpnFault(arg); code != "" { // faults_x1.go
		return s.replyLines(code, lines)
	}
	if s.cfg.ExpandEXPN {
		name, domain, _ := strings.Cut(strings.Trim(strings.TrimSpace(arg), "<>"), "@")
		if s.cfg.lookup(name, domain) == mailboxLocal {
			return s.reply("250 2.1.5 <" + strings.ToLower(name) + "@" + s.cfg.Domain + ">")
		}
		return s.reply("550 5.1.1 No such list")
	}
	// RFC 5321 §3.5.2, §7.3: EXPN is supported but disabled, so 252.
	return s.reply("252 2.0.0 Cannot EXPN: list expansion is disabled")
}

// helpTopics are the topics of HELP with an argument (RFC 5321 §4.1.1.8):
// the implemented commands.
var helpTopics = map[string]string{
	"EHLO": "EHLO <domain>: identify yourself and list the service extensions",
	"HELO": "HELO <domain>: identify yourself",
	"MAIL": "MAIL FROM:<reverse-path> [SIZE=<octets>] [BODY=7BIT|8BITMIME]: start a mail transaction",
	"RCPT": "RCPT TO:<forward-path>: add a recipient",
	"DATA": "DATA: send the message, ended by a line holding only a dot",
	"RSET": "RSET: abort the mail transaction",
	"NOOP": "NOOP: do nothing",
	"QUIT": "QUIT: close the session",
	"VRFY": "VRFY <user or address>: verify a mailbox",
	"HELP": "HELP [<command>]: show help",
}

// cmdHelp answers HELP (RFC 5321 §4.1.1.8) with 214, or 504 for an unknown
// topic. It works in every state and changes nothing.
func (s *session) cmdHelp(arg string) error {
	if s.inTx && s.has(faultHelpState) {
		s.resetTx()
	}
	if arg == "" {
		return s.replyLines("214", []string{
			"smtpspec reference server, see RFC 5321",
			"Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP",
			"Use HELP <command> for details",
			"End of HELP info",
		})
	}
	if text, ok := helpTopics[strings.ToUpper(arg)]; ok {
		if s.has(faultHelp) {
			return s.reply("250 " + text)
		}
		return s.reply("214 " + text)
	}
	return s.reply("504 5.5.4 HELP topic unknown")
}

// cmdTurn answers TURN, which is never honoured (RFC 5321 App. F.1).
func (s *session) cmdTurn(string) error {
	if s.has(faultTurn) {
		return s.reply("530 5.7.0 Authentication required")
	}
	return s.reply("502 5.5.1 TURN not implemented")
}

// cmdNotImplemented answers the known commands that the server does not
// implement and does not advertise (RFC 5321 §4.2.4: 502): ETRN (RFC 1985),
// ATRN (RFC 2645), SEND, SOML and SAML (RFC 5321 App. F.6), STARTTLS (RFC
// 3207), AUTH (RFC 4954) and BDAT (RFC 3030; without CHUNKING no chunk
// follows, so only the line is answered).
func (s *session) cmdNotImplemented(string) error {
	switch {
	case s.last == "SOML" && s.has(faultSoml):
		return s.reply("250 2.1.0 Sender ok")
	case s.last == "ETRN" && s.has(faultEtrnKeyword):
		return s.reply("250 2.0.0 Queuing started")
	case s.last == "ATRN" && s.has(faultAtrn):
		return s.reply("530 5.7.0 Authentication required")
	}
	return s.reply("502 5.5.1 Command not implemented")
}
