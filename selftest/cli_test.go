package selftest

import (
	"github.com/smtpspec/smtpspec/reports"

	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/refserver"
)

// fakeServer accepts connections on loopback and hands each to serve.
func fakeServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestUntestableTargetsExit3(t *testing.T) {
	const connectTimeout, replyTimeout = time.Second, time.Second
	silent := fakeServer(t, func(c net.Conn) { time.Sleep(10 * time.Second) })
	garbage := fakeServer(t, func(c net.Conn) { c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n")) })
	hangup := fakeServer(t, func(c net.Conn) {})
	busy := fakeServer(t, func(c net.Conn) { c.Write([]byte("421 mx.example busy, try later\r\n")) })
	cases := []struct {
		name, target, reason string
	}{
		{"refused", closedPort(t), "connection refused"},
		{"never greets", silent, "no greeting within"},
		{"not SMTP", garbage, "does not speak SMTP"},
		{"hangs up", hangup, "closed the connection without a greeting"},
		{"421 greeting", busy, "service not available"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runSuite(t, "--target", tc.target, "--connect-timeout", connectTimeout.String(), "--timeout", replyTimeout.String())
			if res.Code != 3 {
				t.Errorf("exit %d, want 3\nstdout: %s\nstderr: %s", res.Code, res.Stdout, res.Stderr)
			}
			lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tc.reason) {
				t.Errorf("stderr should be one line saying %q, got:\n%s", tc.reason, res.Stderr)
			}
			// The connect timeout plus the wait for the greeting (the
			// reply timeout), with room for process start.
			if res.Elapsed > connectTimeout+replyTimeout+2*time.Second {
				t.Errorf("took %s to give up, want about %s + %s", res.Elapsed, connectTimeout, replyTimeout)
			}
		})
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	cases := []struct {
		args []string
		flag string
	}{
		{[]string{"--bogus"}, "bogus"},
		{[]string{"--target", "no-port-here"}, "--target"},
		{[]string{"--timeout", "0s"}, "--timeout"},
		{[]string{"--mailbox", "not an address"}, "--mailbox"},
		{[]string{"--label-filter", "MUST &&"}, "--label-filter"},
		{[]string{"stray-argument"}, "stray-argument"},
	}
	for _, tc := range cases {
		res := runSuite(t, tc.args...)
		if res.Code != 2 {
			t.Errorf("smtpspec %v: exit %d, want 2", tc.args, res.Code)
		}
		if !strings.Contains(res.Stderr, tc.flag) {
			t.Errorf("smtpspec %v: the message should name %s, got: %s", tc.args, tc.flag, res.Stderr)
		}
	}
}

// TestDryRunListsEverySpec checks the listing and the spec tree's metadata:
// each spec has exactly one requirement ID label, first, unique across the
// tree, then its level.
func TestDryRunListsEverySpec(t *testing.T) {
	res := runSuite(t, "--dry-run", "--target", closedPort(t))
	if res.Code != 0 {
		t.Fatalf("dry run: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	if len(res.Report.Results) == 0 {
		t.Fatalf("dry run wrote no report.json results")
	}
	seen := map[string]bool{}
	for _, r := range res.Report.Results {
		if seen[r.ID] {
			t.Errorf("requirement ID %s is used by two specs", r.ID)
		}
		seen[r.ID] = true
		if r.Verdict != "NOT RUN" {
			t.Errorf("dry run gave %s a verdict %s", r.ID, r.Verdict)
		}
		if r.Level != "MUST" && r.Level != "SHOULD" && r.Level != "MAY" && r.Level != "DEFINED" {
			t.Errorf("%s: level label %q", r.ID, r.Level)
		}
		if !strings.Contains(res.Stdout, r.ID) {
			t.Errorf("the listing does not show %s", r.ID)
		}
	}
	if !strings.Contains(res.Stdout, "specs") {
		t.Errorf("the listing has no count line:\n%s", res.Stdout)
	}
}

func TestLabelFilterSelectsSpecs(t *testing.T) {
	res := runSuite(t, "--label-filter", "RFC5321-3.3-rcpt-before-mail")
	if res.Code != 0 {
		t.Fatalf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	ran := 0
	for _, r := range res.Report.Results {
		if r.Verdict == "PASS" {
			ran++
			if r.ID != "RFC5321-3.3-rcpt-before-mail" {
				t.Errorf("the filter let %s run", r.ID)
			}
		}
	}
	if ran != 1 {
		t.Errorf("%d specs ran, want 1", ran)
	}
}

// TestStrictMakesWarnFail: a SHOULD-level miss is a WARN that leaves the
// exit code at 0, and fails the run under --strict.
func TestStrictMakesWarnFail(t *testing.T) {
	const should = "RFC5321-4.1.1.9-noop-arg-ignored"
	srv, err := refserver.Start(refserver.Config{Faults: []string{should}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	args := []string{"--target", srv.Addr(), "--mailbox", "alice@example.test", "--label-filter", should}
	lenient := runSuite(t, args...)
	if lenient.Code != 0 || lenient.verdicts()[should] != "WARN" {
		t.Errorf("without --strict: exit %d, verdict %s; want 0 and WARN", lenient.Code, lenient.verdicts()[should])
	}
	strict := runSuite(t, append(args, "--strict")...)
	if strict.Code != 1 || strict.verdicts()[should] != "WARN" {
		t.Errorf("with --strict: exit %d, verdict %s; want 1 and WARN", strict.Code, strict.verdicts()[should])
	}
	if !strings.Contains(strict.Stdout, "WARN  "+should) {
		t.Errorf("the summary does not list the WARN:\n%s", strict.Stdout)
	}
}

// TestHostileServerIsBounded points the suite at servers that greet and then
// misbehave: a reply that never ends, binary garbage, a reply trickled an
// octet at a time. Every spec must end, with a FAIL, and the run must write
// its report and exit 1 in bounded time.
func TestHostileServerIsBounded(t *testing.T) {
	servers := map[string]func(net.Conn){
		"endless reply": func(c net.Conn) {
			c.Write([]byte("220 hostile.example ESMTP\r\n"))
			bufio.NewReader(c).ReadString('\n')
			for {
				if _, err := c.Write([]byte("250-" + strings.Repeat("x", 70) + "\r\n")); err != nil {
					return
				}
			}
		},
		"garbage": func(c net.Conn) {
			c.Write([]byte("220 hostile.example ESMTP\r\n"))
			r := bufio.NewReader(c)
			for {
				if _, err := r.ReadString('\n'); err != nil {
					return
				}
				c.Write([]byte("\x00\xff\xfe garbage \x1b[31m\r\n"))
			}
		},
		"endless line": func(c net.Conn) {
			c.Write([]byte("220 hostile.example ESMTP\r\n"))
			bufio.NewReader(c).ReadString('\n')
			for {
				if _, err := c.Write([]byte(strings.Repeat("2", 4096))); err != nil {
					return
				}
			}
		},
	}
	endless := map[string]string{"endless reply": "RFC5321-4.5.3.1-reply-lines-200", "endless line": "RFC5321-4.5.3.1.5-reply-line-512"}
	for name, serve := range servers {
		t.Run(name, func(t *testing.T) {
			addr := fakeServer(t, serve)
			res := runSuite(t, "--target", addr, "--mailbox", "alice@example.test", "--timeout", "1s", "--silence", "100ms")
			if rule, ok := endless[name]; ok {
				// A reply that does not end within the suite's bound breaks
				// no MUST (no RFC limits a reply's lines; a reply line over
				// 512 octets is a SHOULD miss): the specs are untestable
				// (ERROR, exit 3), the bound is recorded under its rule,
				// never a FAIL.
				if res.Code != 3 || res.Report.Summary.Error == 0 || res.Report.Summary.Fail != 0 || !observed(res.Report, rule) {
					t.Errorf("exit %d, report %+v, observations %v: want exit 3, ERROR and no FAIL, with %s observed\n%s",
						res.Code, res.Report.Summary, res.Report.Observations, rule, res.Stdout)
				}
			} else {
				if res.Code != 1 {
					t.Errorf("exit %d, want 1\n%s\n%s", res.Code, res.Stdout, res.Stderr)
				}
				if res.Report.Summary.Total == 0 || res.Report.Summary.Fail == 0 {
					t.Errorf("report: %+v, want FAIL verdicts", res.Report.Summary)
				}
			}
			if res.Elapsed > 90*time.Second {
				t.Errorf("the run took %s against a hostile server", res.Elapsed)
			}
			t.Logf("%s: %+v in %s", name, res.Report.Summary, res.Elapsed.Round(time.Millisecond))
		})
	}
}

// TestReferenceFaultFlag: --reference-fault shows a spec failing against the
// embedded server; an unknown fault is a usage error.
func TestReferenceFaultFlag(t *testing.T) {
	const id = "RFC5321-3.3-rcpt-before-mail"
	res := runSuite(t, "--reference-fault", id, "--label-filter", id)
	if res.Code != 1 || res.verdicts()[id] != "FAIL" {
		t.Errorf("exit %d, verdict %s; want 1 and FAIL\n%s", res.Code, res.verdicts()[id], res.Stdout)
	}
	bad := runSuite(t, "--reference-fault", "no-such-fault")
	if bad.Code != 2 || !strings.Contains(bad.Stderr, "no-such-fault") {
		t.Errorf("unknown fault: exit %d, stderr %q; want 2 naming it", bad.Code, bad.Stderr)
	}
	both := runSuite(t, "--reference-fault", id, "--target", "127.0.0.1:25")
	if both.Code != 2 {
		t.Errorf("--reference-fault with --target: exit %d, want 2", both.Code)
	}
}

// TestTargetDiesMidRun: when the target stops accepting connections part way
// through, the run stops after a few specs instead of letting each one time
// out, reports what ran, and exits 3.
func TestTargetDiesMidRun(t *testing.T) {
	srv, err := refserver.Start(refserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	target := relayThenStop(t, srv.Addr(), 20)
	res := runSuite(t, "--target", target, "--mailbox", "alice@example.test", "--silence", matrixSilence)
	if res.Code != 3 {
		t.Errorf("exit %d, want 3\n%s\n%s", res.Code, res.Stdout, res.Stderr)
	}
	if !res.Report.Interrupted || !strings.Contains(res.Report.StopReason, "stopped accepting connections") {
		t.Errorf("report.json does not say the run stopped early, and why: %v %q", res.Report.Interrupted, res.Report.StopReason)
	}
	if !strings.Contains(res.Stdout, "the run stopped early (") {
		t.Errorf("the summary does not say the run stopped early:\n%s", res.Stdout)
	}
	if res.Report.Summary.Pass == 0 || res.Report.Summary.NotRun == 0 {
		t.Errorf("want some specs passed before the target died and the rest not run: %+v", res.Report.Summary)
	}
	if res.Elapsed > 30*time.Second {
		t.Errorf("took %s to give up on a dead target", res.Elapsed)
	}
}

// observed reports whether the report holds an observation under rule.
func observed(r reports.Report, rule string) bool {
	for _, o := range r.Observations {
		if o.Rule == rule {
			return true
		}
	}
	return false
}

// relayThenStop relays the first n connections to upstream, then stops
// listening: a target that dies part way through a run.
func relayThenStop(t *testing.T, upstream string, n int) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer ln.Close()
		for i := 0; i < n; i++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", upstream)
			if err != nil {
				c.Close()
				return
			}
			go func() { defer c.Close(); defer up.Close(); _, _ = io.Copy(up, c) }()
			go func() { defer c.Close(); defer up.Close(); _, _ = io.Copy(c, up) }()
		}
	}()
	return ln.Addr().String()
}
