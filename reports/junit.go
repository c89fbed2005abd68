package reports

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// JUnitView returns gr as junit.xml should show it, r being the report
// built from gr (its It specs pair with r.Results in order):
//
//   - every spec r says is NOT RUN is skipped, with the reason ("NOT RUN:
//     ..."), never a pass, failure or error;
//   - each testcase's name is the requirement ID, then the spec's text;
//   - a WARN passes (it fails under --strict, where the spec failed), and
//     WriteJUnit makes it visible: a property and system-out.
func JUnitView(gr types.Report, r Report) types.Report {
	out := gr
	out.SpecReports = make(types.SpecReports, 0, len(gr.SpecReports))
	i := 0
	for _, sr := range gr.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		if i < len(r.Results) {
			res := r.Results[i]
			if res.Verdict == framework.NotRun {
				sr.State = types.SpecStateSkipped
				sr.Failure = types.Failure{Message: string(framework.NotRun) + ": " + strings.TrimPrefix(res.Reason, "not run: ")}
			}
			if res.ID != "" {
				sr.ContainerHierarchyTexts = nil
				sr.LeafNodeText = res.ID + ": " + strings.TrimSpace(sr.FullText())
			}
		}
		out.SpecReports = append(out.SpecReports, sr)
		i++
	}
	return out
}

// WriteJUnit writes junit.xml for the run: Ginkgo's JUnit reporter on
// JUnitView(gr, r), one testcase per requirement, then each testcase's
// properties replaced by the requirement's (smtpspec.id, .level,
// .section, .verdict, .reason) and its system-out by the verdict, the
// reason and the transcript for anything but a PASS. A WARN is thus visible
// in every JUnit consumer; under --strict it is a failure too.
func WriteJUnit(gr types.Report, r Report, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".junit-*.xml")
	if err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName)
	view := JUnitView(gr, r)
	cfg := reporters.JunitReportConfig{OmitLeafNodeType: true, OmitSpecLabels: true, OmitSuiteSetupNodes: true,
		OmitTimelinesForSpecState: types.SpecStatePassed | types.SpecStateSkipped | types.SpecStatePending}
	if err := reporters.GenerateJUnitReportWithConfig(view, tmpName, cfg); err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	b, err := os.ReadFile(tmpName)
	if err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(b, &suites); err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	for si := range suites.TestSuites {
		ts := &suites.TestSuites[si]
		for ci := range ts.TestCases {
			if ci >= len(r.Results) {
				break
			}
			tc := &ts.TestCases[ci]
			annotate(tc, r.Results[ci])
			if r.Results[ci].Verdict == framework.Error && tc.Failure != nil {
				// ERROR: the requirement could not be tested, which JUnit
				// calls an error, not a failure.
				tc.Error = &reporters.JUnitError{Message: tc.Failure.Message, Type: "error", Description: tc.Failure.Description}
				tc.Failure = nil
				ts.Failures--
				ts.Errors++
				suites.Failures--
				suites.Errors++
			}
		}
		ts.Properties.Properties = append(ts.Properties.Properties,
			reporters.JUnitProperty{Name: "smtpspec.schema", Value: r.Schema},
			reporters.JUnitProperty{Name: "smtpspec.target", Value: r.Target.Address},
			reporters.JUnitProperty{Name: "smtpspec.outcome", Value: r.Summary.Outcome},
			reporters.JUnitProperty{Name: "smtpspec.warn", Value: fmt.Sprint(r.Summary.Warn)},
			reporters.JUnitProperty{Name: "smtpspec.notApplicable", Value: fmt.Sprint(r.Summary.NotApplicable)},
			reporters.JUnitProperty{Name: "smtpspec.notRun", Value: fmt.Sprint(r.Summary.NotRun)},
		)
	}
	out, err := xml.MarshalIndent(suites, "", "  ")
	if err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	if err := os.WriteFile(path, append([]byte(xml.Header), append(out, '\n')...), 0o644); err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	return nil
}

// annotate gives a testcase the requirement's properties and, for anything
// but a PASS, the verdict and evidence as system-out.
func annotate(tc *reporters.JUnitTestCase, res Result) {
	props := []reporters.JUnitProperty{
		{Name: "smtpspec.id", Value: res.ID},
		{Name: "smtpspec.level", Value: string(res.Level)},
		{Name: "smtpspec.section", Value: res.Section},
		{Name: "smtpspec.verdict", Value: string(res.Verdict)},
	}
	if res.Reason != "" {
		props = append(props, reporters.JUnitProperty{Name: "smtpspec.reason", Value: firstLine(res)})
	}
	tc.Properties = &reporters.JUnitProperties{Properties: props}
	tc.SystemErr = ""
	tc.SystemOut = ""
	if res.Verdict == framework.Pass {
		return
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s [%s] %s\n", res.Verdict, res.ID, res.Level, res.Section)
	if res.Verdict == framework.Warn && !res.Failing {
		sb.WriteString("(a WARN does not fail the run; --strict makes it fail)\n")
	}
	if res.Quote != "" {
		fmt.Fprintf(&sb, "The RFC: %q\n", res.Quote)
	}
	for _, f := range res.Findings {
		sb.WriteString(f.String() + "\n")
	}
	if len(res.Findings) == 0 && res.Reason != "" {
		sb.WriteString(res.Reason + "\n")
	}
	if res.Transcript != "" {
		sb.WriteString("\nTranscript:\n" + res.Transcript)
	}
	tc.SystemOut = sb.String()
}
