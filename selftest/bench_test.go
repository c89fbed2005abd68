package selftest

import (
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
