package reports

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/smtpspec/smtpspec/suites/framework"
)

//go:embed templates/*.tmpl
var templates embed.FS

// verdictOrder is the order verdicts are shown in.
var verdictOrder = []framework.Verdict{framework.Pass, framework.Fail, framework.Warn, framework.NotApplicable, framework.Error, framework.NotRun}

var funcs = template.FuncMap{
	"verdictClass": func(v framework.Verdict) string {
		return strings.ReplaceAll(strings.ToLower(string(v)), " ", "-")
	},
	"outcomeClass": func(o string) string {
		if o == OutcomeWarnings {
			return "warnings"
		}
		return o
	},
	"pct": func(n, total int) string {
		if total == 0 {
			return "0"
		}
		return fmt.Sprintf("%.2f", float64(n)*100/float64(total))
	},
	"join":  strings.Join,
	"lines": func(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") },
	"lineClass": func(l string) string {
		switch {
		case strings.Contains(l, "s C: "):
			return "c"
		case strings.Contains(l, "s S: "):
			return "s"
		}
		return "n"
	},
}

var reportTemplate = template.Must(template.New("report.html.tmpl").Funcs(funcs).ParseFS(templates, "templates/report.html.tmpl", "templates/common.html.tmpl"))

// htmlView is what the report template renders.
type htmlView struct {
	R        Report
	Name     string
	Verdicts []framework.Verdict
	Levels   []framework.Level
	Areas    []Tally
	Rows     []Result
	Codes    []int
	CodeRows []codeRowView
}

type codeRowView struct {
	Command string
	InTable bool
	Cells   []CodeCell
}

// Count returns how many results have verdict v.
func (v htmlView) Count(verdict framework.Verdict) int {
	s := v.R.Summary
	switch verdict {
	case framework.Pass:
		return s.Pass
	case framework.Fail:
		return s.Fail
	case framework.Warn:
		return s.Warn
	case framework.NotApplicable:
		return s.NotApplicable
	case framework.Error:
		return s.Error
	}
	return s.NotRun
}

// DiffGroups lists the comparison's groups for the template.
func (v htmlView) DiffGroups() []struct {
	Title string
	List  []Change
} {
	var out []struct {
		Title string
		List  []Change
	}
	if v.R.Comparison == nil {
		return nil
	}
	for _, g := range v.R.Comparison.groups() {
		out = append(out, struct {
			Title string
			List  []Change
		}{g.title, g.list})
	}
	return out
}

// WriteHTML renders the report as one self-contained HTML page: no
// network fetches (the RFC links are plain links), readable without
// JavaScript (each requirement is a <details>; an inline script adds
// filtering by verdict and level).
func (r Report) WriteHTML(w io.Writer) error {
	v := htmlView{R: r, Name: r.targetName(), Verdicts: verdictOrder,
		Levels: []framework.Level{framework.Must, framework.Should, framework.May, framework.Defined}}
	v.Areas = append(append(v.Areas, r.Rollups.RFC...), r.Rollups.Feature...)
	v.Rows = append([]Result(nil), r.Results...)
	rank := map[framework.Verdict]int{framework.Fail: 0, framework.Error: 1, framework.Warn: 2, framework.NotRun: 3, framework.NotApplicable: 4, framework.Pass: 5}
	sort.SliceStable(v.Rows, func(i, j int) bool {
		ri, rj := rank[v.Rows[i].Verdict], rank[v.Rows[j].Verdict]
		if v.Rows[i].Failing != v.Rows[j].Failing {
			return v.Rows[i].Failing
		}
		return ri < rj
	})
	v.Codes = CodesSeen(r.ReplyCodes)
	for _, row := range r.ReplyCodes {
		cr := codeRowView{Command: row.Command, InTable: row.InTable}
		byCode := map[int]CodeCell{}
		for _, c := range row.Codes {
			byCode[c.Code] = c
		}
		for _, code := range v.Codes {
			cr.Cells = append(cr.Cells, byCode[code])
		}
		v.CodeRows = append(v.CodeRows, cr)
	}
	return reportTemplate.Execute(w, v)
}
