package selftest

import (
	"bufio"
	"bytes"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/reports"
)

// A pin file (testbed/expected/<instance>.txt) lists, one a line, every spec
// whose verdict against that real-server instance is not PASS:
//
//	REQUIREMENT-ID VERDICT  # <the RFC sentence's keyword part> — <what the server does>
//
// VERDICT is FAIL, WARN, NOT APPLICABLE or ERROR. A line whose ID is
// "observed:RULE-ID" pins what the reply validator recorded under that rule
// while the specs ran (its worst verdict; see reports.Observation): those
// findings are the run's too, though no spec's verdict. Blank lines and lines
// starting with # are comments. A spec that is not listed must be PASS. A
// verdict that depends on timing (a race the suite cannot settle) may be
// pinned as alternatives, e.g. "WARN|PASS"; the comment must say why.

// pin is one pinned verdict.
type pin struct {
	verdict string // one verdict, or alternatives joined with "|"
	comment string // after the '#', trimmed
	line    int
}

// pinFile is a parsed pin file: its pins, and its lines in order (for
// writing a re-pinned copy that keeps the layout and comments).
type pinFile struct {
	path  string
	pins  map[string]pin
	lines []pinLine
}

// pinLine is one line of a pin file: a pin (id set) or a comment/blank.
type pinLine struct {
	id   string
	text string
}

var pinVerdicts = map[string]bool{"FAIL": true, "WARN": true, "NOT APPLICABLE": true, "ERROR": true}

// parsePins parses a pin file's contents.
func parsePins(path string, data []byte) (pinFile, error) {
	pf := pinFile{path: path, pins: map[string]pin{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			pf.lines = append(pf.lines, pinLine{text: text})
			continue
		}
		body, comment, _ := strings.Cut(trimmed, "#")
		fields := strings.Fields(body)
		if len(fields) < 2 {
			return pf, fmt.Errorf("%s:%d: want REQUIREMENT-ID VERDICT [# comment], got %q", path, n, text)
		}
		id, verdict := fields[0], strings.Join(fields[1:], " ")
		alts := strings.Split(verdict, "|")
		for _, v := range alts {
			if !pinVerdicts[v] && (v != "PASS" || len(alts) == 1) {
				return pf, fmt.Errorf("%s:%d: verdict %q is not FAIL, WARN, NOT APPLICABLE or ERROR, or alternatives such as WARN|PASS (PASS alone is never listed)", path, n, verdict)
			}
		}
		if old, dup := pf.pins[id]; dup {
			return pf, fmt.Errorf("%s:%d: %s is already pinned on line %d", path, n, id, old.line)
		}
		pf.pins[id] = pin{verdict: verdict, comment: strings.TrimSpace(comment), line: n}
		pf.lines = append(pf.lines, pinLine{id: id, text: text})
	}
	return pf, sc.Err()
}

// loadPins reads testbed/expected/<instance>.txt.
func loadPins(root, instance string) (pinFile, error) {
	path := filepath.Join(root, "testbed", "expected", instance+".txt")
	data, err := os.ReadFile(path)
	if err != nil {
		return pinFile{path: path, pins: map[string]pin{}}, err
	}
	return parsePins(path, data)
}

// allows reports whether the pinned verdict (or one of its alternatives) is v.
func (p pin) allows(v string) bool {
	for _, alt := range strings.Split(p.verdict, "|") {
		if alt == v {
			return true
		}
	}
	return false
}

// oneLine squeezes a reason into one line of at most max bytes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

// observedPrefix names an observation in a pin file: "observed:RULE-ID",
// pinned with the worst verdict the run recorded under that rule.
const observedPrefix = "observed:"

// pinnable returns the report's results, then one pseudo-result per rule
// the validator recorded observations under (its worst verdict, and the
// first observation's detail as its reason), so that pin files pin both.
func pinnable(rep reports.Report) []reports.Result {
	out := append([]reports.Result(nil), rep.Results...)
	index := map[string]int{}
	for _, o := range rep.Observations {
		id := observedPrefix + o.Rule
		i, ok := index[id]
		if !ok {
			i = len(out)
			index[id] = i
			out = append(out, reports.Result{ID: id, Verdict: o.Verdict,
				Reason: fmt.Sprintf("%s: %s (sent %s, got %s; seen in %s)", o.Rule, o.Detail, o.Sent, o.Actual, strings.Join(o.Specs, ", "))})
		}
		if o.Verdict == "FAIL" {
			out[i].Verdict = o.Verdict
		}
	}
	return out
}

// pinDiff lists each spec whose verdict differs from its pin (PASS when not
// pinned), with the pin's comment and the run's reason.
func pinDiff(results []reports.Result, pf pinFile) []string {
	var diff []string
	seen := map[string]bool{}
	for _, r := range results {
		seen[r.ID] = true
		got := string(r.Verdict)
		want, comment := pin{verdict: "PASS"}, "not pinned"
		if p, ok := pf.pins[r.ID]; ok {
			want, comment = p, fmt.Sprintf("pinned on line %d: %s", p.line, p.comment)
		}
		if !want.allows(got) {
			reason := oneLine(r.Reason, 600)
			if reason == "" {
				reason = "(no reason given)"
			}
			diff = append(diff, fmt.Sprintf("%s: got %s, want %s (%s)\n\treason: %s", r.ID, got, want.verdict, comment, reason))
		}
	}
	for id, p := range pf.pins {
		if !seen[id] {
			diff = append(diff, fmt.Sprintf("%s: no such spec ran (pinned %s on line %d)", id, p.verdict, p.line))
		}
	}
	sort.Strings(diff)
	return diff
}

// repin returns the pin file that matches results: the existing file's
// lines in order, comments kept; a pin whose verdict still holds is kept as
// it is, one whose verdict changed is rewritten (the spec's reason as its
// comment, the old pin noted), one that now passes or no longer runs is
// dropped (noted in a comment); specs newly not PASS are appended with the
// spec's reason as their comment, for review.
func repin(results []reports.Result, pf pinFile, instance string) []byte {
	got := map[string]reports.Result{}
	for _, r := range results {
		got[r.ID] = r
	}
	var b bytes.Buffer
	done := map[string]bool{}
	for _, l := range pf.lines {
		if l.id == "" {
			fmt.Fprintln(&b, l.text)
			continue
		}
		done[l.id] = true
		p := pf.pins[l.id]
		r, ran := got[l.id]
		switch {
		case !ran:
			fmt.Fprintf(&b, "# REPIN: %s no longer runs (was %s  # %s)\n", l.id, p.verdict, p.comment)
		case p.allows(string(r.Verdict)):
			fmt.Fprintln(&b, l.text)
		case r.Verdict == "PASS":
			fmt.Fprintf(&b, "# REPIN: %s now passes (was %s  # %s)\n", l.id, p.verdict, p.comment)
		default:
			fmt.Fprintf(&b, "%s %s  # %s  (REPIN: was %s)\n", l.id, r.Verdict, pinComment(r), p.verdict)
		}
	}
	var fresh []reports.Result
	for _, r := range results {
		if r.Verdict != "PASS" && !done[r.ID] {
			fresh = append(fresh, r)
		}
	}
	sort.Slice(fresh, func(i, j int) bool { return fresh[i].ID < fresh[j].ID })
	if len(fresh) > 0 {
		if len(pf.lines) == 0 {
			fmt.Fprintf(&b, "# Pinned non-PASS verdicts of smtpspec against the %s test bed.\n", instance)
		}
		fmt.Fprintf(&b, "\n# REPIN: not PASS now, not pinned before (review each):\n")
		for _, r := range fresh {
			fmt.Fprintf(&b, "%s %s  # %s\n", r.ID, r.Verdict, pinComment(r))
		}
	}
	return b.Bytes()
}

// freshPins writes a whole pin file anew from results (SMTPSPEC_REPIN=fresh):
// the existing file's opening comment block, then every non-PASS verdict
// grouped by verdict, each with a comment written by pinComment.
func freshPins(results []reports.Result, pf pinFile) []byte {
	var b bytes.Buffer
	for _, l := range pf.lines {
		if l.id != "" || strings.TrimSpace(l.text) == "" {
			break
		}
		fmt.Fprintln(&b, l.text)
	}
	groups := []struct{ verdict, title string }{
		{"FAIL", "FAIL: a MUST broken"},
		{"ERROR", "ERROR: could not be judged (the server refused or ended the session first, or did not answer in time)"},
		{"WARN", "WARN: a SHOULD missed, or a leniency the RFC tolerates"},
		{"NOT APPLICABLE", "NOT APPLICABLE: a precondition the server does not meet"},
		{"NOT RUN", "NOT RUN"},
	}
	for _, g := range groups {
		var lines []string
		for _, r := range results {
			if string(r.Verdict) == g.verdict && !strings.HasPrefix(r.ID, observedPrefix) {
				lines = append(lines, fmt.Sprintf("%s %s  # %s", r.ID, r.Verdict, pinComment(r)))
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(&b, "\n# %s\n%s\n", g.title, strings.Join(lines, "\n"))
		}
	}
	var obs []string
	for _, r := range results {
		if strings.HasPrefix(r.ID, observedPrefix) {
			obs = append(obs, fmt.Sprintf("%s %s  # %s", r.ID, r.Verdict, oneLine(r.Reason, 300)))
		}
	}
	if len(obs) > 0 {
		fmt.Fprintf(&b, "\n# Observed while the specs ran, under the reply validator's own rules (no spec's verdict)\n%s\n", strings.Join(obs, "\n"))
	}
	return b.Bytes()
}

// pinComment writes a pin's comment from a result: the RFC sentence's
// keyword, section and the start of the quote, then what the server did
// (the spec's own finding: its detail and the reply), or for a verdict
// without a finding, the first line of the reason.
func pinComment(r reports.Result) string {
	var rfc string
	if r.Quote != "" {
		rfc = fmt.Sprintf("%s %s: %q — ", r.Keyword, r.Section, oneLine(r.Quote, 90))
	}
	for _, f := range r.Findings {
		if f.Rule != r.ID {
			continue
		}
		what := f.Detail
		if what == "" {
			what = "expected " + oneLine(f.Expected, 80)
		}
		if f.Actual != "" {
			what += "; got " + oneLine(f.Actual, 120)
		}
		if f.Sent != "" {
			what += " to " + oneLine(f.Sent, 80)
		}
		return rfc + oneLine(what, 260)
	}
	reason := r.Reason
	if i := strings.Index(reason, "could not test "+r.ID+": "); i >= 0 {
		reason = reason[i+len("could not test "+r.ID+": "):]
	}
	return rfc + oneLine(strings.TrimPrefix(reason, "not applicable: "), 260)
}

// TestPinFiles checks the pin-file format, the comparison and the re-pin
// output, and that every file in testbed/expected parses and names an
// instance the tests run.
func TestPinFiles(t *testing.T) {
	pf, err := parsePins("x.txt", []byte("# head\n\nA-1 FAIL  # a — b\nA-2 NOT APPLICABLE  # c\nA-3 WARN|PASS  # racy\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.pins) != 3 || pf.pins["A-2"].verdict != "NOT APPLICABLE" || pf.pins["A-1"].comment != "a — b" {
		t.Fatalf("parsed %+v", pf.pins)
	}
	for _, bad := range []string{"A-1 PASS\n", "A-1\n", "A-1 FAIL\nA-1 WARN\n", "A-1 MAYBE\n"} {
		if _, err := parsePins("x.txt", []byte(bad)); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
	results := []reports.Result{
		{ID: "A-1", Verdict: "FAIL"}, {ID: "A-2", Verdict: "PASS", Reason: "now fine"},
		{ID: "A-3", Verdict: "PASS"}, {ID: "A-4", Verdict: "WARN", Reason: "new\nwarning"},
	}
	diff := pinDiff(results, pf)
	if len(diff) != 2 || !strings.HasPrefix(diff[0], "A-2: got PASS, want NOT APPLICABLE (pinned on line 4: c)") ||
		!strings.HasPrefix(diff[1], "A-4: got WARN, want PASS (not pinned)\n\treason: new warning") {
		t.Errorf("diff = %q", diff)
	}
	want := "# head\n\nA-1 FAIL  # a — b\n# REPIN: A-2 now passes (was NOT APPLICABLE  # c)\nA-3 WARN|PASS  # racy\n" +
		"\n# REPIN: not PASS now, not pinned before (review each):\nA-4 WARN  # new warning\n"
	if got := string(repin(results, pf, "x")); got != want {
		t.Errorf("repin =\n%s\nwant\n%s", got, want)
	}
	names, err := filepath.Glob(filepath.Join(repoRoot(t), "testbed", "expected", "*.txt"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no pin files: %v", err)
	}
	for _, name := range names {
		instance := strings.TrimSuffix(filepath.Base(name), ".txt")
		if _, ok := realServers[instance]; !ok {
			t.Errorf("%s: no real-server test runs instance %q", name, instance)
		}
		if _, err := loadPins(repoRoot(t), instance); err != nil {
			t.Error(err)
		}
	}
}

// The reports of the real-server runs: each pinned-verdict test keeps its
// run's reports (report.json, report.html, report.md, junit.xml) in
// $SMTPSPEC_TESTBED_DIR/reports/<instance>/, named by the instance and the
// server's version, for `make matrix` (scripts/matrix.sh), which puts them
// side by side in docs/servers.md.

// reportsDir is where the real-server runs keep their reports.
func reportsDir() string { return filepath.Join(testbedDir(), "reports") }

// serverVersions tells each instance's server version cheaply, after its
// start script ran (root: the repository root; state: the instance's state
// directory); "" when it cannot tell.
var serverVersions = map[string]func(root, state string) string{
	"postfix":          dpkgVersion("postfix"),
	"postfix-hardened": dpkgVersion("postfix"),
	"exim":             debVersion("exim4-daemon-light"),
	"chasquid":         debVersion("chasquid"),
	"qpsmtpd":          debVersion("qpsmtpd"),
	"inbucket":         goModVersion("testbed/inbucket/go.mod", "github.com/inbucket/inbucket/v3"),
	"gosmtp":           goModVersion("go.mod", "github.com/emersion/go-smtp"),
	"aiosmtpd":         dpkgVersion("python3-aiosmtpd"),
	"dovecot":          dpkgVersion("dovecot-core"),
}

// dpkgVersion: the version of an installed Debian package (the test bed
// installs it with apt-get).
func dpkgVersion(pkg string) func(root, state string) string {
	return func(string, string) string {
		out, err := exec.Command("dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", pkg).Output()
		status, version, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
		if err != nil || status != "installed" {
			return ""
		}
		return version
	}
}

// debVersion: the version of a Debian package the test bed fetched with
// `apt-get download` and unpacked (its .deb is kept in STATE/debs).
func debVersion(pkg string) func(root, state string) string {
	return func(_, state string) string {
		names, _ := filepath.Glob(filepath.Join(state, "debs", pkg+"_*.deb"))
		if len(names) != 1 {
			return ""
		}
		return debFileVersion(filepath.Base(names[0]))
	}
}

// debFileVersion reads the version from a .deb's file name,
// PACKAGE_VERSION_ARCH.deb (apt-get download writes an epoch's colon as
// %3a).
func debFileVersion(name string) string {
	parts := strings.Split(strings.TrimSuffix(name, ".deb"), "_")
	if len(parts) != 3 || !strings.HasSuffix(name, ".deb") {
		return ""
	}
	v, err := url.PathUnescape(parts[1])
	if err != nil {
		return ""
	}
	return v
}

// goModVersion: the version of a Go module the test bed builds, as the
// go.mod file (relative to the repository root) requires it.
func goModVersion(file, module string) func(root, state string) string {
	return func(root, _ string) string {
		data, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			return ""
		}
		return goModRequire(data, module)
	}
}

// goModRequire finds module's version in a go.mod file's require lines.
func goModRequire(data []byte, module string) string {
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == "require" {
			f = f[1:]
		}
		if len(f) >= 2 && f[0] == module && strings.HasPrefix(f[1], "v") {
			return f[1]
		}
	}
	return ""
}

// implementationArgs are the smtpspec arguments that name the server in
// the reports: --implementation-name INSTANCE and, when it can be told,
// --implementation-version VERSION.
func implementationArgs(root string, s realServer) []string {
	args := []string{"--implementation-name", s.instance}
	if f := serverVersions[s.instance]; f != nil {
		if v := f(root, s.stateDir(testbedDir())); v != "" {
			args = append(args, "--implementation-version", v)
		}
	}
	return args
}

// keepReport copies the run's reports to reportsDir()/<instance>/,
// replacing what an earlier run left there (a run that wrote no report
// leaves the directory absent, never an older run's report).
func keepReport(t *testing.T, s realServer, res runResult) {
	t.Helper()
	dest := filepath.Join(reportsDir(), s.instance)
	tmp := dest + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		t.Errorf("keeping the report: %v", err)
		return
	}
	if err := os.RemoveAll(dest); err != nil {
		t.Errorf("keeping the report: %v", err)
		return
	}
	entries, err := os.ReadDir(res.Out)
	if err != nil {
		t.Errorf("keeping the report: %v", err)
		return
	}
	if len(entries) == 0 {
		return
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Errorf("keeping the report: %v", err)
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(res.Out, e.Name()))
		if err == nil {
			err = os.WriteFile(filepath.Join(tmp, e.Name()), data, 0o644)
		}
		if err != nil {
			t.Errorf("keeping the report: %v", err)
			return
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		t.Errorf("keeping the report: %v", err)
	}
}

// TestServerVersions checks how the real-server runs name the servers'
// versions: every instance has a way, and the parsers read what Debian's
// file names and go.mod files hold.
func TestServerVersions(t *testing.T) {
	for name := range realServers {
		if serverVersions[name] == nil {
			t.Errorf("instance %q: no entry in serverVersions", name)
		}
	}
	for name, want := range map[string]string{
		"exim4-daemon-light_4.96-15+deb12u9_amd64.deb":  "4.96-15+deb12u9",
		"dovecot-core_1%3a2.3.19.1+dfsg1-2.1_amd64.deb": "1:2.3.19.1+dfsg1-2.1",
		"qpsmtpd_0.94-5_all.deb":                        "0.94-5",
		"qpsmtpd_0.94-5.deb":                            "",
		"notes.txt":                                     "",
	} {
		if got := debFileVersion(name); got != want {
			t.Errorf("debFileVersion(%q) = %q, want %q", name, got, want)
		}
	}
	mod := []byte("module x\n\nrequire example.org/one v1.2.3\n\nrequire (\n\texample.org/two v0.25.1\n\texample.org/three/v3 v3.2.0 // indirect\n)\n")
	for module, want := range map[string]string{
		"example.org/one": "v1.2.3", "example.org/two": "v0.25.1", "example.org/three/v3": "v3.2.0", "example.org/four": "",
	} {
		if got := goModRequire(mod, module); got != want {
			t.Errorf("goModRequire(%s) = %q, want %q", module, got, want)
		}
	}
	for _, name := range []string{"gosmtp", "inbucket"} {
		if v := serverVersions[name](repoRoot(t), ""); v == "" {
			t.Errorf("%s: no version found in its go.mod", name)
		}
	}
}
