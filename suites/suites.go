// Package suites is the single bootstrap of smtpspec's Ginkgo specs: it
// imports every area package and hands the finished Ginkgo report to the
// runner, from a ReportAfterSuite node so that an interrupted run still
// reports what ran.
package suites

import (
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	// The RFC 5321 core specs.
	_ "github.com/smtpspec/smtpspec/suites/core"

	// The extensions, one package each.
	_ "github.com/smtpspec/smtpspec/suites/atrn"
	_ "github.com/smtpspec/smtpspec/suites/auth"
	_ "github.com/smtpspec/smtpspec/suites/chunking"
	_ "github.com/smtpspec/smtpspec/suites/dsn"
	_ "github.com/smtpspec/smtpspec/suites/eightbitmime"
	_ "github.com/smtpspec/smtpspec/suites/enhancedstatuscodes"
	_ "github.com/smtpspec/smtpspec/suites/etrn"
	_ "github.com/smtpspec/smtpspec/suites/pipelining"
	_ "github.com/smtpspec/smtpspec/suites/size"
	_ "github.com/smtpspec/smtpspec/suites/smtputf8"
	_ "github.com/smtpspec/smtpspec/suites/starttls"
)

// OnReport, when set, receives the Ginkgo report once the suite ends
// (normally, by interrupt or by abort).
var OnReport func(types.Report)

var _ = ginkgo.ReportAfterSuite("smtpspec reports", func(r ginkgo.Report) {
	if OnReport != nil {
		OnReport(r)
	}
})
