package selftest

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBaselineGate is the regression gate end to end (issue 7): with the
// report of a clean run as --baseline, a run with one reference-server
// fault on exits 1 and names exactly that requirement as the regression;
// the same baseline against the unchanged server exits 0.
func TestBaselineGate(t *testing.T) {
	const fault = "RFC5321-4.1.4-nested-mail"
	filter := []string{"--label-filter", "feature:core"}
	clean := runSuite(t, append([]string{"--parallel", "2"}, filter...)...)
	if clean.Code != 0 || len(clean.Report.Results) == 0 {
		t.Fatalf("clean run: exit %d, %d results\n%s%s", clean.Code, len(clean.Report.Results), clean.Stdout, clean.Stderr)
	}
	baseline := filepath.Join(t.TempDir(), "baseline.json")
	b, err := os.ReadFile(filepath.Join(clean.Out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(baseline, b, 0o644); err != nil {
		t.Fatal(err)
	}

	worse := runSuite(t, append([]string{"--parallel", "2", "--reference-fault", fault, "--baseline", baseline}, filter...)...)
	if worse.Code != 1 {
		t.Errorf("run with %s against a clean baseline: exit %d, want 1\n%s%s", fault, worse.Code, worse.Stdout, worse.Stderr)
	}
	cmp := worse.Report.Comparison
	if cmp == nil {
		t.Fatalf("the report of the run with --baseline has no comparison")
	}
	if len(cmp.Regressions) != 1 || cmp.Regressions[0].ID != fault {
		t.Errorf("regressions %+v, want exactly %s", cmp.Regressions, fault)
	}

	same := runSuite(t, append([]string{"--parallel", "2", "--baseline", baseline}, filter...)...)
	if same.Code != 0 {
		t.Errorf("unchanged server against its own baseline: exit %d, want 0\n%s%s", same.Code, same.Stdout, same.Stderr)
	}
	if same.Report.Comparison == nil || len(same.Report.Comparison.Regressions) != 0 {
		t.Errorf("unchanged server: comparison %+v, want no regression", same.Report.Comparison)
	}
}
