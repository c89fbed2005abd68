package selftest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smtpspec/smtpspec/reports"
)

// The command line never misleads: each test here fails if one of the
// misleading behaviours of issue 7 comes back.

// cliRun is one run of the binary, with its own environment and arguments
// (no --out added).
type cliRun struct {
	Code    int
	Stdout  string
	Stderr  string
	Elapsed time.Duration
}

// runCLI runs the binary with args, in dir (the test's temp dir when ""),
// with env added to a clean environment (no SMTPSPEC_PASSWORD leaks in).
func runCLI(t *testing.T, dir string, env []string, args ...string) cliRun {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := cliRun{Stdout: stdout.String(), Stderr: stderr.String(), Elapsed: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running smtpspec %q: %v", args, err)
	}
	return res
}

// countingServer is an SMTP-ish listener that counts the connections it
// accepts: a usage error must be found before any.
func countingServer(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	addr := fakeServer(t, func(c net.Conn) {
		n.Add(1)
		c.Write([]byte("220 counting.example ESMTP\r\n"))
		time.Sleep(100 * time.Millisecond)
	})
	return addr, &n
}

// TestUsageErrorsOneLine: every usage error is found before any connection,
// exits 2, and prints one line on stderr that names the flag and says what
// to write instead: no panic, no stack trace, no usage dump, no colour.
func TestUsageErrorsOneLine(t *testing.T) {
	target, conns := countingServer(t)
	dir := t.TempDir()
	notReport := filepath.Join(dir, "not-a-report.json")
	if err := os.WriteFile(notReport, []byte(`{"hello": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	badKey := filepath.Join(dir, "bad-key.yaml")
	if err := os.WriteFile(badKey, []byte("target: "+target+"\nmailbx: a@b.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badDuration := filepath.Join(dir, "bad-duration.yaml")
	if err := os.WriteFile(badDuration, []byte("timeout: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "a-file") // --out under a file cannot be created, even by root
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want []string // substrings of the one line
	}{
		{[]string{"--bogus"}, []string{"unknown flag --bogus", "--help"}},
		{[]string{"--targt", target}, []string{"unknown flag --targt", "did you mean --target"}},
		{[]string{"--timeout", "5"}, []string{"--timeout", "write --timeout 5s"}},
		{[]string{"--timeout", "soon"}, []string{"--timeout", "write e.g. --timeout 30s"}},
		{[]string{"--target", "host:99999"}, []string{"--target", "out of range", "host:25"}},
		{[]string{"--target", "host:abc"}, []string{"--target", "not a number", "host:25"}},
		{[]string{"--target", "no-port-here"}, []string{"--target", "host:port"}},
		{[]string{"--focus", "(", "--target", target}, []string{"--focus", "not a regular expression"}},
		{[]string{"--skip", "a[", "--target", target}, []string{"--skip", "not a regular expression"}},
		{[]string{"--label-filter", "MUST &&", "--target", target}, []string{"--label-filter", "write e.g."}},
		{[]string{"--out", filepath.Join(aFile, "out"), "--target", target}, []string{"--out", "cannot write reports"}},
		{[]string{"--junit", filepath.Join(aFile, "junit.xml"), "--target", target}, []string{"--junit", "cannot write reports"}},
		{[]string{"--json", dir, "--target", target}, []string{"--json", "is a directory"}},
		{[]string{"--auth-password", "hunter2", "--target", target}, []string{"--auth-password", "SMTPSPEC_PASSWORD", "--auth-password-file"}},
		{[]string{"--auth-password=hunter2", "--target", target}, []string{"--auth-password", "--auth-password-file"}},
		{[]string{"--auth-user", "bob", "--target", target}, []string{"--auth-user", "SMTPSPEC_PASSWORD"}},
		{[]string{"--auth-user", "bob", "--auth-password-file", filepath.Join(dir, "missing"), "--target", target}, []string{"--auth-password-file", "cannot read"}},
		{[]string{"--tls", "ssl", "--target", target}, []string{"--tls", "auto, starttls, implicit or none"}},
		{[]string{"--profile", "relay", "--target", target}, []string{"--profile", "mx", "submission"}},
		{[]string{"--parallel", "many", "--target", target}, []string{"--parallel", "write e.g. --parallel 4"}},
		{[]string{"--strict=maybe", "--target", target}, []string{"--strict", "switch"}},
		{[]string{"--target"}, []string{"--target needs a value"}},
		{[]string{"--reference-fault", "no-such-fault"}, []string{"--reference-fault", "no-such-fault", "--list-faults"}},
		{[]string{"--config", filepath.Join(dir, "missing.yaml")}, []string{"--config", "cannot read"}},
		{[]string{"--config", badKey}, []string{"--config", "mailbx", "not a setting"}},
		{[]string{"--config", badDuration}, []string{"--config", "line 1", "--timeout 5s"}},
		{[]string{"--baseline", notReport, "--target", target}, []string{"--baseline", "not an smtpspec report.json"}},
		{[]string{"--rerun-failed", filepath.Join(dir, "missing.json"), "--target", target}, []string{"--rerun-failed", "cannot read"}},
		{[]string{"stray-argument"}, []string{"stray-argument"}},
		// Filters that select nothing would report "0 specs: pass".
		{[]string{"--label-filter", "no-such-label", "--target", target}, []string{"no spec is selected", "--label-filter", "--dry-run"}},
		{[]string{"--focus", "no spec says this", "--target", target}, []string{"no spec is selected", "--focus"}},
	}
	for _, tc := range cases {
		res := runCLI(t, "", nil, tc.args...)
		lines := strings.Split(strings.TrimRight(res.Stderr, "\n"), "\n")
		switch {
		case res.Code != 2:
			t.Errorf("smtpspec %q: exit %d, want 2\nstderr: %s", tc.args, res.Code, res.Stderr)
		case len(lines) != 1:
			t.Errorf("smtpspec %q: %d lines on stderr, want 1:\n%s", tc.args, len(lines), res.Stderr)
		case strings.Contains(res.Stderr, "\x1b["), strings.Contains(res.Stderr, "panic"), strings.Contains(res.Stderr, "goroutine"):
			t.Errorf("smtpspec %q: colour codes or a panic on stderr:\n%q", tc.args, res.Stderr)
		case res.Stdout != "":
			t.Errorf("smtpspec %q: printed on stdout:\n%s", tc.args, res.Stdout)
		case strings.Contains(res.Stderr, "hunter2"):
			t.Errorf("smtpspec %q: the refused password is echoed: %s", tc.args, res.Stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(res.Stderr, w) {
				t.Errorf("smtpspec %q: the message should say %q, got: %s", tc.args, w, res.Stderr)
			}
		}
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("usage errors were found after %d connections to the target, want none", n)
	}
}

// TestHelp: --help and -h print the usage on stdout, flags written as they
// are typed (--target), and exit 0.
func TestHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "-help"} {
		res := runCLI(t, "", nil, arg)
		if res.Code != 0 || res.Stderr != "" {
			t.Errorf("smtpspec %s: exit %d, stderr %q; want 0 and nothing on stderr", arg, res.Code, res.Stderr)
		}
		for _, f := range []string{"--target host:port", "--tls auto|starttls|implicit|none", "--auth-user USER", "--auth-password-file FILE",
			"--profile mx|submission", "--config FILE", "--print-config", "--json PATH", "--rerun-failed FILE", "Exit codes:"} {
			if !strings.Contains(res.Stdout, f) {
				t.Errorf("smtpspec %s does not show %q", arg, f)
			}
		}
		if m := regexp.MustCompile(`(?m)^\s+-[a-z]`).FindString(res.Stdout); m != "" {
			t.Errorf("smtpspec %s shows a flag with one dash: %q", arg, m)
		}
		if strings.Contains(res.Stdout, "internal-") {
			t.Errorf("smtpspec %s shows the hidden internal flags", arg)
		}
	}
}

// TestVersion: --version prints the version and the commit ("unknown" when
// the build recorded none), and the commit stamped at link time.
func TestVersion(t *testing.T) {
	res := runCLI(t, "", nil, "--version")
	if res.Code != 0 || !regexp.MustCompile(`^smtpspec \S+ \(commit (unknown|[0-9a-f]{40}(, modified)?)\)\n$`).MatchString(res.Stdout) {
		t.Errorf("--version: exit %d, %q", res.Code, res.Stdout)
	}
	stamped := filepath.Join(t.TempDir(), "smtpspec")
	build := exec.Command("go", "build", "-ldflags", "-X github.com/smtpspec/smtpspec/internal/version.commit=0123456789abcdef0123456789abcdef01234567 -X github.com/smtpspec/smtpspec/internal/version.modified=true",
		"-o", stamped, "github.com/smtpspec/smtpspec/cmd/smtpspec")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(stamped, "--version").Output()
	if err != nil || !strings.Contains(string(out), "(commit 0123456789abcdef0123456789abcdef01234567, modified)") {
		t.Errorf("--version of a stamped build: %v %q", err, out)
	}
}

// TestListFaultsExplainsColumns: --list-faults says what its columns are.
func TestListFaultsExplainsColumns(t *testing.T) {
	res := runCLI(t, "", nil, "--list-faults")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	if !regexp.MustCompile(`(?m)^FAULT\s+MODE\s+WHAT THE SERVER DOES WRONG$`).MatchString(res.Stdout) ||
		!strings.Contains(res.Stdout, "MODE: how the server greets") || !strings.Contains(res.Stdout, "--reference-fault") {
		t.Errorf("--list-faults has no header explaining its columns:\n%s", head(res.Stdout, 6))
	}
}

func head(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestPrintConfig: --print-config prints the effective settings as a config
// file, with the password <redacted>; --config reads it back to the same
// settings; flags on the command line override the file.
func TestPrintConfig(t *testing.T) {
	const secret = "s3cret-Pa55"
	env := []string{"SMTPSPEC_PASSWORD=" + secret}
	dir := t.TempDir()
	res := runCLI(t, dir, env, "--target", "127.0.0.1:2525", "--auth-user", "bob", "--focus", "RCPT", "--focus", "MAIL",
		"--profile", "submission", "--tls", "starttls", "--implementation-name", "Postfix", "--print-config")
	if res.Code != 0 {
		t.Fatalf("--print-config: exit %d: %s", res.Code, res.Stderr)
	}
	for _, want := range []string{"target: 127.0.0.1:2525", "auth-user: bob # password: <redacted> (from $SMTPSPEC_PASSWORD)",
		"focus: [RCPT, MAIL]", "profile: submission", "tls: starttls", "implementation-name: Postfix", "timeout: 30s"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("--print-config does not show %q:\n%s", want, res.Stdout)
		}
	}
	if strings.Contains(res.Stdout, secret) {
		t.Fatalf("--print-config prints the password")
	}
	file := filepath.Join(dir, "smtpspec.yaml")
	if err := os.WriteFile(file, []byte(res.Stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	again := runCLI(t, dir, env, "--config", file, "--print-config")
	if again.Code != 0 || again.Stdout != res.Stdout {
		t.Errorf("--config of --print-config's output gives other settings (exit %d, %s):\n%s\nwant\n%s", again.Code, again.Stderr, again.Stdout, res.Stdout)
	}
	over := runCLI(t, dir, env, "--config", file, "--target", "127.0.0.1:2626", "--focus", "DATA", "--print-config")
	if !strings.Contains(over.Stdout, "target: 127.0.0.1:2626") || !strings.Contains(over.Stdout, "focus: [DATA]") {
		t.Errorf("the command line does not override the config file:\n%s", over.Stdout)
	}
	noPassword := runCLI(t, dir, nil, "--config", file, "--print-config")
	if noPassword.Code != 2 || !strings.Contains(noPassword.Stderr, "SMTPSPEC_PASSWORD") {
		t.Errorf("--auth-user from a config file without a password: exit %d, %q; want 2 naming SMTPSPEC_PASSWORD", noPassword.Code, noPassword.Stderr)
	}
}

// TestUntestableRunWritesReports: a run that cannot test its target (exit
// 3 before any spec) writes its reports, which say why, and leaves none of
// an earlier run's files in --out.
func TestUntestableRunWritesReports(t *testing.T) {
	out := t.TempDir()
	stale := staleReports(t, out)
	// No --no-color: stdout is not a terminal, so no colour either.
	res := runCLI(t, "", nil, "--target", closedPort(t), "--connect-timeout", "1s", "--out", out)
	if res.Code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	if strings.Contains(res.Stdout+res.Stderr, "\x1b[") {
		t.Errorf("colour codes when stdout is not a terminal:\n%q", res.Stdout+res.Stderr)
	}
	if lines := strings.Split(strings.TrimSpace(res.Stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "cannot test") {
		t.Errorf("stderr should be one line saying the target cannot be tested:\n%s", res.Stderr)
	}
	rep := readReport(t, filepath.Join(out, "report.json"))
	if rep.Summary.Outcome != "incomplete" || !strings.Contains(rep.StopReason, "connection refused") || rep.Summary.NotRun == 0 {
		t.Errorf("report.json does not say why nothing was tested: outcome %q, stop reason %q, %+v", rep.Summary.Outcome, rep.StopReason, rep.Summary)
	}
	checkFresh(t, out, stale)
}

// TestStaleReportsReplaced: a run replaces or removes every report an
// earlier run left in --out, including the files this run writes elsewhere
// (--json, --junit).
func TestStaleReportsReplaced(t *testing.T) {
	const id = "RFC5321-3.3-rcpt-before-mail"
	out, elsewhere := t.TempDir(), t.TempDir()
	stale := staleReports(t, out)
	json, junit := filepath.Join(elsewhere, "r.json"), filepath.Join(elsewhere, "j.xml")
	res := runCLI(t, "", nil, "--label-filter", id, "--out", out, "--json", json, "--junit", junit, "--no-color")
	if res.Code != 0 {
		t.Fatalf("exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	if rep := readReport(t, json); len(rep.Results) != 1 || rep.Results[0].ID != id {
		t.Errorf("--json %s does not hold the run's report: %+v", json, rep.Results)
	}
	if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), id) {
		t.Errorf("--junit %s not written: %v", junit, err)
	}
	checkFresh(t, out, stale)
	if !strings.Contains(res.Stdout, "reports: "+json+", "+junit) {
		t.Errorf("the console does not say where the reports went:\n%s", res.Stdout)
	}
}

// staleReports fills dir with the files of an "earlier run".
func staleReports(t *testing.T, dir string) map[string]string {
	t.Helper()
	stale := map[string]string{
		"report.json": `{"schema":"smtpspec.report/v2","summary":{"outcome":"pass"},"results":[]}`,
		"junit.xml":   `<testsuites tests="1" failures="0"></testsuites>`,
		"report.html": "<html>stale: pass</html>",
		"report.md":   "stale: pass",
	}
	for name, body := range stale {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return stale
}

// checkFresh fails if a file of the earlier run is still there unchanged.
func checkFresh(t *testing.T, dir string, stale map[string]string) {
	t.Helper()
	for name, body := range stale {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil && string(b) == body {
			t.Errorf("%s of an earlier run is left in --out", name)
		}
	}
}

func readReport(t *testing.T, path string) reports.Report {
	t.Helper()
	var rep reports.Report
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no report: %v", err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("%s does not parse: %v", path, err)
	}
	return rep
}

// TestRerunFailed: --rerun-failed runs only what failed or errored in an
// earlier report; with nothing to rerun it says so, runs nothing, exit 0.
func TestRerunFailed(t *testing.T) {
	const broken, fine = "RFC5321-3.3-rcpt-before-mail", "RFC5321-4.1.1.9-noop-arg-ignored"
	dir := t.TempDir()
	first := runCLI(t, dir, nil, "--reference-fault", broken, "--label-filter", broken+" || "+fine, "--out", "first", "--no-color")
	if first.Code != 1 {
		t.Fatalf("first run: exit %d, want 1\n%s%s", first.Code, first.Stdout, first.Stderr)
	}
	again := runCLI(t, dir, nil, "--reference-fault", broken, "--rerun-failed", "first/report.json", "--out", "first", "--no-color")
	rep := readReport(t, filepath.Join(dir, "first", "report.json"))
	if again.Code != 1 || len(rep.Results) != 1 || rep.Results[0].ID != broken || rep.Results[0].Verdict != "FAIL" {
		t.Errorf("--rerun-failed: exit %d, results %+v; want 1 and only %s FAIL\n%s%s", again.Code, rep.Results, broken, again.Stdout, again.Stderr)
	}
	clean := runCLI(t, dir, nil, "--label-filter", fine, "--out", "clean", "--no-color")
	if clean.Code != 0 {
		t.Fatalf("clean run: exit %d", clean.Code)
	}
	none := runCLI(t, dir, nil, "--rerun-failed", "clean/report.json", "--out", "clean", "--no-color")
	if none.Code != 0 || !strings.Contains(none.Stdout, "nothing to run") {
		t.Errorf("--rerun-failed of a clean report: exit %d, %q; want 0 and 'nothing to run'", none.Code, none.Stdout)
	}
}

// TestDryRunAppliesFilters: --dry-run lists what the filters select.
func TestDryRunAppliesFilters(t *testing.T) {
	res := runCLI(t, "", nil, "--dry-run", "--label-filter", "MUST", "--focus", "RCPT", "--skip", "(?i)postmaster")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if len(lines) < 2 {
		t.Fatalf("the listing is empty:\n%s", res.Stdout)
	}
	for _, l := range lines[:len(lines)-1] {
		f := strings.Fields(l)
		if len(f) < 2 || f[1] != "MUST" || !strings.Contains(l, "RCPT") || strings.Contains(strings.ToLower(l), "postmaster") {
			t.Errorf("the dry run lists a spec its filters leave out: %s", l)
		}
	}
}

// TestMakeRunPassesExitCode: `make run` runs the binary as its recipe, so
// a failing run fails make, with smtpspec's code in make's "Error N" line
// (GNU make exits 2 for any failed recipe); a clean run leaves make at 0.
func TestMakeRunPassesExitCode(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make is needed to check `make run`: %v", err)
	}
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(self))
	rel, err := filepath.Rel(root, binary)
	if err != nil {
		t.Fatal(err)
	}
	const id = "RFC5321-3.3-rcpt-before-mail"
	out := t.TempDir()
	makeRun := func(args string) (int, string) {
		// -o build: use the binary built for the tests, do not rebuild.
		cmd := exec.Command("make", "-s", "-o", "build", "run", "BIN="+rel, "OUT="+out, "ARGS="+args)
		cmd.Dir = root
		b, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(b)
		}
		return 0, string(b)
	}
	if code, outp := makeRun("--reference-fault " + id + " --label-filter " + id); code == 0 || !strings.Contains(outp, "Error 1") {
		t.Errorf("make run with a fault: exit %d; want make to fail with smtpspec's Error 1\n%s", code, outp)
	}
	if code, outp := makeRun("--label-filter " + id); code != 0 {
		t.Errorf("make run, clean: exit %d, want 0\n%s", code, outp)
	}
}

// TestPasswordNeverPrinted: the password given through SMTPSPEC_PASSWORD or
// --auth-password-file appears in no report file and nothing printed, nor
// in its base64 forms (AUTH PLAIN's and LOGIN's).
func TestPasswordNeverPrinted(t *testing.T) {
	const id, user, secret = "RFC5321-3.3-rcpt-before-mail", "bob", "Pa55-w0rd-6c1e"
	forms := []string{secret,
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + secret)),
		base64.StdEncoding.EncodeToString([]byte(user + "\x00" + user + "\x00" + secret))}
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runs := []cliRun{
		runCLI(t, dir, []string{"SMTPSPEC_PASSWORD=" + secret}, "--auth-user", user, "--label-filter", id, "--out", "env", "--verbose"),
		runCLI(t, dir, nil, "--auth-user", user, "--auth-password-file", pwFile, "--label-filter", id, "--out", "file", "--parallel", "2", "--verbose"),
		runCLI(t, dir, []string{"SMTPSPEC_PASSWORD=" + secret}, "--auth-user", user, "--print-config"),
	}
	for i, res := range runs {
		if res.Code != 0 {
			t.Errorf("run %d: exit %d\n%s%s", i, res.Code, res.Stdout, res.Stderr)
		}
		for _, f := range forms {
			if strings.Contains(res.Stdout+res.Stderr, f) {
				t.Errorf("run %d printed the password (as %q)", i, f)
			}
		}
	}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == pwFile {
			return err
		}
		b, err := os.ReadFile(path)
		for _, f := range forms {
			if strings.Contains(string(b), f) {
				t.Errorf("%s holds the password (as %q)", path, f)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
