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
	if err := Generate(&buf, root); err != nil {
		t.Fatal(err)
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
