package reports

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// TestSchemaValidates: every kind of report the suite writes validates
// against reports/schema/report.schema.json, and the schema is strict
// enough to refuse a broken one.
func TestSchemaValidates(t *testing.T) {
	gr, r := fixture(t)
	withBase := r.WithBaseline(r)
	listing := BuildReport(types.Report{SpecReports: types.SpecReports{
		spec("A", framework.Must, types.SpecStatePassed, nil, ""),
	}}, Meta{Target: "(embedded reference server)"})
	stopped := BuildReport(types.Report{SpecialSuiteFailureReasons: []string{"preflight: no greeting"}, SpecReports: types.SpecReports{
		spec("A", framework.Must, types.SpecStateSkipped, nil, ""),
	}}, Meta{Target: "127.0.0.1:25"})
	synthetic := Build(types.Report{SpecReports: types.SpecReports{
		spec("A", framework.Must, types.SpecStatePassed, &framework.VerdictRecord{Verdict: framework.Pass}, ""),
		spec("E", framework.Must, types.SpecStateFailed, &framework.VerdictRecord{Verdict: framework.Error, Reason: "ERROR: x"}, "ERROR: x"),
	}}, Suite{Name: "smtpspec", Version: "t"}, Target{Address: "127.0.0.1:25", Greeting: `"220 x\r\n"`})
	empty := BuildReport(types.Report{}, Meta{})
	for name, rep := range map[string]Report{"fixture": r, "with baseline": withBase, "dry-run listing": listing,
		"stopped before start": stopped, "synthetic": synthetic, "empty": empty} {
		b, err := rep.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if err := Validate(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	_ = gr
	if synthetic.Target.Greeting != "220 x\r\n" {
		t.Errorf("greeting %q: want the octets, not the escaped form", synthetic.Target.Greeting)
	}

	b, _ := r.JSON()
	var doc map[string]any
	_ = json.Unmarshal(b, &doc)
	for name, breakIt := range map[string]func(m map[string]any){
		"unknown verdict": func(m map[string]any) { m["results"].([]any)[0].(map[string]any)["verdict"] = "OK" },
		"old schema":      func(m map[string]any) { m["schema"] = "smtpspec.report/v2" },
		"transcript as text": func(m map[string]any) {
			m["results"].([]any)[0].(map[string]any)["transcript"] = "C: EHLO"
		},
		"unknown field":   func(m map[string]any) { m["extra"] = 1 },
		"missing summary": func(m map[string]any) { delete(m, "summary") },
	} {
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		breakIt(m)
		bad, _ := json.Marshal(m)
		if Validate(bad) == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
	_ = doc
}

// TestSchemaFileInRepo: the embedded schema is the file in the repository.
func TestSchemaFileInRepo(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("schema", "report.schema.json"))
	if err != nil || !bytes.Equal(b, SchemaFile) {
		t.Fatalf("schema/report.schema.json and SchemaFile differ (%v)", err)
	}
}

// TestReportModel: the fields the v3 report adds are filled from the
// Ginkgo report and the Meta.
func TestReportModel(t *testing.T) {
	_, r := fixture(t)
	if r.Schema != SchemaVersion || r.Tool.Commit == "" || r.Run.Profile != "mx" || r.Run.TLSMode != "auto" {
		t.Errorf("tool/run: %+v %+v", r.Tool, r.Run)
	}
	if r.Implementation == nil || r.Implementation.Organization != "The smtpspec authors" {
		t.Errorf("implementation: %+v", r.Implementation)
	}
	if r.Duration <= 0 || !r.Finished.After(r.Started) {
		t.Errorf("times: %v %v %v", r.Started, r.Finished, r.Duration)
	}
	if len(r.Target.Capabilities) == 0 || r.Target.Ehlo[0] == "" {
		t.Errorf("no EHLO capabilities taken from the transcripts: %+v", r.Target)
	}
	var sawEvents, sawFeature, sawPassEvidence bool
	for _, res := range r.Results {
		if res.Started.IsZero() {
			t.Errorf("%s: no start time", res.ID)
		}
		sawFeature = sawFeature || res.Feature == "core"
		sawEvents = sawEvents || len(res.Events) > 0
		if res.Verdict == framework.Pass && res.Expected != "" && res.Actual != "" {
			sawPassEvidence = true
		}
		for _, e := range res.Events {
			if strings.HasPrefix(e.Data, `"`) {
				t.Errorf("%s: event data is Go-quoted: %s", res.ID, e.Data)
			}
		}
		if res.Verdict == framework.Fail && (res.Expected == "" || res.Actual == "") {
			t.Errorf("%s: a FAIL without expected/actual", res.ID)
		}
	}
	if !sawEvents || !sawFeature || !sawPassEvidence {
		t.Errorf("events %v, feature %v, evidence for a PASS %v", sawEvents, sawFeature, sawPassEvidence)
	}
	if len(r.Rollups.RFC) != 1 || r.Rollups.RFC[0].Key != "RFC 5321" || r.Rollups.RFC[0].Total != len(r.Results) {
		t.Errorf("RFC roll-up: %+v", r.Rollups.RFC)
	}
	for _, g := range [][]Tally{r.Rollups.Section, r.Rollups.Feature, r.Rollups.Command, r.Rollups.Level} {
		if len(g) == 0 {
			t.Errorf("an empty roll-up: %+v", r.Rollups)
		}
	}
	if len(r.ReplyCodes) == 0 {
		t.Fatal("no reply-code matrix")
	}
	// Round trip: report.json decodes back, with the transcript text.
	b, _ := r.JSON()
	back, err := DecodeReport("report.json", b)
	if err != nil {
		t.Fatal(err)
	}
	for i, res := range back.Results {
		if res.Transcript == "" && len(r.Results[i].Events) > 0 {
			t.Errorf("%s: Transcript not rebuilt from the events", res.ID)
		}
		if res.Title != r.Results[i].Title {
			t.Errorf("%s: title %q, want %q", res.ID, res.Title, r.Results[i].Title)
		}
	}
}

// TestCodeMatrixMarksOutside: a code outside the §4.3.2 table for its
// command is marked; a command the table does not cover is not judged.
func TestCodeMatrixMarksOutside(t *testing.T) {
	rows := codeMatrix(framework.CodeCounts{"RSET": {250: 2, 354: 1}, "XFOO": {500: 1}, "MAIL": {250: 1}})
	want := []CodeRow{
		{Command: "MAIL", InTable: true, Codes: []CodeCell{{Code: 250, Count: 1}}},
		{Command: "RSET", InTable: true, Codes: []CodeCell{{Code: 250, Count: 2}, {Code: 354, Count: 1, Outside: true}}},
		{Command: "XFOO", InTable: false, Codes: []CodeCell{{Code: 500, Count: 1}}},
	}
	if got, _ := json.Marshal(rows); string(got) != mustJSON(want) {
		t.Errorf("matrix %s\nwant %s", got, mustJSON(want))
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestNoSecretInReports: a password given on the command line or in the
// options reaches no report file.
func TestNoSecretInReports(t *testing.T) {
	gr, r := fixture(t)
	dir := t.TempDir()
	if err := WriteAll(dir, gr, r); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"report.json", "junit.xml", "report.html", "report.md"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("hunter2")) {
			t.Errorf("%s holds the password", name)
		}
	}
	if got := CommandLine([]string{"--auth-password=x y", "--target", "h:25", "--auth-password-file", "/p"}); got != "smtpspec --auth-password=<redacted> --target h:25 --auth-password-file /p" {
		t.Errorf("CommandLine = %s", got)
	}
}

// TestV2Baseline: a report.json of schema v2 reads as a baseline.
func TestV2Baseline(t *testing.T) {
	v2 := `{"schema":"smtpspec.report/v2","suite":{"name":"smtpspec","version":"0.1","command":"smtpspec","strict":false},
"target":{"address":"h:25","embedded":false},"summary":{"total":1,"pass":1,"outcome":"pass"},
"results":[{"id":"A","section":"RFC 5321 §3.3","level":"MUST","summary":"t","verdict":"PASS","transcript":"   0.000s C: \"EHLO\\r\\n\"\n"}]}`
	r, err := DecodeReport("old.json", []byte(v2))
	if err != nil {
		t.Fatal(err)
	}
	if r.Tool.Version != "0.1" || len(r.Results) != 1 || r.Results[0].Title != "t" || !strings.Contains(r.Results[0].Transcript, "EHLO") {
		t.Errorf("decoded %+v", r)
	}
	for _, bad := range []string{`{`, `{"schema":"other"}`, `[]`} {
		if _, err := DecodeReport("bad.json", []byte(bad)); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line", bad, err)
		}
	}
}

// TestJUnitError: an ERROR is a JUnit <error>, a FAIL a <failure>, NOT RUN
// skipped with its reason.
func TestJUnitError(t *testing.T) {
	gr := types.Report{SpecReports: types.SpecReports{
		spec("C", framework.Must, types.SpecStateFailed, &framework.VerdictRecord{Verdict: framework.Fail, Reason: "boom"}, "boom"),
		spec("E", framework.Must, types.SpecStateFailed, &framework.VerdictRecord{Verdict: framework.Error, Reason: "ERROR: x"}, "ERROR: x"),
		spec("F", framework.Must, types.SpecStateSkipped, nil, ""),
	}}
	gr.SpecialSuiteFailureReasons = []string{"run interrupted"}
	r := BuildReport(gr, Meta{})
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := WriteJUnit(gr, r, path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	x := string(b)
	for _, want := range []string{`errors="1" failures="1"`, `<error message="ERROR: x" type="error">`, `<failure message="boom"`, `name="F: does F"`, `message="skipped - NOT RUN: run interrupted"`} {
		if !strings.Contains(x, want) {
			t.Errorf("junit.xml lacks %s:\n%s", want, x)
		}
	}
}

func TestOptionsFromFlags(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.String("target", "", "")
	fs.String("auth-password", "", "")
	fs.String("internal-claims", "", "")
	fs.Duration("timeout", 30*time.Second, "")
	if err := fs.Parse([]string{"--target", "h:25", "--auth-password", "s3cret"}); err != nil {
		t.Fatal(err)
	}
	got := OptionsFromFlags(fs)
	want := map[string]string{"target": "h:25", "auth-password": Redacted, "timeout": "30s"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("options %v, want %v", got, want)
	}
}
