package scenarios

import (
	"strings"
	"testing"
)

func TestMessageData(t *testing.T) {
	got := string(MessageData("ID-1", "a\r\n.b\r\n..\r\n", false))
	if !strings.HasPrefix(got, "Subject: smtpspec ID-1\r\n") {
		t.Errorf("no Subject naming the requirement: %q", got)
	}
	if !strings.HasSuffix(got, "\r\n\r\na\r\n..b\r\n...\r\n.\r\n") {
		t.Errorf("body not stuffed or not terminated: %q", got)
	}
	if raw := string(MessageData("ID-1", "..x\r\n", true)); !strings.HasSuffix(raw, "\r\n\r\n..x\r\n.\r\n") {
		t.Errorf("a pre-stuffed body was stuffed again: %q", raw)
	}
}
