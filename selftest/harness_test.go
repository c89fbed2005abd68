package selftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/reports"
)

// binary is the smtpspec binary built for these tests.
var binary string

// referencePasswordFile holds the reference server's test password
// (refserver.DefaultAuthPassword), for --auth-password-file.
var referencePasswordFile string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "smtpspec-selftest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "selftest:", err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "smtpspec")
	referencePasswordFile = filepath.Join(dir, "reference-password")
	if err := os.WriteFile(referencePasswordFile, []byte(refserver.DefaultAuthPassword), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "selftest:", err)
		os.Exit(2)
	}
	build := exec.Command("go", "build", "-o", binary, "-ldflags", commitLDFlags(), "github.com/smtpspec/smtpspec/cmd/smtpspec")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "selftest: building smtpspec:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// commitLDFlags stamps the commit the tests' binary is built from, as the
// Makefile does (Go's own VCS stamp is missing under -buildvcs=false), so
// the reports the tests keep (keepReport) say which suite made them.
func commitLDFlags() string {
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil || len(bytes.TrimSpace(rev)) == 0 {
		return ""
	}
	flags := "-X github.com/smtpspec/smtpspec/internal/version.commit=" + string(bytes.TrimSpace(rev))
	if st, err := exec.Command("git", "status", "--porcelain").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		flags += " -X github.com/smtpspec/smtpspec/internal/version.modified=true"
	}
	return flags
}

// runResult is one run of the binary.
type runResult struct {
	Code    int
	Stdout  string
	Stderr  string
	Report  reports.Report
	Elapsed time.Duration
	Out     string // the --out directory (a t.TempDir, removed when the test ends)
}

// verdicts maps requirement ID to verdict.
func (r runResult) verdicts() map[string]string {
	out := map[string]string{}
	for _, res := range r.Report.Results {
		out[res.ID] = string(res.Verdict)
	}
	return out
}

// runSuite runs the binary with args plus --out in a fresh directory, and
// reads back report.json when the run wrote one.
func runSuite(t testing.TB, args ...string) runResult {
	t.Helper()
	out := t.TempDir()
	args = append(args, "--out", out, "--no-color")
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := runResult{Out: out, Stdout: stdout.String(), Stderr: stderr.String(), Elapsed: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running smtpspec %v: %v", args, err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "report.json")); err == nil {
		if err := json.Unmarshal(b, &res.Report); err != nil {
			t.Fatalf("report.json of smtpspec %v does not parse: %v", args, err)
		}
		// Every report any self-test run writes is checked against the
		// published JSON Schema (reports/schema/report.schema.json).
		if err := reports.Validate(b); err != nil {
			t.Errorf("report.json of smtpspec %v does not validate against the schema: %v", args, err)
		}
	}
	return res
}
