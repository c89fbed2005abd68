package refserver

import (
	"errors"
	"net/netip"
	"strings"
)

// Domain limits (RFC 5321 §4.5.3.1.2 and §2.3.5, which defers to DNS).
const (
	// maxDomain: RFC 5321 §4.5.3.1.2, a domain is at most 255 octets.
	maxDomain = 255
	// maxLabel: RFC 1035 §2.3.4 (through RFC 5321 §2.3.5), a label is at
	// most 63 octets.
	maxLabel = 63
)

// Local parts and paths get no length limit of their own: RFC 5321
// §4.5.3.1.1 and §4.5.3.1.3 set 64 and 256 octets as minimums the server
// must accept, and §4.5.3.1 asks for no limits where possible. The command
// line limit (§4.5.3.1.4) bounds them anyway.

// errPathSyntax: the text between the angle brackets is not a valid path.
var errPathSyntax = errors.New("refserver: invalid path syntax")

// path is a parsed Reverse-path or Forward-path (RFC 5321 §4.1.2).
type path struct {
	route  []string // the A-d-l source route, which the server ignores (§4.1.1.3, App. C)
	local  string   // local part as written, quotes kept; "" for the null path <>
	domain string   // domain or address literal; "" for <> and <Postmaster>
}

// null reports whether p is the null reverse-path <>.
func (p path) null() bool { return p.local == "" && p.domain == "" }

// mailbox returns the mailbox without brackets or source route: local@domain,
// a bare Postmaster, or "" for <>.
func (p path) mailbox() string {
	if p.domain == "" {
		return p.local
	}
	return p.local + "@" + p.domain
}

// localValue returns the local part with its quoting removed, so that
// "alice" and alice compare equal (RFC 5321 §4.1.2).
func (p path) localValue() string { return unquoteLocal(p.local) }

// cutPath splits s, which starts with "<", at the ">" that closes the path;
// a ">" inside a quoted local part does not count. It returns the path with
// its brackets and the text after it.
func cutPath(s string) (p, rest string, ok bool) {
	if !strings.HasPrefix(s, "<") {
		return "", "", false
	}
	quoted := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && c == '>':
			return s[:i+1], s[i+1:], true
		}
	}
	return "", "", false
}

// parsePath parses a path with its angle brackets:
//
//	Path = "<" [ A-d-l ":" ] Mailbox ">"   (RFC 5321 §4.1.2)
//
// "<>" gives the null path; the caller decides whether it is allowed. With
// forward set, "<Postmaster>" in any case is accepted too (RFC 5321
// §4.1.1.3).
func parsePath(s string, forward bool) (path, error) {
	if len(s) < 2 || s[0] != '<' || s[len(s)-1] != '>' {
		return path{}, errPathSyntax
	}
	inner := s[1 : len(s)-1]
	if inner == "" {
		return path{}, nil
	}
	if forward && strings.EqualFold(inner, "postmaster") {
		return path{local: inner}, nil
	}
	var p path
	if inner[0] == '@' {
		adl, rest, ok := strings.Cut(inner, ":")
		if !ok {
			return path{}, errPathSyntax
		}
		for _, at := range strings.Split(adl, ",") {
			if !strings.HasPrefix(at, "@") || !isDomain(at[1:]) {
				return path{}, errPathSyntax
			}
			p.route = append(p.route, at[1:])
		}
		inner = rest
	}
	local, domain, err := parseMailbox(inner)
	if err != nil {
		return path{}, err
	}
	p.local, p.domain = local, domain
	return p, nil
}

// parseMailbox parses
//
//	Mailbox = Local-part "@" ( Domain / address-literal )   (RFC 5321 §4.1.2)
func parseMailbox(s string) (local, domain string, err error) {
	if strings.HasPrefix(s, `"`) {
		end := quotedStringEnd(s)
		if end < 0 {
			return "", "", errPathSyntax
		}
		local, s = s[:end], s[end:]
	} else {
		i := strings.IndexByte(s, '@')
		if i < 0 {
			return "", "", errPathSyntax
		}
		local, s = s[:i], s[i:]
		if !isDotString(local) {
			return "", "", errPathSyntax
		}
	}
	if !strings.HasPrefix(s, "@") {
		return "", "", errPathSyntax
	}
	domain = s[1:]
	if !isDomain(domain) && !isAddressLiteral(domain) {
		return "", "", errPathSyntax
	}
	return local, domain, nil
}

// quotedStringEnd returns the length of the Quoted-string that starts s, or
// -1 when there is none (RFC 5321 §4.1.2):
//
//	Quoted-string   = DQUOTE *QcontentSMTP DQUOTE
//	qtextSMTP       = %d32-33 / %d35-91 / %d93-126
//	quoted-pairSMTP = %d92 %d32-126
func quotedStringEnd(s string) int {
	if !strings.HasPrefix(s, `"`) {
		return -1
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= len(s) || s[i+1] < 32 || s[i+1] > 126 {
				return -1
			}
			i++
		case c < 32 || c == 127:
			return -1 // octets above 127 arrive here only as UTF-8 under SMTPUTF8 (RFC 6531 §3.3)
		}
	}
	return -1
}

// unquoteLocal removes the quotes and quoted-pair backslashes of a quoted
// local part; a dot-string is returned unchanged.
func unquoteLocal(l string) string {
	if len(l) < 2 || l[0] != '"' {
		return l
	}
	var b strings.Builder
	for i := 1; i < len(l)-1; i++ {
		if l[i] == '\\' && i+1 < len(l)-1 {
			i++
		}
		b.WriteByte(l[i])
	}
	return b.String()
}

// isAtext reports whether c is an atext character (RFC 5322 §3.2.3, used by
// RFC 5321 §4.1.2), or an octet of UTF-8, which RFC 6531 §3.3 adds to atext
// (command lines reach the parser with such octets only under SMTPUTF8:
// session.go refuses them otherwise).
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c >= 0x80:
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// isDotString reports whether s is a Dot-string: Atom *("." Atom), where an
// Atom is 1*atext (RFC 5321 §4.1.2).
func isDotString(s string) bool {
	if s == "" {
		return false
	}
	for _, atom := range strings.Split(s, ".") {
		if atom == "" {
			return false
		}
		for i := 0; i < len(atom); i++ {
			if !isAtext(atom[i]) {
				return false
			}
		}
	}
	return true
}

// isLetDig reports whether c is a letter or a digit.
func isLetDig(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isDomain reports whether s is a Domain (RFC 5321 §4.1.2):
//
//	Domain     = sub-domain *("." sub-domain)
//	sub-domain = Let-dig [Ldh-str]
//	Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
//
// An underscore is therefore invalid. The length limits are maxDomain and
// maxLabel.
func isDomain(s string) bool {
	if s == "" || len(s) > maxDomain {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > maxLabel || !isLabelChar(label[0]) || !isLabelChar(label[len(label)-1]) {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isLabelChar(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

// isLabelChar reports whether c is a letter or digit, or an octet of UTF-8
// (a U-label, RFC 6531 §3.3; such octets reach the parser only under
// SMTPUTF8).
func isLabelChar(c byte) bool { return isLetDig(c) || c >= 0x80 }

// isAddressLiteral reports whether s is an address literal (RFC 5321
// §4.1.3): "[" IPv4-address-literal "]" or "[IPv6:" IPv6-addr "]". The
// General-address-literal form is refused, since no other Standardized-tag
// is registered.
func isAddressLiteral(s string) bool {
	if len(s) < 3 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	inner := s[1 : len(s)-1]
	if len(inner) > 5 && strings.EqualFold(inner[:5], "IPv6:") {
		return isIPv6(inner[5:])
	}
	return isIPv4(inner)
}

// isIPv4 reports whether s is Snum 3("." Snum), where Snum is 1*3DIGIT with
// a value of 0 to 255 (RFC 5321 §4.1.3).
func isIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) < 1 || len(p) > 3 {
			return false
		}
		n := 0
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
			n = n*10 + int(p[i]-'0')
		}
		if n > 255 {
			return false
		}
	}
	return true
}

// isIPv6 reports whether s is an IPv6-addr (RFC 5321 §4.1.3): hex groups,
// "::" compression and an optional trailing IPv4 part; no zone.
func isIPv6(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == ':' || c == '.') {
			return false
		}
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6() && a.Zone() == ""
}

// mailboxStatus is what the server knows about a mailbox.
type mailboxStatus int

const (
	mailboxLocal   mailboxStatus = iota // an existing mailbox of the served domain, or postmaster
	mailboxUnknown                      // the served domain, but no such local part
	mailboxForeign                      // another domain (relaying)
)

// lookup judges a mailbox by its unquoted local part and its domain; an
// empty domain means the served one (a bare Postmaster or a VRFY user
// name). The served mailboxes are not case-sensitive (RFC 5321 §4.1.2: a
// host SHOULD avoid defining case-sensitive local parts), and postmaster
// matches in any case (§4.1.1.3). Domains match case-insensitively (§2.4).
// The local part is only compared, never rewritten (§2.4: its case is
// preserved).
func (c *Config) lookup(local, domain string) mailboxStatus {
	if domain != "" && !strings.EqualFold(domain, c.Domain) {
		return mailboxForeign
	}
	if strings.EqualFold(local, "postmaster") {
		return mailboxLocal
	}
	for _, m := range c.Mailboxes {
		if strings.EqualFold(local, m) {
			return mailboxLocal
		}
	}
	return mailboxUnknown
}
