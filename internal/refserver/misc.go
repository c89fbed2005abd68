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

// cmdRset answers RSET (RFC 5321 §4.1.1.5): it drops the transaction but
// keeps the EHLO identity, works before EHLO (§4.1.4) and never closes.
func (s *session) cmdRset(arg string) error {
	if arg != "" {
		return s.reply("501 5.5.4 Syntax: RSET") // §4.1.1
	}
	s.resetTx()
	return s.reply("250 2.0.0 Ok")
}

// cmdNoop answers NOOP (RFC 5321 §4.1.1.9): 250 in every state, with the
// argument ignored and nothing changed.
func (s *session) cmdNoop(string) error {
	return s.reply("250 2.0.0 Ok")
}

// cmdQuit answers QUIT (RFC 5321 §4.1.1.10): 221, whose text starts with
// the server's domain (§4.2), then the close. An open transaction is
// abandoned.
func (s *session) cmdQuit(arg string) error {
	if arg != "" {
		return s.reply("501 5.5.4 Syntax: QUIT") // §4.1.1
	}
	s.resetTx()
	if err := s.reply("221 " + s.cfg.Hostname + " Service closing transmission channel"); err != nil {
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
	if arg == "" {
		return s.reply("501 5.5.4 Syntax: VRFY address")
	}
	var local, domain string
	switch {
	case strings.HasPrefix(arg, "<"):
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
	switch s.cfg.lookup(local, domain) {
	case mailboxForeign:
		// §7.3: the server does not know; 252, never a verified answer.
		return s.reply("252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery")
	case mailboxUnknown:
		return s.reply("550 5.1.1 User unknown")
	}
	if strings.EqualFold(local, "postmaster") {
		local = "postmaster"
	}
	// §3.5.2: the reply names the mailbox as local-part@domain.
	return s.reply("250 <" + local + "@" + s.cfg.Domain + ">")
}

// cmdExpn answers EXPN, which is not implemented and therefore not
// advertised (RFC 5321 §3.5.2, §4.2.4).
func (s *session) cmdExpn(string) error {
	return s.reply("502 5.5.1 EXPN not implemented")
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
	if arg == "" {
		return s.replyLines("214", []string{
			"smtpspec reference server, see RFC 5321",
			"Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP",
			"Use HELP <command> for details",
			"End of HELP info",
		})
	}
	if text, ok := helpTopics[strings.ToUpper(arg)]; ok {
		return s.reply("214 " + text)
	}
	return s.reply("504 5.5.4 HELP topic unknown")
}

// cmdTurn answers TURN, which is never honoured (RFC 5321 App. F.1).
func (s *session) cmdTurn(string) error {
	return s.reply("502 5.5.1 TURN not implemented")
}

// cmdNotImplemented answers the known commands that the server does not
// implement and does not advertise (RFC 5321 §4.2.4: 502): ETRN (RFC 1985),
// ATRN (RFC 2645), SEND, SOML and SAML (RFC 5321 App. F.6), STARTTLS (RFC
// 3207), AUTH (RFC 4954) and BDAT (RFC 3030; without CHUNKING no chunk
// follows, so only the line is answered).
func (s *session) cmdNotImplemented(string) error {
	return s.reply("502 5.5.1 Command not implemented")
}
