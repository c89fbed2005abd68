// Package wire is smtpspec's wire-level SMTP client: raw bytes out, a strict
// reply parser, a deadline on every read, a size limit on every reply and a
// transcript of every octet exchanged.
//
// RFC 5321 sections covered by the parser: §4.2 (reply syntax: three-digit
// code, first digit 2-5, second 0-5), §4.2.1 (multiline replies: "-" on every
// line but the last, the same code on every line), §2.3.8 (CRLF is the only
// line terminator) and §4.5.3.1.5 (512-octet reply lines).
package wire

import (
	"fmt"
	"strconv"
	"strings"
)

// Reply is one SMTP reply, possibly multiline, with the octets it came in.
type Reply struct {
	// Code is the reply code of the first line (0 if the first line had none).
	Code int
	// Lines holds the text after "NNN-" or "NNN " on each line, without the
	// line terminator.
	Lines []string
	// Raw is every octet of the reply exactly as received.
	Raw []byte
	// Violations lists the ways the reply breaks RFC 5321 reply syntax.
	// A reply with violations is still returned, so that the session can
	// continue and the spec can report what it saw.
	Violations []Violation
}

// Severity says how strongly the RFC words the rule a Violation breaks.
type Severity int

const (
	// Must marks a MUST-level or syntax (ABNF) rule.
	Must Severity = iota
	// Should marks a SHOULD-level rule.
	Should
)

// Violation is one way a reply breaks RFC 5321 reply syntax.
type Violation struct {
	// Rule is the catalogue ID of the rule broken, e.g. "RFC5321-2.3.8-reply-crlf".
	Rule string
	// Section is the RFC section, e.g. "RFC 5321 §2.3.8".
	Section string
	// Severity is Must or Should.
	Severity Severity
	// Detail says what was wrong, naming the line.
	Detail string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s", v.Rule, v.Section, v.Detail)
}

// Text returns the reply text, lines joined by "\n".
func (r Reply) Text() string { return strings.Join(r.Lines, "\n") }

// Class returns the first digit of the code (2, 3, 4 or 5).
func (r Reply) Class() int { return r.Code / 100 }

// Multiline reports whether the reply had more than one line.
func (r Reply) Multiline() bool { return len(r.Lines) > 1 }

// String returns the raw reply, escaped, as it appears in failure messages:
// "250-mx\r\n250 OK\r\n".
func (r Reply) String() string { return Escape(r.Raw) }

// Escape renders octets as a Go-style quoted string, so that CR, LF, NUL and
// 8-bit octets are visible.
func Escape(b []byte) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, c := range b {
		switch {
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '"':
			sb.WriteString(`\"`)
		case c == '\\':
			sb.WriteString(`\\`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// Limits bound what the parser accepts before it gives up on a reply.
type Limits struct {
	// MaxLine is the longest reply line read, terminator included. RFC 5321
	// §4.5.3.1.5 sets 512 octets as the size a client must accept; longer
	// lines are reported as a SHOULD violation up to MaxLine, and end the
	// reply with ErrReplyTooLong beyond it.
	MaxLine int
	// MaxLines is the most lines one reply may have before the read stops
	// with ErrReplyTooLong (a bound on what a hostile server can make the
	// suite read). Past ManyLines, a reply is reported as a SHOULD
	// violation (RFC5321-4.5.3.1-reply-lines-200).
	MaxLines int
}

// ManyLines is the number of reply lines past which a reply is reported as
// too large: RFC 5321 §4.5.3.1 says objects larger than the minimum sizes
// SHOULD be avoided; the RFC sets no line count, so 200 is the suite's
// threshold, far above any reply the RFCs describe.
const ManyLines = 200

// DefaultLimits are generous multiples of the RFC 5321 §4.5.3.1.5 minimum,
// so that a verbose server is reported, not cut off.
var DefaultLimits = Limits{MaxLine: 4096, MaxLines: 1000}

// replyLineLimit is the RFC 5321 §4.5.3.1.5 maximum reply line length,
// including the reply code and the CRLF.
const replyLineLimit = 512

// parsedLine is one reply line taken apart.
type parsedLine struct {
	code int
	sep  byte // ' ', '-' or 0 when the line ends right after the code
	text string
}

// parseLine checks one reply line (without its terminator) against the
// RFC 5321 §4.2 Reply-line grammar. It returns an error when the line has no
// usable reply code at all.
func parseLine(line []byte) (parsedLine, []Violation, error) {
	var vs []Violation
	if len(line) < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2]) {
		return parsedLine{}, nil, fmt.Errorf("line %s does not start with a three-digit reply code", Escape(line))
	}
	code, _ := strconv.Atoi(string(line[:3]))
	if line[0] < '2' || line[0] > '5' || line[1] > '5' {
		vs = append(vs, Violation{Rule: "RFC5321-4.2-code-syntax", Section: "RFC 5321 §4.2", Severity: Must,
			Detail: fmt.Sprintf("reply code %03d is outside the grammar (first digit 2-5, second 0-5)", code)})
	}
	p := parsedLine{code: code}
	if len(line) == 3 {
		vs = append(vs, Violation{Rule: "RFC5321-4.2.1-space-after-code", Section: "RFC 5321 §4.2.1", Severity: Should,
			Detail: fmt.Sprintf("line %s has no SP or text after the code", Escape(line))})
		return p, vs, nil
	}
	switch line[3] {
	case ' ', '-':
		p.sep = line[3]
	default:
		return parsedLine{}, nil, fmt.Errorf("line %s has %s after the reply code, not SP or \"-\"", Escape(line), Escape(line[3:4]))
	}
	p.text = string(line[4:])
	for _, c := range line[4:] {
		if c != '\t' && (c < 0x20 || c > 0x7e) {
			vs = append(vs, Violation{Rule: "RFC5321-4.2-textstring-charset", Section: "RFC 5321 §4.2", Severity: Must,
				Detail: fmt.Sprintf("line %s holds octet 0x%02x outside HT and printable US-ASCII", Escape(line), c)})
			break
		}
	}
	return p, vs, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
