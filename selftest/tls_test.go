package selftest

import (
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/internal/catalog"
	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// The --tls modes against the reference server: every spec passes or is
// not applicable, the sessions of the greeted specs run under TLS where the
// mode asks for it, and the STARTTLS specs are not applicable, with the
// reason, where the mode rules STARTTLS out.
func TestTLSModes(t *testing.T) {
	// A spec that opens its session with Greeted and sends mail commands.
	const greetedSpec = "RFC5321-4.1.4-ehlo-resets-transaction"
	for _, tc := range []struct {
		mode     string
		cfg      refserver.Config
		underTLS bool   // greetedSpec's session runs under TLS
		naReason string // every STARTTLS spec is NOT APPLICABLE with this in its reason
	}{
		{mode: "starttls", underTLS: true},
		{mode: "implicit", cfg: refserver.Config{ImplicitTLS: true}, underTLS: true, naReason: "--tls implicit"},
		{mode: "none", naReason: "--tls none"},
		{mode: "auto", cfg: refserver.Config{Without: []string{"STARTTLS"}}, naReason: "STARTTLS is not advertised"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			srv, err := refserver.Start(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			args := []string{"--target", srv.Addr(), "--mailbox", "alice@example.test", "--silence", matrixSilence,
				"--label-filter", "feature:STARTTLS || " + greetedSpec}
			if tc.mode != "auto" {
				args = append(args, "--tls", tc.mode)
			}
			res := runSuite(t, args...)
			if res.Code != 0 {
				t.Errorf("exit %d, want 0\n%s\n%s", res.Code, res.Stdout, res.Stderr)
			}
			starttls := 0
			for _, r := range res.Report.Results {
				req, _ := catalog.Lookup(r.ID)
				switch {
				case req.Feature == "STARTTLS" && tc.naReason != "":
					starttls++
					if r.Verdict != framework.NotApplicable || !strings.Contains(r.Reason, tc.naReason) {
						t.Errorf("%s: %s (%s), want NOT APPLICABLE saying %q", r.ID, r.Verdict, r.Reason, tc.naReason)
					}
				case req.Feature == "STARTTLS":
					starttls++
					if r.Verdict != framework.Pass {
						t.Errorf("%s: %s (%s), want PASS", r.ID, r.Verdict, r.Reason)
					}
				case r.ID == greetedSpec:
					if r.Verdict != framework.Pass {
						t.Errorf("%s: %s (%s), want PASS", r.ID, r.Verdict, r.Reason)
					}
					if got := strings.Contains(r.Transcript, "TLS established"); got != tc.underTLS {
						t.Errorf("%s: TLS in the transcript = %v, want %v:\n%s", r.ID, got, tc.underTLS, r.Transcript)
					}
				}
			}
			if starttls == 0 {
				t.Errorf("no STARTTLS spec ran:\n%s", res.Stdout)
			}
		})
	}
}
