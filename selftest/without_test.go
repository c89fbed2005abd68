package selftest

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/smtpspec/smtpspec/internal/catalog"
	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// TestFeatureNotAdvertised runs, for each extension the reference server can
// offer, the specs of that feature against a server that leaves it out: a
// server that does not list a keyword gets NOT APPLICABLE for the feature's
// specs, saying so, never a PASS (issue 6) and never a FAIL.
func TestFeatureNotAdvertised(t *testing.T) {
	features := catalog.Features()
	var keywords []string
	for _, k := range refserver.Extensions() {
		if slices.Contains(features, k) {
			keywords = append(keywords, k)
		}
	}
	if len(keywords) < 10 {
		t.Fatalf("only %d extensions of the reference server have specs (%v); the suite covers SIZE, PIPELINING, CHUNKING, BINARYMIME, 8BITMIME, SMTPUTF8, DSN, ENHANCEDSTATUSCODES, STARTTLS, AUTH, ETRN, ATRN", len(keywords), keywords)
	}
	results := make([]runResult, len(keywords))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, k := range keywords {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = runAgainstConfig(t, refserver.Config{Without: []string{k}}, "--label-filter", "feature:"+k)
		}()
	}
	wg.Wait()
	for i, k := range keywords {
		res := results[i]
		if len(res.Report.Results) == 0 {
			t.Errorf("%s left out: the run wrote no results (exit %d)\n%s%s", k, res.Code, res.Stdout, res.Stderr)
			continue
		}
		said := false
		for _, r := range res.Report.Results {
			if r.Verdict != framework.NotApplicable {
				t.Errorf("%s left out: %s is %s (%q), want NOT APPLICABLE", k, r.ID, r.Verdict, r.Reason)
			}
			said = said || strings.Contains(r.Reason, k+" is not advertised")
		}
		if !said {
			t.Errorf("%s left out: no spec says %s is not advertised", k, k)
		}
		if res.Code != 0 {
			t.Errorf("%s left out: exit %d, want 0 (NOT APPLICABLE alone is a complete, passing run)", k, res.Code)
		}
	}
}
