package selftest

import (
	"io"
	"net"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/refserver"
)

// idVerdicts lists "ID verdict" in report order.
func idVerdicts(r runResult) []string {
	var out []string
	for _, res := range r.Report.Results {
		out = append(out, res.ID+" "+string(res.Verdict))
	}
	return out
}

// TestParallelSameVerdicts: --parallel N gives the serial run's report:
// the same specs in the same order with the same verdicts and counts, one
// console summary, one report.json.
func TestParallelSameVerdicts(t *testing.T) {
	const fault = "RFC5321-3.3-rcpt-before-mail"
	srv, err := refserver.Start(refserver.Config{Faults: []string{fault}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"embedded server", nil, 0},
		{"reference server with a fault", []string{"--target", srv.Addr(), "--mailbox", "alice@example.test", "--silence", matrixSilence}, 1},
		{"a label filter", []string{"--label-filter", "RCPT || DATA"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			serial := runSuite(t, append(tc.args, "--parallel", "1")...)
			par := runSuite(t, append(tc.args, "--parallel", "4")...)
			for _, r := range []runResult{serial, par} {
				if r.Code != tc.code {
					t.Errorf("exit %d, want %d\n%s\n%s", r.Code, tc.code, r.Stdout, r.Stderr)
				}
			}
			if len(serial.Report.Results) == 0 {
				t.Fatalf("the serial run reported no specs")
			}
			if a, b := idVerdicts(serial), idVerdicts(par); !reflect.DeepEqual(a, b) {
				t.Errorf("--parallel 4 differs from the serial run:\nserial:   %v\nparallel: %v", a, b)
			}
			if serial.Report.Summary != par.Report.Summary || !reflect.DeepEqual(serial.Report.Codes, par.Report.Codes) {
				t.Errorf("summaries differ: %+v vs %+v", serial.Report.Summary, par.Report.Summary)
			}
			if par.Report.Summary.NotRun != 0 || par.Report.Interrupted {
				t.Errorf("the parallel run left specs NOT RUN: %+v %q", par.Report.Summary, par.Report.StopReason)
			}
			if n := strings.Count(par.Stdout, "\nsmtpspec: "+par.Report.Target.Address+":"); n != 1 {
				t.Errorf("the parallel run printed %d summaries, want 1:\n%s", n, par.Stdout)
			}
			if strings.Contains(par.Stdout, "Ran ") {
				t.Errorf("the children's Ginkgo output reached the console:\n%s", par.Stdout)
			}
			if tc.code == 1 && par.verdicts()[fault] != "FAIL" {
				t.Errorf("%s: %s, want FAIL", fault, par.verdicts()[fault])
			}
		})
	}
}

// TestFilteredSpecsAreNotInTheReport: specs a filter leaves out are not in
// the report at all (only specs the run did not get to are NOT RUN).
func TestFilteredSpecsAreNotInTheReport(t *testing.T) {
	listing := runSuite(t, "--dry-run", "--label-filter", "RCPT && MUST")
	run := runSuite(t, "--label-filter", "RCPT && MUST")
	if run.Code != 0 {
		t.Fatalf("exit %d\n%s%s", run.Code, run.Stdout, run.Stderr)
	}
	var listed, ran []string
	for _, r := range listing.Report.Results {
		listed = append(listed, r.ID)
	}
	for _, r := range run.Report.Results {
		ran = append(ran, r.ID)
		if r.Verdict == "NOT RUN" {
			t.Errorf("%s is NOT RUN in a run that was not stopped", r.ID)
		}
	}
	if len(ran) == 0 || !reflect.DeepEqual(listed, ran) {
		t.Errorf("the run reports %v, the listing %v", ran, listed)
	}
	if !strings.Contains(listing.Stdout, strconv.Itoa(len(listed))+" specs") {
		t.Errorf("the listing's count line does not say %d specs:\n%s", len(listed), listing.Stdout)
	}
}

// TestParallelTargetDies: when the target stops accepting connections part
// way through a --parallel run, the session that notices stops the others;
// the merged report says why, the specs that ended keep their verdicts and
// the rest are NOT RUN, exit 3.
func TestParallelTargetDies(t *testing.T) {
	srv, err := refserver.Start(refserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	target := relayThenStop(t, srv.Addr(), 30)
	res := runSuite(t, "--target", target, "--mailbox", "alice@example.test", "--silence", matrixSilence, "--parallel", "3")
	if res.Code != 3 {
		t.Errorf("exit %d, want 3\n%s\n%s", res.Code, res.Stdout, res.Stderr)
	}
	if !res.Report.Interrupted || !strings.Contains(res.Report.StopReason, "stopped accepting connections") {
		t.Errorf("report.json does not say why the run stopped: %v %q", res.Report.Interrupted, res.Report.StopReason)
	}
	s := res.Report.Summary
	if s.Pass == 0 || s.NotRun == 0 || s.Fail != 0 {
		t.Errorf("want some specs PASS before the target died, the rest NOT RUN, none FAIL: %+v", s)
	}
	if res.Elapsed > 30*time.Second {
		t.Errorf("took %s to give up on a dead target", res.Elapsed)
	}
}

// startThrottleProxy relays to upstream but answers a connection with 421
// and closes it while limit others are open, as servers that throttle
// parallel clients do.
func startThrottleProxy(t *testing.T, upstream string, limit int32) (addr string, refused *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var open atomic.Int32
	refused = new(atomic.Int32)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if open.Add(1) > limit {
				open.Add(-1)
				refused.Add(1)
				c.Write([]byte("421 4.7.0 throttle.example Too many connections from your host, try again later\r\n"))
				c.Close()
				continue
			}
			up, err := net.Dial("tcp", upstream)
			if err != nil {
				open.Add(-1)
				c.Close()
				continue
			}
			var once sync.Once
			done := func() { once.Do(func() { open.Add(-1); c.Close(); up.Close() }) }
			go func() { defer done(); _, _ = io.Copy(up, c) }()
			go func() { defer done(); _, _ = io.Copy(c, up) }()
		}
	}()
	return ln.Addr().String(), refused
}

// TestParallelRetriesThrottled: against a server that answers 421 to more
// than six connections at once (a serial run holds up to a few at once:
// the specs that compare a second session with the first), --parallel 8
// runs the specs that met the 421 again, one at a time, and ends with the
// serial run's verdicts.
func TestParallelRetriesThrottled(t *testing.T) {
	srv, err := refserver.Start(refserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	addr, refused := startThrottleProxy(t, srv.Addr(), 6)
	args := []string{"--target", addr, "--mailbox", "alice@example.test", "--silence", matrixSilence}
	serial := runSuite(t, append(args, "--parallel", "1")...)
	if refused.Load() != 0 {
		t.Fatalf("the throttle refused %d connections of a serial run: the test's limit is too low", refused.Load())
	}
	par := runSuite(t, append(args, "--parallel", "8")...)
	if refused.Load() == 0 {
		t.Fatalf("the throttle refused no connection of --parallel 8: the test proves nothing")
	}
	if !strings.Contains(par.Stdout, "met a 421 reply while 8 sessions were open: running them again, one at a time") {
		t.Errorf("the parallel run does not say it retried the throttled specs:\n%s", par.Stdout)
	}
	if serial.Code != 0 || par.Code != 0 {
		t.Errorf("exit %d (serial), %d (parallel), want 0\n%s", serial.Code, par.Code, par.Stdout)
	}
	if a, b := idVerdicts(serial), idVerdicts(par); !reflect.DeepEqual(a, b) {
		t.Errorf("--parallel 8 against a throttling server differs from the serial run:\nserial:   %v\nparallel: %v", a, b)
	}
	t.Logf("%d connections refused with 421; %+v", refused.Load(), par.Report.Summary)
}
