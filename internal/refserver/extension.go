package refserver

import (
	"fmt"
	"sort"
	"strings"
)

// extension is one SMTP service extension the server can offer: its EHLO
// keyword line and the MAIL and RCPT parameters and verbs it brings. Each
// extension is declared in its own file (ext_size.go, ext_8bitmime.go, ...)
// with its faults, and registered from that file's init with
// registerExtension. Clean handlers carry no fault checks of other areas;
// an extension's faults wrap its own hooks.
type extension struct {
	// keyword is the EHLO keyword, upper case: "SIZE".
	keyword string
	// line returns the EHLO line (the keyword and its parameters); nil
	// means the keyword alone.
	line func(s *session) string
	// offered reports whether the extension is offered in the session's
	// current state (STARTTLS is not offered once TLS is on); nil means
	// always. An extension not offered is not listed, and its verbs and
	// parameters are unknown to the session.
	offered func(s *session) bool
	// mailParams and rcptParams handle the MAIL FROM and RCPT TO
	// parameters of the extension, by upper-case keyword.
	mailParams, rcptParams map[string]paramHandler
	// verbs handles the commands of the extension, by upper-case verb.
	verbs map[string]verbHandler
	// resetTx runs whenever the mail transaction is cleared (RSET, EHLO,
	// HELO, a new MAIL, the end of a message), to drop the extension's
	// per-transaction state.
	resetTx func(s *session)
	// envelopeLine returns the octets the extension adds to the longest
	// MAIL and RCPT command line the server takes (RFC 5321 §4.5.3.1.4 lets
	// extensions raise the 512-octet limit: RFC 1870 §3(5), RFC 3461
	// §5.4, RFC 6531 §3.1(5)); nil adds nothing.
	envelopeLine func(s *session) int
	// dataEnd runs when the mail data of DATA has been read without a
	// refusal, before the transaction is cleared, and returns the reply
	// refusing the message instead of the 250 ("" to take it).
	dataEnd func(s *session, data []byte) (refusal string)
	// beforeData runs when DATA is about to be accepted (a transaction
	// with recipients is open) and returns the refusal to send instead of
	// the 354, or "" (CHUNKING: DATA after BDAT gets 503, RFC 3030 §2).
	beforeData func(s *session) (refusal string)
	// replyText, when set, rewrites the text of line i of every reply with
	// code the session sends (ENHANCEDSTATUSCODES prefaces it with a status
	// code, RFC 2034 §4).
	replyText func(s *session, code, text string, i int) string
	// afterReply runs after every reply has been written and flushed, with
	// its code.
	afterReply func(s *session, code string)
}

// paramHandler checks one MAIL or RCPT parameter of an accepted command
// line and keeps what it needs in the extension's session state. It returns
// the refusal to send ("" when the parameter is accepted). It runs after the
// path has been accepted and before the command is; a parameter named twice
// on one line is refused before any handler runs (every parameter defined
// by the extensions here may appear at most once).
type paramHandler func(s *session, p param) (refusal string)

// verbHandler answers one command of an extension.
type verbHandler func(s *session, arg string) error

// extensions are the registered extensions, by keyword. It is filled during
// package initialisation and read-only afterwards.
var extensions = map[string]*extension{}

// registerExtension registers e. It panics on a duplicate keyword: that is a
// programming error caught at package initialisation.
func registerExtension(e *extension) *extension {
	if _, dup := extensions[e.keyword]; dup {
		panic("refserver: duplicate extension " + e.keyword)
	}
	extensions[e.keyword] = e
	return e
}

// Extensions returns the EHLO keywords of every extension the server can
// offer, sorted. By default it offers all of them; Config.Without leaves
// some out.
func Extensions() []string {
	out := make([]string, 0, len(extensions))
	for k := range extensions {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// enabledExtensions returns the extensions of cfg, in keyword order.
func enabledExtensions(cfg *Config) ([]*extension, error) {
	without := map[string]bool{}
	for _, k := range cfg.Without {
		k = strings.ToUpper(k)
		if extensions[k] == nil {
			return nil, fmt.Errorf("refserver: Without names %q, which is not an extension of the server (%s)", k, strings.Join(Extensions(), ", "))
		}
		without[k] = true
	}
	var out []*extension
	for _, k := range Extensions() {
		if !without[k] {
			out = append(out, extensions[k])
		}
	}
	return out, nil
}

// offers reports whether the session offers e now.
func (s *session) offers(e *extension) bool {
	if !s.srv.enabled[e] || (s.srv.tlsOnly[e] && !s.tlsActive()) {
		return false
	}
	return e.offered == nil || e.offered(s)
}

// extensionLines returns the EHLO lines of the extensions offered now.
func (s *session) extensionLines() []string {
	var out []string
	for _, e := range s.srv.exts {
		if !s.offers(e) {
			continue
		}
		if e.line != nil {
			out = append(out, e.line(s))
		} else {
			out = append(out, e.keyword)
		}
	}
	return out
}

// extensionVerb returns the handler of verb when an extension offered now
// defines it.
func (s *session) extensionVerb(verb string) verbHandler {
	for _, e := range s.srv.exts {
		if h := e.verbs[verb]; h != nil && s.offers(e) {
			return h
		}
	}
	return nil
}

// extensionParam returns the handler of the MAIL (rcpt false) or RCPT
// (rcpt true) parameter keyword when an extension offered now defines it.
func (s *session) extensionParam(rcpt bool, keyword string) paramHandler {
	for _, e := range s.srv.exts {
		m := e.mailParams
		if rcpt {
			m = e.rcptParams
		}
		if h := m[keyword]; h != nil && s.offers(e) {
			return h
		}
	}
	return nil
}

// checkParams runs the handlers of the parameters of one MAIL (rcpt false)
// or RCPT (rcpt true) command line and returns the first refusal, or "" when
// every parameter is accepted. A parameter no offered extension defines gets
// 555 (RFC 5321 §4.1.1.11); one given twice gets 501.
func (s *session) checkParams(rcpt bool, params []param) string {
	seen := map[string]bool{}
	for _, p := range params {
		if seen[p.keyword] {
			return "501 5.5.4 Duplicate " + p.keyword + " parameter"
		}
		seen[p.keyword] = true
	}
	for _, p := range params {
		h := s.extensionParam(rcpt, p.keyword)
		if h == nil {
			return "555 5.5.4 Unsupported parameter " + p.keyword
		}
		if refusal := h(s, p); refusal != "" {
			return refusal
		}
	}
	return ""
}

// extBeforeData returns the first refusal of DATA by an extension offered
// now, or "".
func (s *session) extBeforeData() string {
	for _, e := range s.srv.exts {
		if e.beforeData != nil && s.offers(e) {
			if r := e.beforeData(s); r != "" {
				return r
			}
		}
	}
	return ""
}

// extReplyText passes the text of line i of a reply with code through the
// replyText hooks of the extensions offered now.
func (s *session) extReplyText(code, text string, i int) string {
	for _, e := range s.srv.exts {
		if e.replyText != nil && s.offers(e) {
			text = e.replyText(s, code, text, i)
		}
	}
	return text
}

// extAfterReply runs the afterReply hooks of the extensions offered now.
func (s *session) extAfterReply(code string) {
	for _, e := range s.srv.exts {
		if e.afterReply != nil && s.offers(e) {
			e.afterReply(s, code)
		}
	}
}

// extState returns the session's state of extension e, creating it on first
// use. Each extension keeps its per-session state in a type of its own.
func extState[T any](s *session, e *extension) *T {
	if v, ok := s.ext[e]; ok {
		return v.(*T)
	}
	if s.ext == nil {
		s.ext = map[*extension]any{}
	}
	v := new(T)
	s.ext[e] = v
	return v
}

// envelopeLineLimit is the longest MAIL or RCPT command line, CRLF
// included, that the session takes: 512 octets (RFC 5321 §4.5.3.1.4) plus
// what the extensions offered now add.
func (s *session) envelopeLineLimit() int {
	n := maxCommandLine
	if s.incrementsFault() { // faults_x1.go
		return n
	}
	for _, e := range s.srv.exts {
		if e.envelopeLine != nil && s.offers(e) {
			n += e.envelopeLine(s)
		}
	}
	return n
}

// extDataEnd runs the dataEnd hooks of the extensions offered now and
// returns the first refusal, or "".
func (s *session) extDataEnd(data []byte) string {
	for _, e := range s.srv.exts {
		if e.dataEnd != nil && s.offers(e) {
			if refusal := e.dataEnd(s, data); refusal != "" {
				return refusal
			}
		}
	}
	return ""
}
