package framework

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/smtpspec/smtpspec/internal/wire"
)

// Redacted stands in the transcript for an AUTH payload that carries or is
// derived from the password.
const Redacted = "<redacted>"

// NeedCredentials: --auth-user and a password (SMTPSPEC_PASSWORD or
// --auth-password-file).
const NeedCredentials Need = "credentials"

// Credentials returns the configured AUTH user and password, or ends the
// spec as not applicable when there are none.
func (t *T) Credentials() (user, password string) {
	if t.Cfg.AuthUser == "" || t.Cfg.AuthPassword == "" {
		t.NotApplicable("no --auth-user (with the password in SMTPSPEC_PASSWORD or --auth-password-file): the spec needs valid credentials")
	}
	return t.Cfg.AuthUser, t.Cfg.AuthPassword
}

// B64 encodes s in base64 (RFC 4648 §4, the alphabet RFC 4954 uses).
func B64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// PlainMessage is the PLAIN message (RFC 4616 §2): authzid NUL authcid NUL
// passwd, in base64.
func PlainMessage(authzid, authcid, password string) string {
	return B64(authzid + "\x00" + authcid + "\x00" + password)
}

// CramResponse is the CRAM-MD5 response (RFC 2195 §2) to the base64
// challenge: user, SP, the lower-case hex HMAC-MD5 of the decoded challenge
// keyed with the password, in base64. ok is false when the challenge does
// not decode.
func CramResponse(challenge, user, password string) (resp string, ok bool) {
	ch, err := base64.StdEncoding.Strict().DecodeString(challenge)
	if err != nil {
		return "", false
	}
	m := hmac.New(md5.New, []byte(password))
	m.Write(ch)
	return B64(user + " " + hex.EncodeToString(m.Sum(nil))), true
}

// AuthCmd sends "AUTH mech [ir]" and reads the reply (see Cmd). When secret
// is set, the initial response carries the password (or something derived
// from it) and the transcript shows Redacted in its place.
func (s *Session) AuthCmd(mech, ir string, secret bool) Reply {
	s.SendAuth(mech, ir, secret)
	return s.Read()
}

// SendAuth sends "AUTH mech [ir]" without reading the reply.
func (s *Session) SendAuth(mech, ir string, secret bool) {
	line := "AUTH " + mech
	shown := line
	if ir != "" {
		line += " " + ir
		shown += " " + ir
		if secret {
			shown = "AUTH " + mech + " " + Redacted
		}
	}
	s.sendLine(line, shown)
}

// AuthRespond sends one client response of an AUTH exchange (a base64 line,
// or "*" to cancel) and reads the reply, which is validated as a reply to
// AUTH. When secret is set the transcript shows Redacted instead.
func (s *Session) AuthRespond(line string, secret bool) Reply {
	s.SendAuthResponse(line, secret)
	return s.Read()
}

// SendAuthResponse sends one client response without reading the reply.
func (s *Session) SendAuthResponse(line string, secret bool) {
	shown := line
	if secret {
		shown = Redacted
	}
	s.sendLine(line, shown)
}

// TrySendAuthResponse is SendAuthResponse for a line that is not secret,
// returning the write error instead of ending the spec: a server may refuse
// an over-long line and close the connection before all of it is written,
// and its reply is then still to be read (TryRead).
func (s *Session) TrySendAuthResponse(line string) error {
	s.verb = "AUTH"
	s.lastSent = escapeShown(line)
	return s.c.SendSecret(line, line)
}

// sendLine writes line and CRLF, the transcript and the evidence showing
// shown instead; the reply is validated as a reply to AUTH.
func (s *Session) sendLine(line, shown string) {
	s.verb = "AUTH"
	s.lastSent = escapeShown(shown)
	if err := s.c.SendSecret(line, shown); err != nil {
		s.sendFailed(err)
	}
}

func escapeShown(shown string) string {
	e := wire.Escape([]byte(shown + "\r\n"))
	if len(e) > 300 {
		e = e[:300] + fmt.Sprintf("...\" (%d octets)", len(shown)+2)
	}
	return e
}

// Mechanisms returns the SASL mechanisms the session's last EHLO reply lists
// after AUTH, upper-cased.
func (s *Session) Mechanisms() []string {
	var out []string
	for _, m := range s.Ehlo.Params("AUTH") {
		out = append(out, strings.ToUpper(m))
	}
	return out
}

// HasMechanism reports whether the session's last EHLO reply lists mech.
func (s *Session) HasMechanism(mech string) bool {
	for _, m := range s.Mechanisms() {
		if m == strings.ToUpper(mech) {
			return true
		}
	}
	return false
}

// Offers reports whether the server offers mech. Servers often offer
// plaintext mechanisms only under TLS: when mech is missing and STARTTLS is
// listed, BeforeGate (the TLS glue) gets the chance to upgrade the session
// first (it may end the spec NOT APPLICABLE when the upgrade fails). Call it
// outside a mail transaction.
func (s *Session) Offers(mech string) bool {
	if !s.HasMechanism(mech) && BeforeGate != nil && s.Has("STARTTLS") {
		BeforeGate(s, "AUTH")
	}
	return s.HasMechanism(mech)
}

// RequireMechanism ends the spec NOT APPLICABLE unless the server offers
// mech. Servers often offer plaintext mechanisms only under TLS: when mech
// is missing and STARTTLS is listed, BeforeGate (the TLS glue) gets the
// chance to upgrade the session first.
func (s *Session) RequireMechanism(mech string) {
	if !s.Offers(mech) {
		s.t.NotApplicable("AUTH %s is not advertised (AUTH %s)", mech, strings.Join(s.Mechanisms(), " "))
	}
}

// Authenticate logs in with the configured credentials using mech (PLAIN
// with an initial response, LOGIN, or CRAM-MD5) and returns the final reply
// without judging it. Every payload is redacted in the transcript. It ends
// the spec as NOT APPLICABLE without credentials or when mech is not
// offered, and as ERROR when the exchange cannot go on (a challenge that is
// not base64).
func (s *Session) Authenticate(mech string) Reply {
	user, pass := s.t.Credentials()
	s.RequireMechanism(mech)
	switch strings.ToUpper(mech) {
	case "PLAIN":
		return s.AuthCmd("PLAIN", PlainMessage("", user, pass), true)
	case "LOGIN":
		r := s.AuthCmd("LOGIN", "", false)
		if r.Code != 334 {
			return r
		}
		if r = s.AuthRespond(B64(user), false); r.Code != 334 {
			return r
		}
		return s.AuthRespond(B64(pass), true)
	case "CRAM-MD5":
		r := s.AuthCmd("CRAM-MD5", "", false)
		if r.Code != 334 {
			return r
		}
		resp, ok := CramResponse(strings.TrimSpace(r.Text()), user, pass)
		if !ok {
			s.AuthRespond("*", false)
			s.t.Errorf("the CRAM-MD5 challenge is not base64: %s", r)
		}
		return s.AuthRespond(resp, true)
	}
	s.t.Errorf("internal: the suite cannot authenticate with %s", mech)
	return Reply{}
}

// Login authenticates with the configured credentials, preferring PLAIN,
// then LOGIN, then CRAM-MD5, and requires 235 (a precondition: anything else
// is ERROR, or NOT APPLICABLE for policy). After it, the session sends EHLO
// again only when the spec asks (RFC 4954 does not require it).
func (s *Session) Login() Reply {
	s.t.Credentials()
	for _, m := range []string{"PLAIN", "LOGIN", "CRAM-MD5"} {
		if s.Offers(m) {
			r := s.Authenticate(m)
			if r.Code != 235 {
				s.t.policy(r)
				s.t.Errorf("precondition: AUTH %s with --auth-user %s answered %s, needed 235", m, s.t.Cfg.AuthUser, r)
			}
			return r
		}
	}
	s.RequireMechanism("PLAIN")
	return Reply{}
}

// SendAuthPipelined sends "AUTH mech ir" and next in one write (RFC 4954 §4
// allows it for a one-round-trip mechanism with an initial response, under
// PIPELINING), the initial response redacted in the transcript. Read the
// AUTH reply with Read; the next reply is validated as a reply to nothing
// known (read it with Account).
func (s *Session) SendAuthPipelined(mech, ir, next string) {
	s.sendLine("AUTH "+mech+" "+ir+"\r\n"+next, "AUTH "+mech+" "+Redacted+"\r\n"+next)
}

// Xtext encodes s as xtext (RFC 3461 §4): "+", "=" and octets outside
// %x21-7E become "+" and two upper-case hex digits.
func Xtext(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '+' || c == '=' {
			fmt.Fprintf(&b, "+%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
