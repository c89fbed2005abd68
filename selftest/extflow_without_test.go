package selftest

import (
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/internal/catalog"
	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// A reference server without PIPELINING, CHUNKING (and so BINARYMIME) or
// ENHANCEDSTATUSCODES makes every spec of that feature NOT APPLICABLE, and
// the rest of those specs still pass.
func TestWithoutFlowExtensions(t *testing.T) {
	for _, without := range []string{"PIPELINING", "CHUNKING", "ENHANCEDSTATUSCODES"} {
		t.Run(without, func(t *testing.T) {
			srv, err := refserver.Start(refserver.Config{Without: []string{without}})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			res := runSuite(t, "--target", srv.Addr(), "--mailbox", "alice@example.test", "--silence", matrixSilence,
				"--label-filter", "feature:PIPELINING || feature:CHUNKING || feature:BINARYMIME || feature:ENHANCEDSTATUSCODES")
			gone := map[string]bool{without: true}
			if without == "CHUNKING" {
				gone["BINARYMIME"] = true
			}
			if len(res.Report.Results) == 0 {
				t.Fatalf("no results; exit %d\n%s", res.Code, res.Stdout)
			}
			for _, r := range res.Report.Results {
				c, _ := catalog.Lookup(r.ID)
				want := framework.Pass
				// The pipelined-chunks spec needs PIPELINING as well.
				if gone[c.Feature] || (without == "PIPELINING" && r.ID == "RFC3030-2-pipelined-chunks-discarded") {
					want = framework.NotApplicable
				}
				if r.Verdict != want || (want == framework.NotApplicable && !strings.Contains(r.Reason, "not advertised")) {
					t.Errorf("%s (feature %s): %s %q, want %s", r.ID, c.Feature, r.Verdict, r.Reason, want)
				}
			}
		})
	}
}
