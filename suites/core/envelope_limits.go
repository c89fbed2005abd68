package core

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// Envelope size limits (RFC 5321 §4.5.3.1): the lengths and the recipient
// count every server must accept, and the reply when a limit is reached.
var _ = ginkgo.Describe("Envelope limits", func() {
	// RFC 5321 §4.5.3.1.1: a local part of 64 octets MUST be received; the
	// mailbox need not exist, but the refusal must not be about length.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.1-local-part-64", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:<64-octet local part@domain> with 250 or 550 user unknown", func(t *framework.T) {
		t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		r := s.Cmd("RCPT TO:<" + strings.Repeat("a", 64) + "@" + t.Cfg.Domain() + ">")
		envJudgeLength(t, s, r, "RFC 5321 §4.5.3.1.1: a 64-octet local part must be received (550 5.1.1 user unknown is fine)")
	})

	// RFC 5321 §4.5.3.1.2: a domain of up to 255 octets MUST be received.
	// The test domain has 253 octets, the most a DNS name can have in text.
	// It goes in EHLO, where no other limit interferes: inside a path,
	// "<a@" and ">" would make 257 octets, over the 256-octet path limit of
	// §4.5.3.1.3.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.2-domain-255", Commands: []string{"EHLO"},
	}, "answers EHLO <253-octet domain> with 250 or a policy refusal", func(t *framework.T) {
		s := t.Dial()
		r := s.Cmd("EHLO " + envDomain(253))
		envJudgeLength(t, s, r, "RFC 5321 §4.5.3.1.2: a domain of up to 255 octets must be received (a policy refusal is fine)")
	})

	// RFC 5321 §4.5.3.1.3: a path of 256 octets, brackets included, MUST be
	// received.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.3-path-256", Commands: []string{"MAIL"},
	}, "answers MAIL FROM:<256-octet path> with 250 or a policy refusal", func(t *framework.T) {
		local := "smtpspec"
		path := "<" + local + "@" + envDomain(256-len("<@>")-len(local)) + ">"
		if len(path) != 256 {
			t.Errorf("internal: built a %d-octet path", len(path))
		}
		s := t.Greeted()
		r := s.Cmd("MAIL FROM:" + path)
		envJudgeLength(t, s, r, "RFC 5321 §4.5.3.1.3: a 256-octet path must be received (a policy refusal is fine)")
	})

	// RFC 5321 §4.5.3.1.8: the server MUST buffer at least 100 recipients;
	// refusing one as "too many" at 100 or fewer is a violation. No DATA.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.8-100-recipients", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers 100 RCPTs to the mailbox with 250 each", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		for i := 1; i <= 100; i++ {
			r := s.Cmd("RCPT TO:<" + mbx + ">")
			switch {
			case r.Code == 250 || r.Code == 251:
				continue
			case envTooMany(r):
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: "250 (RFC 5321 §4.5.3.1.8: at least 100 recipients must be buffered)",
					Detail:   fmt.Sprintf("recipient %d was refused as one too many", i)})
			default:
				t.Errorf("recipient %d was refused for a reason other than the count (%s)", i, r)
			}
		}
		t.Checked()
	})

	// RFC 5321 §4.5.3.1.10: a recipient over the implementation limit gets
	// 452; 552 is the legacy code clients tolerate, and a site-policy limit
	// MAY use a 5yz. Recipients are sent until one is refused, up to a cap
	// above the common limits (1000). No DATA.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.10-too-many-452", Commands: []string{"RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers the first RCPT over the recipient limit with 452", func(t *framework.T) {
		const limit = 1100
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		for i := 1; i <= limit; i++ {
			r := s.Cmd("RCPT TO:<" + mbx + ">")
			switch {
			case r.Code == 250 || r.Code == 251:
				continue
			case i == 1:
				t.Policy(r)
				t.Errorf("the first recipient was refused (%s), so the limit cannot be found", r)
			case r.Code == 452 || (r.Class() == 5 && envTooMany(r)):
				t.Expect(s, r, framework.Expectation{Pass: "452", Warn: "5yz",
					Why: "RFC 5321 §4.5.3.1.10: 452 for too many recipients; 552 (legacy) or a 5yz policy limit is tolerated"})
			case r.Class() == 5:
				t.Errorf("recipient %d got %s, a refusal that does not say it is about the number of recipients", i, r)
			case r.Class() == 4 && envTooMany(r):
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: "452 (RFC 5321 §4.5.3.1.10: the too-many-recipients code is 452)",
					Detail:   fmt.Sprintf("recipient %d was refused as one too many with %d", i, r.Code)})
			case r.Class() == 4:
				t.Errorf("recipient %d got %s, a temporary failure that does not say it is about the count", i, r)
			default:
				t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
					Expected: "250, 251 or a refusal (452) (RFC 5321 §4.3.2)"})
			}
			return
		}
		t.NotApplicable("no recipient limit found up to %d recipients", limit)
	})
})

// envGreetedKeywords opens a greeted session and returns it with the
// upper-cased EHLO keywords (RFC 5321 §4.1.1.1: the first word of each line
// after the first).
func envGreetedKeywords(t *framework.T) (*framework.Session, map[string]bool) {
	s := t.Dial()
	return s, s.Setup("EHLO "+t.Cfg.Helo, "250").Keywords()
}

// envCheckCode checks that r, the reply to the verb just sent on s, has a
// code RFC 5321 §4.3.2 lists for that verb.
func envCheckCode(t *framework.T, s *framework.Session, r framework.Reply, verb string) {
	allowed, _, _ := framework.AllowedCodes(verb)
	if allowed.Has(r.Code) {
		t.Checked()
		return
	}
	t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
		Expected: allowed.String() + " (RFC 5321 §4.3.2 for " + verb + ")",
		Detail:   fmt.Sprintf("%d is not a reply RFC 5321 §4.3.2 lists for %s", r.Code, verb)})
}

// enhancedCode matches the RFC 3463 enhanced status code that opens a reply
// text (RFC 2034 §4).
var enhancedCode = regexp.MustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})\b`)

// envEnhanced returns the enhanced status code of r ("5.1.1"), or "".
func envEnhanced(r framework.Reply) string { return enhancedCode.FindString(envFirstLine(r)) }

// envFirstLine returns the text of the first line of r.
func envFirstLine(r framework.Reply) string {
	if len(r.Lines) == 0 {
		return ""
	}
	return r.Lines[0]
}

// envTooMany reports whether r refuses a recipient for the count: 452, 552,
// an X.5.3 enhanced code (RFC 3463 §3.6: too many recipients) or a text that
// says so.
func envTooMany(r framework.Reply) bool {
	ec := envEnhanced(r)
	return r.Code == 452 || r.Code == 552 || strings.HasSuffix(ec, ".5.3") ||
		strings.Contains(strings.ToLower(r.Text()), "too many recipients")
}

// envJudgeLength fails a reply that refuses an address for its length or
// syntax: 500 (line too long), 501 (syntax), an enhanced code for syntax
// (X.5.x, X.1.3, X.1.7: RFC 3463 §3.2, §3.6), or a text that names the
// length. Anything else (acceptance, user unknown, a policy refusal) passes:
// RFC 5321 §4.5.3.1 only sets sizes the server must receive.
func envJudgeLength(t *framework.T, s *framework.Session, r framework.Reply, why string) {
	t.Unimplemented(s, r)
	text := strings.ToLower(r.Text())
	var subject, detail string // of the enhanced code: "5.1.3" → "1", "3"
	if m := enhancedCode.FindStringSubmatch(envFirstLine(r)); m != nil {
		subject, detail = m[2], m[3]
	}
	syntax := subject == "5" || (subject == "1" && (detail == "3" || detail == "7"))
	bad := r.Code == 500 || r.Code == 501 || r.Class() == 3 ||
		(r.Class() >= 4 && (syntax || strings.Contains(text, "too long") || strings.Contains(text, "length")))
	if !bad {
		t.Checked()
		return
	}
	t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "no length or syntax refusal (" + why + ")"})
}

// envDomain returns a syntactically valid domain of exactly n octets (n at
// least 9): labels of at most 63 octets (RFC 1035 §2.3.4) ending in
// ".example" (RFC 2606 §2).
func envDomain(n int) string {
	const tld = ".example"
	var labels []string
	rest := n - len(tld)
	for rest > 0 {
		l := min(rest, 63)
		if rest-l == 1 { // a label needs at least one octet after its dot
			l--
		}
		labels = append(labels, strings.Repeat("a", l))
		rest -= l + 1
	}
	return strings.Join(labels, ".") + tld
}
