package reports

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/types"
)

// Paths are where a run's report files go; an empty path writes no file.
type Paths struct {
	JSON     string // report.json
	JUnit    string // junit.xml
	HTML     string // report.html
	Markdown string // report.md
}

// PathsIn returns the default paths in dir: report.json, junit.xml,
// report.html and report.md.
func PathsIn(dir string) Paths {
	return Paths{JSON: filepath.Join(dir, "report.json"), JUnit: filepath.Join(dir, "junit.xml"),
		HTML: filepath.Join(dir, "report.html"), Markdown: filepath.Join(dir, "report.md")}
}

// WriteFiles writes each report file p names (creating directories), and
// returns every error joined. gr is the Ginkgo report r was built from (for
// junit.xml; it may be the zero report when p.JUnit is empty).
func WriteFiles(p Paths, gr types.Report, r Report) error {
	var errs []error
	write := func(path string, render func() ([]byte, error)) {
		if path == "" {
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			errs = append(errs, fmt.Errorf("reports: create %s: %w", filepath.Dir(path), err))
			return
		}
		b, err := render()
		if err == nil {
			err = os.WriteFile(path, b, 0o644)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("reports: write %s: %w", path, err))
		}
	}
	write(p.JSON, r.JSON)
	write(p.HTML, func() ([]byte, error) {
		var buf bytes.Buffer
		err := r.WriteHTML(&buf)
		return buf.Bytes(), err
	})
	write(p.Markdown, func() ([]byte, error) {
		var buf bytes.Buffer
		r.WriteMarkdown(&buf)
		return buf.Bytes(), nil
	})
	if p.JUnit != "" {
		if err := os.MkdirAll(filepath.Dir(p.JUnit), 0o755); err != nil {
			errs = append(errs, fmt.Errorf("reports: create %s: %w", filepath.Dir(p.JUnit), err))
		} else if err := WriteJUnit(gr, r, p.JUnit); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// WriteJSON writes the report to path, indented.
func (r Report) WriteJSON(path string) error {
	b, err := r.JSON()
	if err != nil {
		return fmt.Errorf("reports: encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	return nil
}

// WriteListing writes the report of a dry run (every spec NOT RUN, with its
// metadata) as report.json in dir.
func WriteListing(dir string, r Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reports: create %s: %w", dir, err)
	}
	return r.WriteJSON(filepath.Join(dir, "report.json"))
}

// WriteAll writes report.json, junit.xml, report.html and report.md into
// dir, creating it.
func WriteAll(dir string, gr types.Report, r Report) error {
	return WriteFiles(PathsIn(dir), gr, r)
}
