// Command gendocs writes docs/requirements.md from the requirement
// catalogue and the suite's specs (`make docs`).
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/smtpspec/smtpspec/internal/docgen"
)

func main() {
	root, err := docgen.Root(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	var buf bytes.Buffer
	table, err := docgen.Generate(&buf, root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	readmePath := filepath.Join(root, docgen.ReadmePath)
	readme, err := os.ReadFile(readmePath)
	if err == nil {
		var updated string
		if updated, err = docgen.SpliceCoverage(string(readme), table); err == nil {
			err = os.WriteFile(readmePath, []byte(updated), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	path := filepath.Join(root, docgen.Path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
	fmt.Println("wrote", docgen.Path, "and the coverage table in", docgen.ReadmePath)
}
