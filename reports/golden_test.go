package reports

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/wire"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixture returns the Ginkgo report of testdata/ginkgo-report.json (see
// internal/fixturegen) and the compliance report built from it with a
// fixed Meta.
func fixture(t testing.TB) (types.Report, Report) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ginkgo-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gr types.Report
	if err := json.Unmarshal(b, &gr); err != nil {
		t.Fatal(err)
	}
	return gr, BuildReport(gr, fixtureMeta())
}

func fixtureMeta() Meta {
	return Meta{
		Tool:     Tool{Name: "smtpspec", Version: "0.9.0-test", Commit: "0123456789abcdef0123456789abcdef01234567"},
		Target:   "127.0.0.1:2525",
		Embedded: true,
		Greeting: wire.Reply{Code: 220, Lines: []string{"ref.smtpspec.test ESMTP smtpspec reference server"}, Raw: []byte("220 ref.smtpspec.test ESMTP smtpspec reference server\r\n")},
		Profile:  "mx", TLSMode: "auto",
		Command:        CommandLine([]string{"--reference-fault", "RFC5321-3.3-rcpt-before-mail", "--auth-password", "hunter2", "--label-filter", "MUST || SHOULD"}),
		Options:        RedactOptions(map[string]string{"timeout": "30s", "helo": "smtpspec.example.org", "auth-password": "hunter2", "auth-password-file": "/run/pw"}),
		Implementation: Implementation{Name: "refserver", Version: "1.0", Organization: "The smtpspec authors"},
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./reports -run Golden -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %s\nwant: %s\n(if the change is meant, go test ./reports -run Golden -update)", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs from the golden file in length: %d lines, want %d (go test ./reports -run Golden -update)", name, len(gl), len(wl))
	}
}

func TestGoldenJSON(t *testing.T) {
	_, r := fixture(t)
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "golden.report.json", b)
}

func TestGoldenMarkdown(t *testing.T) {
	_, r := fixture(t)
	var buf bytes.Buffer
	r.WriteMarkdown(&buf)
	golden(t, "golden.report.md", buf.Bytes())
}

func TestGoldenHTML(t *testing.T) {
	_, r := fixture(t)
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "golden.report.html", buf.Bytes())
}

func TestGoldenJUnit(t *testing.T) {
	gr, r := fixture(t)
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := WriteJUnit(gr, r, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "golden.junit.xml", b)
}

// TestGoldenMarkdownWithBaseline: the Markdown lists regressions when the
// report has a baseline.
func TestGoldenMarkdownWithBaseline(t *testing.T) {
	_, r := fixture(t)
	base := r
	base.Results = append([]Result(nil), r.Results...)
	for i := range base.Results {
		if base.Results[i].ID == "RFC5321-3.3-rcpt-before-mail" {
			base.Results[i].Verdict = "PASS"
		}
	}
	var buf bytes.Buffer
	r.WithBaseline(base).WriteMarkdown(&buf)
	golden(t, "golden.baseline.md", buf.Bytes())
}
