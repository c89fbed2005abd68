// Package scenarios holds the payloads and dialogues the specs are written
// in. It acts and returns values; it never asserts (the specs judge).
//
// Every message the suite completes is addressed to the configured mailbox
// only, and names the requirement that sent it in its Subject, so an
// operator who finds one knows where it came from.
package scenarios

import "strings"

// Headers returns the header block of a test message for requirement id,
// ending in the blank line that separates it from the body (RFC 5322).
func Headers(id string) string {
	return "Subject: smtpspec " + id + "\r\n" +
		"X-Smtpspec: conformance test message; no action needed\r\n\r\n"
}

// MessageData returns the mail data of a small test message for requirement
// id: Headers, body, and the terminating "." line of RFC 5321 §4.1.1.4. body
// must end in CRLF; its lines are dot-stuffed here (§4.5.2) unless stuffed
// is true because the caller stuffed them on purpose.
func MessageData(id, body string, stuffed bool) []byte {
	if !stuffed {
		body = Stuff(body)
	}
	return []byte(Headers(id) + body + ".\r\n")
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
