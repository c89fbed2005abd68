package selftest

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/smtpspec/smtpspec/internal/catalog"
	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/reports"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// matrixSilence is the silence window against the in-process reference
// server on loopback, which answers in microseconds.
const matrixSilence = "150ms"

// runAgainst starts a reference server in mode with faults and runs the
// whole suite against it.
func runAgainst(t testing.TB, mode refserver.Mode, faults ...string) runResult {
	t.Helper()
	return runAgainstConfig(t, refserver.Config{Mode: mode, Faults: faults})
}

// runAgainstConfig starts a reference server with cfg and runs the suite
// against it, with the extra smtpspec arguments (a --label-filter, say).
func runAgainstConfig(t testing.TB, cfg refserver.Config, args ...string) runResult {
	t.Helper()
	srv, err := refserver.Start(cfg)
	if err != nil {
		t.Fatalf("starting the reference server (mode %s, faults %v, without %v): %v", cfg.Mode, cfg.Faults, cfg.Without, err)
	}
	defer srv.Close()
	args = append([]string{"--target", srv.Addr(), "--mailbox", "alice@example.test", "--silence", matrixSilence,
		"--auth-user", refserver.DefaultAuthUser, "--auth-password-file", referencePasswordFile}, args...)
	if cfg.Mode == refserver.ModeSubmission {
		args = append(args, "--profile", "submission")
	}
	return runSuite(t, args...)
}

// faultScope is the label filter of a fault's run in the fast matrix: the
// specs of the feature its spec belongs to, and the specs it declares it
// may change. SMTPSPEC_MATRIX_FULL=1 (make matrix-full) runs every fault
// against the whole suite instead, and then any spec outside the declared
// set that changes is reported as well.
func faultScope(f refserver.Fault) string {
	if os.Getenv("SMTPSPEC_MATRIX_FULL") == "1" {
		return ""
	}
	feature := catalog.FeatureCore
	if r, ok := catalog.Lookup(f.Spec); ok {
		feature = r.Feature
	}
	terms := []string{"feature:" + feature, f.Spec}
	terms = append(terms, f.Also...)
	return strings.Join(terms, " || ")
}

// submissionSpecs are the specs judged under the faults of a submission
// server (ModeSubmission): AUTH and its mechanisms, and RFC 6409.
var submissionSpecs = regexp.MustCompile(`^RFC(4954|4616|2195|6409)-`)

// expectedUnderFault is the verdict a spec must get when its requirement is
// broken: FAIL for a MUST, WARN for a SHOULD or MAY.
func expectedUnderFault(level framework.Level) string {
	if level == framework.Must {
		return string(framework.Fail)
	}
	return string(framework.Warn)
}

func TestMatrix(t *testing.T) {
	modes := []refserver.Mode{refserver.ModeNormal, refserver.ModeRefuse, refserver.ModeSubmission}
	clean := map[refserver.Mode]runResult{}
	for _, m := range modes {
		clean[m] = runAgainst(t, m)
		if len(clean[m].Report.Results) == 0 {
			t.Fatalf("clean run (mode %s) wrote no results; exit %d\nstdout:\n%s\nstderr:\n%s", m, clean[m].Code, clean[m].Stdout, clean[m].Stderr)
		}
	}

	// The clean server keeps every requirement: each spec passes, or is
	// not applicable for a stated reason.
	normal := clean[refserver.ModeNormal]
	if normal.Code != 0 {
		t.Errorf("clean run exited %d, want 0\n%s", normal.Code, normal.Stdout)
	}
	levels := map[string]framework.Level{}
	for _, res := range normal.Report.Results {
		levels[res.ID] = res.Level
		switch {
		case res.Verdict == framework.Pass:
		case res.Verdict == framework.NotApplicable && res.Reason != "":
		default:
			t.Errorf("clean server: %s is %s, want PASS: %s", res.ID, res.Verdict, res.Reason)
		}
	}

	// Every fault breaks a requirement that has a spec, and every spec has a
	// fault.
	faults := refserver.Faults()
	faultIDs := map[string]bool{}
	for _, f := range faults {
		faultIDs[f.Spec] = true
		if _, ok := levels[f.Spec]; !ok {
			t.Errorf("fault %s breaks no spec's requirement (no spec has the ID %s)", f.ID, f.Spec)
		}
	}
	for id := range levels {
		if !faultIDs[id] {
			t.Errorf("spec %s has no fault in the reference server, so it is not shown able to fail", id)
		}
	}

	// Specs whose faults need another mode (the 554 greeting, a submission
	// server) must pass against the clean server in that mode.
	for _, f := range faults {
		if f.Mode == refserver.ModeNormal {
			continue
		}
		if v := clean[f.Mode].verdicts()[f.Spec]; v != string(framework.Pass) {
			t.Errorf("clean server in mode %s: %s is %s, want PASS: %s", f.Mode, f.Spec, v, reasonOf(clean[f.Mode].Report, f.Spec))
		}
	}

	// SMTPSPEC_MATRIX_ONLY=regexp limits the fault runs (while writing specs).
	if only := os.Getenv("SMTPSPEC_MATRIX_ONLY"); only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			t.Fatalf("SMTPSPEC_MATRIX_ONLY: %v", err)
		}
		var kept []refserver.Fault
		for _, f := range faults {
			if re.MatchString(f.ID) {
				kept = append(kept, f)
			}
		}
		faults = kept
	}

	// Run every fault, four at a time: most of a run is spent waiting in
	// silence windows, not on the CPU.
	results := make([]runResult, len(faults))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, f := range faults {
		wg.Add(1)
		go func(i int, f refserver.Fault) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var args []string
			if scope := faultScope(f); scope != "" {
				args = []string{"--label-filter", scope}
			}
			args = append(args, f.Args...)
			results[i] = runAgainstConfig(t, refserver.Config{Mode: f.Mode, Faults: []string{f.ID}}, args...)
		}(i, f)
	}
	wg.Wait()

	var rows []string
	for i, f := range faults {
		base := clean[f.Mode].verdicts()
		got := results[i].verdicts()
		want := expectedUnderFault(levels[f.Spec])
		status := "ok"
		if got[f.Spec] != want {
			status = "NOT DETECTED"
			t.Errorf("fault %s (%s): spec %s is %s, want %s\n%s", f.ID, f.Description, f.Spec, got[f.Spec], want, reasonOf(results[i].Report, f.Spec))
		}
		var collateral, declared []string
		for id, v := range got {
			if id == f.Spec || v == base[id] || v == string(framework.NotRun) {
				continue
			}
			if f.Mode == refserver.ModeSubmission && !submissionSpecs.MatchString(id) {
				// A submission fault lifts or adds the 530 that a
				// submission server gives MAIL before AUTH, which every
				// spec that sends MAIL meets: only the AUTH and RFC 6409
				// specs are judged under it.
				continue
			}
			if slices.Contains(f.Also, id) || f.BreaksSetup && (v == string(framework.Error) || v == string(framework.NotApplicable)) {
				declared = append(declared, fmt.Sprintf("%s %s→%s", id, base[id], v))
				continue
			}
			collateral = append(collateral, fmt.Sprintf("%s %s→%s", id, base[id], v))
		}
		sort.Strings(declared)
		if len(declared) > 0 {
			status += "; also (declared): " + strings.Join(declared, ", ")
		}
		sort.Strings(collateral)
		if len(collateral) > 0 {
			status += "; COLLATERAL"
			t.Errorf("fault %s also changed other specs' verdicts (a fault may change only its own spec and those it declares):\n  %s", f.ID, strings.Join(collateral, "\n  "))
		}
		rows = append(rows, fmt.Sprintf("%-58s %-7s clean=%-4s fault=%-5s %s", f.ID, f.Mode, base[f.Spec], got[f.Spec], status))
	}
	scope := "each fault against its feature's specs and the specs it declares"
	if os.Getenv("SMTPSPEC_MATRIX_FULL") == "1" {
		scope = "each fault against the whole suite"
	}
	matrix := fmt.Sprintf("self-test matrix (%s): %d specs, %d faults (clean run %s)\n%s\n", scope, len(levels), len(faults), normal.Elapsed.Round(1e6), strings.Join(rows, "\n"))
	if path := os.Getenv("SMTPSPEC_MATRIX_FILE"); path != "" {
		if err := os.WriteFile(path, []byte(matrix), 0o644); err != nil {
			t.Errorf("writing %s: %v", path, err)
		}
	}
	t.Log(matrix)
}

func reasonOf(r reports.Report, id string) string {
	for _, res := range r.Results {
		if res.ID == id {
			return res.Reason + "\n" + res.Transcript
		}
	}
	return "(no result)"
}
