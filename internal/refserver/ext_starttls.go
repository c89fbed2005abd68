package refserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"time"
)

// STARTTLS, RFC 3207: the keyword (no parameters, §2(3), §3) is listed
// until TLS is on (§4.2); STARTTLS gets 220 and the TLS handshake follows
// (§4), with an argument it gets 501 (§4). After the handshake the session
// is back in its initial state (§4.2): the EHLO argument, the transaction
// and every extension's session state (an AUTH identity) are forgotten, and
// plaintext the client sent behind STARTTLS is discarded, never executed
// inside TLS (CVE-2011-0411). Inside TLS, STARTTLS gets 503. The server's
// certificate is self-signed (ECDSA P-256, CN and DNS name the server's
// Hostname), made once per process and host name. Config.ImplicitTLS
// serves TLS from the first octet instead (port 465 style), without
// STARTTLS.

// Registered from init (a package variable holding it would be read by
// nobody, which staticcheck reports).
func init() {
	registerExtension(&extension{
		keyword: "STARTTLS",
		line: func(s *session) string {
			if s.has(faultStartTLSKeywordParam) {
				return "STARTTLS REQUIRED"
			}
			return "STARTTLS"
		},
		offered: func(s *session) bool { return !s.tlsActive() || s.has(faultStartTLSListedAgain) },
		verbs:   map[string]verbHandler{"STARTTLS": cmdStartTLS},
	})
}

// upgradeSpecs are the specs whose sessions upgrade with STARTTLS on the
// clean server: those of the STARTTLS requirements that run under TLS, and
// those of features offered only under TLS, which the suite's feature gate
// reaches through STARTTLS (ext_auth.go offers PLAIN and LOGIN only there:
// the AUTH IDs below are the specs of ext-auth at b4e3183 that use them).
// A fault that breaks the upgrade may change every one of them.
//
// Every AUTH spec that uses PLAIN or LOGIN (authTLSSpecs) upgrades too: the
// full matrix showed the list short of some of them.
var upgradeSpecs = append([]string{
	"RFC3207-4.2-reset-discards-ehlo", "RFC3207-4.2-reset-discards-transaction", "RFC3207-4.2-no-starttls-after-tls",
	"RFC3207-4.2-second-starttls", "RFC3207-4.2-ehlo-after-tls", "SEC-STARTTLS-INJECTION", "SEC-STARTTLS-INJECTION-TXN",
	"SEC-STARTTLS-NO-EXTRA-RESPONSE", "RFC3207-4-starttls-codes",
	"RFC4616-2-255-octet-fields", "RFC4954-4-334-base64-only", "RFC4954-4-auth-in-transaction-503", "RFC4954-4-cancel-501",
	"RFC4954-4-empty-challenge-format", "RFC4954-4-failure-535", "RFC4954-4-ir-equals-is-empty", "RFC4954-4-long-response-ok",
	"RFC4954-4-no-ir-then-334", "RFC4954-4-too-long-500", "RFC4954-4-undecodable-501", "RFC4954-6-538-historical",
	"RFC4954-9-min-three-attempts",
	"RFC3207-4.2-reset-discards-auth", "RFC4954-6-auth-enhanced-codes", // catalogue ext2.go
	"RFC4954-4-plain-over-tls", "RFC4616-2-prep-failure", "RFC2645-5.2.1-atrn-replies", "RFC4954-3-mechanisms-available",
}, authTLSSpecs...)

// The faults of STARTTLS. Each wraps the STARTTLS hook (its EHLO line, the
// command, the upgrade and the reset after it) and misbehaves whenever it
// runs.
var (
	faultStartTLSKeywordParam = newFault("RFC3207-4-keyword-no-param",
		"lists the STARTTLS keyword with a parameter (\"STARTTLS REQUIRED\")")
	faultStartTLSHandshake = newFault("RFC3207-4-starttls-220",
		"answers STARTTLS with 220 but has no certificate, so every TLS handshake fails").
		may(upgradeSpecs...)
	faultStartTLS250 = newVariantFault("RFC3207-4-starttls-220", "250",
		"answers STARTTLS with 250 instead of 220, then starts the handshake").
		may(upgradeSpecs...)
	faultStartTLSArgument = newFault("RFC3207-4-no-arguments-501",
		"ignores an argument to STARTTLS: answers 220 and starts the handshake")
	faultStartTLSKeepsEhlo = newFault("RFC3207-4.2-reset-discards-ehlo",
		"keeps the EHLO argument given in plaintext after the TLS handshake, so MAIL needs no new EHLO")
	faultStartTLSKeepsTx = newFault("RFC3207-4.2-reset-discards-transaction",
		"keeps the mail transaction opened before STARTTLS (reverse-path and recipients) after the TLS handshake")
	faultStartTLSListedAgain = newFault("RFC3207-4.2-no-starttls-after-tls",
		"lists STARTTLS in the EHLO reply inside TLS too")
	faultStartTLSTwice = newFault("RFC3207-4.2-second-starttls",
		"answers STARTTLS inside TLS with 220 and tries a second handshake")
	faultStartTLSEhloAgain = newFault("RFC3207-4.2-ehlo-after-tls",
		"remembers that EHLO was given in plaintext and answers an EHLO that comes first after the handshake with 503").
		may(upgradeSpecs...)
	faultStartTLSInjection = newFault("SEC-STARTTLS-INJECTION",
		"keeps the plaintext that came behind STARTTLS and executes it inside TLS (CVE-2011-0411)").
		may("SEC-STARTTLS-INJECTION-TXN")
	faultStartTLSInjectionTail = newFault("SEC-STARTTLS-INJECTION-TXN",
		"discards only the first plaintext line that came behind STARTTLS, and executes the rest inside TLS")
	faultStartTLSExtraReply = newFault("SEC-STARTTLS-NO-EXTRA-RESPONSE",
		"sends a second line (\"220 2.0.0 Go ahead\") in plaintext after its 220 to STARTTLS, in the same write, before the handshake").
		// The suite discards plaintext that came with the 220; should it
		// arrive later, it breaks the handshake of the specs that upgrade.
		may(upgradeSpecs...)
)

// Faults of a server that requires TLS before mail (RFC 3207 §4): each
// makes the server refuse MAIL in plaintext, on every session, as a
// TLS-only port configured with the wrong reply would; every spec that
// sends MAIL in plaintext is then inconclusive. And a server that cannot
// start TLS now (454), broken after its refusal.
var (
	faultTLSRequiredCode = newFault("RFC3207-4-tls-required-530",
		"requires TLS before mail, and refuses MAIL in plaintext with 451 4.7.0 instead of 530").breaksSessionSetup().
		runWith("--tls", "starttls")
	faultTLSRequiredEnhanced = newFault("RFC3207-4-tls-required-enhanced-code",
		"requires TLS before mail, and refuses MAIL in plaintext with 530 5.7.1 instead of 530 5.7.0").breaksSessionSetup().
		runWith("--tls", "starttls").
		may("RFC3207-4-tls-required-530") // its 530 is the right reply code
	faultStartTLS454Close = newFault("RFC3207-4-temp-unavailable-454",
		"answers STARTTLS with 454 (TLS not available) and then closes the connection").breaksSessionSetup()
)

// tlsRequiredRefusal returns the refusal of MAIL before TLS under the
// faults that make the server require TLS, or "". The clean server takes
// mail in plaintext: it is publicly referenced (RFC 3207 §4 forbids such
// a server to require TLS). The faults' runs use --tls starttls, as a user
// testing a TLS-only port must: the preflight upgrades before its MAIL.
func (s *session) tlsRequiredRefusal(verb string) string {
	if verb != "MAIL" || s.tlsActive() {
		return ""
	}
	switch {
	case s.has(faultTLSRequiredCode):
		return "451 4.7.0 TLS required"
	case s.has(faultTLSRequiredEnhanced):
		return "530 5.7.1 Must issue a STARTTLS command first"
	case s.cfg.RequireTLS:
		return "530 5.7.0 Must issue a STARTTLS command first"
	}
	return ""
}

// handshakeTimeout bounds the server's TLS handshake (the idle timeout of
// RFC 5321 §4.5.3.2.7 for the next command).
const handshakeTimeout = idleTimeout

// tlsActive reports whether the session runs under TLS.
func (s *session) tlsActive() bool {
	_, ok := s.conn.(*tls.Conn)
	return ok
}

// cmdStartTLS answers STARTTLS when it is offered (RFC 3207 §4).
func cmdStartTLS(s *session, arg string) error {
	if s.tlsActive() {
		return s.startTLSInside()
	}
	if s.startTLSBeforeEhloFault() {
		return s.reply("250 2.0.0 Ok") // faults_seq.go
	}
	if arg != "" && !s.has(faultStartTLSArgument) {
		return s.reply("501 5.5.4 Syntax error (no parameters allowed)")
	}
	if s.has(faultStartTLS454Close) {
		if err := s.reply("454 4.7.0 TLS not available due to temporary reason"); err != nil {
			return err
		}
		return errDrop
	}
	if s.cfg.TLSUnavailable {
		return s.reply("454 4.7.0 TLS not available due to temporary reason")
	}
	// The plaintext that came behind STARTTLS (CVE-2011-0411): the client
	// must wait for the 220 before it sends anything more, so whatever is
	// buffered now was sent before the handshake and is discarded.
	pending, _ := s.r.Peek(s.r.Buffered())
	pending = append([]byte(nil), pending...)
	switch {
	case s.has(faultStartTLSInjection):
	case s.has(faultStartTLSInjectionTail):
		if i := bytes.Index(pending, []byte("\r\n")); i >= 0 {
			pending = pending[i+2:]
		} else {
			pending = nil
		}
	default:
		pending = nil
	}
	ready := "220 2.0.0 Ready to start TLS"
	if s.has(faultStartTLS250) {
		ready = "250 2.0.0 Ready to start TLS"
	}
	if s.has(faultStartTLSExtraReply) {
		ready += "\r\n220 2.0.0 Go ahead" // in the same write
	}
	if err := s.reply(ready); err != nil {
		return err
	}
	keptEhlo, keptFresh := s.helo, s.freshHelo
	keptTx, keptFrom, keptRcpts := s.inTx, s.from, s.rcpts
	keptExt := s.ext
	if err := s.upgrade(pending); err != nil {
		return errDrop
	}
	// RFC 3207 §4.2: the initial state, every knowledge from the client
	// outside the TLS negotiation discarded.
	s.helo, s.freshHelo = "", false
	s.resetTx()
	s.ext = nil
	s.keepAuthAcrossTLS(keptExt)
	if s.has(faultStartTLSKeepsEhlo) {
		s.helo, s.freshHelo = keptEhlo, keptFresh
	}
	if s.has(faultStartTLSKeepsTx) {
		s.inTx, s.from, s.rcpts = keptTx, keptFrom, keptRcpts
	}
	if s.has(faultStartTLSEhloAgain) {
		return s.refuseFirstEhlo()
	}
	return nil
}

// upgrade runs the server's TLS handshake on the session's connection and
// makes the session read and write through TLS; pending is input the
// session reads before the TLS input (nil but under a fault).
func (s *session) upgrade(pending []byte) error {
	cfg := serverTLS(s.cfg.Hostname)
	if s.has(faultStartTLSHandshake) {
		cfg = &tls.Config{} // no certificate: the handshake fails
	}
	tc := tls.Server(s.conn, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		return err
	}
	s.conn = tc
	dc := deadlineConn{tc}
	var in io.Reader = dc
	if len(pending) > 0 {
		in = io.MultiReader(bytes.NewReader(pending), dc)
	}
	s.r, s.w = bufio.NewReader(in), bufio.NewWriter(dc)
	return nil
}

// refuseFirstEhlo is faultStartTLSEhloAgain: it reads the first command
// after the handshake itself and answers it with 503 if it is EHLO.
func (s *session) refuseFirstEhlo() error {
	line, long, err := s.readLine(s.lineLimit())
	if err != nil {
		return err
	}
	if verb, _ := splitCommand(line); !long && strings.EqualFold(verb, "EHLO") {
		return s.reply("503 5.5.1 EHLO already given")
	}
	return s.serveLine(line, long)
}

// startTLSInside answers STARTTLS inside TLS: 503, the session is already
// protected (RFC 3207 §4.2 forbids the client a second handshake).
func (s *session) startTLSInside() error {
	if !s.has(faultStartTLSTwice) {
		return s.reply("503 5.5.1 TLS already active")
	}
	if err := s.reply("220 2.0.0 Ready to start TLS"); err != nil {
		return err
	}
	if err := s.upgrade(nil); err != nil {
		return errDrop
	}
	return nil
}

// cmdStartTLSUnoffered answers STARTTLS when the extension is not offered:
// 503 inside TLS (a bad sequence), 502 when the server is configured
// without it (RFC 5321 §4.2.4).
func (s *session) cmdStartTLSUnoffered(arg string) error {
	if s.tlsActive() && s.srv.enabled[extensions["STARTTLS"]] {
		return s.startTLSInside()
	}
	if s.tlsActive() {
		return s.reply("503 5.5.1 TLS already active")
	}
	return s.cmdNotImplemented(arg)
}

// serverTLS returns the server's TLS configuration for host name host: a
// self-signed ECDSA P-256 certificate for it, made once per process.
func serverTLS(host string) *tls.Config {
	certs.Lock()
	defer certs.Unlock()
	if c, ok := certs.m[host]; ok {
		return c
	}
	cert, err := selfSigned(host)
	if err != nil {
		// crypto/rand and ECDSA do not fail on a working system; a server
		// without a certificate fails every handshake, which the suite
		// reports.
		cert = tls.Certificate{}
	}
	c := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if certs.m == nil {
		certs.m = map[string]*tls.Config{}
	}
	certs.m[host] = c
	return c
}

var certs struct {
	sync.Mutex
	m map[string]*tls.Config
}

// selfSigned makes a self-signed certificate for host, valid from an hour
// ago for a year.
func selfSigned(host string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: host, Organization: []string{"smtpspec reference server"}},
		DNSNames:              []string{host},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// Certificate returns the DER certificate the server presents in TLS, for
// clients that want to verify it (tests add it to their roots).
func (s *Server) Certificate() []byte {
	c := serverTLS(s.cfg.Hostname)
	if len(c.Certificates) == 0 || len(c.Certificates[0].Certificate) == 0 {
		return nil
	}
	return c.Certificates[0].Certificate[0]
}

// implicitTLS wraps an accepted connection in TLS when Config.ImplicitTLS
// is on.
func (s *Server) implicitTLS(c net.Conn) net.Conn {
	if !s.cfg.ImplicitTLS {
		return c
	}
	return tls.Server(c, serverTLS(s.cfg.Hostname))
}
