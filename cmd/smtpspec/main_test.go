package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/reports"
)

// writeReports writes the fixture's report as clean.json (every FAIL made
// a PASS), fault.json (as it is) and returns the directory.
func writeReports(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "reports", "testdata", "ginkgo-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gr types.Report
	if err := json.Unmarshal(b, &gr); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fault := reports.BuildReport(gr, reports.Meta{Tool: reports.ToolInfo("test"), Target: "127.0.0.1:2525",
		Implementation: reports.Implementation{Name: "refserver", Version: "2"}})
	clean := fault
	clean.Results = append([]reports.Result(nil), fault.Results...)
	for i := range clean.Results {
		if clean.Results[i].Verdict == "FAIL" {
			clean.Results[i].Verdict, clean.Results[i].Failing = "PASS", false
		}
	}
	clean.Implementation = &reports.Implementation{Name: "refserver", Version: "1"}
	for name, r := range map[string]reports.Report{"clean.json": clean, "fault.json": fault} {
		if err := r.WriteJSON(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.json"), []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := dispatch(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestDiff: exit 1 naming exactly the regression, 0 for an unchanged
// server, 2 with one line for bad input.
func TestDiff(t *testing.T) {
	dir := writeReports(t)
	clean, fault := filepath.Join(dir, "clean.json"), filepath.Join(dir, "fault.json")

	code, out, _ := run("diff", clean, fault)
	if code != 1 || !strings.Contains(out, "Regressions:\n  RFC5321-3.3-rcpt-before-mail") || strings.Count(out, "PASS → FAIL") != 1 {
		t.Errorf("diff clean fault: exit %d\n%s", code, out)
	}
	if code, out, _ := run("diff", clean, clean); code != 0 || !strings.Contains(out, "not worse: 0 regressions") {
		t.Errorf("diff clean clean: exit %d\n%s", code, out)
	}
	if code, out, _ := run("diff", fault, clean); code != 0 || !strings.Contains(out, "Fixes:\n  RFC5321-3.3-rcpt-before-mail") {
		t.Errorf("diff fault clean: exit %d\n%s", code, out)
	}
	if code, out, _ := run("diff", "--markdown", clean, fault); code != 1 || !strings.Contains(out, "**1 regression**") {
		t.Errorf("diff --markdown: exit %d\n%s", code, out)
	}
	// --strict: the WARN in both is a known failure, not a regression.
	if code, out, _ := run("diff", "--strict", fault, fault); code != 0 || !strings.Contains(out, "3 known failures") {
		t.Errorf("diff --strict fault fault: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"diff"}, {"diff", clean}, {"diff", clean, filepath.Join(dir, "missing.json")},
		{"diff", clean, filepath.Join(dir, "junk.json")}, {"diff", "--bogus", clean, fault},
	} {
		code, out, errOut := run(args...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "smtpspec diff: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line", args, code, out, errOut)
		}
	}
	if code, out, _ := run("diff", "--help"); code != 0 || !strings.HasPrefix(out, "usage: smtpspec diff") {
		t.Errorf("diff --help: exit %d\n%s", code, out)
	}
}

// TestMatrix: servers across, a score per column, disagreeing rows
// marked, HTML and Markdown written.
func TestMatrix(t *testing.T) {
	dir := writeReports(t)
	clean, fault := filepath.Join(dir, "clean.json"), filepath.Join(dir, "fault.json")
	html, md := filepath.Join(dir, "m", "matrix.html"), filepath.Join(dir, "m", "matrix.md")
	if code, _, errOut := run("matrix", "--html", html, "--markdown", md, clean, fault); code != 0 {
		t.Fatalf("matrix: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{"| Requirement | Level | refserver 1 | refserver 2 |", "| `RFC5321-3.3-rcpt-before-mail` ≠ | MUST | PASS | FAIL |", "**Score**", "1 rows where"} {
		if !strings.Contains(text, want) {
			t.Errorf("matrix.md lacks %q:\n%s", want, text)
		}
	}
	h, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(h), `id="req-RFC5321-3.3-rcpt-before-mail" class="disagree"`) || strings.Contains(string(h), "<script src") {
		t.Errorf("matrix.html does not mark the disagreeing row")
	}
	if code, out, _ := run("matrix", clean); code != 0 || !strings.Contains(out, "| refserver 1 |") {
		t.Errorf("matrix to stdout: exit %d\n%s", code, out)
	}
	if code, _, errOut := run("matrix"); code != 2 || strings.Count(errOut, "\n") != 1 {
		t.Errorf("matrix without reports: exit %d, %q", code, errOut)
	}
}
