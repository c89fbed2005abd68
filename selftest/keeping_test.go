package selftest

import (
	"testing"

	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/reports"
)

// TestKeepingVariants: the specs whose case the default reference server
// never shows (it takes mail in plaintext, starts TLS, keeps EXPN disabled)
// are NOT APPLICABLE in the clean matrix run and FAIL or WARN under their
// faults; here each PASSes against a variant of the server that keeps its
// requirement, so every spec is shown both to fail and to pass.
func TestKeepingVariants(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  refserver.Config
		args []string
		ids  []string
	}{
		{"requires TLS, 530 5.7.0", refserver.Config{RequireTLS: true}, []string{"--tls", "starttls"},
			[]string{"RFC3207-4-tls-required-530", "RFC3207-4-tls-required-enhanced-code"}},
		{"TLS temporarily unavailable, 454", refserver.Config{TLSUnavailable: true}, nil,
			[]string{"RFC3207-4-temp-unavailable-454"}},
		{"EXPN expanded", refserver.Config{ExpandEXPN: true}, nil,
			[]string{"RFC5321-3.5.1-expn-one-per-line"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			filter := ""
			for i, id := range c.ids {
				if i > 0 {
					filter += " || "
				}
				filter += id
			}
			res := runAgainstConfig(t, c.cfg, append(c.args, "--label-filter", filter)...)
			got := map[string]reports.Result{}
			for _, r := range res.Report.Results {
				got[r.ID] = r
			}
			for _, id := range c.ids {
				r, ok := got[id]
				switch {
				case !ok:
					t.Errorf("%s did not run (exit %d)\n%s%s", id, res.Code, res.Stdout, res.Stderr)
				case string(r.Verdict) != "PASS":
					t.Errorf("%s: %s, want PASS: %s", id, r.Verdict, r.Reason)
				}
			}
		})
	}
}
