package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/smtpspec/smtpspec/reports"
)

const matrixUsage = `usage: smtpspec matrix [--html PATH] [--markdown PATH] REPORT.json...

Puts several reports side by side: requirements down, servers (or releases)
across, each cell a verdict, a score per column, rows where the columns
disagree marked. A column is named by the report's implementation name
(--implementation-name) or else its target. Without --html or --markdown
the Markdown table goes to standard output. Exit 0, or 2 on bad input.
`

// matrixMain is "smtpspec matrix".
func matrixMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("smtpspec matrix", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	htmlPath := fs.String("html", "", "write the HTML page to PATH")
	mdPath := fs.String("markdown", "", "write the Markdown table to PATH")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, matrixUsage)
			return exitOK
		}
		return usageError(stderr, "matrix", err.Error())
	}
	if fs.NArg() == 0 {
		return usageError(stderr, "matrix", "name at least one report.json")
	}
	var cols []reports.Column
	for _, path := range fs.Args() {
		r, err := reports.ReadReport(path)
		if err != nil {
			return usageError(stderr, "matrix", err.Error())
		}
		cols = append(cols, reports.Column{Report: r, Path: path})
	}
	m := reports.NewMatrix(cols)
	if *htmlPath == "" && *mdPath == "" {
		m.WriteMarkdown(stdout)
		return exitOK
	}
	if *mdPath != "" {
		if err := writeWith(*mdPath, func(w io.Writer) error { m.WriteMarkdown(w); return nil }); err != nil {
			return usageError(stderr, "matrix", "--markdown: "+err.Error())
		}
	}
	if *htmlPath != "" {
		m.LinkFrom(filepath.Dir(*htmlPath))
		if err := writeWith(*htmlPath, m.WriteHTML); err != nil {
			return usageError(stderr, "matrix", "--html: "+err.Error())
		}
	}
	return exitOK
}

func writeWith(path string, render func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := render(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
