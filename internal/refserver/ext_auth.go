package refserver

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// AUTH, RFC 4954, with the SASL mechanisms PLAIN (RFC 4616), LOGIN
// (draft-murchison-sasl-login) and CRAM-MD5 (RFC 2195), checked against
// Config.Users. The EHLO line lists the mechanisms; the exchange reads its
// responses with a 12288-octet buffer (§4), "*" cancels with 501, a response
// that is not strict base64 gets 501, bad credentials 535, a second AUTH or
// AUTH inside a transaction 503. MAIL takes AUTH=<xtext> (§5). Under
// ModeSubmission MAIL before a successful AUTH gets 530 (mail.go).
//
// Plaintext mechanisms (PLAIN, LOGIN) are offered before TLS only while the
// server offers no STARTTLS: with STARTTLS available they wait for TLS
// (RFC 4954 §4 Note, RFC 4616 §5). The server listens on loopback only.

// The default AUTH account (Config.Users).
const (
	DefaultAuthUser     = "alice"
	DefaultAuthPassword = "smtpspec-Test-Passw0rd"
)

const (
	// authBuffer is the longest response line of an AUTH exchange, CRLF
	// included: RFC 4954 §4 considers 12288 octets enough.
	authBuffer = 12288 + 2
	// faultAuthBuffer is the buffer of faultLongResponse: the command-line
	// limit of RFC 5321 §4.5.3.1.4.
	faultAuthBuffer = maxCommandLine
	// faultFieldLimit is the PLAIN field length fault255 refuses beyond.
	faultFieldLimit = 64
	// loginUserPrompt and loginPassPrompt are base64 "Username:" and
	// "Password:", the LOGIN prompts.
	loginUserPrompt = "VXNlcm5hbWU6"
	loginPassPrompt = "UGFzc3dvcmQ6"
	// scramListed is the mechanism faultMechUnavailable lists.
	scramListed = "SCRAM-SHA-256"
)

// extAuth is registered from init: its handlers refer to it.
var extAuth *extension

func init() {
	extAuth = registerExtension(&extension{
		keyword:    "AUTH",
		offered:    func(s *session) bool { return authOffered(s) && !s.has(faultSubmissionNoAuth) },
		line:       authLine,
		verbs:      map[string]verbHandler{"AUTH": cmdAuth},
		mailParams: map[string]paramHandler{"AUTH": mailAuthParam},
	})
}

// authState is the session's AUTH state. A successful AUTH lasts for the
// session (EHLO and RSET keep it); STARTTLS discards it with the rest.
type authState struct {
	user     string // the authenticated user; "" before a successful AUTH
	failures int    // failed AUTH attempts
}

// authSpecs are the specs whose stimulus runs through a successful PLAIN
// login with an empty authzid: a fault of that path may change them.
var authSpecs = []string{
	"RFC4954-4-success-235", "RFC4954-4-reauth-503", "RFC4954-4-strict-base64", "RFC4954-4-pipelined-plain-ir",
	"RFC4616-2-message-format", "RFC4954-4-no-ir-then-334",
	"RFC4954-6-auth-codes",                                 // logs in with credentials (codes_seq.go)
	"RFC4616-2-prep-failure", "RFC2645-5.2.1-atrn-replies", // log in first (a control; ATRN needs AUTH)
}

// plainSpecs are the AUTH specs whose stimulus is PLAIN: without it they
// are not applicable.
var plainSpecs = []string{
	"RFC4616-2-255-octet-fields", "RFC4616-2-authzid-other-refused", "RFC4616-2-authzid-self", "RFC4616-2-malformed-message",
	"RFC4616-2-message-format", "RFC4616-2-prep-failure", "RFC4954-4-authzid-prep-failure", "RFC4954-4-empty-challenge-format",
	"RFC4954-4-failure-535", "RFC4954-4-ir-equals-is-empty", "RFC4954-4-long-response-ok", "RFC4954-4-no-ir-then-334",
	"RFC4954-4-pipelined-plain-ir", "RFC4954-4-strict-base64", "RFC4954-4-too-long-500", "RFC4954-4-undecodable-501",
	"RFC4954-9-min-three-attempts",
}

// authTLSSpecs are the AUTH specs that use PLAIN or LOGIN, which a server
// offering STARTTLS offers only under TLS (authMechanisms): they upgrade the
// session first, so a fault of the STARTTLS hook (ext_starttls.go) may change
// them.
var authTLSSpecs = []string{
	"RFC4616-2-255-octet-fields", "RFC4616-2-authzid-other-refused", "RFC4616-2-authzid-self", "RFC4616-2-malformed-message",
	"RFC4616-2-message-format", "RFC4954-4-334-base64-only", "RFC4954-4-auth-in-transaction-503", "RFC4954-4-authzid-prep-failure",
	"RFC4954-4-cancel-501", "RFC4954-4-empty-challenge-format", "RFC4954-4-failure-535", "RFC4954-4-ir-equals-is-empty",
	"RFC4954-4-long-response-ok", "RFC4954-4-no-ir-then-334", "RFC4954-4-pipelined-plain-ir", "RFC4954-4-reauth-503",
	"RFC4954-4-strict-base64", "RFC4954-4-success-235", "RFC4954-4-too-long-500", "RFC4954-4-undecodable-501",
	"RFC4954-6-538-historical", "RFC4954-9-min-three-attempts", "RFC4954-6-auth-codes",
	"RFC4954-4-plain-over-tls", "RFC4616-2-prep-failure", "RFC2645-5.2.1-atrn-replies",
}

// Faults of AUTH, each wrapping one hook of the extension.
var (
	faultAuthKeyword = newFault("RFC4954-3-keyword-syntax",
		"advertises AUTH only in the legacy form \"AUTH=PLAIN LOGIN CRAM-MD5\"").may(allAuthSpecs()...).
		// "AUTH=..." is no ehlo-keyword, and the AUTH verb is then unlisted.
		may("RFC5321-4.1.1.1-ehlo-line-syntax", "RFC5321-4.1.1.1-ehlo-lists-optional-verbs").
		may("RFC2645-5.2.1-atrn-replies") // its login before ATRN finds no AUTH
	faultUnknownMech = newFault("RFC4954-4-unknown-mechanism-504",
		"answers AUTH with a mechanism it does not support with 535 instead of 504").
		// PLAIN before TLS is not offered when STARTTLS is: it gets the 535 too.
		may("RFC4954-4-no-plaintext-without-tls")
	faultPromptText = newFault("RFC4954-4-334-base64-only",
		"sends the LOGIN prompts as plain text (\"334 Username:\", \"334 Password:\")")
	faultEmptyChallenge = newFault("RFC4954-4-empty-challenge-format",
		"sends an empty challenge as \"334\" without the space")
	faultCancel = newFault("RFC4954-4-cancel-501",
		"answers a \"*\" response with 535 instead of 501")
	faultUndecodable = newFault("RFC4954-4-undecodable-501",
		"answers a response that is not base64 with 535 instead of 501").may("RFC4954-4-strict-base64")
	faultLenientB64 = newFault("RFC4954-4-strict-base64",
		"skips spaces and tabs inside base64 responses instead of rejecting them")
	faultIRServerFirst = newFault("RFC4954-4-ir-server-first-501",
		"ignores an initial response given with CRAM-MD5 and sends the challenge")
	faultIREquals = newFault("RFC4954-4-ir-equals-is-empty",
		"takes the initial response \"=\" for no initial response and prompts with an empty 334")
	faultNoIR = newFault("RFC4954-4-no-ir-then-334",
		"answers AUTH PLAIN without an initial response with 535 instead of an empty 334").
		may("RFC4954-4-empty-challenge-format", "RFC4954-4-long-response-ok", "RFC4954-4-too-long-500", "RFC4616-2-255-octet-fields",
			"RFC4954-4-strict-base64", "RFC4954-4-undecodable-501")
	faultSuccess = newFault("RFC4954-4-success-235",
		"answers a successful authentication with 250 instead of 235").may(authSpecs...).
		may("RFC4616-2-authzid-self", "RFC2195-2-digest-verification", "RFC4954-9-min-three-attempts",
			"RFC3207-4.2-reset-discards-auth") // its login before TLS must get 235
	faultFailure = newFault("RFC4954-4-failure-535",
		"answers a wrong password with 554 instead of 535").may("RFC2195-2-digest-verification", "RFC4954-9-min-three-attempts",
		"RFC4954-6-auth-codes") // 554 is outside the AUTH row
	faultReauth = newFault("RFC4954-4-reauth-503",
		"accepts AUTH again after a successful AUTH")
	faultAuthInTx = newFault("RFC4954-4-auth-in-transaction-503",
		"accepts AUTH during a mail transaction")
	faultLongResponse = newFault("RFC4954-4-long-response-ok",
		"has a 512-octet authentication buffer: a longer response gets 500").may("RFC4616-2-255-octet-fields")
	faultTooLong = newFault("RFC4954-4-too-long-500",
		"answers a response longer than its buffer with 535 instead of 500")
	faultAuthzidPrep = newFault("RFC4954-4-authzid-prep-failure",
		"drops control characters from the authorization identity instead of failing the authentication")
	faultPlaintext = newFault("RFC4954-4-no-plaintext-without-tls",
		"offers and accepts PLAIN and LOGIN before TLS although it offers STARTTLS")
	faultPipelinedIR = newFault("RFC4954-4-pipelined-plain-ir",
		"discards the input pipelined after an AUTH command that succeeds with an initial response")
	faultAuthParam = newFault("RFC4954-5-auth-param-accepted",
		"refuses the MAIL parameter AUTH= from a client that has not authenticated with 555").may("RFC4954-5-auth-param-syntax",
		"RFC4954-8-case-insensitive") // its upper-case control is refused
	faultAuthParamSyntax = newFault("RFC4954-5-auth-param-syntax",
		"accepts an AUTH= value that is not valid xtext")
	fault538 = newFault("RFC4954-6-538-historical",
		"answers AUTH LOGIN with 538 (encryption required) while advertising LOGIN").may("RFC4954-4-334-base64-only", "RFC4954-4-cancel-501", "RFC4954-4-success-235")
	faultMinThree = newFault("RFC4954-9-min-three-attempts",
		"drops the connection, without a reply, at the second failed authentication").may("RFC4616-2-malformed-message")
	faultEmptyAuthzid = newFault("RFC4616-2-message-format",
		"refuses a PLAIN message whose authzid is empty").may(authSpecs...)
	faultAuthzidSelf = newFault("RFC4616-2-authzid-self",
		"refuses a PLAIN message whose authzid is not empty, even when it names the authcid")
	faultAuthzidIgnored = newFault("RFC4616-2-authzid-other-refused",
		"ignores the authzid of a PLAIN message").may("RFC4954-4-authzid-prep-failure")
	faultField255 = newFault("RFC4616-2-255-octet-fields",
		"refuses PLAIN fields longer than 64 octets with 501").may("RFC4954-4-long-response-ok")
	faultExtraNul = newFault("RFC4616-2-malformed-message",
		"takes the password of a PLAIN message as the text between the second NUL and a third one")
	faultCramMsgid = newFault("RFC2195-2-challenge-msgid",
		"sends a CRAM-MD5 challenge without the angle brackets of a msg-id")
	faultCramFixed = newFault("RFC2195-2-challenge-unique",
		"sends the same CRAM-MD5 challenge every time")
	faultCramDigest = newFault("RFC2195-2-digest-verification",
		"accepts any CRAM-MD5 digest for a known user")
	faultSubmissionMail = newSubmissionFault("RFC6409-4.3-auth-required",
		"as a submission server, accepts MAIL before AUTH").may("RFC4954-6-auth-required-530",
		// The AUTH specs that send MAIL unauthenticated meet no 530 then.
		"RFC4954-4-auth-in-transaction-503", "RFC4954-5-auth-param-accepted", "RFC4954-5-auth-param-syntax",
		"RFC4954-8-case-insensitive")
	faultSubmissionNoAuth = newSubmissionFault("RFC6409-7-auth-supported",
		"as a submission server, does not offer AUTH (in plaintext or under TLS)").may(allAuthSpecs()...).
		may("RFC4954-3-keyword-syntax", "RFC4954-6-auth-enhanced-codes") // feature core, and ext2.go: no AUTH line to judge
	faultPlainMissing = newFault("RFC4954-4-plain-over-tls",
		"does not implement PLAIN: the AUTH line lists LOGIN and CRAM-MD5 under TLS, and AUTH PLAIN gets 504").
		may(plainSpecs...)
	faultPrepAuthcid = newFault("RFC4616-2-prep-failure",
		"drops control characters from a PLAIN authentication identity before looking the user up, instead of failing the preparation")
	faultMechUnavailable = newFault("RFC4954-3-mechanisms-available",
		"lists SCRAM-SHA-256, which it does not implement, in its AUTH line, and answers AUTH SCRAM-SHA-256 with 504")
	faultAuthParamCase = newFault("RFC4954-8-case-insensitive",
		"matches the MAIL parameter keyword AUTH case-sensitively: auth=<> gets 555")
	faultSubmissionNoop = newSubmissionFault("RFC4954-6-auth-required-530",
		"as a submission server, answers NOOP and RSET before AUTH with 530")
)

// allAuthSpecs lists the specs of the AUTH feature (NOT APPLICABLE when the
// keyword AUTH is missing).
func allAuthSpecs() []string {
	return []string{"RFC4954-4-unknown-mechanism-504", "RFC4954-4-334-base64-only", "RFC4954-4-empty-challenge-format",
		"RFC4954-4-cancel-501", "RFC4954-4-undecodable-501", "RFC4954-4-strict-base64", "RFC4954-4-ir-server-first-501",
		"RFC4954-4-ir-equals-is-empty", "RFC4954-4-no-ir-then-334", "RFC4954-4-success-235", "RFC4954-4-failure-535",
		"RFC4954-4-reauth-503", "RFC4954-4-auth-in-transaction-503", "RFC4954-4-long-response-ok", "RFC4954-4-too-long-500",
		"RFC4954-4-authzid-prep-failure", "RFC4954-4-no-plaintext-without-tls", "RFC4954-4-pipelined-plain-ir",
		"RFC4954-5-auth-param-accepted", "RFC4954-5-auth-param-syntax", "RFC4954-6-auth-required-530",
		"RFC4954-6-538-historical", "RFC4954-9-min-three-attempts", "RFC4616-2-message-format", "RFC4616-2-authzid-self",
		"RFC4616-2-authzid-other-refused", "RFC4616-2-255-octet-fields", "RFC4616-2-malformed-message",
		"RFC2195-2-challenge-msgid", "RFC2195-2-challenge-unique", "RFC2195-2-digest-verification",
		"RFC4954-6-auth-codes", "RFC4954-4-plain-over-tls", "RFC4616-2-prep-failure", "RFC4954-8-case-insensitive", "RFC4954-3-mechanisms-available"}
}

// newSubmissionFault declares a fault that shows when the server runs as a
// submission server (ModeSubmission).
func newSubmissionFault(id, description string) *fault {
	f := newFault(id, description)
	f.mode = ModeSubmission
	return f
}

// normaliseUsers fills in the default account and checks the others.
func (c *Config) normaliseUsers() error {
	if len(c.Users) == 0 {
		c.Users = map[string]string{DefaultAuthUser: DefaultAuthPassword}
		return nil
	}
	users := make(map[string]string, len(c.Users))
	for u, p := range c.Users {
		if u == "" || p == "" || strings.ContainsAny(u, "\x00 ") || strings.ContainsRune(p, 0) {
			return fmt.Errorf("refserver: AUTH user %q: names and passwords must be non-empty, without NUL (and names without spaces)", u)
		}
		users[u] = p
	}
	c.Users = users
	return nil
}

// submissionRefusal returns the refusal of verb by a submission server
// (ModeSubmission) before AUTH, or "": RFC 6409 §4.3 refuses MAIL with 530
// (RFC 4954 §6), while NOOP, RSET and the rest work.
func (s *session) submissionRefusal(verb string) string {
	if s.cfg.Mode != ModeSubmission || s.authenticated() {
		return ""
	}
	switch {
	case verb == "MAIL" && s.helo != "" && !s.inTx && !s.has(faultSubmissionMail),
		(verb == "NOOP" || verb == "RSET") && s.has(faultSubmissionNoop):
		return "530 5.7.0 Authentication required"
	}
	return ""
}

// authenticated reports whether the session has completed AUTH.
func (s *session) authenticated() bool {
	return extState[authState](s, extAuth).user != ""
}

// authLine is the EHLO line: AUTH and the mechanisms offered now.
func authLine(s *session) string {
	if s.has(faultAuthKeyword) {
		return "AUTH=" + strings.Join(s.authMechanisms(), " ")
	}
	return "AUTH " + strings.Join(s.authMechanisms(), " ")
}

// authMechanisms returns the mechanisms offered in the session's state.
func (s *session) authMechanisms() []string {
	var mechs []string
	switch {
	case s.plaintextAuthAllowed() && s.has(faultPlainMissing):
		mechs = []string{"LOGIN", "CRAM-MD5"}
	case s.plaintextAuthAllowed():
		mechs = []string{"PLAIN", "LOGIN", "CRAM-MD5"}
	default:
		mechs = []string{"CRAM-MD5"}
	}
	if s.has(faultMechUnavailable) {
		mechs = append(mechs, scramListed)
	}
	return mechs
}

// plaintextAuthAllowed reports whether PLAIN and LOGIN may be used now:
// under TLS, or on a server that offers no STARTTLS at all.
func (s *session) plaintextAuthAllowed() bool {
	if _, ok := s.conn.(*tls.Conn); ok {
		return true
	}
	st := extensions["STARTTLS"]
	return st == nil || !s.srv.enabled[st] || s.has(faultPlaintext)
}

// cmdAuth answers AUTH mechanism [initial-response] (RFC 4954 §4).
func cmdAuth(s *session, arg string) error {
	st := extState[authState](s, extAuth)
	switch {
	case s.helo == "":
		return s.reply("503 5.5.1 Send EHLO first") // AUTH is negotiated through EHLO (§3)
	case st.user != "" && !s.has(faultReauth):
		return s.reply("503 5.5.1 Already authenticated") // §4
	case s.inTx && !s.has(faultAuthInTx):
		return s.reply("503 5.5.1 AUTH not permitted during a mail transaction") // §4
	}
	if refusal := s.authNoMechFault(arg); refusal != "" {
		return s.reply(refusal) // faults_seq.go
	}
	f := strings.Split(arg, " ")
	if f[0] == "" || len(f) > 2 {
		return s.reply("501 5.5.4 Syntax: AUTH mechanism [initial-response]")
	}
	mech := strings.ToUpper(f[0])
	ir, hasIR := "", len(f) == 2
	if hasIR {
		ir = f[1]
	}
	offered := false
	for _, m := range s.authMechanisms() {
		offered = offered || m == mech
	}
	if !offered {
		if s.has(faultUnknownMech) {
			return s.reply("535 5.7.8 Authentication failed")
		}
		return s.reply("504 5.5.4 Unrecognized authentication mechanism") // §4
	}
	switch mech {
	case scramListed: // faultMechUnavailable: listed, not implemented
		return s.reply("504 5.5.4 Unrecognized authentication mechanism")
	case "PLAIN":
		return s.authPlain(ir, hasIR)
	case "LOGIN":
		if s.has(fault538) {
			return s.reply("538 5.7.11 Encryption required for requested authentication mechanism")
		}
		return s.authLogin(hasIR)
	default:
		return s.authCram(hasIR)
	}
}

// authRead sends the challenge line (a 334 reply) and reads the client's
// response, decoded. refusal is the reply that ends the exchange ("" when
// the response decoded).
func (s *session) authRead(challenge string) (data []byte, refusal string, err error) {
	if err := s.reply(challenge); err != nil {
		return nil, "", err
	}
	limit := authBuffer
	if s.has(faultLongResponse) {
		limit = faultAuthBuffer
	}
	line, long, err := s.readLine(limit)
	if err != nil {
		return nil, "", err
	}
	if long {
		if s.has(faultTooLong) {
			return nil, "535 5.7.8 Authentication failed", nil
		}
		return nil, "500 5.5.6 Authentication Exchange line is too long", nil // §4, §6
	}
	data, refusal = s.authDecode(string(line))
	return data, refusal, nil
}

// authStep is one round of a mechanism: it sends the challenge and reads
// the response. When the response ends the exchange (a cancel, bad
// base64, a line too long) it sends the refusal and done is true; err is
// then the result of the exchange.
func (s *session) authStep(challenge string) (data []byte, done bool, err error) {
	data, refusal, err := s.authRead(challenge)
	switch {
	case err != nil:
		return nil, true, err
	case refusal != "":
		return nil, true, s.authDone("", refusal, false)
	}
	return data, false, nil
}

// strictBase64 is RFC 4954 §8's base64: groups of four, padding only at
// the end.
var strictBase64 = regexp.MustCompile(`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`)

// authDecode decodes one client response: "*" cancels (501), anything but
// strict base64 is refused (501, 5.5.2), RFC 4954 §4.
func (s *session) authDecode(resp string) (data []byte, refusal string) {
	if resp == "*" {
		if s.has(faultCancel) {
			return nil, "535 5.7.8 Authentication failed"
		}
		return nil, "501 5.0.0 Authentication cancelled"
	}
	if s.has(faultLenientB64) {
		resp = strings.NewReplacer(" ", "", "\t", "").Replace(resp)
	}
	if !strictBase64.MatchString(resp) {
		if s.has(faultUndecodable) {
			return nil, "535 5.7.8 Authentication failed"
		}
		return nil, "501 5.5.2 Cannot decode response"
	}
	data, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		return nil, "501 5.5.2 Cannot decode response"
	}
	return data, ""
}

// authDone ends an exchange: 235 for user (the empty user is a failure,
// refused with refusal or 535). pipelined says the exchange was one
// command with an initial response.
func (s *session) authDone(user, refusal string, pipelined bool) error {
	st := extState[authState](s, extAuth)
	if refusal != "" {
		return s.reply(refusal)
	}
	if user == "" {
		st.failures++
		if st.failures >= 2 && s.has(faultMinThree) {
			return errDrop
		}
		return s.reply(s.authFailureReply()) // §4, §6
	}
	st.user = user
	code := "235"
	if s.has(faultSuccess) {
		code = "250"
	}
	if err := s.reply(code + " 2.7.0 Authentication successful"); err != nil {
		return err
	}
	if pipelined && s.has(faultPipelinedIR) {
		s.r.Discard(s.r.Buffered())
	}
	return nil
}

// passwordRefusal is the refusal of a wrong password for user: "" (the
// 535 of authDone) but under faultFailure, which answers a known user's
// wrong password with 554.
func (s *session) passwordRefusal(user string) string {
	if _, known := s.cfg.Users[user]; known && s.has(faultFailure) {
		return "554 5.7.8 Authentication failed"
	}
	return ""
}

// checkPassword reports whether password is user's.
func (s *session) checkPassword(user, password string) bool {
	want, ok := s.cfg.Users[user]
	return ok && hmac.Equal([]byte(want), []byte(password))
}

// authPlain runs PLAIN (RFC 4616): one message, NUL-separated.
func (s *session) authPlain(ir string, hasIR bool) error {
	var data []byte
	switch {
	case !hasIR || (ir == "=" && s.has(faultIREquals)):
		if s.has(faultNoIR) {
			return s.reply("535 5.7.8 Initial response required")
		}
		challenge := "334 "
		if s.has(faultEmptyChallenge) {
			challenge = "334"
		}
		var done bool
		var err error
		if data, done, err = s.authStep(challenge); done {
			return err
		}
	case ir == "=": // §4: present, but empty
	default:
		var refusal string
		if data, refusal = s.authDecode(ir); refusal != "" {
			return s.authDone("", refusal, false)
		}
	}
	user, refusal := s.verifyPlain(string(data))
	return s.authDone(user, refusal, hasIR)
}

// verifyPlain checks a PLAIN message and returns the authenticated user
// ("" when it fails) and a refusal other than 535, if any.
func (s *session) verifyPlain(msg string) (user, refusal string) {
	parts := strings.Split(msg, "\x00")
	if len(parts) > 3 && s.has(faultExtraNul) {
		parts = parts[:3]
	}
	if len(parts) != 3 {
		return "", ""
	}
	authzid, authcid, passwd := parts[0], parts[1], parts[2]
	if s.has(faultPrepAuthcid) {
		authcid = dropControls(authcid)
	}
	if s.has(faultField255) && (len(authzid) > faultFieldLimit || len(authcid) > faultFieldLimit || len(passwd) > faultFieldLimit) {
		return "", "501 5.5.2 Field too long"
	}
	if authcid == "" || passwd == "" || !utf8.ValidString(msg) {
		return "", ""
	}
	if authzid == "" && s.has(faultEmptyAuthzid) {
		return "", ""
	}
	if !s.checkPassword(authcid, passwd) {
		return "", s.passwordRefusal(authcid)
	}
	if authzid == "" || s.has(faultAuthzidIgnored) {
		return authcid, ""
	}
	if s.has(faultAuthzidSelf) {
		return "", ""
	}
	if s.has(faultAuthzidPrep) {
		authzid = dropControls(authzid)
	}
	// RFC 4954 §4: an authzid that fails preparation (SASLprep prohibits
	// control characters) fails; there are no proxy rights, so the authzid
	// must be the authcid.
	if !preparable(authzid) || authzid != authcid {
		return "", ""
	}
	return authcid, ""
}

// dropControls removes the ASCII control characters from s (the faults
// that skip SASLprep's prohibition instead of failing).
func dropControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// preparable reports whether SASLprep would accept s as far as this server
// checks: no control characters.
func preparable(s string) bool {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return false
		}
	}
	return true
}

// authLogin runs LOGIN: the user name, then the password, each prompted.
func (s *session) authLogin(hasIR bool) error {
	if hasIR {
		// RFC 4954 §4: LOGIN's server speaks first, so an initial response
		// is refused (REQUIREMENTS.md §17 item 13: the strict answer).
		return s.reply("501 5.7.0 LOGIN takes no initial response")
	}
	userPrompt, passPrompt := "334 "+loginUserPrompt, "334 "+loginPassPrompt
	if s.has(faultPromptText) {
		userPrompt, passPrompt = "334 Username:", "334 Password:"
	}
	user, done, err := s.authStep(userPrompt)
	if done {
		return err
	}
	pass, done, err := s.authStep(passPrompt)
	if done {
		return err
	}
	if !s.checkPassword(string(user), string(pass)) {
		return s.authDone("", s.passwordRefusal(string(user)), false)
	}
	return s.authDone(string(user), "", false)
}

// authCram runs CRAM-MD5 (RFC 2195 §2).
func (s *session) authCram(hasIR bool) error {
	if hasIR && !s.has(faultIRServerFirst) {
		// RFC 4954 §4: the server speaks first in CRAM-MD5.
		return s.reply("501 5.7.0 CRAM-MD5 takes no initial response")
	}
	challenge := s.cramChallenge()
	resp, done, err := s.authStep("334 " + base64.StdEncoding.EncodeToString([]byte(challenge)))
	if done {
		return err
	}
	i := strings.LastIndexByte(string(resp), ' ')
	if i < 0 {
		return s.authDone("", "", false)
	}
	user, digest := string(resp[:i]), string(resp[i+1:])
	pass, ok := s.cfg.Users[user]
	if !ok {
		return s.authDone("", "", false)
	}
	m := hmac.New(md5.New, []byte(pass))
	m.Write([]byte(challenge))
	if !s.has(faultCramDigest) && !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(digest)) {
		return s.authDone("", s.passwordRefusal(user), false)
	}
	return s.authDone(user, "", false)
}

// cramChallenge returns a fresh challenge in msg-id form: <random
// digits.timestamp@hostname> (RFC 2195 §2).
func (s *session) cramChallenge() string {
	if s.has(faultCramFixed) {
		return "<1896.697170952@" + s.cfg.Hostname + ">"
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1e12))
	if err != nil {
		n = big.NewInt(0)
	}
	id := fmt.Sprintf("%d.%d@%s", n, time.Now().UnixNano(), s.cfg.Hostname)
	if s.has(faultCramMsgid) {
		return id
	}
	return "<" + id + ">"
}

// mailAuthParam checks MAIL's AUTH=<xtext> (RFC 4954 §5): the decoded
// value is a mailbox or "<>". The server trusts no one, so a valid value is
// parsed and dropped (§5 allows it).
func mailAuthParam(s *session, p param) string {
	if p.written != "AUTH" && s.has(faultAuthParamCase) {
		return "555 5.5.4 Unsupported parameter " + p.written
	}
	if s.has(faultAuthParam) && !s.authenticated() {
		return "555 5.5.4 Unsupported parameter AUTH"
	}
	v, ok := xtextDecode(p.value)
	if s.has(faultAuthParamSyntax) {
		return ""
	}
	if !p.hasValue || !ok {
		return "501 5.5.4 Invalid AUTH parameter"
	}
	if v == "<>" {
		return ""
	}
	if _, _, err := parseMailbox(v); err != nil {
		return "501 5.5.4 Invalid AUTH parameter"
	}
	return ""
}

// xtextDecode decodes xtext (RFC 3461 §4, RFC 4954 §8): xchar is
// %x21-2A / %x2C-3C / %x3E-7E, and "+" is followed by two upper-case hex
// digits.
func xtextDecode(x string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(x); i++ {
		c := x[i]
		switch {
		case c == '+':
			if i+2 >= len(x) {
				return "", false
			}
			h, err := hex.DecodeString(x[i+1 : i+3])
			if err != nil || strings.ToUpper(x[i+1:i+3]) != x[i+1:i+3] {
				return "", false
			}
			b.WriteByte(h[0])
			i += 2
		case c >= 0x21 && c <= 0x7e && c != '=':
			b.WriteByte(c)
		default:
			return "", false
		}
	}
	return b.String(), true
}
