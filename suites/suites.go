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
	// RFC 2920.
	_ "github.com/smtpspec/smtpspec/suites/pipelining"
	// RFC 3030.
	_ "github.com/smtpspec/smtpspec/suites/chunking"
	// RFC 2034 and RFC 3463 §2.
	_ "github.com/smtpspec/smtpspec/suites/enhancedstatuscodes"
)

// OnReport, when set, receives the Ginkgo report once the suite ends
// (normally, by interrupt or by abort).
var OnReport func(types.Report)

var _ = ginkgo.ReportAfterSuite("smtpspec reports", func(r ginkgo.Report) {
	if OnReport != nil {
		OnReport(r)
	}
})
