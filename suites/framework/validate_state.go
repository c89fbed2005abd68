package framework

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The state-dependent rules of the reply validator: rules whose reach
// depends on what the session negotiated, checked on every reply a session
// reads, next to the stateless reply-syntax rules (observe).
//
// ENHANCEDSTATUSCODES (RFC 2034 §3(4), §4; RFC 3463 §2): after an EHLO
// whose reply listed the keyword, the text of every 2yz, 4yz and 5yz reply
// (not the replies to EHLO and HELO, not 3yz) starts with class.subject.detail,
// followed by a space, whose class is the reply's first digit, on every line
// of the reply. A HELO, or a STARTTLS that succeeded, ends that state until
// the next EHLO: RFC 2034 §4 asks for the codes after HELO too, but
// catalogue §17.15 grades that WARN, in RFC2034-4-regardless-of-ehlo's own
// spec only.

// replyState is what a session has negotiated, as far as the
// state-dependent rules need it.
type replyState struct {
	// enhanced: the last EHLO reply listed ENHANCEDSTATUSCODES.
	enhanced bool
	// utf8Mail: the open transaction's MAIL, accepted, carried the
	// SMTPUTF8 parameter (RFC 6531 §3.7.4.1).
	utf8Mail bool
}

// RuleTextCharset is the stateless rule that reply text is HT and
// printable US-ASCII (RFC 5321 §4.2), which RFC 6531 relaxes.
const RuleTextCharset = "RFC5321-4.2-textstring-charset"

// utf8TextAllowed reports whether RFC 6531 lets reply r carry UTF-8 text:
// a 251 or 551 to RCPT in a transaction whose MAIL carried SMTPUTF8
// (§3.7.4.1), or the reply to a VRFY or EXPN sent with SMTPUTF8
// (§3.7.4.2). Octets that are not valid UTF-8 are never allowed.
func (s *Session) utf8TextAllowed(r Reply) bool {
	for _, l := range r.Lines {
		if !utf8.ValidString(l) {
			return false
		}
	}
	switch s.verb {
	case "RCPT":
		return s.state.utf8Mail && (r.Code == 251 || r.Code == 551)
	case "VRFY", "EXPN":
		return hasParam(s.lastSent, "SMTPUTF8")
	}
	return false
}

// hasParam reports whether command line carries the parameter keyword
// (as a word after the first, case-insensitively, with or without a value).
func hasParam(line, keyword string) bool {
	f := strings.Fields(line)
	for _, w := range f[min(1, len(f)):] {
		k, _, _ := strings.Cut(w, "=")
		if strings.EqualFold(k, keyword) {
			return true
		}
	}
	return false
}

// trackUTF8 follows the transaction's SMTPUTF8 state: set by an accepted
// MAIL with the parameter, cleared by anything that ends the transaction.
func (s *Session) trackUTF8(r Reply) {
	switch s.verb {
	case "MAIL":
		if r.Class() == 2 {
			s.state.utf8Mail = hasParam(s.lastSent, "SMTPUTF8")
		}
	case "RSET", "EHLO", "HELO", "STARTTLS", "DATA-END", "QUIT":
		s.state.utf8Mail = false
	}
}

// Rules of the enhanced status codes, by catalogue ID.
const (
	RuleEnhancedMissing   = "RFC2034-4-code-on-every-reply"
	RuleEnhancedSpace     = "RFC2034-3-code-then-space"
	RuleEnhancedClass     = "RFC2034-4-class-matches"
	RuleEnhancedMultiline = "RFC2034-4-multiline-same-code"
	RuleEnhancedSyntax    = "RFC3463-2-code-syntax"
)

// statusLike matches what a server meant as an enhanced status code at the
// start of a reply line: three dot-separated numbers, whatever their
// digits, and the octet after them.
var statusLike = regexp.MustCompile(`^([0-9]+)\.([0-9]+)\.([0-9]+)(.?)`)

// EnhancedProblem is one way a reply breaks the enhanced status code rules.
type EnhancedProblem struct {
	Rule   string
	Detail string
}

// CheckEnhanced checks reply r against the rules of RFC 2034 §3(4), §4 and
// RFC 3463 §2, as a reply that must carry enhanced status codes: at most
// one problem per rule.
func CheckEnhanced(r Reply) []EnhancedProblem {
	if r.Class() != 2 && r.Class() != 4 && r.Class() != 5 {
		return nil // RFC 2034 §4: 3xx responses are not included
	}
	var out []EnhancedProblem
	seen := map[string]bool{}
	add := func(rule, format string, args ...any) {
		if !seen[rule] {
			seen[rule] = true
			out = append(out, EnhancedProblem{rule, fmt.Sprintf(format, args...)})
		}
	}
	first := ""
	for i, line := range r.Lines {
		m := statusLike.FindStringSubmatch(line)
		if m == nil {
			if i == 0 {
				add(RuleEnhancedMissing, "the %d reply's text %q does not start with an enhanced status code", r.Code, truncateText(line))
				return out
			}
			add(RuleEnhancedMultiline, "line %d of the reply, %q, does not start with the enhanced code %s of its first line", i+1, truncateText(line), first)
			continue
		}
		code := m[1] + "." + m[2] + "." + m[3]
		if i == 0 {
			first = code
		} else if code != first {
			add(RuleEnhancedMultiline, "line %d of the reply starts with %s, its first line with %s", i+1, code, first)
		}
		if !validStatus(m[1], m[2], m[3]) {
			add(RuleEnhancedSyntax, "%s is not class.subject.detail (class 2, 4 or 5; 1 to 3 digits, no leading zeros)", code)
		}
		if m[1] != fmt.Sprint(r.Class()) {
			add(RuleEnhancedClass, "the %d reply carries the enhanced code %s, whose class is not %d", r.Code, code, r.Class())
		}
		if m[4] != "" && m[4] != " " {
			add(RuleEnhancedSpace, "the enhanced code %s is followed by %q, not a space", code, m[4])
		}
	}
	return out
}

// validStatus reports whether class, subject and detail follow RFC 3463 §2.
func validStatus(class, subject, detail string) bool {
	if class != "2" && class != "4" && class != "5" {
		return false
	}
	for _, n := range []string{subject, detail} {
		if len(n) > 3 || (len(n) > 1 && n[0] == '0') {
			return false
		}
	}
	return true
}

func truncateText(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// validateState runs the state-dependent rules on reply r to the command
// the session sent last, recording what they find as observations, and
// keeps the state up to date.
func (s *Session) validateState(r Reply) {
	s.trackUTF8(r)
	switch verb := s.verb; {
	case verb == "EHLO":
		// RFC 2034 §3(4): the replies to EHLO and HELO carry no code.
		if r.Code == 250 {
			s.state.enhanced = r.Lists("ENHANCEDSTATUSCODES")
		}
		return
	case verb == "HELO":
		if r.Code == 250 {
			s.state.enhanced = false
		}
		return
	case verb == "" || !s.state.enhanced:
		// A reply the session cannot attribute to a command (counted up
		// to QUIT's) might be one to EHLO: it is not judged.
		return
	}
	for _, p := range CheckEnhanced(r) {
		s.t.finding(Finding{Rule: p.Rule, Cite: ruleCite(p.Rule), Sent: s.lastSent, Actual: r.String(),
			Expected: "class.subject.detail and a space at the start of every line (RFC 2034 §3(4), §4; RFC 3463 §2)",
			Detail:   p.Detail + " (the EHLO reply listed ENHANCEDSTATUSCODES)"}, Must)
	}
	if s.verb == "STARTTLS" && r.Code == 220 {
		s.state.enhanced = false // RFC 3207 §4.2: EHLO again before anything holds
	}
}

// ruleCite returns the sections of a rule's catalogue entry.
func ruleCite(id string) string {
	if r, err := (Requirement{ID: id}).resolve(); err == nil {
		return r.Section
	}
	return strings.SplitN(id, "-", 3)[0]
}
