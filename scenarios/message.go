// Package scenarios holds the payloads and dialogues the specs are written
// in. It acts and returns values; it never asserts (the specs judge).
//
// Every message the suite completes is addressed to the configured mailbox
// only, and names the requirement that sent it in its Subject, so an
// operator who finds one knows where it came from.
package scenarios

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// Envelope is the sender and the recipient a test message goes between;
// its header fields name them too.
type Envelope struct {
	From string // the reverse-path mailbox (--sender)
	To   string // the recipient mailbox (--mailbox)
}

// messageCount makes every Message-ID of a run unique.
var messageCount atomic.Int64

// Headers returns the header block of a test message for requirement id,
// ending in the blank line that separates it from the body. It is a
// complete RFC 5322 header (§3.6: Date and From are required; To,
// Message-ID and Subject are what content filters expect), so that a
// server's content policy has no reason to refuse the message.
func Headers(e Envelope, id string) string {
	domain := "smtpspec.invalid"
	if i := strings.LastIndexByte(e.From, '@'); i >= 0 && i < len(e.From)-1 {
		domain = e.From[i+1:]
	}
	now := time.Now()
	var b strings.Builder
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "From: smtpspec <%s>\r\n", e.From)
	if e.To != "" {
		fmt.Fprintf(&b, "To: <%s>\r\n", e.To)
	}
	fmt.Fprintf(&b, "Message-ID: <smtpspec.%d.%d@%s>\r\n", now.UnixNano(), messageCount.Add(1), domain)
	fmt.Fprintf(&b, "Subject: smtpspec %s\r\n", id)
	b.WriteString("X-Smtpspec: conformance test message; no action needed\r\n\r\n")
	return b.String()
}

// MessageData returns the mail data of a small test message for requirement
// id: Headers, body, and the terminating "." line of RFC 5321 §4.1.1.4. body
// must end in CRLF; its lines are dot-stuffed here (§4.5.2) unless stuffed
// is true because the caller stuffed them on purpose.
func MessageData(e Envelope, id, body string, stuffed bool) []byte {
	if !stuffed {
		body = Stuff(body)
	}
	return []byte(Headers(e, id) + body + ".\r\n")
}

// Stuff applies the RFC 5321 §4.5.2 transparency procedure: a line that
// starts with "." gets another "." in front.
func Stuff(body string) string {
	lines := strings.SplitAfter(body, "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") {
			lines[i] = "." + l
		}
	}
	return strings.Join(lines, "")
}
