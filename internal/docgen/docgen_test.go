package docgen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/internal/catalog"
)

// TestRequirementsDocFresh fails when docs/requirements.md is not what
// `make docs` would write now.
func TestRequirementsDocFresh(t *testing.T) {
	root, err := Root(".")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	table, err := Generate(&buf, root)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, ReadmePath))
	if err != nil {
		t.Fatal(err)
	}
	if want, err := SpliceCoverage(string(readme), table); err != nil {
		t.Error(err)
	} else if want != string(readme) {
		t.Errorf("the coverage table in %s is stale (the catalogue or the specs changed): run make docs", ReadmePath)
	}
	have, err := os.ReadFile(filepath.Join(root, Path))
	if err != nil {
		t.Fatalf("%s: %v: run make docs", Path, err)
	}
	if !bytes.Equal(have, buf.Bytes()) {
		t.Fatalf("%s is stale (the catalogue or the specs changed): run make docs", Path)
	}
	doc := buf.String()
	for _, r := range catalog.All() {
		if !strings.Contains(doc, "\n### "+r.ID+"\n") {
			t.Errorf("%s is not in %s", r.ID, Path)
		}
	}
	if !strings.Contains(doc, "Covered by: the spec \"") {
		t.Error("no requirement names its spec")
	}
}
