package refserver

import (
	"bytes"
	"net"
	"net/netip"
	"regexp"
	"strings"
)

// Faults of the further core specs (catalogue core_more.go). Each wraps one
// hook, like a real bug: the end of the mail data (contentFault, called by
// cmdData before a message is stored), HELO (heloFault), VRFY
// (vrfyAfterMessageFault), the relay check of RCPT (routeRelayFault) and the
// 554 greeting (refusalText).
var (
	faultHeloAgain = newFault("RFC5321-4.3.2-required-never-unrecognised",
		"answers HELO in a session already greeted by EHLO or HELO with 500 (command unrecognized), as a parser that knows HELO only as the opening command").
		may("RFC5321-4.1.1.1-helo-resets-transaction",
			"RFC2034-4-regardless-of-ehlo") // its HELO gets 500: ERROR
	faultEhloMismatch = newFault("RFC5321-4.1.4-no-refuse-on-ehlo-mismatch",
		"refuses a message with 550 when the EHLO argument was an address literal other than the client's address")
	faultResent = newFault("RFC5321-3.3-no-reject-resent",
		"refuses a message that has a Resent-To: field but no Resent-From: field")
	faultMIMEDefect = newFault("RFC5321-3.3-no-reject-header-defects",
		"refuses a message whose multipart Content-Type has no boundary parameter")
	faultTraceFormat = newFault("RFC5321-3.7.2-no-reject-trace-format",
		"refuses a message with a Received: field that does not end in \"; date-time\"")
	faultLoop = newFault("RFC5321-6.3-loop-threshold",
		"refuses a message with more than 30 Received: fields as a mail loop")
	faultStateMatrix = newFault("RFC5321-4.3.2-state-matrix",
		"answers VRFY after a finished message, until the next MAIL, RSET, EHLO or HELO, with 503 (bad sequence of commands)")
	fault554Text = newRefuseFault("RFC5321-3.1-554-text",
		"greets a refused client with a bare \"554 <domain>\", no text saying why")
	faultRouteRelay = newFault("SEC-OPEN-RELAY",
		"judges a source-routed recipient by the first domain of its route, so that <@example.test:user@other.example> is accepted for relay")
)

// loopThreshold is faultLoop's limit (Exim's default received_headers_max).
const loopThreshold = 30

// heloFault reports whether faultHeloAgain refuses this HELO.
func (s *session) heloFault() bool { return s.helo != "" && s.has(faultHeloAgain) }

// refusalText is the text of the 554 greeting after the domain (RFC 5321
// §3.1: enough to debug the sending system).
func (s *session) refusalText() string {
	if s.has(fault554Text) {
		return ""
	}
	return " no SMTP service here"
}

// vrfyAfterMessageFault reports whether faultStateMatrix refuses this VRFY,
// sent after a finished message.
func (s *session) vrfyAfterMessageFault() bool {
	return s.msgDone && s.has(faultStateMatrix)
}

// routeRelayFault reports whether faultRouteRelay accepts the foreign
// mailbox of p because its source route starts at a served domain.
func (s *session) routeRelayFault(p path) bool {
	return len(p.route) > 0 && strings.EqualFold(p.route[0], s.cfg.Domain) && s.has(faultRouteRelay)
}

// receivedDate matches the end of a Received: field as RFC 5322 §3.6.7 has
// it: "; date-time", with a four-digit year (loosely).
var receivedDate = regexp.MustCompile(`;\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+[+-]\d{4}\s*$`)

// contentFault returns the refusal a fault gives at the end of the data of
// a message that the clean server takes, or "".
func (s *session) contentFault(data []byte) string {
	fields := headerFields(data)
	received, resentTo, resentFrom := 0, false, false
	for _, f := range fields {
		name, value, _ := strings.Cut(f, ":")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "received":
			received++
			if s.has(faultTraceFormat) && !receivedDate.MatchString(value) {
				return "554 5.6.0 Malformed Received: header field"
			}
		case "resent-to":
			resentTo = true
		case "resent-from":
			resentFrom = true
		case "content-type":
			v := strings.ToLower(value)
			if s.has(faultMIMEDefect) && strings.Contains(v, "multipart/") && !strings.Contains(v, "boundary=") {
				return "554 5.6.0 Malformed MIME header: multipart without a boundary"
			}
		}
	}
	switch {
	case resentTo && !resentFrom && s.has(faultResent):
		return "554 5.6.0 Resent-To: without Resent-From:"
	case received > loopThreshold && s.has(faultLoop):
		return "554 5.4.6 Too many hops: mail loop detected"
	case s.has(faultEhloMismatch) && s.heloMismatch():
		return "550 5.7.1 EHLO " + s.helo + " does not match your address"
	}
	return ""
}

// heloMismatch reports whether the EHLO argument is an address literal that
// is not the client's address.
func (s *session) heloMismatch() bool {
	if !isAddressLiteral(s.helo) {
		return false
	}
	lit := strings.TrimSuffix(strings.TrimPrefix(s.helo, "["), "]")
	if len(lit) > 5 && strings.EqualFold(lit[:5], "IPv6:") {
		lit = lit[5:]
	}
	addr, err := netip.ParseAddr(lit)
	host, _, herr := net.SplitHostPort(s.conn.RemoteAddr().String())
	client, cerr := netip.ParseAddr(host)
	if err != nil || herr != nil || cerr != nil {
		return false
	}
	return addr.Unmap() != client.Unmap()
}

// headerFields returns the header fields of a message, each unfolded onto
// one line ("Name: value").
func headerFields(data []byte) []string {
	head := data
	if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 {
		head = data[:i]
	}
	var out []string
	for _, line := range strings.Split(string(head), "\r\n") {
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && len(out) > 0 {
			out[len(out)-1] += line
			continue
		}
		out = append(out, line)
	}
	return out
}

func init() {
	// An open relay has no relay filter for a source route to get around.
	faultOpenRelay.may("SEC-OPEN-RELAY")
	// The state table spec sends every command in every state, so a fault
	// that breaks one cell of the table shows there too.
	for _, f := range []*fault{faultRcptBeforeMail, faultQuitAnyTime, faultBuffersCleared, faultRset250, faultNoop250,
		faultDataAfterMessage, faultDataBeforeEhlo, faultDataBeforeRcpt, faultMailAfterRcpt, faultMailBeforeEhlo,
		faultNestedMail, faultNoopBeforeEhlo, faultRcptBeforeEhlo, faultRsetBeforeEhlo, faultVrfyPreEhlo, faultVrfyMinSet} {
		f.may("RFC5321-4.3.2-state-matrix")
	}
}
