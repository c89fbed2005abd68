package selftest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/refserver"
)

// The verdict rules of issue 5, each proved against a reference server
// that behaves like a real one would.

// endOfDataSpecs are the specs that send mail data holding an end-of-data
// look-alike, with the fault that makes the server take it for the end.
var endOfDataSpecs = []string{
	"SEC-SMUG-LF-DOT-LF", "SEC-SMUG-LF-DOT-CRLF", "SEC-SMUG-CRLF-DOT-LF", "SEC-SMUG-CR-DOT-CR",
	"SEC-SMUG-CR-DOT-CRLF", "SEC-SMUG-CRLF-DOT-CR", "RFC5321-4.1.1.4-lf-dot-lf-not-eod",
}

// runOne starts a reference server with cfg and runs the spec id against
// it, returning its verdict and reason.
func runOne(t *testing.T, cfg refserver.Config, id string, args ...string) (verdict, reason string, res runResult) {
	t.Helper()
	srv, err := refserver.Start(cfg)
	if err != nil {
		t.Fatalf("starting the reference server: %v", err)
	}
	defer srv.Close()
	args = append([]string{"--target", srv.Addr(), "--mailbox", "alice@example.test", "--label-filter", id}, args...)
	res = runSuite(t, args...)
	for _, r := range res.Report.Results {
		if r.ID == id {
			return string(r.Verdict), r.Reason, res
		}
	}
	t.Fatalf("%s did not run; exit %d\n%s\n%s", id, res.Code, res.Stdout, res.Stderr)
	return "", "", res
}

// Rule 1: a server open to smuggling whose replies after the false end of
// data come late (2.5 s each) still FAILs: the verdict comes from counting
// replies up to QUIT's 221, not from a silence window.
func TestRuleSlowSmugglingStillFails(t *testing.T) {
	var wg sync.WaitGroup
	for _, id := range endOfDataSpecs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := refserver.Config{Faults: []string{id}, FalseEODReplyDelay: 2500 * time.Millisecond}
			if v, reason, _ := runOne(t, cfg, id, "--timeout", "30s"); v != "FAIL" {
				t.Errorf("%s against a slow vulnerable server: %s, want FAIL\n%s", id, v, reason)
			}
		}()
	}
	wg.Wait()
}

// Rule 1: a server that answers a bare CR or LF inside DATA with 421 and
// closes (the recommended defence) passes every spec that sends one, even
// with the end-of-data faults switched on (the defence comes first).
func TestRuleRejectAndClosePasses(t *testing.T) {
	var wg sync.WaitGroup
	for _, id := range endOfDataSpecs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := refserver.Config{Faults: []string{id}, RejectBareLineEndsInData: true}
			if v, reason, _ := runOne(t, cfg, id); v != "PASS" {
				t.Errorf("%s against a server that refuses bare line ends in DATA with 421: %s, want PASS\n%s", id, v, reason)
			}
		}()
	}
	wg.Wait()
}

// sameVerdicts compares a full run with the clean server's verdicts.
func sameVerdicts(t *testing.T, what string, got, clean runResult) {
	t.Helper()
	want := clean.verdicts()
	var diff []string
	for id, v := range got.verdicts() {
		if v != want[id] {
			diff = append(diff, id+": "+v+", clean "+want[id]+": "+reasonOf(got.Report, id))
		}
	}
	sort.Strings(diff)
	for _, d := range diff {
		t.Errorf("%s: %s", what, d)
	}
	if len(got.Report.Results) != len(clean.Report.Results) {
		t.Errorf("%s: %d results, clean run %d", what, len(got.Report.Results), len(clean.Report.Results))
	}
}

// Rules 1 and 2: the reject-and-close server and a tarpitting server
// (replies delayed from the third error on, doubling) get exactly the
// clean server's verdicts over the whole suite.
func TestRuleDefencesKeepCleanVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the tarpit run takes about a minute")
	}
	clean := runAgainst(t, refserver.ModeNormal)
	var wg sync.WaitGroup
	for _, tc := range []struct {
		name string
		cfg  refserver.Config
	}{
		{"reject bare line ends in DATA with 421", refserver.Config{RejectBareLineEndsInData: true}},
		{"tarpit", refserver.Config{Tarpit: true, TarpitBase: 50 * time.Millisecond}},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv, err := refserver.Start(tc.cfg)
			if err != nil {
				t.Errorf("starting the %s server: %v", tc.name, err)
				return
			}
			defer srv.Close()
			got := runSuite(t, "--target", srv.Addr(), "--mailbox", "alice@example.test", "--silence", matrixSilence,
				"--auth-user", refserver.DefaultAuthUser, "--auth-password-file", referencePasswordFile)
			sameVerdicts(t, tc.name, got, clean)
		}()
	}
	wg.Wait()
}

// Rule 4: a malformed reply that many specs see (the reference server's
// "250 2.0.0 Ok", here given a non-ASCII octet in its text, which RFC 5321
// §4.2 forbids) is recorded once per rule, command and reply under the
// validator's own rule, listing the specs that saw it. No spec's verdict
// changes because of it, and the run fails (exit 1) on the observation.
func TestRuleValidatorFindingsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: two full runs")
	}
	clean := runAgainst(t, refserver.ModeNormal)
	srv, err := refserver.Start(refserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bad := []byte("250 2.0.0 Ok \xff\r\n")
	proxy := startReplyProxy(t, srv.Addr(), func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte("250 2.0.0 Ok\r\n"), bad)
	})
	got := runSuite(t, "--target", proxy, "--mailbox", "alice@example.test", "--silence", matrixSilence,
		"--auth-user", refserver.DefaultAuthUser, "--auth-password-file", referencePasswordFile)
	if got.Code != 1 {
		t.Errorf("exit %d, want 1 (a MUST-level observation fails the run)\n%s", got.Code, got.Stdout)
	}
	want := clean.verdicts()
	for id, v := range got.verdicts() {
		if id == "RFC5321-4.2-textstring-charset" {
			// The spec of that rule judges it itself.
			if v != "FAIL" {
				t.Errorf("%s: %s, want FAIL: the spec of the broken rule judges it", id, v)
			}
			continue
		}
		if v != want[id] {
			t.Errorf("%s: %s, clean %s: an observation under another rule changed the spec's verdict: %s", id, v, want[id], reasonOf(got.Report, id))
		}
	}
	seen := map[string]bool{}
	noop := 0
	for _, o := range got.Report.Observations {
		key := o.Rule + " " + o.Sent + " " + o.Actual
		if seen[key] {
			t.Errorf("observation listed twice: %s", key)
		}
		seen[key] = true
		if o.Rule != "RFC5321-4.2-textstring-charset" {
			t.Errorf("unexpected observation %s: %s", o.Rule, o.Detail)
			continue
		}
		if o.Verdict != "FAIL" || len(o.Specs) == 0 || o.Quote == "" {
			t.Errorf("observation %s: verdict %s, specs %v, quote %q; want FAIL, the specs that saw it and the RFC sentence", key, o.Verdict, o.Specs, o.Quote)
		}
		if o.Sent == `"NOOP\r\n"` {
			noop++
			if len(o.Specs) < 2 {
				t.Errorf("the NOOP observation lists %v; several specs send NOOP", o.Specs)
			}
		}
	}
	if noop != 1 {
		t.Errorf("%d observations for NOOP's reply, want exactly 1 (observations: %d)", noop, len(got.Report.Observations))
	}
}

// Rule 2: the run is bounded as a whole, not each reply cut short. A target
// that serves the preflight and then stops answering (it greets every new
// connection, then says nothing) ends the run after three specs in a row
// get no reply within --timeout: those are ERROR, never FAIL, the rest NOT
// RUN, the report says why, and the exit code is 3.
func TestRuleSilentTargetStopsRun(t *testing.T) {
	var conns atomic.Int32
	addr := fakeServer(t, func(c net.Conn) {
		n := conns.Add(1)
		fmt.Fprintf(c, "220 silent.example ESMTP\r\n")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if n > 1 {
				continue // after the preflight's session: never a reply
			}
			if strings.HasPrefix(strings.ToUpper(line), "QUIT") {
				fmt.Fprintf(c, "221 silent.example bye\r\n")
				return
			}
			fmt.Fprintf(c, "250 ok\r\n")
		}
	})
	res := runSuite(t, "--target", addr, "--mailbox", "alice@example.test", "--timeout", "1s")
	if res.Code != 3 {
		t.Errorf("exit %d, want 3\n%s\n%s", res.Code, res.Stdout, res.Stderr)
	}
	s := res.Report.Summary
	if s.Fail != 0 || s.Pass != 0 || s.Error != 3 || s.NotRun == 0 {
		t.Errorf("want 3 ERROR, the rest NOT RUN, no FAIL or PASS: %+v", s)
	}
	if !strings.Contains(res.Report.StopReason, "stopped answering") {
		t.Errorf("the report does not say why the run stopped: %q", res.Report.StopReason)
	}
	for _, r := range res.Report.Results {
		if r.Verdict == "ERROR" && !strings.Contains(r.Reason, "§4.5.3.2") {
			t.Errorf("%s: the ERROR does not name RFC 5321 §4.5.3.2's budget: %s", r.ID, r.Reason)
		}
	}
	if res.Elapsed > 30*time.Second {
		t.Errorf("took %s to give up on a silent target", res.Elapsed)
	}
}

// Rule 1, a 421 in the count: a server that answers the mail data with 250
// and then, instead of 221 to QUIT, with 421 may have answered the real end
// or the look-alike; the smuggling specs cannot tell, so they are ERROR,
// never PASS or FAIL.
func TestRuleTrailing421IsInconclusive(t *testing.T) {
	addr := fakeServer(t, func(c net.Conn) {
		fmt.Fprintf(c, "220 closing.example ESMTP\r\n")
		r := bufio.NewReader(c)
		data := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); {
			case data && line == ".\r\n":
				data = false
				fmt.Fprintf(c, "250 2.0.0 queued\r\n")
			case data:
			case verb == "DATA":
				data = true
				fmt.Fprintf(c, "354 go ahead\r\n")
			case verb == "QUIT":
				fmt.Fprintf(c, "421 4.3.2 closing.example shutting down\r\n")
				return
			default:
				fmt.Fprintf(c, "250 ok\r\n")
			}
		}
	})
	for _, id := range []string{"SEC-SMUG-LF-DOT-LF", "SEC-SMUG-CR-DOT-CR"} {
		res := runSuite(t, "--target", addr, "--mailbox", "alice@example.test", "--label-filter", id, "--silence", matrixSilence)
		v := res.verdicts()[id]
		if v != "ERROR" || !strings.Contains(reasonOf(res.Report, id), "421") {
			t.Errorf("%s: %s, want ERROR naming the 421: %s", id, v, reasonOf(res.Report, id))
		}
	}
}
