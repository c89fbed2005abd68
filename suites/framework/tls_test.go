package framework

import (
	"testing"

	. "github.com/onsi/gomega"
)

func TestTLSClientConfig(t *testing.T) {
	g := NewWithT(t)
	c := Config{Target: "mail.example.org:25"}
	g.Expect(TLSClientConfig(c).ServerName).To(Equal("mail.example.org"), "SNI defaults to the target's host")
	g.Expect(TLSClientConfig(c).InsecureSkipVerify).To(BeTrue(), "without --tls-verify the certificate is only recorded")
	c.TLSServerName, c.TLSVerify = "mx.example.org", true
	g.Expect(TLSClientConfig(c).ServerName).To(Equal("mx.example.org"))
	g.Expect(TLSClientConfig(c).InsecureSkipVerify).To(BeFalse())
	for mode, implicit := range map[string]bool{TLSAuto: false, TLSStartTLS: false, TLSNone: false, TLSImplicit: true} {
		c.TLSMode = mode
		g.Expect(DialTLS(c) != nil).To(Equal(implicit), "mode %q", mode)
	}
}
