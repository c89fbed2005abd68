package pipelining

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// commandWords are the words by which a reply to MAIL or RCPT names its
// command (RFC 2920 §3.2 (10): "either implicitly or explicitly").
var commandWords = map[string]*regexp.Regexp{
	"MAIL": regexp.MustCompile(`(?i)\b(sender|from|mail|originator|reverse-path)\b`),
	"RCPT": regexp.MustCompile(`(?i)\b(recipients?|rcpt|to|destination|forward-path)\b`),
}

// addressingCode matches an enhanced status code of the addressing subject
// (RFC 3463 §3.2: X.1.XXX reports on the originator or destination
// address), which says implicitly that the reply is about an address.
var addressingCode = regexp.MustCompile(`^[245]\.1\.[0-9]{1,3}\b`)

// identifies reports whether reply r to verb (MAIL or RCPT) for addr says
// which command it answers: it quotes the address, names the command, or
// carries an addressing enhanced code.
func identifies(r framework.Reply, verb, addr string) bool {
	text := r.Text()
	if (addr != "" && strings.Contains(strings.ToLower(text), strings.ToLower(addr))) || commandWords[verb].MatchString(text) {
		return true
	}
	for _, l := range r.Lines {
		if addressingCode.MatchString(l) {
			return true
		}
	}
	return false
}

var _ = ginkgo.Describe("PIPELINING reply text", func() {
	// RFC 2920 §3.2 (10): the text of a reply says what it answers.
	framework.It(framework.Requirement{
		ID: "RFC2920-3.2-reply-identifies-command", Commands: []string{"MAIL", "RCPT"}, Needs: mbxOnly,
	}, "answers a pipelined MAIL and RCPT with replies that name the address or the command", func(t *framework.T) {
		mbx := t.Mailbox()
		s := t.Greeted()
		s.Require("PIPELINING")
		group(s, "MAIL FROM:<"+t.Cfg.Sender+">", "RCPT TO:<"+mbx+">", "RSET")
		rs := readN(s, 3)
		t.Policy(rs[0])
		for i, c := range []struct{ verb, addr string }{{"MAIL", t.Cfg.Sender}, {"RCPT", mbx}} {
			r := rs[i]
			if identifies(r, c.verb, c.addr) {
				t.Checked()
				continue
			}
			t.Failf(framework.Finding{Sent: fmt.Sprintf("MAIL FROM:<%s>, RCPT TO:<%s>, RSET in one write", t.Cfg.Sender, mbx), Actual: r.String(),
				Expected: fmt.Sprintf("a %s reply whose text quotes <%s>, names the command, or carries an X.1.y addressing code (RFC 2920 §3.2 (10))", c.verb, c.addr),
				Detail:   fmt.Sprintf("the reply to the pipelined %s says neither explicitly nor implicitly which command it answers", c.verb)})
		}
	})
})
