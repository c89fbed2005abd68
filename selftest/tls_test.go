package selftest

import (
	"slices"
	"strings"
	"testing"

	"github.com/smtpspec/smtpspec/internal/catalog"
	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// cleanNotApplicable are the STARTTLS specs whose case the clean server never
// shows (a server requiring TLS, a 454): only faults make them apply.
var cleanNotApplicable = []string{"RFC3207-4-tls-required-530", "RFC3207-4-tls-required-enhanced-code", "RFC3207-4-temp-unavailable-454"}

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
				"--label-filter", "feature:STARTTLS || " + greetedSpec,
				"--auth-user", refserver.DefaultAuthUser, "--auth-password-file", referencePasswordFile}
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
					// The clean server neither requires TLS nor answers 454: those specs are NOT APPLICABLE on it.
					if r.Verdict != framework.Pass && !(r.Verdict == framework.NotApplicable && slices.Contains(cleanNotApplicable, r.ID)) {
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

// A server that offers its extensions only under TLS (refserver
// Config.TLSOnly, as servers commonly offer AUTH): under --tls auto the
// feature gate upgrades with STARTTLS and the extension's specs run under
// TLS; under --tls none they are NOT APPLICABLE, the keyword not being
// advertised.
func TestFeatureGateUpgrades(t *testing.T) {
	var tlsOnly []string
	for _, k := range refserver.Extensions() {
		if k != "STARTTLS" {
			tlsOnly = append(tlsOnly, k)
		}
	}
	filter := "!feature:core && !feature:STARTTLS"
	for _, mode := range []string{"auto", "none"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			srv, err := refserver.Start(refserver.Config{TLSOnly: tlsOnly})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			args := []string{"--target", srv.Addr(), "--mailbox", "alice@example.test", "--silence", matrixSilence, "--label-filter", filter,
				"--auth-user", refserver.DefaultAuthUser, "--auth-password-file", referencePasswordFile}
			if mode != "auto" {
				args = append(args, "--tls", mode)
			}
			res := runSuite(t, args...)
			if len(res.Report.Results) == 0 {
				t.Skipf("the suite has no specs of an extension other than STARTTLS yet (label filter %q)", filter)
			}
			notAdvertised := 0
			for _, r := range res.Report.Results {
				if strings.Contains(r.Reason, "not advertised") {
					notAdvertised++
				}
				switch {
				case mode == "none" && r.Verdict != framework.NotApplicable:
					// (NOT APPLICABLE for another reason is fine: a spec
					// that runs only under --profile submission, say.)
					t.Errorf("%s: %s (%s), want NOT APPLICABLE: not advertised", r.ID, r.Verdict, r.Reason)
				case mode == "auto" && r.Verdict == framework.NotApplicable && strings.Contains(r.Reason, "not advertised"):
					t.Errorf("%s: %s (%s): the gate did not upgrade with STARTTLS", r.ID, r.Verdict, r.Reason)
				case mode == "auto" && r.Verdict != framework.Pass && r.Verdict != framework.NotApplicable:
					t.Errorf("%s: %s (%s), want PASS (or NOT APPLICABLE for another reason)", r.ID, r.Verdict, r.Reason)
				case mode == "auto" && r.Verdict == framework.Pass && !strings.Contains(r.Transcript, "TLS established"):
					t.Errorf("%s passed without TLS:\n%s", r.ID, r.Transcript)
				}
			}
			if mode == "none" && notAdvertised < len(res.Report.Results)/2 {
				t.Errorf("under --tls none only %d of %d specs say their keyword is not advertised", notAdvertised, len(res.Report.Results))
			}
		})
	}
}
