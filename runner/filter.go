package runner

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// suiteDescription is the description RunSpecs gets; Ginkgo's --focus and
// --skip match it together with the spec's text.
const suiteDescription = "smtpspec"

// selection returns what Ginkgo's filters select (--label-filter, --focus,
// --skip), as Ginkgo applies them: the label filter on the union of the
// spec's labels, the regexps on the suite description and the spec's full
// text. Ginkgo reports a spec a filter left out in the same way as one an
// interrupt skipped; the runner drops the filtered ones from the report so
// that a skipped spec left in it is one the run did not get to.
func selection(labelFilter string, focus, skip []string) (func(types.SpecReport) bool, error) {
	labels := func([]string) bool { return true }
	if labelFilter != "" {
		lf, err := types.ParseLabelFilter(labelFilter)
		if err != nil {
			return nil, fmt.Errorf("--label-filter %q: %v", labelFilter, err)
		}
		labels = lf
	}
	var focusRe, skipRe *regexp.Regexp
	if len(focus) > 0 {
		re, err := regexp.Compile(strings.Join(focus, "|"))
		if err != nil {
			return nil, fmt.Errorf("--focus: %v", err)
		}
		focusRe = re
	}
	if len(skip) > 0 {
		re, err := regexp.Compile(strings.Join(skip, "|"))
		if err != nil {
			return nil, fmt.Errorf("--skip: %v", err)
		}
		skipRe = re
	}
	return func(sr types.SpecReport) bool {
		if sr.LeafNodeType != types.NodeTypeIt {
			return true
		}
		text := suiteDescription + " " + sr.FullText()
		switch {
		case !labels(sr.Labels()):
			return false
		case focusRe != nil && !focusRe.MatchString(text):
			return false
		case skipRe != nil && skipRe.MatchString(text):
			return false
		}
		return true
	}, nil
}

// prune returns gr without the specs keep rejects.
func prune(gr types.Report, keep func(types.SpecReport) bool) types.Report {
	out := gr
	out.SpecReports = nil
	for _, sr := range gr.SpecReports {
		if keep(sr) {
			out.SpecReports = append(out.SpecReports, sr)
		}
	}
	return out
}

// specID is a spec's requirement ID: the first label of its It node
// (framework.It puts it there).
func specID(sr types.SpecReport) string {
	if len(sr.LeafNodeLabels) > 0 {
		return sr.LeafNodeLabels[0]
	}
	return ""
}
