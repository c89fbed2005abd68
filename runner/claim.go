package runner

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2"
)

// The children of a --parallel run share the specs by claiming them: each
// child walks the whole selected list in the serial order, and before a spec
// runs it creates the spec's claim file in a directory the parent made; the
// child that creates it runs the spec, the others skip it. A child that ends
// a long spec simply claims the next free one, so the sessions stay busy
// until the list is done, whatever each spec takes. The claim file holds the
// session's number: the parent takes each spec's result from that session.

// claimedElsewhere is the skip message of a spec another session claimed.
const claimedElsewhere = "smtpspec: claimed by another session"

// claims is this process's claim directory and session ("" when it is not
// a --parallel child).
var claims struct {
	dir     string
	session int
}

var _ = ginkgo.BeforeEach(func() {
	if claims.dir == "" {
		return
	}
	f, err := os.OpenFile(claimPath(claims.dir, specID(ginkgo.CurrentSpecReport())), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		ginkgo.Skip(claimedElsewhere)
	}
	fmt.Fprintf(f, "%d\n", claims.session)
	f.Close()
})

func claimPath(dir, id string) string {
	return filepath.Join(dir, url.PathEscape(id)+".claim")
}

// claimant returns the session that claimed id, or 0 when none did.
func claimant(dir, id string) int {
	b, err := os.ReadFile(claimPath(dir, id))
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}
