package reports

import (
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// Column is one report in a Matrix: Path is where it was read from (its
// report.html, when one lies beside it, is what the cells link to).
type Column struct {
	Report Report
	Path   string
}

// Matrix puts reports side by side: requirements down, servers (or
// releases) across.
type Matrix struct {
	Columns []MatrixColumn
	Rows    []MatrixRow
}

// MatrixColumn is one server of the matrix.
type MatrixColumn struct {
	// Name is the implementation's name and version when the report has
	// them, else the target's address; made unique with " #2".
	Name    string
	Target  string
	Outcome string
	// Score is the column's score: PASS / (PASS + FAIL + WARN).
	Score Tally
	// HTML is the link to the column's report.html ("" without one).
	HTML string
	path string
}

// MatrixRow is one requirement of the matrix.
type MatrixRow struct {
	ID    string
	Level framework.Level
	Title string
	Link  string
	// Cells holds each column's verdict ("" when the report lacks the
	// requirement).
	Cells []framework.Verdict
	// Reasons holds each column's first line of why, for a verdict other
	// than PASS.
	Reasons []string
	// Disagree: the columns that have the requirement do not all give it
	// the same verdict.
	Disagree bool
}

// NewMatrix builds the matrix of the columns' reports. The rows are the
// requirements of every report, in the order of the first report that has
// each.
func NewMatrix(cols []Column) Matrix {
	var m Matrix
	seen := map[string]int{}
	index := map[string]int{}
	for ci, c := range cols {
		r := c.Report
		name := r.Target.Address
		if r.Implementation != nil && r.Implementation.Name != "" {
			name = strings.TrimSpace(r.Implementation.Name + " " + r.Implementation.Version)
		}
		if name == "" {
			name = filepath.Base(filepath.Dir(c.Path))
		}
		seen[name]++
		if seen[name] > 1 {
			name = fmt.Sprintf("%s #%d", name, seen[name])
		}
		m.Columns = append(m.Columns, MatrixColumn{Name: name, Target: r.Target.Address, Outcome: r.Summary.Outcome,
			Score: Overall(r.Results), path: c.Path})
		for _, res := range r.Results {
			i, ok := index[res.ID]
			if !ok {
				i = len(m.Rows)
				index[res.ID] = i
				m.Rows = append(m.Rows, MatrixRow{ID: res.ID, Level: res.Level, Title: res.Title, Link: res.Link,
					Cells: make([]framework.Verdict, len(cols)), Reasons: make([]string, len(cols))})
			}
			m.Rows[i].Cells[ci] = res.Verdict
			if res.Verdict != framework.Pass {
				m.Rows[i].Reasons[ci] = firstLine(res)
			}
		}
	}
	for i := range m.Rows {
		var first framework.Verdict
		for _, v := range m.Rows[i].Cells {
			switch {
			case v == "":
			case first == "":
				first = v
			case v != first:
				m.Rows[i].Disagree = true
			}
		}
	}
	return m
}

// LinkFrom makes each column link to the report.html beside its
// report.json, relative to dir (where the matrix page goes).
func (m *Matrix) LinkFrom(dir string) {
	for i, c := range m.Columns {
		html := filepath.Join(filepath.Dir(c.path), "report.html")
		if _, err := os.Stat(html); err != nil {
			continue
		}
		if rel, err := filepath.Rel(dir, html); err == nil {
			m.Columns[i].HTML = filepath.ToSlash(rel)
		}
	}
}

// Disagreements counts the rows where the columns disagree.
func (m Matrix) Disagreements() int {
	n := 0
	for _, r := range m.Rows {
		if r.Disagree {
			n++
		}
	}
	return n
}

// WriteMarkdown renders the matrix as one Markdown table.
func (m Matrix) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "| Requirement | Level |")
	for _, c := range m.Columns {
		fmt.Fprintf(w, " %s |", mdEscape(c.Name))
	}
	fmt.Fprintf(w, "\n| --- | --- |%s\n", strings.Repeat(" --- |", len(m.Columns)))
	fmt.Fprintf(w, "| **Score** (PASS of tested) | |")
	for _, c := range m.Columns {
		fmt.Fprintf(w, " **%s** |", c.Score.ScoreText())
	}
	fmt.Fprintln(w)
	for _, r := range m.Rows {
		mark := ""
		if r.Disagree {
			mark = " ≠"
		}
		fmt.Fprintf(w, "| `%s`%s | %s |", r.ID, mark, r.Level)
		for _, v := range r.Cells {
			if v == "" {
				v = "—"
			}
			fmt.Fprintf(w, " %s |", v)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n%d requirements, %d servers; ≠ marks the %d rows where the servers' verdicts differ.\n", len(m.Rows), len(m.Columns), m.Disagreements())
}

var matrixTemplate = template.Must(template.New("matrix.html.tmpl").Funcs(funcs).ParseFS(templates, "templates/matrix.html.tmpl", "templates/common.html.tmpl"))

// WriteHTML renders the matrix as one self-contained HTML page.
func (m Matrix) WriteHTML(w io.Writer) error {
	return matrixTemplate.Execute(w, m)
}
