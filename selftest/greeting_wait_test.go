package selftest

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/refserver"
)

// earlyTalkProxy stands between the suite and a reference server. It holds
// back each greeting for delay and counts the connections on which the
// client sent anything before the greeting reached it: a conformant client
// waits for the greeting (RFC 5321 §4.3.1), and servers such as Exim or
// postscreen drop clients that do not.
type earlyTalkProxy struct {
	ln    net.Listener
	early atomic.Int32
	conns atomic.Int32
	wg    sync.WaitGroup
}

func startEarlyTalkProxy(t *testing.T, upstream string, delay time.Duration) *earlyTalkProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &earlyTalkProxy{ln: ln}
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			p.conns.Add(1)
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.relay(client, upstream, delay)
			}()
		}
	}()
	return p
}

func (p *earlyTalkProxy) relay(client net.Conn, upstream string, delay time.Duration) {
	defer client.Close()
	server, err := net.Dial("tcp", upstream)
	if err != nil {
		return
	}
	defer server.Close()
	var greeted atomic.Bool
	done := make(chan struct{}, 2)
	go func() { // client → server
		defer func() { done <- struct{}{} }()
		buf := make([]byte, 32<<10)
		counted := false
		for {
			n, err := client.Read(buf)
			if n > 0 {
				if !greeted.Load() && !counted {
					p.early.Add(1)
					counted = true
				}
				if _, werr := server.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { // server → client, the first octets held back
		defer func() { done <- struct{}{} }()
		buf := make([]byte, 32<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 {
				if !greeted.Load() {
					time.Sleep(delay)
					greeted.Store(true)
				}
				if _, werr := client.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	<-done
}

// TestSuiteWaitsForGreeting runs the whole suite through a proxy that delays
// every greeting, and checks that no spec spoke first and that the verdicts
// are the clean ones.
func TestSuiteWaitsForGreeting(t *testing.T) {
	srv, err := refserver.Start(refserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p := startEarlyTalkProxy(t, srv.Addr(), 20*time.Millisecond)
	res := runSuite(t, "--target", p.ln.Addr().String(), "--mailbox", "alice@example.test", "--silence", matrixSilence)
	if res.Code != 0 {
		t.Errorf("run through the delaying proxy exited %d, want 0\n%s", res.Code, res.Stdout)
	}
	if n := p.early.Load(); n != 0 {
		t.Errorf("the suite sent octets before the greeting on %d of %d connections (RFC 5321 §4.3.1)", n, p.conns.Load())
	}
	if p.conns.Load() < int32(len(res.Report.Results)) {
		t.Errorf("only %d connections for %d specs: the proxy was bypassed?", p.conns.Load(), len(res.Report.Results))
	}
}
