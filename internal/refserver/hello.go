package refserver

import (
	"strconv"
	"strings"
)

// helloName returns the domain or address literal that opens an EHLO or
// HELO argument (RFC 5321 §4.1.1.1). Text after it is tolerated, as
// §4.1.1.1 advises for RFC 2821 practice.
func helloName(arg string) (string, bool) {
	name, _, _ := strings.Cut(arg, " ")
	return name, isDomain(name) || isAddressLiteral(name)
}

// cmdEhlo answers EHLO (RFC 5321 §4.1.1.1). An accepted EHLO resets the
// transaction like RSET (§4.1.4); a refused one changes nothing (§4.1.4).
func (s *session) cmdEhlo(arg string) error {
	if arg == "" {
		return s.reply("501 5.5.4 Syntax: EHLO hostname")
	}
	name, ok := helloName(arg)
	if !ok {
		return s.reply("501 5.5.4 Invalid domain name or address literal")
	}
	s.resetTx()
	s.helo, s.freshHelo = name, true
	// Every supported command outside the required set is listed
	// (§4.1.1.1): HELP is the only one. Keywords have no "=" (§4.1.1.1).
	return s.replyLines("250", []string{
		s.cfg.Hostname + " greets " + name,
		"PIPELINING", // RFC 2920
		"SIZE " + strconv.FormatInt(s.cfg.MaxMessageSize, 10), // RFC 1870
		"8BITMIME", // RFC 6152
		"HELP",     // RFC 5321 §4.1.1.8
	})
}

// cmdHelo answers HELO (RFC 5321 §4.1.1.1): one line, never the extension
// list (§3.2). Like EHLO it resets the transaction when accepted.
func (s *session) cmdHelo(arg string) error {
	if arg == "" {
		return s.reply("501 5.5.4 Syntax: HELO hostname")
	}
	name, ok := helloName(arg)
	if !ok {
		return s.reply("501 5.5.4 Invalid domain name or address literal")
	}
	s.resetTx()
	s.helo, s.freshHelo = name, true
	return s.reply("250 " + s.cfg.Hostname)
}
