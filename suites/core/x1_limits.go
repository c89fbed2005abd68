package core

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// envelopeParam is a MAIL parameter of an extension, in a short form (the
// control line) and at the size the extension allows (the long line).
type envelopeParam struct {
	keyword     string // the EHLO keyword that offers it
	short, long string // " KEY=value", each with its leading SP
}

// longAuthMailbox is a 253-octet mailbox (within the 256-octet path of RFC
// 5321 §4.5.3.1.3) whose local part, 64 octets of "+" and "=", must be
// encoded in xtext (RFC 4954 §5, RFC 3461 §4: "+" and "=" are not xchar).
func longAuthMailbox() string {
	return strings.Repeat("+=", 32) + "@" + strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 52) + ".example"
}

// envelopeParams are the MAIL parameters the extension-increments spec may
// use, each at the size its extension allows: SIZE= with 20 digits (RFC 1870
// §3(5): 26 octets), BODY=8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531 §3.1(5): 10
// octets), RET and a 100-character ENVID (RFC 3461 §5.4), AUTH= a mailbox
// in xtext (RFC 4954 §3(5): 500 octets).
var envelopeParams = []envelopeParam{
	{"SIZE", " SIZE=1000", fmt.Sprintf(" SIZE=%020d", 1000)},
	{"8BITMIME", " BODY=8BITMIME", " BODY=8BITMIME"},
	{"SMTPUTF8", " SMTPUTF8", " SMTPUTF8"},
	{"DSN", " RET=HDRS ENVID=smtpspec", " RET=HDRS ENVID=smtpspec-" + strings.Repeat("e", 91)},
	{"AUTH", " AUTH=<>", " AUTH=" + framework.Xtext(longAuthMailbox())},
}

var _ = ginkgo.Describe("Command line lengths raised by extensions", func() {
	// RFC 5321 §4.5.3.1.4, §4.5.3.1: extensions raise the 512-octet limit
	// of a command line, and the server must take lines up to the raised
	// limit. A MAIL line with short parameter values is accepted first; the
	// same parameters at their allowed sizes then make a line past 512
	// octets, in a new session. No RCPT or DATA follows.
	framework.It(framework.Requirement{
		ID: "RFC5321-4.5.3.1.4-extension-increments", Commands: []string{"MAIL"},
	}, "accepts a MAIL line past 512 octets made of the advertised extensions' parameters", func(t *framework.T) {
		s := t.Greeted()
		short, long := "MAIL FROM:<"+t.Cfg.Sender+">", "MAIL FROM:<"+t.Cfg.Sender+">"
		var used []string
		for _, p := range envelopeParams {
			if s.Has(p.keyword) {
				short += p.short
				long += p.long
				used = append(used, p.keyword)
			}
		}
		if len(long)+2 <= maxCommandLine {
			t.NotApplicable("the parameters of the extensions the server advertises (%s) make a MAIL line of only %d octets: no longer than the 512 of RFC 5321 §4.5.3.1.4",
				strings.Join(used, ", "), len(long)+2)
		}
		s.Setup(short, "250")
		connQuit(s)
		s = t.Greeted() // a session of its own: no RSET involved
		defer connQuit(s)
		r := s.Cmd(long)
		why := fmt.Sprintf("RFC 5321 §4.5.3.1.4, §4.5.3.1: the extensions %s raise the MAIL line limit past this line's %d octets, and lines up to the limit MUST be received",
			strings.Join(used, ", "), len(long)+2)
		if r.Class() == 5 && r.Code != 530 {
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(), Expected: "250 (" + why + ")",
				Detail: fmt.Sprintf("the server accepted MAIL with these parameters in short form, and refused the same parameters at their allowed sizes in a line of %d octets", len(long)+2)})
			t.Checked()
			return
		}
		t.Expect(s, r, framework.Expectation{Pass: "250", Why: why})
	})
})

var _ = ginkgo.Describe("EXPN support", func() {
	// RFC 5321 §3.5.1, §3.5.2: servers SHOULD support EXPN; a site may
	// disable it (§7.3: then 252), but 500 and 502 say it is not
	// implemented at all (§4.2.4).
	framework.It(framework.Requirement{
		ID: "RFC5321-3.5.2-vrfy-expn-should-support", Commands: []string{"EXPN"},
	}, "answers EXPN as a command it implements (not 500 or 502)", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("EXPN postmaster")
		switch {
		case r.Code == 500 || r.Code == 502:
			t.Violation(framework.Finding{Sent: s.LastSent(), Actual: r.String(),
				Expected: "an EXPN reply: 250 with the expansion, 252 or a refusal such as 550 when the site disabled it (RFC 5321 §3.5.2: servers SHOULD support EXPN; §7.3)",
				Detail:   fmt.Sprintf("EXPN got %d: the command is not implemented", r.Code)})
		case r.Code == 530 || r.Class() == 4:
			t.Policy(r)
			t.Errorf("EXPN got %s", r)
		}
		t.Checked()
	})
})

var _ = ginkgo.Describe("EXPN without verification", func() {
	// RFC 5321 §3.5.3: no 250 to EXPN unless the name was verified. A
	// catch-all domain may expand any name, so a 250 breaks the rule only
	// when RCPT refuses the same mailbox as unknown. No DATA follows.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.5.3-no-unverified-250", Commands: []string{"EXPN", "MAIL", "RCPT", "RSET"}, Needs: []framework.Need{framework.NeedMailbox},
	}, "does not answer EXPN of a missing name with 250", func(t *framework.T) {
		t.Mailbox()
		s := t.Greeted()
		name := localPart(t.Cfg.UnknownMailbox)
		r := s.Cmd("EXPN " + name)
		expnSent := s.LastSent()
		if r.Code != 250 {
			t.Policy(r)
			t.Checked() // 252, a refusal, or no EXPN at all: no claim that the name exists
			return
		}
		s.Setup("MAIL FROM:<"+t.Cfg.Sender+">", "250")
		rcpt := s.Cmd("RCPT TO:<" + t.Cfg.UnknownMailbox + ">")
		s.Cmd("RSET")
		switch rcpt.Code {
		case 550, 551, 553:
			t.Violation(framework.Finding{Sent: expnSent + ", then MAIL and RCPT TO:<" + t.Cfg.UnknownMailbox + ">",
				Actual:   r.String() + " to EXPN, " + rcpt.String() + " to RCPT",
				Expected: "no 250 to EXPN of a name that does not exist (RFC 5321 §3.5.3: a server MUST NOT return 250 unless it has actually verified the address); 550, or 252 when EXPN is disabled (§7.3)",
				Detail:   fmt.Sprintf("EXPN expands %s, while RCPT refuses <%s> as unknown", name, t.Cfg.UnknownMailbox)})
		default:
			t.Policy(rcpt)
			t.Checked() // the server takes mail for it too (a catch-all)
		}
	})
})

// angleMailbox matches a <local-part@domain> mailbox in reply text (RFC 5321
// §3.5.2), loosely: no angle bracket or space inside.
var angleMailbox = regexp.MustCompile(`<[^<>\s@]+@[^<>\s@]+>`)

var _ = ginkgo.Describe("The form of an EXPN expansion", func() {
	// RFC 5321 §3.5.1, §3.5.2: a successful EXPN gives the mailboxes of the
	// list, one on each line, each as <local-part@domain>. Every server has
	// a postmaster; one that expands it shows its expansion form.
	framework.It(framework.Requirement{
		ID: "RFC5321-3.5.1-expn-one-per-line", Commands: []string{"EXPN"},
	}, "gives one <local-part@domain> on each line of a successful EXPN", func(t *framework.T) {
		s := t.Greeted()
		r := s.Cmd("EXPN postmaster")
		if r.Code != 250 && r.Code != 251 {
			t.Policy(r)
			t.NotApplicable("EXPN postmaster got %d, not an expansion: there is no list to judge", r.Code)
		}
		f := framework.Finding{Sent: s.LastSent(), Actual: r.String(),
			Expected: "one <local-part@domain> on each line of the reply (RFC 5321 §3.5.1: the response MUST give the mailboxes; §3.5.2: in a <local-part@domain> construction)"}
		for i, line := range r.Lines {
			switch n := len(angleMailbox.FindAllString(line, -1)); {
			case n == 0:
				f.Detail = fmt.Sprintf("line %d of the expansion, %q, gives no mailbox as <local-part@domain>", i+1, line)
				t.Violation(f)
			case n > 1:
				f.Detail = fmt.Sprintf("line %d of the expansion, %q, gives %d mailboxes, where exactly one is to be given on each line", i+1, line, n)
				t.Warnf(f)
			}
		}
		t.Checked()
	})
})
