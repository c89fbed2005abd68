package runner

import (
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// TestChildArgs: a child gets the user's flags without the parent's
// run-level ones, plus the parent's target and the embedded defaults.
func TestChildArgs(t *testing.T) {
	args := []string{"--reference-fault", "X", "--strict", "--out=o", "-parallel", "4", "--label-filter", "MUST && RCPT",
		"--deadline", "10m", "--verbose", "--timeout=9s", "--focus", "a", "--focus", "b"}
	o, err := Parse(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := framework.Config{Target: "127.0.0.1:2525", Mailbox: embeddedMailbox, Silence: embeddedSilence}
	got := childArgs(args, o, cfg)
	want := []string{"--strict", "--label-filter", "MUST && RCPT", "--verbose", "--timeout=9s", "--focus", "a", "--focus", "b",
		"--target", "127.0.0.1:2525", "--parallel", "1", "--no-color", "--mailbox", embeddedMailbox, "--silence", (150 * time.Millisecond).String()}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("childArgs:\n got  %q\n want %q", got, want)
	}
	if _, err := Parse(got, io.Discard); err != nil {
		t.Errorf("a child cannot parse its flags: %v", err)
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
		o, err := Parse(tc.args, io.Discard)
		if err != nil || o.Parallel != tc.want {
			t.Errorf("%v: --parallel %d (%v), want %d", tc.args, o.Parallel, err, tc.want)
		}
	}
	if _, err := Parse([]string{"--parallel", "0"}, io.Discard); err == nil {
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
