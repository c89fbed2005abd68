package runner

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/config"
)

func noEnv(string) string { return "" }

// TestChildArgs: a child gets one config file holding the parent's
// effective settings, without the parent's run-level ones, with the
// parent's target and the embedded defaults; it parses back to the same
// settings. The password is not in the file but in the child's environment.
func TestChildArgs(t *testing.T) {
	args := []string{"--reference-fault", "RFC5321-3.3-rcpt-before-mail", "--strict", "--out=" + t.TempDir(), "-parallel", "4", "--label-filter", "MUST && RCPT",
		"--deadline", "10m", "--verbose", "--timeout=9s", "--focus", "a", "--focus", "b", "--auth-user", "bob"}
	env := func(k string) string { return map[string]string{config.PasswordEnv: "s3cret"}[k] }
	o, err := Parse(args, env)
	if err != nil {
		t.Fatal(err)
	}
	cfg := o.Config
	cfg.Target = "127.0.0.1:2525"
	dir := t.TempDir()
	got, err := childArgs(dir, o, cfg)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(filepath.Join(dir, "session.yaml"))
	if strings.Contains(string(file), "s3cret") {
		t.Fatalf("the child's config file holds the password:\n%s", file)
	}
	child, err := Parse(got, env)
	if err != nil {
		t.Fatalf("a child cannot parse its flags %q: %v\n%s", got, err, file)
	}
	want := cfg
	want.ReferenceFaults, want.Parallel, want.NoColor = nil, 1, true
	want.Reports = config.Reports{}
	got2 := child.Config
	got2.Reports = config.Reports{}
	if !reflect.DeepEqual(got2, want) {
		t.Errorf("the child's settings differ from the parent's:\n got  %+v\n want %+v\n%s", got2, want, file)
	}
	if want.Mailbox != embeddedMailbox || want.Silence != embeddedSilence {
		t.Errorf("the embedded defaults are not filled in: %+v", want)
	}
	if e := childEnv(cfg); !slices.Contains(e, config.PasswordEnv+"=s3cret") {
		t.Errorf("the child's environment has no password")
	}
}

func TestParallelDefault(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, embeddedParallel},
		{[]string{"--target", "127.0.0.1:25"}, 1},
		{[]string{"--target", "127.0.0.1:25", "--parallel", "3"}, 3},
	} {
		o, err := Parse(tc.args, noEnv)
		if err != nil || o.Parallel != tc.want {
			t.Errorf("%v: --parallel %d (%v), want %d", tc.args, o.Parallel, err, tc.want)
		}
	}
	if _, err := Parse([]string{"--parallel", "0"}, noEnv); err == nil {
		t.Errorf("--parallel 0 is accepted")
	}
}

// TestAnnotate: Ginkgo's generic reasons become the runner's; a deadline
// that passed after the last spec ended stops nothing.
func TestAnnotate(t *testing.T) {
	s := &stopper{}
	s.set("run interrupted by SIGTERM")
	cut := types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStateSkipped}
	done := types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStatePassed}
	gr := types.Report{SpecReports: types.SpecReports{done, cut}, SpecialSuiteFailureReasons: []string{"Interrupted by User", "Suite Timeout Elapsed"}}
	s.annotate(&gr, time.Minute)
	want := []string{"run interrupted by SIGTERM", "run stopped: deadline passed (--deadline 1m0s)"}
	if !reflect.DeepEqual(gr.SpecialSuiteFailureReasons, want) {
		t.Errorf("reasons %q, want %q", gr.SpecialSuiteFailureReasons, want)
	}
	late := types.Report{SpecReports: types.SpecReports{done}, SpecialSuiteFailureReasons: []string{"Suite Timeout Elapsed"}}
	s.annotate(&late, time.Minute)
	if len(late.SpecialSuiteFailureReasons) != 0 {
		t.Errorf("a deadline after the last spec still stops the run: %q", late.SpecialSuiteFailureReasons)
	}
}
