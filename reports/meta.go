package reports

import (
	"flag"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/internal/wire"
)

// Meta is what the runner knows about a run beyond Ginkgo's report. The
// runner fills it in and passes it to BuildReport:
//
//   - Tool: ToolInfo(runner.Version) (the commit comes from the binary's
//     build information, "unknown" without it).
//   - Target, Embedded: the address tested, and whether it is the embedded
//     reference server.
//   - Greeting, Ehlo: the greeting and the EHLO reply of the runner's
//     preflight session (wire.Reply: Ehlo's lines give the capabilities).
//     Without an EHLO reply, BuildReport takes it from the first spec
//     transcript that has one.
//   - Profile ("mx", "submission"), TLSMode ("auto", "starttls",
//     "implicit", "none"), Strict.
//   - Command: the command line that reproduces the run; pass it through
//     CommandLine, which redacts credentials.
//   - Options: every setting in effect, by its flag's long name
//     ("timeout": "30s"); pass it through RedactOptions.
//   - Implementation: --implementation-name, --implementation-version,
//     --organization (all optional).
//   - Started, Finished: the run's bounds; when zero, Ginkgo's report's.
type Meta struct {
	Tool           Tool
	Target         string
	Embedded       bool
	Greeting       wire.Reply
	Ehlo           wire.Reply
	Profile        string
	TLSMode        string
	Strict         bool
	Command        string
	Options        map[string]string
	Implementation Implementation
	Started        time.Time
	Finished       time.Time
}

// Tool identifies the suite that produced a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Commit is the VCS revision the binary was built from ("unknown" when
	// the build did not record it); Modified: the work tree had changes.
	Commit   string `json:"commit"`
	Modified bool   `json:"modified,omitempty"`
}

// Implementation is what the user says the target is.
type Implementation struct {
	Name         string `json:"name,omitempty"`
	Version      string `json:"version,omitempty"`
	Organization string `json:"organization,omitempty"`
}

// IsZero reports whether nothing was said.
func (i Implementation) IsZero() bool { return i == Implementation{} }

// Run says how the suite ran.
type Run struct {
	// Command is the command line that reproduces the run, credentials
	// redacted.
	Command string `json:"command"`
	// Options are the settings in effect, by flag name, credentials
	// redacted.
	Options map[string]string `json:"options,omitempty"`
	Strict  bool              `json:"strict"`
	Profile string            `json:"profile,omitempty"`
	TLSMode string            `json:"tlsMode,omitempty"`
}

// ToolInfo returns the suite's identity: name smtpspec, the given version,
// and the commit from the binary's build information.
func ToolInfo(version string) Tool {
	t := Tool{Name: "smtpspec", Version: version, Commit: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				t.Commit = s.Value
			case "vcs.modified":
				t.Modified = s.Value == "true"
			}
		}
	}
	return t
}

// Redacted replaces a secret wherever the reports would show it.
const Redacted = "<redacted>"

// secretName reports whether a flag or option of this name holds a secret
// (a password or token given as a value; the name of a file holding one is
// not a secret).
func secretName(name string) bool {
	n := strings.ToLower(strings.TrimLeft(name, "-"))
	if strings.HasSuffix(n, "-file") || strings.HasSuffix(n, "file") {
		return false
	}
	for _, w := range []string{"password", "passwd", "secret", "token"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// CommandLine renders args (without the program name) as the command line
// that repeats the run, "smtpspec --target ...", quoting what a shell would
// split and redacting the value of any flag that holds a secret
// (--auth-password x, --auth-password=x).
func CommandLine(args []string) string {
	out := []string{"smtpspec"}
	redactNext := false
	for _, a := range args {
		redacted := false
		switch {
		case redactNext:
			a, redactNext, redacted = Redacted, false, true
		case strings.HasPrefix(a, "-") && strings.Contains(a, "="):
			name, _, _ := strings.Cut(a, "=")
			if secretName(name) {
				a, redacted = name+"="+Redacted, true
			}
		case strings.HasPrefix(a, "-") && secretName(a):
			redactNext = true
		}
		if !redacted && strings.ContainsAny(a, " \t'\"&|!()$`;<>*?") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out = append(out, a)
	}
	return strings.Join(out, " ")
}

// RedactOptions returns a copy of options with every secret's value
// replaced by Redacted.
func RedactOptions(options map[string]string) map[string]string {
	if options == nil {
		return nil
	}
	out := make(map[string]string, len(options))
	for k, v := range options {
		if secretName(k) && v != "" {
			v = Redacted
		}
		out[k] = v
	}
	return out
}

// OptionsFromFlags returns the value of every flag of fs (defaults
// included), by name, secrets redacted, leaving out the flags whose name
// starts with "internal-" (a --parallel run's bookkeeping).
func OptionsFromFlags(fs *flag.FlagSet) map[string]string {
	out := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.HasPrefix(f.Name, "internal-") {
			out[f.Name] = f.Value.String()
		}
	})
	return RedactOptions(out)
}

// capabilities reads an EHLO reply's keyword lines.
func capabilities(lines []string) []Capability {
	if len(lines) < 2 {
		return nil
	}
	var out []Capability
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		out = append(out, Capability{Keyword: strings.ToUpper(f[0]), Params: f[1:]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Keyword < out[j].Keyword })
	return out
}

// ehloFromEvents finds the first EHLO the suite sent in the results'
// transcripts and returns the lines of the 250 reply to it.
func ehloFromEvents(results []Result) []string {
	for _, res := range results {
		for i, e := range res.Events {
			if e.Dir != DirClient || !strings.HasPrefix(strings.ToUpper(e.Data), "EHLO ") {
				continue
			}
			var buf strings.Builder
			for _, f := range res.Events[i+1:] {
				if f.Session != e.Session || f.Dir == DirClient {
					break
				}
				if f.Dir == DirServer {
					buf.WriteString(f.Data)
				}
			}
			if lines, ok := replyLines(buf.String(), "250"); ok {
				return lines
			}
			break
		}
	}
	return nil
}

// replyLines splits a complete multiline reply with the given code into the
// texts of its lines.
func replyLines(s, code string) ([]string, bool) {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSuffix(l, "\r")
		if len(l) < 3 || l[:3] != code {
			return nil, false
		}
		text := ""
		if len(l) > 4 {
			text = l[4:]
		}
		out = append(out, text)
		if len(l) == 3 || l[3] == ' ' {
			return out, true
		}
	}
	return nil, false
}
