package selftest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// testUser is the AUTH user every test bed creates (testbed/lib.sh
// TEST_USER); its password is random, in the instance's state directory.
const testUser = "smtpspec@example.test"

// realServer is a real SMTP server instance, started on loopback by the
// project's own test-bed script (testbed/NAME/start.sh).
type realServer struct {
	instance string   // the pin file is testbed/expected/<instance>.txt
	start    string   // script, relative to the repository root
	stop     string   // script, relative to the repository root
	portEnv  string   // environment variable that overrides the port
	port     string   // default port; each instance has its own, so they run side by side
	env      []string // extra environment of the start and stop scripts
	args     []string // extra smtpspec arguments
	// noMailbox: run without --mailbox (the server takes no mail from the
	// suite without AUTH, so the preflight would stop a run with one).
	noMailbox bool

	// STARTTLS and AUTH as the test bed configures them (testbed/README.md;
	// TestRealServerTLSAuth checks them).
	tls          bool     // STARTTLS offered, with a self-signed certificate in STATE/tls/cert.pem
	tlsName      string   // the certificate's subject CN and DNS name (the server's host name)
	auth         bool     // AUTH offered, and authUser's password accepted
	authUser     string   // the AUTH user
	passwordFile string   // the file holding authUser's password, relative to the state directory
	authPlain    bool     // AUTH is also offered before STARTTLS (false: only under TLS)
	authMechs    []string // the mechanisms EHLO lists after STARTTLS
	// anyPassword: the server accepts any credentials (inbucket, a test
	// server), so a wrong password is not refused.
	anyPassword bool
}

// stateDir is the instance's state directory (dir: the test beds'
// directory, testbedDir()).
func (rs realServer) stateDir(dir string) string { return filepath.Join(dir, rs.instance) }

// passwordPath is the file holding the AUTH user's password.
func (rs realServer) passwordPath(dir string) string {
	return filepath.Join(rs.stateDir(dir), rs.passwordFile)
}

// certPath is the instance's self-signed certificate (PEM).
func (rs realServer) certPath(dir string) string {
	return filepath.Join(rs.stateDir(dir), "tls", "cert.pem")
}

// authArgs are the smtpspec arguments that give a run the instance's
// credentials (dir: the test beds' directory, testbedDir()): --auth-user
// USER --auth-password-file FILE, the file its start script wrote.
func (rs realServer) authArgs(dir string) []string {
	if !rs.auth {
		return nil
	}
	return []string{"--auth-user", rs.authUser, "--auth-password-file", rs.passwordPath(dir)}
}

// realServers are the real-server instances the tests run the suite
// against; testbed/README.md describes each.
var realServers = map[string]realServer{
	"postfix": {instance: "postfix", start: "testbed/postfix/start.sh", stop: "testbed/postfix/stop.sh",
		portEnv: "SMTPSPEC_POSTFIX_PORT", port: "2525",
		env: []string{"SMTPSPEC_POSTFIX_INSTANCE=postfix", "SMTPSPEC_POSTFIX_MAIN_CF_EXTRA="},
		tls: true, tlsName: "mail.example.test", auth: true, authUser: testUser, passwordFile: "password",
		authPlain: true, authMechs: []string{"PLAIN", "LOGIN", "CRAM-MD5"}},
	// A second Postfix with smtpd_forbid_bare_newline = yes, the fix for
	// CVE-2023-51764: the end-of-data specs that fail on the stock
	// configuration pass here, which shows they judge the behaviour, not
	// the server.
	"postfix-hardened": {instance: "postfix-hardened", start: "testbed/postfix/start.sh", stop: "testbed/postfix/stop.sh",
		portEnv: "SMTPSPEC_POSTFIX_HARDENED_PORT", port: "2526",
		env: []string{"SMTPSPEC_POSTFIX_INSTANCE=postfix-hardened", "SMTPSPEC_POSTFIX_MAIN_CF_EXTRA=smtpd_forbid_bare_newline = yes"},
		tls: true, tlsName: "mail.example.test", auth: true, authUser: testUser, passwordFile: "password",
		authPlain: true, authMechs: []string{"PLAIN", "LOGIN", "CRAM-MD5"}},
	"chasquid": {instance: "chasquid", start: "testbed/chasquid/start.sh", stop: "testbed/chasquid/stop.sh",
		portEnv: "SMTPSPEC_CHASQUID_PORT", port: "2527",
		tls: true, tlsName: "mail.example.test", auth: true, authUser: testUser, passwordFile: "password",
		authMechs: []string{"PLAIN"}},
	"qpsmtpd": {instance: "qpsmtpd", start: "testbed/qpsmtpd/start.sh", stop: "testbed/qpsmtpd/stop.sh",
		portEnv: "SMTPSPEC_QPSMTPD_PORT", port: "2528",
		tls: true, tlsName: "mail.example.test", auth: true, authUser: testUser, passwordFile: "password",
		authPlain: true, authMechs: []string{"PLAIN", "LOGIN", "CRAM-MD5"}},
	"inbucket": {instance: "inbucket", start: "testbed/inbucket/start.sh", stop: "testbed/inbucket/stop.sh",
		portEnv: "SMTPSPEC_INBUCKET_PORT", port: "2529",
		tls: true, tlsName: "mail.example.test", auth: true, authUser: testUser, passwordFile: "password",
		authPlain: true, authMechs: []string{"PLAIN", "LOGIN"}, anyPassword: true},
	"gosmtp": {instance: "gosmtp", start: "testbed/gosmtp/start.sh", stop: "testbed/gosmtp/stop.sh",
		portEnv: "SMTPSPEC_GOSMTP_PORT", port: "2530",
		tls: true, tlsName: "mail.example.test", auth: true, authUser: testUser, passwordFile: "password",
		authMechs: []string{"PLAIN"}},
	"aiosmtpd": {instance: "aiosmtpd", start: "testbed/aiosmtpd/start.sh", stop: "testbed/aiosmtpd/stop.sh",
		portEnv: "SMTPSPEC_AIOSMTPD_PORT", port: "2531",
		tls: true, tlsName: "aiosmtpd.example.test", auth: true, authUser: testUser, passwordFile: "password",
		authMechs: []string{"PLAIN", "LOGIN"}},
	// Dovecot's submission server requires AUTH (RFC 6409 §4.3): the suite
	// runs it with --profile submission and the test bed's credentials, so
	// the transactions authenticate first and no spec is judged by MX
	// expectations (a 530 before AUTH is what the profile expects).
	"dovecot": {instance: "dovecot", start: "testbed/dovecot/start.sh", stop: "testbed/dovecot/stop.sh",
		portEnv: "SMTPSPEC_DOVECOT_PORT", port: "2533", args: []string{"--profile", "submission"},
		tls: true, tlsName: "mail.example.test", auth: true, authUser: testUser, passwordFile: "password",
		authPlain: true, authMechs: []string{"PLAIN", "LOGIN"}},
	"exim": {instance: "exim", start: "testbed/exim/start.sh", stop: "testbed/exim/stop.sh",
		portEnv: "SMTPSPEC_EXIM_PORT", port: "2532",
		tls: true, tlsName: "mail.example.test", auth: true, authUser: testUser, passwordFile: "password",
		authPlain: true, authMechs: []string{"PLAIN", "LOGIN", "CRAM-MD5"}},
}

// Each test runs one instance; they run side by side (t.Parallel, distinct
// ports). `go test -parallel N` bounds how many at once (default GOMAXPROCS;
// scripts/test.sh raises it: the runs mostly wait on the network).

func TestPostfix(t *testing.T)         { testRealServer(t, realServers["postfix"]) }
func TestPostfixHardened(t *testing.T) { testRealServer(t, realServers["postfix-hardened"]) }
func TestChasquid(t *testing.T)        { testRealServer(t, realServers["chasquid"]) }
func TestQpsmtpd(t *testing.T)         { testRealServer(t, realServers["qpsmtpd"]) }
func TestInbucket(t *testing.T)        { testRealServer(t, realServers["inbucket"]) }
func TestGoSMTP(t *testing.T)          { testRealServer(t, realServers["gosmtp"]) }
func TestAiosmtpd(t *testing.T)        { testRealServer(t, realServers["aiosmtpd"]) }
func TestExim(t *testing.T)            { testRealServer(t, realServers["exim"]) }
func TestDovecot(t *testing.T)         { testRealServer(t, realServers["dovecot"]) }

// repoRoot is the repository root (this file's parent directory's parent).
func repoRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// testbedDir is where the test beds keep their state (as the scripts do).
func testbedDir() string {
	return envOr("SMTPSPEC_TESTBED_DIR", "/tmp/smtpspec-testbed")
}

// testRealServer starts the instance, runs the whole suite against it, and
// compares the verdicts with testbed/expected/<instance>.txt exactly; with
// SMTPSPEC_REPIN=1 it writes what it saw to
// $SMTPSPEC_TESTBED_DIR/repin/<instance>.txt instead of failing.
func testRealServer(t *testing.T, s realServer) {
	if testing.Short() {
		note(t, "%s real-server test NOT RUN: -short", s.instance)
		t.SkipNow()
	}
	t.Parallel()
	root := repoRoot(t)
	pins, err := loadPins(root, s.instance)
	if err != nil {
		t.Fatalf("pin file: %v", err)
	}
	began := time.Now()
	port := envOr(s.portEnv, s.port)
	addr := startRealServer(t, s, port)
	started := time.Since(began)
	args := []string{"--target", addr}
	if !s.noMailbox {
		args = append(args, "--mailbox", "alice@example.test")
	}
	args = append(args, s.authArgs(testbedDir())...)
	args = append(args, implementationArgs(root, s)...)
	res := runSuite(t, append(args, s.args...)...)
	keepReport(t, s, res)
	if len(res.Report.Results) == 0 {
		t.Fatalf("no results against %s; exit %d\n%s\n%s", s.instance, res.Code, res.Stdout, res.Stderr)
	}
	sum := res.Report.Summary
	note(t, "%s real-server test ran against %s in %s (start %s, suite %s): %d specs: %d PASS, %d FAIL, %d WARN, %d NOT APPLICABLE, %d ERROR (exit %d)",
		s.instance, addr, time.Since(began).Round(time.Second), started.Round(100*time.Millisecond), res.Elapsed.Round(time.Second),
		sum.Total, sum.Pass, sum.Fail, sum.Warn, sum.NotApplicable, sum.Error, res.Code)
	results := pinnable(res.Report)
	diff := pinDiff(results, pins)
	if mode := os.Getenv("SMTPSPEC_REPIN"); mode == "1" || mode == "fresh" {
		dir := filepath.Join(testbedDir(), "repin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, s.instance+".txt")
		out := repin(results, pins, s.instance)
		if mode == "fresh" {
			out = freshPins(results, pins)
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		note(t, "%s: SMTPSPEC_REPIN=1: %d difference(s) from %s; wrote %s (review, then copy it over the pin file)",
			s.instance, len(diff), pins.path, path)
		return
	}
	for _, d := range diff {
		t.Error(d)
	}
	if len(diff) > 0 {
		t.Logf("%d difference(s) from %s; to re-pin: SMTPSPEC_REPIN=1 go test -run '%s' ./selftest/, review %s/repin/%s.txt, copy it over the pin file",
			len(diff), pins.path, t.Name(), testbedDir(), s.instance)
	}
}

// instanceUsers counts, per instance, the tests using it: the first starts
// the test bed, the last stops it (TestRealServerTLSAuth's subtests and the
// pinned-verdict tests share the instances; the per-instance lock keeps a
// start and a stop from interleaving).
var instanceUsers = struct {
	sync.Mutex
	m map[string]*instanceUse
}{m: map[string]*instanceUse{}}

type instanceUse struct {
	sync.Mutex
	n int
}

func useOf(instance string) *instanceUse {
	instanceUsers.Lock()
	defer instanceUsers.Unlock()
	u := instanceUsers.m[instance]
	if u == nil {
		u = &instanceUse{}
		instanceUsers.m[instance] = u
	}
	return u
}

// startRealServer runs the test bed's start script unless another test of
// this process has the instance running already, and stops it when the last
// test using it ends. Exit status 2 means the server cannot be run on this
// machine (no root, no apt-get): the test says so and is skipped. Any other
// failure fails the test.
func startRealServer(t *testing.T, s realServer, port string) string {
	t.Helper()
	root := repoRoot(t)
	env := append(os.Environ(), s.env...)
	u := useOf(s.instance)
	func() {
		u.Lock()
		defer u.Unlock()
		if u.n > 0 {
			u.n++
			return
		}
		cmd := exec.Command(filepath.Join(root, s.start), port)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 2 {
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			note(t, "%s real-server test NOT RUN: %s", s.instance, lines[len(lines)-1])
			t.SkipNow()
		}
		if err != nil {
			t.Fatalf("starting %s with %s: %v\n%s", s.instance, s.start, err, out.String())
		}
		u.n++
	}()
	t.Cleanup(func() {
		u.Lock()
		defer u.Unlock()
		if u.n--; u.n > 0 {
			return
		}
		stop := exec.Command(filepath.Join(root, s.stop))
		stop.Env = env
		if b, err := stop.CombinedOutput(); err != nil {
			t.Errorf("stopping %s: %v\n%s", s.instance, err, b)
		}
	})
	return "127.0.0.1:" + port
}

// note logs a line and appends it to $SMTPSPEC_NOTES_FILE, which
// `make test` prints at the end (go test hides the logs of passing and
// skipped tests).
func note(t *testing.T, format string, args ...any) {
	t.Helper()
	line := fmt.Sprintf(format, args...)
	t.Log(line)
	if path := os.Getenv("SMTPSPEC_NOTES_FILE"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Errorf("writing %s: %v", path, err)
			return
		}
		defer f.Close()
		fmt.Fprintln(f, line)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
