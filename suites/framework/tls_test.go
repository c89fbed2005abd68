package framework

import (
	"testing"

	. "github.com/onsi/gomega"
)

func TestDialTLS(t *testing.T) {
	g := NewWithT(t)
	c := Config{Target: "mail.example.org:25"}
	for mode, implicit := range map[string]bool{TLSAuto: false, TLSStartTLS: false, TLSNone: false, TLSImplicit: true} {
		c.TLSMode = mode
		g.Expect(DialTLS(c) != nil).To(Equal(implicit), "mode %q", mode)
	}
}
