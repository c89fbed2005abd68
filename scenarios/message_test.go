package scenarios

import (
	"strings"
	"testing"
)

func TestMessageData(t *testing.T) {
	e := Envelope{From: "s@example.org", To: "alice@example.test"}
	got := string(MessageData(e, "ID-1", "a\r\n.b\r\n..\r\n", false))
	for _, field := range []string{"\r\nSubject: smtpspec ID-1\r\n", "Date: ", "\r\nFrom: smtpspec <s@example.org>\r\n",
		"\r\nTo: <alice@example.test>\r\n", "\r\nMessage-ID: <smtpspec."} {
		if !strings.Contains(got, field) {
			t.Errorf("the header lacks %q: %q", field, got)
		}
	}
	if a, b := Headers(e, "x"), Headers(e, "x"); a == b {
		t.Errorf("two messages share a Message-ID: %q", a)
	}
	if !strings.HasSuffix(got, "\r\n\r\na\r\n..b\r\n...\r\n.\r\n") {
		t.Errorf("body not stuffed or not terminated: %q", got)
	}
	if raw := string(MessageData(e, "ID-1", "..x\r\n", true)); !strings.HasSuffix(raw, "\r\n\r\n..x\r\n.\r\n") {
		t.Errorf("a pre-stuffed body was stuffed again: %q", raw)
	}
}
