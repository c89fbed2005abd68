package wire

import "strings"

// Keywords returns the upper-cased extension keywords of an EHLO reply: the
// first word of every line but the first (RFC 5321 §4.1.1.1; keywords are
// case-insensitive).
func (r Reply) Keywords() map[string]bool {
	kw := map[string]bool{}
	if len(r.Lines) < 2 {
		return kw
	}
	for _, l := range r.Lines[1:] {
		if f := strings.Fields(l); len(f) > 0 {
			kw[strings.ToUpper(f[0])] = true
		}
	}
	return kw
}

// Lists reports whether an EHLO reply lists keyword, in any case.
func (r Reply) Lists(keyword string) bool { return r.Keywords()[strings.ToUpper(keyword)] }

// Params returns the parameters an EHLO reply gives keyword ("AUTH PLAIN
// LOGIN" → ["PLAIN", "LOGIN"]), or nil when it does not list it.
func (r Reply) Params(keyword string) []string {
	if len(r.Lines) < 2 {
		return nil
	}
	for _, l := range r.Lines[1:] {
		if f := strings.Fields(l); len(f) > 0 && strings.EqualFold(f[0], keyword) {
			return f[1:]
		}
	}
	return nil
}
