package wire

import (
	"context"
	"errors"
	"testing"
	"time"

	"crypto/tls"

	. "github.com/onsi/gomega"

	"github.com/smtpspec/smtpspec/internal/refserver"
)

func insecure() *tls.Config { return &tls.Config{InsecureSkipVerify: true} }

// STARTTLS against the reference server: the handshake switches the
// connection to TLS, and TLS reports the negotiated state.
func TestStartTLS(t *testing.T) {
	g := NewWithT(t)
	srv, err := refserver.Start(refserver.Config{})
	g.Expect(err).NotTo(HaveOccurred())
	defer srv.Close()
	c, err := Dial(context.Background(), srv.Addr(), Options{ReplyTimeout: 5 * time.Second, Transcript: NewTranscript()})
	g.Expect(err).NotTo(HaveOccurred())
	defer c.Close()
	_, err = c.ReadReply()
	g.Expect(err).NotTo(HaveOccurred())
	_, ok := c.TLS()
	g.Expect(ok).To(BeFalse())
	r, err := c.Cmd("STARTTLS")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(r.Code).To(Equal(220))
	g.Expect(c.StartTLS(insecure())).To(Succeed())
	st, ok := c.TLS()
	g.Expect(ok).To(BeTrue())
	g.Expect(st.PeerCertificates[0].Subject.CommonName).To(Equal(refserver.DefaultHostname))
	r, err = c.Cmd("EHLO client.example")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(r.Lists("STARTTLS")).To(BeFalse())
	g.Expect(c.Transcript().String()).To(ContainSubstring("TLS established"))
}

// Plaintext after the 220: StartTLS refuses to go on, UpgradeTLS discards
// it and runs the handshake.
func TestStartTLSExtraPlaintext(t *testing.T) {
	g := NewWithT(t)
	srv, err := refserver.Start(refserver.Config{Faults: []string{"SEC-STARTTLS-NO-EXTRA-RESPONSE"}})
	g.Expect(err).NotTo(HaveOccurred())
	defer srv.Close()
	c, err := Dial(context.Background(), srv.Addr(), Options{ReplyTimeout: 5 * time.Second})
	g.Expect(err).NotTo(HaveOccurred())
	defer c.Close()
	_, _ = c.ReadReply()
	r, _ := c.Cmd("STARTTLS")
	g.Expect(r.Code).To(Equal(220))
	extra, err := c.UpgradeTLS(insecure())
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(string(extra)).To(Equal("220 2.0.0 Go ahead\r\n"))

	c2, err := Dial(context.Background(), srv.Addr(), Options{ReplyTimeout: 5 * time.Second})
	g.Expect(err).NotTo(HaveOccurred())
	defer c2.Close()
	_, _ = c2.ReadReply()
	r, _ = c2.Cmd("STARTTLS")
	g.Expect(r.Code).To(Equal(220))
	err = c2.StartTLS(insecure())
	g.Expect(errors.Is(err, ErrMalformed)).To(BeTrue(), "err = %v", err)
}

// Options.TLS dials implicit TLS; against a plaintext port the handshake
// fails with a *TLSError inside the *DialError.
func TestImplicitTLS(t *testing.T) {
	g := NewWithT(t)
	srv, err := refserver.Start(refserver.Config{ImplicitTLS: true})
	g.Expect(err).NotTo(HaveOccurred())
	defer srv.Close()
	c, err := Dial(context.Background(), srv.Addr(), Options{ReplyTimeout: 5 * time.Second, TLS: insecure()})
	g.Expect(err).NotTo(HaveOccurred())
	defer c.Close()
	r, err := c.ReadReply()
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(r.Code).To(Equal(220))
	_, ok := c.TLS()
	g.Expect(ok).To(BeTrue())

	plain, err := refserver.Start(refserver.Config{})
	g.Expect(err).NotTo(HaveOccurred())
	defer plain.Close()
	_, err = Dial(context.Background(), plain.Addr(), Options{ReplyTimeout: 2 * time.Second, TLS: insecure()})
	var te *TLSError
	g.Expect(errors.As(err, &te)).To(BeTrue(), "err = %v", err)
}
