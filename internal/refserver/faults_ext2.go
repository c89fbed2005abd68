package refserver

import "strings"

// Faults of the further extension specs (catalogue ext2.go). Each wraps one
// hook, like a real bug: the 535 of a failed AUTH (authFailureReply, called
// by authDone), the replies to MAIL and RCPT that name the address
// (s.addrReply) and the reset after the TLS handshake (keepAuthAcrossTLS,
// called by the STARTTLS handler).
var (
	faultAuthEnhanced = newFault("RFC4954-6-auth-enhanced-codes",
		"answers invalid AUTH credentials with 535 5.7.0 (the generic security code), not the 5.7.8 RFC 4954 §6 names")
	faultReplyNoAddress = newFault("RFC2920-3.2-reply-identifies-command",
		"answers an accepted MAIL or RCPT with a bare \"250 2.0.0 Ok\": the reply names neither the address nor the command")
	faultTLSKeepsAuth = newFault("RFC3207-4.2-reset-discards-auth",
		"keeps the identity authenticated before STARTTLS after the TLS handshake, so that AUTH under TLS gets 503 (already authenticated)")
)

// authFailureReply is the reply to an AUTH exchange that failed on its
// credentials (RFC 4954 §4, §6).
func (s *session) authFailureReply() string {
	if s.has(faultAuthEnhanced) {
		return "535 5.7.0 Authentication credentials invalid"
	}
	return "535 5.7.8 Authentication credentials invalid"
}

// addrReply is addrReply for the session: a reply to MAIL or RCPT that
// names the address (RFC 2920 §3.2 (10)).
func (s *session) addrReply(code, addr, text string) string {
	if s.has(faultReplyNoAddress) && strings.HasPrefix(code, "2") {
		return code[:3] + " 2.0.0 Ok"
	}
	return addrReply(code, addr, text)
}

// keepAuthAcrossTLS is called after the TLS handshake has reset the
// session's extension states (kept is the state before): the fault puts
// the AUTH state back.
func (s *session) keepAuthAcrossTLS(kept map[*extension]any) {
	if v, ok := kept[extAuth]; ok && s.has(faultTLSKeepsAuth) {
		if s.ext == nil {
			s.ext = map[*extension]any{}
		}
		s.ext[extAuth] = v
	}
}

// faultAtrnNoAuth leaves AUTH out of the EHLO reply while ATRN stays: a
// server whose SASL layer is not set up on this listener.
var faultAtrnNoAuth = newFault("RFC2645-5.1-initial-commands",
	"lists ATRN but leaves AUTH out of the EHLO reply, in plaintext and under TLS, as a listener whose SASL layer is not set up").
	may(append(allAuthSpecs(), "RFC4954-3-keyword-syntax", "RFC4954-6-auth-enhanced-codes", "RFC3207-4.2-reset-discards-auth")...)

// authOffered is the offered hook of AUTH.
func authOffered(s *session) bool { return !s.has(faultAtrnNoAuth) }

// Faults declared elsewhere that also change the ext2 specs: the legacy
// AUTH= line hides the AUTH keyword (RFC 2645 §5.1.1 sees AUTH only in the
// legacy form: WARN; the AUTH specs are not applicable), and a server
// without ATRN has no ODMR initial state to judge.
func init() {
	faultAuthKeyword.may("RFC2645-5.1-initial-commands", "RFC3207-4.2-reset-discards-auth", "RFC4954-6-auth-enhanced-codes")
	faultAtrn.may("RFC2645-5.1-initial-commands")
}
