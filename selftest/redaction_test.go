package selftest

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/internal/refserver"
)

// TestAuthRedaction runs the suite against the reference server with
// credentials (--auth-user, the password in SMTPSPEC_PASSWORD), so that the
// AUTH specs send the password in PLAIN, LOGIN and CRAM-MD5 exchanges, and
// proves that no file the run wrote and nothing it printed (with --verbose,
// which prints every transcript) holds the password or any base64 encoding
// of it: PLAIN's "\0user\0pass", LOGIN's password line, and every other
// message that carries it, at any alignment.
func TestAuthRedaction(t *testing.T) {
	const user, secret = "carol", "Redaction-Probe-Secret-5f0a91c7"
	srv, err := refserver.Start(refserver.Config{Users: map[string]string{user: secret}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	// The password at each of the three base64 alignments: the middle of
	// the encoding depends only on the password's octets, so any base64
	// message that carries it holds one of these.
	forms := []string{secret}
	for k := 0; k < 3; k++ {
		e := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00", k) + secret))
		forms = append(forms, e[4:len(e)-4])
	}
	forms = append(forms,
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.StdEncoding.EncodeToString([]byte("\x00"+user+"\x00"+secret)))

	out := t.TempDir()
	cmd := exec.Command(binary, "--target", srv.Addr(), "--mailbox", "alice@example.test", "--silence", matrixSilence,
		"--auth-user", user, "--verbose", "--out", out, "--no-color")
	cmd.Env = append(os.Environ(), "SMTPSPEC_PASSWORD="+secret)
	b, err := cmd.CombinedOutput()
	printed := string(b)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 2 && strings.Contains(printed, "auth-user") {
		t.Fatalf("the runner does not take --auth-user yet (the CLI's flags come from the runner's branch); "+
			"this test needs --auth-user USER with the password in SMTPSPEC_PASSWORD:\n%s", printed)
	} else if err != nil && !isExit(err) {
		t.Fatal(err)
	}

	for _, f := range forms {
		if strings.Contains(printed, f) {
			t.Errorf("the run printed the password (as %q)", f)
		}
	}
	files := 0
	err = filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		for _, f := range forms {
			if strings.Contains(string(b), f) {
				t.Errorf("%s holds the password (as %q)", filepath.Base(path), f)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("the run wrote no files in %s:\n%s", out, printed)
	}

	// Not vacuous: the AUTH specs ran with the credentials, and their
	// transcripts show the payloads redacted.
	report, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	inReport := strings.Contains(string(report), "AUTH PLAIN <redacted>") || strings.Contains(string(report), `AUTH PLAIN \u003credacted\u003e`)
	if !strings.Contains(printed, "AUTH PLAIN <redacted>") || !inReport {
		t.Errorf("no redacted AUTH PLAIN in the transcripts: did the AUTH specs run with the credentials?\n%s", truncateOutput(printed))
	}
	for _, id := range []string{"RFC4954-4-success-235", "RFC4616-2-message-format", "RFC2195-2-digest-verification"} {
		if !strings.Contains(string(report), id) {
			t.Errorf("%s is not in the report", id)
		}
	}
}

func isExit(err error) bool {
	_, ok := err.(*exec.ExitError)
	return ok
}

func truncateOutput(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "..."
	}
	return s
}
