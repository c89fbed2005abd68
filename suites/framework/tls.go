package framework

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/smtpspec/smtpspec/internal/wire"
)

// EntryTLS names the report entry that describes one TLS session of a spec
// (a TLSReport): how it was reached, what was negotiated, and the server's
// certificate.
const EntryTLS = "smtpspec.tls"

// featureStartTLS is the catalogue feature of the STARTTLS specs, which
// start in plaintext and upgrade themselves.
const featureStartTLS = "STARTTLS"

// ruleNoExtraResponse is the catalogue rule a server breaks when it sends
// plaintext after its 220 to STARTTLS (RFC 3207 §4).
const ruleNoExtraResponse = "SEC-STARTTLS-NO-EXTRA-RESPONSE"

// TLSReport describes one TLS session: the report records it for every
// session a spec ran under TLS.
type TLSReport struct {
	// Mode is how TLS was reached: "starttls" or "implicit".
	Mode string
	// Version and CipherSuite are what was negotiated ("TLS 1.3",
	// "TLS_AES_128_GCM_SHA256").
	Version     string
	CipherSuite string
	// ServerName is the name sent as SNI and verified against ("" for an
	// IP address, which is not sent as SNI).
	ServerName string
	// Subject, Issuer, DNSNames, NotBefore and NotAfter describe the
	// server's certificate.
	Subject   string
	Issuer    string
	DNSNames  []string `json:",omitempty"`
	NotBefore time.Time
	NotAfter  time.Time
	// Verified: the certificate chains to a trusted root and matches
	// ServerName. Without --tls-verify an unverified certificate is
	// recorded, not refused; VerifyError says why it did not verify.
	Verified    bool
	VerifyError string `json:",omitempty"`
}

func init() { BeforeGate = upgradeForGate }

// TLS reports whether the session runs under TLS.
func (s *Session) TLS() bool {
	_, ok := s.c.TLS()
	return ok
}

// recordTLS adds the report entry for the session's TLS state and notes
// the certificate in the transcript.
func (s *Session) recordTLS(mode string) {
	st, ok := s.c.TLS()
	if !ok {
		return
	}
	rep := TLSReport{Mode: mode, Version: tls.VersionName(st.Version), CipherSuite: tls.CipherSuiteName(st.CipherSuite),
		ServerName: s.t.Cfg.TLSName()}
	if len(st.PeerCertificates) > 0 {
		leaf := st.PeerCertificates[0]
		rep.Subject, rep.Issuer, rep.DNSNames = leaf.Subject.String(), leaf.Issuer.String(), leaf.DNSNames
		rep.NotBefore, rep.NotAfter = leaf.NotBefore, leaf.NotAfter
	}
	if err := verifyChain(st, rep.ServerName); err != nil {
		rep.VerifyError = err.Error()
	} else {
		rep.Verified = true
	}
	verified := "verified"
	if !rep.Verified {
		verified = "not verified: " + rep.VerifyError
	}
	s.c.Transcript().Note("certificate: subject %q, issuer %q, valid %s to %s, %s", rep.Subject, rep.Issuer,
		rep.NotBefore.UTC().Format(time.RFC3339), rep.NotAfter.UTC().Format(time.RFC3339), verified)
	ginkgo.AddReportEntry(EntryTLS, rep, ginkgo.ReportEntryVisibilityNever)
}

// verifyChain checks the server's certificate chain against the system's
// roots and the server name, as a handshake with verification would.
func verifyChain(st tls.ConnectionState, name string) error {
	if len(st.VerifiedChains) > 0 {
		return nil // verified in the handshake (--tls-verify)
	}
	if len(st.PeerCertificates) == 0 {
		return errors.New("the server sent no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range st.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := st.PeerCertificates[0].Verify(x509.VerifyOptions{DNSName: name, Intermediates: inter})
	return err
}

// Handshake runs the TLS handshake after the server's 220 to STARTTLS (for
// specs that sent STARTTLS themselves) and records the TLS session. Octets
// the server sent in plaintext after its 220 are discarded and recorded
// under SEC-STARTTLS-NO-EXTRA-RESPONSE (RFC 3207 §4 describes none); extra
// returns them. A failed handshake comes back as err (a *wire.TLSError, or
// a close): the spec judges it.
func (s *Session) Handshake() (extra []byte, err error) {
	extra, err = s.c.UpgradeTLS(s.t.Cfg.TLSClientConfig())
	if len(extra) > 0 {
		s.t.finding(Finding{Rule: ruleNoExtraResponse, Cite: "RFC 3207 §4", Sent: s.lastSent, Actual: wire.Escape(extra),
			Expected: "nothing after the 220 reply until the TLS handshake (RFC 3207 §4)",
			Detail:   "the server sent plaintext after its 220 to STARTTLS; the suite discarded it"}, Defined)
	}
	if err != nil {
		return extra, err
	}
	s.recordTLS(TLSStartTLS)
	return extra, nil
}

// StartTLS upgrades the session: STARTTLS, which must get 220, the TLS
// handshake, which must succeed, then EHLO again (RFC 3207 §4.2: the
// server forgot the first one, and its offer may differ under TLS). Each
// step is a precondition: a refusal or a failed handshake ends the spec as
// ERROR (454, a temporary refusal, too; 530 as NOT APPLICABLE). Under
// --tls none the suite never upgrades: the spec is NOT APPLICABLE.
func (s *Session) StartTLS() Reply {
	if s.t.Cfg.TLSMode == TLSNone {
		s.t.NotApplicable("the spec needs a STARTTLS upgrade, and --tls none forbids TLS")
	}
	s.Setup("STARTTLS", "220")
	if _, err := s.Handshake(); err != nil {
		s.t.Errorf("the TLS handshake after the 220 to STARTTLS failed: %v", err)
	}
	return s.Hello()
}

// tlsAfterHello applies --tls to a session that has just been greeted and
// has had its EHLO answered: under --tls starttls it upgrades (every spec
// but the STARTTLS specs, which start in plaintext and upgrade
// themselves); under --tls none and --tls implicit the STARTTLS specs are
// not applicable.
func (t *T) tlsAfterHello(s *Session) {
	switch t.Cfg.TLSMode {
	case TLSNone:
		if t.Req.Feature == featureStartTLS {
			t.NotApplicable("--tls none: the suite does not use TLS")
		}
	case TLSImplicit:
		if t.Req.Feature == featureStartTLS {
			t.NotApplicable("--tls implicit: the session is under TLS from the first octet, so STARTTLS does not apply")
		}
	case TLSStartTLS:
		if t.Req.Feature == featureStartTLS || s.TLS() {
			return
		}
		if !s.Has("STARTTLS") {
			t.Errorf("--tls starttls, but the server's EHLO reply does not list STARTTLS: %s", s.Ehlo)
		}
		s.StartTLS()
	}
}

// upgradeForGate is BeforeGate: under --tls auto and starttls, a session
// whose EHLO reply lacks the feature of its spec's requirement but lists
// STARTTLS upgrades, so that the gate decides on the server's offer under
// TLS (servers offer AUTH only there, RFC 3207 §4.2, RFC 4954 §4). When the
// upgrade fails the spec is NOT APPLICABLE: the feature was not offered in
// any state the suite could reach.
func upgradeForGate(s *Session, feature string) {
	t := s.t
	if (t.Cfg.TLSMode != TLSAuto && t.Cfg.TLSMode != TLSStartTLS) || feature == featureStartTLS || s.TLS() || !s.Has("STARTTLS") {
		return
	}
	r, err := s.Try("STARTTLS")
	if err != nil || r.Code != 220 {
		t.NotApplicable("%s is not advertised in the EHLO reply, and STARTTLS, to see the offer under TLS, was refused: %s", feature, replyOr(r, err))
	}
	if _, err := s.Handshake(); err != nil {
		t.NotApplicable("%s is not advertised in the EHLO reply, and the TLS handshake, to see the offer under TLS, failed: %v", feature, err)
	}
	s.Hello()
}

func replyOr(r Reply, err error) string {
	if err != nil {
		return err.Error()
	}
	return r.String()
}

// DialTLS returns the TLS configuration every connection of the run dials
// with (wire.Options.TLS): under --tls implicit the session is TLS from
// the first octet; nil otherwise. The runner's preflight dials with it too.
func DialTLS(c Config) *tls.Config {
	if c.TLSMode == TLSImplicit {
		return c.TLSClientConfig()
	}
	return nil
}

// describeTLSError says what a failed implicit-TLS connect means.
func describeTLSError(err error) string {
	var te *wire.TLSError
	if errors.As(err, &te) {
		return fmt.Sprintf("--tls implicit: %v (is the port a plaintext one? try --tls starttls)", err)
	}
	return err.Error()
}
