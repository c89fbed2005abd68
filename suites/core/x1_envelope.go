package core

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// mailboxParts splits the configured mailbox at its last "@".
func mailboxParts(t *framework.T) (local, domain string) {
	mbx := t.Mailbox()
	i := strings.LastIndexByte(mbx, '@')
	if i <= 0 || i == len(mbx)-1 {
		t.Errorf("the mailbox %q is not of the form local-part@domain", mbx)
	}
	return mbx[:i], mbx[i+1:]
}

// plainMailboxAccepted checks, in a session of its own, that RCPT of the
// configured mailbox gets 250 or 251 (else the spec is NOT APPLICABLE:
// postmasterSession), and ends that session.
func plainMailboxAccepted(t *framework.T) {
	connQuit(postmasterSession(t))
}

// sameMailbox sends, in a new session (so that no RSET is involved), MAIL
// and RCPT TO:<variant>, a spelling of the configured mailbox that RFC 5321
// makes the same mailbox, and judges the reply against the 250 or 251 the
// plain mailbox got (plainMailboxAccepted checks that first). why cites the
// rule.
func sameMailbox(t *framework.T, variant, why string) {
	s := t.Greeted()
	defer connQuit(s)
	s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
	r := s.Cmd("RCPT TO:<" + variant + ">")
	if r.Class() == 5 && r.Code != 530 {
		t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
			Expected: "250 or 251, as for <" + t.Cfg.Mailbox + "> (" + why + ")",
			Detail:   fmt.Sprintf("the server accepts <%s> but refuses <%s>, the same mailbox written otherwise", t.Cfg.Mailbox, variant)})
		t.Checked()
		return
	}
	t.Expect(s, r, framework.Expectation{Pass: "250 251", Why: why})
}

var _ = ginkgo.Describe("Comparing mailboxes", func() {
	// RFC 5321 §4.1.2: all quoted forms of a local part are equivalent
	// when compared to mailbox names, so <"user"@domain> and
	// <"\user"@domain> (a quoted-pair) name the mailbox <user@domain>.
	// Each probe is a session of its own, and no DATA follows.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.2-quoted-forms-equivalent", Commands: []string{"MAIL", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:<\"local\"@domain> as it answers RCPT TO:<local@domain>", func(t *framework.T) {
		local, domain := mailboxParts(t)
		if strings.HasPrefix(local, `"`) {
			t.NotApplicable("the mailbox's local part %s is already a quoted string", local)
		}
		plainMailboxAccepted(t)
		why := "RFC 5321 §4.1.2: for comparing local parts to mailbox names, all quoted forms MUST be treated as equivalent"
		for _, v := range []string{`"` + local + `"`, `"\` + local + `"`} {
			sameMailbox(t, v+"@"+domain, why)
		}
	})

	// RFC 5321 §2.4: an argument value other than a local part may be in
	// any case with no impact on its meaning; the domain of the mailbox in
	// upper case, then in mixed case, is the same domain.
	framework.It(framework.Requirement{
		ID: "RFC5321-2.4-domain-case-insensitive", Commands: []string{"MAIL", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:<local@DOMAIN> as it answers RCPT TO:<local@domain>", func(t *framework.T) {
		local, domain := mailboxParts(t)
		variants := map[string]bool{}
		for _, d := range []string{strings.ToUpper(domain), mixedCase(domain)} {
			if d != domain {
				variants[d] = true
			}
		}
		if len(variants) == 0 {
			t.NotApplicable("the mailbox's domain %s has no letters to write in another case", domain)
		}
		plainMailboxAccepted(t)
		why := "RFC 5321 §2.4: an argument value other than a mailbox local-part may be in any case with no impact on its meaning"
		for _, d := range []string{strings.ToUpper(domain), mixedCase(domain)} {
			if variants[d] {
				sameMailbox(t, local+"@"+d, why)
			}
		}
	})

	// RFC 5321 §4.1.2: a host SHOULD avoid defining case-sensitive local
	// parts, so the mailbox with its local part upper-cased (lower-cased if
	// it is upper case already) is the same mailbox.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.2-local-part-case", Commands: []string{"MAIL", "RCPT"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "answers RCPT TO:<LOCAL@domain> as it answers RCPT TO:<local@domain>", func(t *framework.T) {
		local, domain := mailboxParts(t)
		other := strings.ToUpper(local)
		if other == local {
			other = strings.ToLower(local)
		}
		if other == local {
			t.NotApplicable("the mailbox's local part %s has no letters to write in another case", local)
		}
		plainMailboxAccepted(t)
		sameMailbox(t, other+"@"+domain, "RFC 5321 §4.1.2: a host that expects to receive mail SHOULD avoid defining mailboxes where the Local-part is case-sensitive")
	})
})

// mixedCase writes s with its letters alternately upper and lower case,
// starting with upper case: "example.org" becomes "ExAmPlE.OrG".
func mixedCase(s string) string {
	b := []byte(s)
	up := true
	for i, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			if up {
				b[i] = byte(strings.ToUpper(string(c))[0])
			} else {
				b[i] = byte(strings.ToLower(string(c))[0])
			}
			up = !up
		}
	}
	return string(b)
}

// atextSpecials are the atext characters of RFC 5322 §3.2.3 that are
// neither letters nor digits: a Dot-string local part may hold each.
const atextSpecials = "!#$%&'*+-/=?^_`{|}~"

var _ = ginkgo.Describe("Local part syntax", func() {
	// RFC 5321 §4.1.2: Local-part = Dot-string, Dot-string = Atom *("."
	// Atom), Atom = 1*atext. The configured sender is accepted first; the
	// same domain with a local part of every atext special is valid syntax
	// (each MAIL in a session of its own). No RCPT or DATA follows.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.1.2-atext-local-part", Commands: []string{"MAIL"},
	}, "does not refuse MAIL FROM:<!#$%&'*+-/=?^_`{|}~.x@domain> as a syntax error", func(t *framework.T) {
		i := strings.LastIndexByte(t.Cfg.Sender, '@')
		if i <= 0 {
			t.NotApplicable("the sender %q has no domain to put the local part in", t.Cfg.Sender)
		}
		first := t.Greeted()
		first.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		connQuit(first)
		s := t.Greeted()
		defer connQuit(s)
		r := s.Cmd("MAIL FROM:<" + atextSpecials + ".x" + t.Cfg.Sender[i:] + ">")
		f := framework.Finding{Sent: s.LastSent(), Actual: r.String(),
			Expected: "250, or a refusal that is not a syntax error (RFC 5321 §4.1.2: Dot-string = Atom *(\".\" Atom), Atom = 1*atext)"}
		switch {
		case r.Class() == 2:
			t.Checked()
		case r.Code == 500 || r.Code == 501:
			f.Detail = fmt.Sprintf("the local part %s.x is a valid Dot-string, but the server answered %d (syntax error)", atextSpecials, r.Code)
			t.Violation(f)
		case r.Code == 553:
			f.Detail = "553 may be a policy refusal of such names, or the syntax error RFC 5321 §4.2.3 also gives it for; the local part is a valid Dot-string"
			t.Warnf(f)
		default:
			t.Policy(r)
			t.NotApplicable("the server refused the sender %s.x%s with %d, a refusal that is not about syntax (the plain sender was accepted)", atextSpecials, t.Cfg.Sender[i:], r.Code)
		}
	})
})
