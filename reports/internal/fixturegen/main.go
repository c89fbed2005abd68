// Command fixturegen writes reports/testdata/ginkgo-report.json, the fixed
// Ginkgo report the renderers' golden tests start from: a few specs run
// against the embedded reference server with faults switched on, so that
// the report holds a PASS, a FAIL, a WARN, a NOT APPLICABLE and
// observations, with real transcripts. Times are moved to a fixed date,
// the server's port and the paths of the work tree are replaced, so the
// file does not change from one generation to the next but for the
// sub-millisecond timings.
//
//	go run ./reports/internal/fixturegen   (from the repository root)
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smtpspec/smtpspec/internal/refserver"
	"github.com/smtpspec/smtpspec/suites"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// The fixture's specs and the faults that give them their verdicts.
var (
	specs = []string{
		"RFC5321-3.3-rcpt-before-mail",              // FAIL (fault)
		"RFC5321-4.1.1.9-noop-250",                  // WARN: a SHOULD (fault)
		"RFC5321-3.1-554-waits-quit",                // NOT APPLICABLE: the server greets 220
		"RFC5321-4.1.4-mail-after-rcpt",             // PASS
		"RFC5321-4.1.1.5-rset-250",                  // PASS
		"RFC5321-2.3.8-reply-crlf",                  // FAIL (fault), and observations in the others
		"RFC5321-4.1.1.1-ehlo-lists-optional-verbs", // PASS
	}
	faults = []string{"RFC5321-3.3-rcpt-before-mail", "RFC5321-4.1.1.9-noop-250"}
)

// base is the fixed start of the fixture's run.
var base = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

type failer struct{}

func (failer) Fail() {}

func main() {
	srv, err := refserver.Start(refserver.Config{Addr: "127.0.0.1:0", Faults: faults})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer srv.Close()
	framework.Configure(framework.Config{Target: srv.Addr(), Helo: "smtpspec.example.org", Sender: "smtpspec@example.org",
		Mailbox: "alice@example.test", ConnectTimeout: 5 * time.Second, ReplyTimeout: 10 * time.Second, Silence: 150 * time.Millisecond})
	var report types.Report
	suites.OnReport = func(r types.Report) { report = r }
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.LabelFilter = strings.Join(specs, " || ")
	sc.RandomSeed = 1
	rc.Succinct = true
	ginkgo.RunSpecs(failer{}, "smtpspec", sc, rc)

	wd, _ := os.Getwd()
	normalise(&report, srv.Addr(), wd)
	b, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := filepath.Join("reports", "testdata", "ginkgo-report.json")
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("wrote", out)
}

// normalise moves every time to base, rounds durations to milliseconds and
// replaces the server's address and the work tree's path.
func normalise(r *types.Report, addr, root string) {
	start := r.StartTime
	shift := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return base.Add(t.Sub(start).Round(time.Millisecond))
	}
	port := regexp.MustCompile(regexp.QuoteMeta(addr))
	fix := func(s string) string {
		s = port.ReplaceAllString(s, "127.0.0.1:2525")
		return strings.ReplaceAll(s, root+"/", "")
	}
	r.StartTime, r.EndTime = shift(r.StartTime), shift(r.EndTime)
	r.RunTime = r.EndTime.Sub(r.StartTime)
	r.SuitePath = "."
	r.SuiteConfig = types.SuiteConfig{LabelFilter: "(fixture)", RandomSeed: 1}
	var kept types.SpecReports
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		if sr.State == types.SpecStateSkipped && sr.Failure.Message == "" {
			continue // filtered out
		}
		sr.StartTime, sr.EndTime = shift(sr.StartTime), shift(sr.EndTime)
		sr.RunTime = sr.EndTime.Sub(sr.StartTime)
		sr.LeafNodeLocation.FileName = fix(sr.LeafNodeLocation.FileName)
		for i := range sr.ContainerHierarchyLocations {
			sr.ContainerHierarchyLocations[i].FileName = fix(sr.ContainerHierarchyLocations[i].FileName)
		}
		sr.Failure.Message = fix(sr.Failure.Message)
		sr.Failure.Location.FileName = fix(sr.Failure.Location.FileName)
		sr.Failure.Location.FullStackTrace = ""
		sr.Failure.FailureNodeLocation.FileName = fix(sr.Failure.FailureNodeLocation.FileName)
		sr.CapturedGinkgoWriterOutput, sr.CapturedStdOutErr = "", ""
		sr.SpecEvents = nil
		for i, e := range sr.ReportEntries {
			e.Time = shift(e.Time)
			e.Location.FileName = fix(e.Location.FileName)
			e.Location.FullStackTrace = ""
			switch v := e.GetRawValue().(type) {
			case []framework.TranscriptEvent:
				for j := range v {
					v[j].Time = shift(v[j].Time)
					v[j].Data = []byte(fix(string(v[j].Data)))
				}
				e.Value = types.WrapEntryValue(v)
			case string:
				e.Value = types.WrapEntryValue(fix(v))
			default:
				b, _ := json.Marshal(v)
				var back any
				_ = json.Unmarshal([]byte(fix(string(b))), &back)
				e.Value = types.WrapEntryValue(back)
			}
			sr.ReportEntries[i] = e
		}
		kept = append(kept, sr)
	}
	r.SpecReports = kept
}
