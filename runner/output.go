package runner

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/config"
	"github.com/smtpspec/smtpspec/reports"
)

// renderer writes one report file.
type renderer struct {
	flag  string
	path  func(config.Config) string
	write func(path string, gr types.Report, r reports.Report) error
}

// renderers are the report files of a run, in the order the console lists
// them. A renderer without write is a format this build cannot produce
// yet: its file is not written, and a file of that name left by an earlier
// run is removed (removeStale), so no report in --out is older than the run.
var renderers = []renderer{
	{"--json", func(c config.Config) string { return c.Reports.JSON },
		func(path string, _ types.Report, r reports.Report) error { return r.WriteJSON(path) }},
	{"--junit", func(c config.Config) string { return c.Reports.JUnit },
		func(path string, gr types.Report, r reports.Report) error {
			return reports.WriteJUnit(gr, r, path)
		}},
	{"--html", func(c config.Config) string { return c.Reports.HTML },
		func(path string, _ types.Report, r reports.Report) error {
			return writeFile(path, r.WriteHTML)
		}},
	{"--markdown", func(c config.Config) string { return c.Reports.Markdown },
		func(path string, _ types.Report, r reports.Report) error {
			return writeFile(path, func(w io.Writer) error { r.WriteMarkdown(w); return nil })
		}},
}

// writeFile creates path and fills it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// removeStale removes the report files an earlier run may have left: each
// configured report path, and the default names in --out. It runs before
// the run starts, after CheckOutputs (but never the --baseline or
// --rerun-failed report the run reads; the run's own report replaces it
// when it has the same path), so that a run that ends without
// writing a report leaves none behind to be mistaken for its own.
func removeStale(c config.Config) error {
	paths := []string{
		filepath.Join(c.Out, config.DefaultJSON), filepath.Join(c.Out, config.DefaultJUnit),
		filepath.Join(c.Out, config.DefaultHTML), filepath.Join(c.Out, config.DefaultMarkdown),
	}
	for _, r := range renderers {
		paths = append(paths, r.path(c))
	}
	for _, p := range paths {
		if p == c.Baseline || p == c.RerunFailed {
			// The earlier report this run reads: the run replaces it.
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--out: cannot remove %s left by an earlier run (%v): remove it, or write another --out", p, pathErr(err))
		}
	}
	return nil
}

// writeReports writes every report file the build can produce and returns
// their paths.
func writeReports(c config.Config, gr types.Report, r reports.Report) ([]string, error) {
	var written []string
	for _, rd := range renderers {
		if rd.write == nil {
			continue
		}
		path := rd.path(c)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return written, fmt.Errorf("%s: cannot create %s (%v)", rd.flag, filepath.Dir(path), pathErr(err))
		}
		if err := rd.write(path, gr, r); err != nil {
			return written, fmt.Errorf("%s: %v", rd.flag, err)
		}
		written = append(written, path)
	}
	return written, nil
}

func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
