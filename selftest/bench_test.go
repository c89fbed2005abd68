package selftest

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkFullRun times whole runs of the binary against the embedded
// reference server, as `make run` does, and reports the per-spec overhead.
func BenchmarkFullRun(b *testing.B) {
	var specs int
	var total time.Duration
	for i := 0; i < b.N; i++ {
		res := runSuite(b)
		if res.Code != 0 {
			b.Fatalf("run exited %d\n%s", res.Code, res.Stdout)
		}
		specs = len(res.Report.Results)
		total += res.Elapsed
	}
	if specs > 0 {
		per := total / time.Duration(b.N) / time.Duration(specs)
		b.ReportMetric(float64(specs), "specs")
		b.ReportMetric(float64(per.Microseconds())/1000, "ms/spec")
	}
}

// BenchmarkSpecRun times one spec in a run of its own: the fixed cost of a
// run (process start, preflight, reports) plus one spec.
func BenchmarkSpecRun(b *testing.B) {
	for i := 0; i < b.N; i++ {
		res := runSuite(b, "--label-filter", "RFC5321-3.3-rcpt-before-mail")
		if res.Code != 0 {
			b.Fatalf("run exited %d\n%s", res.Code, res.Stdout)
		}
	}
}

// benchReplyDelay is the per-reply delay of the slow server in
// BenchmarkParallel: a server on a distant network, or one that takes its
// time over each reply.
const benchReplyDelay = 20 * time.Millisecond

// BenchmarkParallel times whole runs, serial (--parallel 1) and with
// --parallel 4, against the embedded server and against a reference server
// whose every reply comes benchReplyDelay late (through a delaying proxy),
// and prints the four wall times side by side. Run it with -benchtime 1x.
func BenchmarkParallel(b *testing.B) {
	slow := slowReference(b, benchReplyDelay)
	targets := []struct {
		name string
		args []string
	}{
		{"embedded", nil},
		{"delay" + benchReplyDelay.String(), []string{"--target", slow, "--mailbox", "alice@example.test", "--silence", "150ms"}},
	}
	times := map[string]time.Duration{}
	for _, tg := range targets {
		for _, p := range []string{"1", "4"} {
			name := tg.name + "/parallel" + p
			b.Run(name, func(b *testing.B) {
				var total time.Duration
				for i := 0; i < b.N; i++ {
					res := runSuite(b, append(tg.args, "--parallel", p)...)
					if res.Code != 0 {
						b.Fatalf("run exited %d\n%s%s", res.Code, res.Stdout, res.Stderr)
					}
					total += res.Elapsed
				}
				times[name] = total / time.Duration(b.N)
				b.ReportMetric(times[name].Seconds(), "s/run")
			})
		}
	}
	fmt.Printf("\nwall time of a full run     --parallel 1   --parallel 4\n")
	for _, tg := range targets {
		fmt.Printf("%-27s %12s %14s\n", tg.name, times[tg.name+"/parallel1"].Round(10*time.Millisecond), times[tg.name+"/parallel4"].Round(10*time.Millisecond))
	}
}
