package reports_test

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/reporters"

	"github.com/smtpspec/smtpspec/reports"
	"github.com/smtpspec/smtpspec/runner"
)

// TestFullRunReports runs the whole suite against the embedded server with
// a MUST fault and a SHOULD fault on, and checks the four files it writes:
// report.json validates against the schema; junit.xml has one testcase per
// requirement with the ID in its name, the FAIL a failure, the WARN a
// property and system-out; report.html and report.md name the failure.
func TestFullRunReports(t *testing.T) {
	if testing.Short() {
		t.Skip("full run: -short")
	}
	dir := t.TempDir()
	const must, should = "RFC5321-3.3-rcpt-before-mail", "RFC5321-4.1.1.9-noop-250"
	code := runner.Main([]string{"--out", dir, "--parallel", "1", "--reference-fault", must, "--reference-fault", should}, io.Discard, io.Discard)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := reports.Validate(b); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	rep, err := reports.DecodeReport("report.json", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Target.Capabilities) == 0 {
		t.Error("no EHLO capabilities in the report")
	}

	j, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(j, &suites); err != nil {
		t.Fatal(err)
	}
	cases := suites.TestSuites[0].TestCases
	if len(cases) != len(rep.Results) {
		t.Fatalf("junit.xml has %d testcases, the report %d requirements", len(cases), len(rep.Results))
	}
	for i, tc := range cases {
		res := rep.Results[i]
		if !strings.HasPrefix(tc.Name, res.ID+": ") {
			t.Errorf("testcase %q does not start with its ID %s", tc.Name, res.ID)
		}
		verdict := tc.Properties.WithName("smtpspec.verdict")
		if verdict != string(res.Verdict) {
			t.Errorf("%s: verdict property %q, want %q", res.ID, verdict, res.Verdict)
		}
		switch res.ID {
		case must:
			if tc.Failure == nil {
				t.Errorf("%s: a FAIL without a <failure>", res.ID)
			}
		case should:
			if tc.Failure != nil || !strings.HasPrefix(tc.SystemOut, "WARN "+should) {
				t.Errorf("%s: a WARN should pass with WARN in system-out: failure %v, system-out %q", res.ID, tc.Failure, tc.SystemOut)
			}
		}
		if res.Verdict == "NOT APPLICABLE" && tc.Skipped == nil {
			t.Errorf("%s: NOT APPLICABLE is not skipped", res.ID)
		}
	}
	for _, name := range []string{"report.html", "report.md"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), must) || !strings.Contains(string(b), should) {
			t.Errorf("%s does not name the FAIL and the WARN", name)
		}
	}
}
