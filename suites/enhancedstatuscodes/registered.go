package enhancedstatuscodes

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// registeredDetail is the highest detail registered for each subject in the
// SMTP Enhanced Status Codes registry (RFC 5248; RFC 3463 §3 and the RFCs
// that added codes since: 3886, 4954, 6531, 6710, 7293, 7372, 7505, 8098,
// 8617, 8689). Every detail from 0 up to it is registered.
var registeredDetail = map[int]int{0: 0, 1: 10, 2: 4, 3: 6, 4: 7, 5: 6, 6: 10, 7: 30}

// leadingCode matches an enhanced status code at the start of a reply text.
var leadingCode = regexp.MustCompile(`^([245])\.([0-9]{1,3})\.([0-9]{1,3})(?:\s|$)`)

// unregistered returns the enhanced code that starts the reply's text when
// the registry does not define its subject and detail.
func unregistered(r framework.Reply) (string, bool) {
	if len(r.Lines) == 0 {
		return "", false
	}
	m := leadingCode.FindStringSubmatch(r.Lines[0])
	if m == nil {
		return "", false // no code, or not well formed: other rules' business
	}
	subject, _ := strconv.Atoi(m[2])
	detail, _ := strconv.Atoi(m[3])
	if top, ok := registeredDetail[subject]; ok && detail <= top {
		return "", false
	}
	return m[1] + "." + m[2] + "." + m[3], true
}

var _ = ginkgo.Describe("Registered enhanced status codes", func() {
	// RFC 3463 §2: servers should send only defined, registered codes.
	framework.It(framework.Requirement{
		ID: "RFC3463-2-registered-codes", Commands: []string{"MAIL", "RCPT", "NOOP", "RSET", "VRFY", "QUIT"},
	}, "sends only registered enhanced status codes", func(t *framework.T) {
		var found []string
		sampleReplies(t, t.Greeted(), func(line string, r framework.Reply) {
			if code, ok := unregistered(r); ok {
				found = append(found, fmt.Sprintf("%s → %s (%s)", line, r, code))
			}
		})
		if len(found) > 0 {
			t.Warnf(framework.Finding{Sent: "MAIL, RCPT, NOOP, RSET, an unknown verb, VRFY and QUIT", Actual: strings.Join(found, "; "),
				Expected: "registered codes only (RFC 3463 §2: servers should send only defined, registered status codes; RFC 5248 registry)",
				Detail:   fmt.Sprintf("%d replies carry a code the registry does not define", len(found))})
		}
		t.Checked()
	})
})
