package refserver

import (
	"bytes"
	"slices"
	"strings"
)

// Faults of the core specs of catalogue core_x1.go. Each wraps one hook,
// like a real bug: the mailbox lookup of RCPT (x1RcptFault, called by
// cmdRcpt before the clean lookup), the reverse-path parser of MAIL
// (atextFault), the reply to HELO (heloReply), the MAIL and RCPT line
// limit (incrementsFault, called by envelopeLineLimit), EXPN (cmdExpn), the
// end-of-data line (emptyDataFault and dotSpaceFault, called by readData) and the end of the
// mail data (x1ContentFault, called by cmdData).
var (
	faultQuotedForms = newFault("RFC5321-4.1.2-quoted-forms-equivalent",
		"looks a recipient up by its local part as written, quotes and backslashes included, so that <\"user\"@domain> is unknown")
	faultDomainCase = newFault("RFC5321-2.4-domain-case-insensitive",
		"compares a recipient's domain with the served one case-sensitively, so that <user@DOMAIN> is refused as a relay attempt")
	faultIncrements = newFault("RFC5321-4.5.3.1.4-extension-increments",
		"keeps MAIL and RCPT lines to 512 octets whatever extensions it offers (their parameters do not raise the limit)").
		may("RFC3461-5.4-parameter-sizes")
	faultExpnMissing = newFault("RFC5321-3.5.2-vrfy-expn-should-support",
		"does not implement EXPN: 502 (command not implemented)")
	faultHeaderRcpts = newFault("RFC5321-4.5.3.1.8-no-reject-header-recipients",
		"refuses a message whose To:, Cc: and Bcc: fields list more than 100 addresses")
	faultAtext = newFault("RFC5321-4.1.2-atext-local-part",
		"takes only letters, digits and \".-_+=\" in a Dot-string local part of the reverse-path, refusing the other atext characters with 501")
	faultHeloReply = newFault("RFC5321-4.1.1.1-helo-reply-domain",
		"answers HELO with \"250 Hello <client's name>\", not naming itself")
	faultEmptyData = newFault("RFC5321-4.1.1.4-empty-content",
		"looks for the end of the data only after a line of data, so a lone \".\" right after the 354 is taken as data")
	faultExpnSyntaxOnly = newFault("RFC5321-3.5.3-no-unverified-250",
		"answers EXPN of any name of valid syntax with 250 and the name as a mailbox of the served domain, without checking it").
		may("RFC5321-3.5.2-expn-listed", "RFC5321-3.5.1-expn-one-per-line",
			// EXPN of a UTF-8 name gets 250 with that name in it, without
			// the SMTPUTF8 parameter (RFC 6531 §3.7.4.2): the same bug.
			"RFC6531-3.7.4.2-vrfy-without-param", "RFC6531-3.7.4.2-utf8-reply-scope")
	faultLocalCase = newFault("RFC5321-4.1.2-local-part-case",
		"matches a recipient's local part against its mailboxes case-sensitively, so that <ALICE@domain> is unknown")
	faultDotSpace = newFault("RFC5321-4.1.1.4-dot-whitespace-not-eod",
		"trims trailing white space from a mail data line before looking for the end of the data, so \". \" ends it")
	faultExpnBare = newFault("RFC5321-3.5.1-expn-one-per-line",
		"expands EXPN of a served mailbox (postmaster included) to bare user names, without <local-part@domain>").
		may("RFC5321-3.5.2-expn-listed")
	faultControlChars = newFault("RFC5321-4.1.1.4-control-characters",
		"refuses a message whose data holds an ASCII control character other than HT, CR and LF")
)

// headerRecipientLimit is faultHeaderRcpts' limit: the 100 recipients of
// RFC 5321 §4.5.3.1.8, wrongly applied to the header.
const headerRecipientLimit = 100

// x1RcptFault returns the refusal a fault gives to the recipient p that
// the clean lookup would accept, or "".
func (s *session) x1RcptFault(p path) string {
	switch {
	case s.has(faultQuotedForms) && p.local != p.localValue() &&
		s.cfg.lookup(p.local, p.domain) == mailboxUnknown && s.cfg.lookup(p.localValue(), p.domain) == mailboxLocal:
		return addrReply("550 5.1.1", p.mailbox(), "User unknown")
	case s.has(faultLocalCase) && s.cfg.lookup(p.localValue(), p.domain) == mailboxLocal && !strings.EqualFold(p.localValue(), "postmaster") &&
		!slices.Contains(s.cfg.Mailboxes, p.localValue()):
		return addrReply("550 5.1.1", p.mailbox(), "User unknown")
	case s.has(faultDomainCase) && p.domain != "" && p.domain != s.cfg.Domain && strings.EqualFold(p.domain, s.cfg.Domain):
		return addrReply("550 5.7.1", p.mailbox(), "Relaying denied")
	}
	return ""
}

// atextFault reports whether faultAtext refuses the reverse-path p: its
// local part is a Dot-string holding an atext character the fault's
// narrower character set lacks.
func (s *session) atextFault(p path) bool {
	if !s.has(faultAtext) || strings.HasPrefix(p.local, `"`) {
		return false
	}
	return strings.ContainsFunc(p.local, func(r rune) bool {
		// ASCII only: UTF-8 local parts (RFC 6531) are another parser's.
		return r < 0x80 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_+=", r))
	})
}

// heloReply returns the text of the 250 reply to HELO name: the server's
// hostname (RFC 5321 §4.1.1.1), or what faultHeloReply puts instead.
func (s *session) heloReply(name string) string {
	if s.has(faultHeloReply) {
		return "Hello " + name
	}
	return s.cfg.Hostname
}

// emptyDataFault reports whether faultEmptyData takes a lone "." for mail
// data because no line of data (data, or a line too long for it) came
// before it.
func (s *session) emptyDataFault(data []byte, tooBig bool) bool {
	return len(data) == 0 && !tooBig && s.has(faultEmptyData)
}

// x1ExpnFault returns the reply a fault gives to EXPN arg instead of the
// clean 252 (code "" when none does): faultExpnMissing does not implement
// EXPN; faultExpnSyntaxOnly "expands" any Dot-string to itself as a mailbox
// of the served domain, without looking it up; faultExpnBare expands a
// served mailbox (postmaster among them) to bare user names.
func (s *session) x1ExpnFault(arg string) (code string, lines []string) {
	name := strings.Trim(strings.TrimSpace(arg), "<>")
	domain := ""
	if i := strings.LastIndexByte(name, '@'); i >= 0 {
		name, domain = name[:i], name[i+1:]
	}
	switch {
	case s.has(faultExpnMissing):
		return "502", []string{"5.5.1 EXPN not implemented"}
	case s.has(faultExpnSyntaxOnly) && isDotString(name):
		return "250", []string{"2.1.5 <" + name + "@" + s.cfg.Domain + ">"}
	case s.has(faultExpnBare) && s.cfg.lookup(name, domain) == mailboxLocal:
		return "250", []string{"2.1.5 " + strings.ToLower(name), "2.1.5 Alice Liddell alice"}
	}
	return "", nil
}

// dotSpaceFault reports whether faultDotSpace takes line, a period followed
// by white space, for the end of the data.
func (s *session) dotSpaceFault(line []byte) bool {
	return len(line) > 1 && line[0] == '.' && len(bytes.TrimRight(line[1:], " \t")) == 0 && s.has(faultDotSpace)
}

// incrementsFault reports whether faultIncrements keeps MAIL and RCPT lines
// to the 512 octets of RFC 5321 §4.5.3.1.4.
func (s *session) incrementsFault() bool { return s.has(faultIncrements) }

// x1ContentFault returns the refusal a fault gives at the end of the data
// of a message that the clean server takes, or "".
func (s *session) x1ContentFault(data []byte) string {
	if s.has(faultControlChars) {
		for _, c := range data {
			if c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
				return "554 5.6.0 Message contains control characters"
			}
		}
	}
	if s.has(faultHeaderRcpts) {
		n := 0
		for _, f := range headerFields(data) {
			name, value, _ := strings.Cut(f, ":")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "to", "cc", "bcc":
				n += strings.Count(value, "@")
			}
		}
		if n > headerRecipientLimit {
			return "554 5.5.3 Too many recipients in the header"
		}
	}
	return ""
}

func init() {
	// The extension-increments spec builds its MAIL lines from the SIZE,
	// BODY, SMTPUTF8, RET, ENVID and AUTH parameters: a fault that refuses
	// one of them, or keeps the DSN line limit at 512, shows there too.
	// Looked up by ID, so that the extensions' files keep their own names.
	// Faults that take AUTH out of the EHLO reply make it NOT APPLICABLE
	// where the line needs AUTH= to pass 512 octets.
	for _, id := range []string{"RFC1870-6-accept-size-param", "RFC3461-5.1a-ret-envid-neutral", "RFC3461-5.4-parameter-sizes", "RFC4954-5-auth-param-accepted",
		"RFC4954-3-keyword-syntax", "RFC2645-5.1-initial-commands"} {
		if f := faultRegistry[id]; f != nil {
			f.may("RFC5321-4.5.3.1.4-extension-increments")
		}
	}
	// The empty-content spec, under PIPELINING, sends NOOP and a lone "."
	// (an unknown command) right after the end of the data: a fault that
	// breaks commands pipelined after the data, or the reply to an unknown
	// command, shows there too.
	for _, id := range []string{"RFC2920-3.1-content-then-next-transaction", "RFC5321-4.2-code-syntax"} {
		if f := faultRegistry[id]; f != nil {
			f.may("RFC5321-4.1.1.4-empty-content")
		}
	}
	// A server that expands every EXPN (faultExpnListed) also expands names
	// it never verified, and gives an expansion whose form can be judged.
	faultExpnListed.may("RFC5321-3.5.3-no-unverified-250", "RFC5321-3.5.1-expn-one-per-line")
}
