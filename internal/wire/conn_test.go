package wire

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// serve starts a loopback listener that writes script to the first client
// (then keeps the connection open until the test ends) and returns its
// address.
func serve(t *testing.T, script string, closeAfter bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.Write([]byte(script))
		if closeAfter {
			return
		}
		<-done
	}()
	return ln.Addr().String()
}

func dial(t *testing.T, addr string) *Conn {
	t.Helper()
	c, err := Dial(context.Background(), addr, Options{ReplyTimeout: 300 * time.Millisecond, Transcript: NewTranscript()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestReadReply(t *testing.T) {
	cases := []struct {
		name    string
		script  string
		code    int
		lines   int
		rules   []string
		wantErr error
	}{
		{"single line", "220 mx.example ESMTP\r\n", 220, 1, nil, nil},
		{"multiline", "250-mx.example\r\n250-PIPELINING\r\n250 HELP\r\n", 250, 3, nil, nil},
		{"bare code", "250\r\n", 250, 1, []string{"RFC5321-4.2.1-space-after-code"}, nil},
		{"bare LF", "250 OK\n", 250, 1, []string{"RFC5321-2.3.8-reply-crlf"}, nil},
		{"bare CR inside", "250 O\rK\r\n", 250, 1, []string{"RFC5321-2.3.8-reply-crlf", "RFC5321-4.2-textstring-charset"}, nil},
		{"mixed codes", "250-a\r\n251 b\r\n", 250, 2, []string{"RFC5321-4.2.1-multiline-same-code"}, nil},
		{"code out of grammar", "199 hm\r\n", 199, 1, []string{"RFC5321-4.2-code-syntax"}, nil},
		{"second digit 6", "260 hm\r\n", 260, 1, []string{"RFC5321-4.2-code-syntax"}, nil},
		{"8-bit text", "250 caf\xc3\xa9\r\n", 250, 1, []string{"RFC5321-4.2-textstring-charset"}, nil},
		{"not SMTP", "HTTP/1.1 400 Bad Request\r\n", 0, 0, nil, ErrMalformed},
		{"letter after code", "250x\r\n", 0, 0, nil, ErrMalformed},
		{"hyphen on last line", "250-a\r\n", 0, 0, nil, ErrTimeout},
		{"silence", "", 0, 0, nil, ErrTimeout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			c := dial(t, serve(t, tc.script, false))
			r, err := c.ReadReply()
			if tc.wantErr != nil {
				g.Expect(errors.Is(err, tc.wantErr)).To(BeTrue(), "error %v", err)
				return
			}
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(r.Code).To(Equal(tc.code))
			g.Expect(r.Lines).To(HaveLen(tc.lines))
			g.Expect(string(r.Raw)).To(Equal(tc.script))
			var rules []string
			for _, v := range r.Violations {
				rules = append(rules, v.Rule)
			}
			g.Expect(rules).To(ConsistOf(tc.rules))
		})
	}
}

func TestLongReplyLine(t *testing.T) {
	g := NewWithT(t)
	script := "250 " + repeat('x', 600) + "\r\n"
	c := dial(t, serve(t, script, false))
	r, err := c.ReadReply()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(r.Violations).To(HaveLen(1))
	g.Expect(r.Violations[0].Rule).To(Equal("RFC5321-4.5.3.1.5-reply-line-512"))

	c2 := dial(t, serve(t, "250 "+repeat('x', 10000)+"\r\n", false))
	_, err = c2.ReadReply()
	g.Expect(errors.Is(err, ErrReplyTooLong)).To(BeTrue(), "error %v", err)
}

func TestClosedAndSilence(t *testing.T) {
	g := NewWithT(t)
	c := dial(t, serve(t, "221 bye\r\n", true))
	r, err := c.ReadReply()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(r.Code).To(Equal(221))
	closed, _ := c.WaitClose(time.Second)
	g.Expect(closed).To(BeTrue())

	c2 := dial(t, serve(t, "", false))
	got, err := c2.Silence(100 * time.Millisecond)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(got).To(BeEmpty())
}

func TestUnreachable(t *testing.T) {
	g := NewWithT(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	_, err := Dial(context.Background(), addr, Options{ConnectTimeout: time.Second})
	var de *DialError
	g.Expect(errors.As(err, &de)).To(BeTrue())
}

func TestTranscriptEscapes(t *testing.T) {
	g := NewWithT(t)
	tr := NewTranscript()
	tr.add(DirClient, []byte("MAIL FROM:<a@b>\r\n"))
	tr.add(DirServer, []byte("250-a\r\n250 b\r\n"))
	s := tr.String()
	g.Expect(s).To(ContainSubstring(`C: "MAIL FROM:<a@b>\r\n"`))
	g.Expect(s).To(ContainSubstring(`S: "250-a\r\n"`))
	g.Expect(s).To(ContainSubstring(`S: "250 b\r\n"`))
}

func repeat(c byte, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}
