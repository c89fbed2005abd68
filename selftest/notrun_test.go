package selftest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/reports"
)

// startReplyProxy relays to upstream and passes every chunk the server
// sends through alter before the client gets it.
func startReplyProxy(t testing.TB, upstream string, alter func([]byte) []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer client.Close()
				server, err := net.Dial("tcp", upstream)
				if err != nil {
					return
				}
				defer server.Close()
				done := make(chan struct{}, 2)
				go func() { // client → server, as it comes
					defer func() { done <- struct{}{} }()
					_, _ = io.Copy(server, client)
				}()
				go func() { // server → client, altered
					defer func() { done <- struct{}{} }()
					buf := make([]byte, 32<<10)
					for {
						n, err := server.Read(buf)
						if n > 0 {
							if _, werr := client.Write(alter(buf[:n])); werr != nil {
								return
							}
						}
						if err != nil {
							return
						}
					}
				}()
				<-done
			}()
		}
	}()
	return ln.Addr().String()
}

// slowReference starts a clean reference server that delays each reply by
// delay: a slow but well-behaved server.
func slowReference(t testing.TB, delay time.Duration) string {
	t.Helper()
	srv, err := refserver.Start(refserver.Config{ReplyDelay: delay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.Addr()
}

// stoppedRun is a run of the binary that something stops part way.
type stoppedRun struct {
	runResult
	junit string
}

// startAndSignal runs the binary, sends it sig after wait (none when sig is
// nil) and collects its reports.
func startAndSignal(t *testing.T, wait time.Duration, sig os.Signal, args ...string) stoppedRun {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command(binary, append(args, "--out", out, "--no-color")...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if sig != nil {
		select {
		case <-done:
			t.Fatalf("smtpspec %v ended before the signal\n%s%s", args, stdout.String(), stderr.String())
		case <-time.After(wait):
		}
		_ = cmd.Process.Signal(sig)
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("smtpspec %v did not stop within 60 s\n%s", args, stdout.String())
	}
	res := stoppedRun{runResult: runResult{Code: cmd.ProcessState.ExitCode(), Stdout: stdout.String(), Stderr: stderr.String(), Elapsed: time.Since(start)}}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatalf("the stopped run wrote no report: %v\nstdout: %s\nstderr: %s", err, res.Stdout, res.Stderr)
	}
	if err := json.Unmarshal(b, &res.Report); err != nil {
		t.Fatal(err)
	}
	j, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	if err != nil {
		t.Fatalf("the stopped run wrote no junit.xml: %v", err)
	}
	res.junit = string(j)
	return res
}

// checkCutShort asserts what rule 8 asks of a run stopped part way: exit 3,
// the report says why, the specs that ended keep their verdicts, and the
// running spec and all those after it are NOT RUN, in every report, with
// the reason; none of them is PASS, FAIL or ERROR.
func checkCutShort(t *testing.T, res stoppedRun, why string) {
	t.Helper()
	rep := res.Report
	if res.Code != 3 {
		t.Errorf("exit %d, want 3\n%s\n%s", res.Code, res.Stdout, res.Stderr)
	}
	if !rep.Interrupted || !strings.Contains(rep.StopReason, why) {
		t.Errorf("report.json: interrupted %v, stopReason %q; want it to say %q", rep.Interrupted, rep.StopReason, why)
	}
	if rep.Summary.Total == 0 || rep.Summary.NotRun == 0 || rep.Summary.Pass == 0 {
		t.Errorf("want some specs PASS before the stop and the rest NOT RUN: %+v", rep.Summary)
	}
	if rep.Summary.Fail != 0 || rep.Summary.Error != 0 {
		t.Errorf("a spec cut short got a verdict: %+v", rep.Summary)
	}
	notRun := 0
	for _, r := range rep.Results {
		if r.Verdict != "NOT RUN" {
			continue
		}
		notRun++
		if !strings.Contains(r.Reason, why) {
			t.Errorf("%s is NOT RUN with reason %q, want %q", r.ID, r.Reason, why)
		}
		if len(r.Findings) > 0 || r.Failing {
			t.Errorf("%s is NOT RUN but carries findings %v / failing %v", r.ID, r.Findings, r.Failing)
		}
	}
	if notRun != rep.Summary.NotRun {
		t.Errorf("summary counts %d NOT RUN, results have %d", rep.Summary.NotRun, notRun)
	}
	if n := strings.Count(res.junit, `message="skipped - NOT RUN: `); n != notRun {
		t.Errorf("junit.xml shows %d specs as NOT RUN, want %d", n, notRun)
	}
	if strings.Contains(res.junit, "<failure") || strings.Contains(res.junit, "<error") {
		t.Errorf("junit.xml has a failure or error for a run that only stopped:\n%s", res.junit)
	}
	if !strings.Contains(res.Stdout, "NOT RUN") || !strings.Contains(res.Stdout, "the run stopped early ("+rep.StopReason) {
		t.Errorf("the console summary does not show the NOT RUN specs and why:\n%s", res.Stdout)
	}
}

// checkSuffix asserts that in a serial run the NOT RUN specs are the last
// ones: the one running at the stop, then those not started.
func checkSuffix(t *testing.T, rep reports.Report) {
	t.Helper()
	first := -1
	for i, r := range rep.Results {
		if r.Verdict == "NOT RUN" && first < 0 {
			first = i
		}
		if first >= 0 && r.Verdict != "NOT RUN" {
			t.Errorf("%s has verdict %s after %s was NOT RUN: a serial run stops once", r.ID, r.Verdict, rep.Results[first].ID)
		}
	}
}

// TestInterruptIsNotRun interrupts runs against a slow server (every reply
// 100 ms late) with SIGINT and SIGTERM, serial and --parallel.
func TestInterruptIsNotRun(t *testing.T) {
	target := slowReference(t, 100*time.Millisecond)
	cases := []struct {
		name     string
		sig      os.Signal
		why      string
		parallel string
	}{
		{"SIGINT serial", syscall.SIGINT, "run interrupted by SIGINT", "1"},
		{"SIGTERM serial", syscall.SIGTERM, "run interrupted by SIGTERM", "1"},
		{"SIGINT parallel", syscall.SIGINT, "run interrupted by SIGINT", "3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The signal comes once some specs have had the time to end:
			// a --parallel run first starts its child processes, which
			// takes seconds on a loaded 2-core machine. Every reply is
			// 100 ms late, so the whole run takes far longer either way.
			wait := 3 * time.Second
			if tc.parallel != "1" {
				wait = 8 * time.Second
			}
			res := startAndSignal(t, wait, tc.sig, "--target", target, "--mailbox", "alice@example.test",
				"--silence", matrixSilence, "--parallel", tc.parallel)
			checkCutShort(t, res, tc.why)
			if tc.parallel == "1" {
				checkSuffix(t, res.Report)
			}
			if res.Elapsed-wait > 15*time.Second {
				t.Errorf("took %s to stop after the signal", res.Elapsed-wait)
			}
			t.Logf("%s: %+v in %s", tc.name, res.Report.Summary, res.Elapsed.Round(time.Millisecond))
		})
	}
}

// TestDeadlineIsNotRun: --deadline stops the run when it passes.
func TestDeadlineIsNotRun(t *testing.T) {
	target := slowReference(t, 100*time.Millisecond)
	for _, parallel := range []string{"1", "3"} {
		t.Run("parallel "+parallel, func(t *testing.T) {
			res := startAndSignal(t, 0, nil, "--target", target, "--mailbox", "alice@example.test",
				"--silence", matrixSilence, "--parallel", parallel, "--deadline", "3s")
			checkCutShort(t, res, "deadline passed (--deadline 3s)")
			if parallel == "1" {
				checkSuffix(t, res.Report)
			}
			if res.Elapsed > 8*time.Second {
				t.Errorf("a 3 s deadline took %s", res.Elapsed)
			}
		})
	}
}

// TestGreetsThenSilent: a server that greets and then never answers ends a
// default run (no --timeout) in well under a minute, with exit 3 and a
// report that says why.
func TestGreetsThenSilent(t *testing.T) {
	stall := fakeServer(t, func(c net.Conn) {
		c.Write([]byte("220 stall.example ESMTP\r\n"))
		r := bufio.NewReader(c)
		for {
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
		}
	})
	res := startAndSignal(t, 0, nil, "--target", stall, "--mailbox", "alice@example.test")
	if res.Code != 3 {
		t.Errorf("exit %d, want 3\n%s\n%s", res.Code, res.Stdout, res.Stderr)
	}
	if res.Elapsed > 45*time.Second {
		t.Errorf("a default run against a silent server took %s", res.Elapsed)
	}
	if !strings.Contains(res.Stderr, "did not answer EHLO within 30s") || !strings.Contains(res.Report.StopReason, "did not answer EHLO") {
		t.Errorf("the run does not say why it stopped:\nstderr: %s\nstopReason: %q", res.Stderr, res.Report.StopReason)
	}
	if res.Report.Summary.NotRun == 0 || res.Report.Summary.NotRun != res.Report.Summary.Total {
		t.Errorf("want every spec NOT RUN: %+v", res.Report.Summary)
	}
}
