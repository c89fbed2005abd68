package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/smtpspec/smtpspec/suites/framework"
)

// chromium finds Debian's Chromium. When it is missing and this runs as
// root with apt-get (as in CI), it installs the package (through the test
// beds' serialised apt-get); elsewhere the test is NOT RUN, and says why.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	_, aptErr := exec.LookPath("apt-get")
	if os.Geteuid() != 0 || aptErr != nil {
		t.Skip("headless Chromium test NOT RUN: chromium is not installed, and installing it needs root and apt-get (apt-get install chromium)")
	}
	state := t.TempDir()
	root, _ := filepath.Abs("..")
	cmd := exec.Command("bash", "-c", `set -e; TESTBED_NAME=chromium STATE="$1" APT_LOG="$1/apt.log"; . testbed/lib.sh; install_pkgs chromium`, "bash", state)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("installing chromium: %v\n%s", err, out)
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium installed but not found: %v", err)
	}
	return p
}

// artifactDir is where the test keeps what it renders: under
// $SMTPSPEC_TESTBED_DIR when set (CI keeps it), else a temporary directory.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("SMTPSPEC_TESTBED_DIR"); d != "" {
		dir := filepath.Join(d, "reports-html")
		if err := os.MkdirAll(dir, 0o755); err == nil {
			return dir
		}
	}
	return t.TempDir()
}

// TestHTMLInChromium renders the fixture's report.html in headless
// Chromium and checks the DOM: the counts shown are the JSON's, every
// requirement ID is there, a FAIL expands to its transcript, the filters
// work with JavaScript and the page stays readable without it, and nothing
// is fetched from the network. It keeps a screenshot.
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("headless Chromium test NOT RUN: -short")
	}
	exe := chromium(t)
	gr, r := fixture(t)
	_ = gr
	dir := artifactDir(t)
	page := filepath.Join(dir, "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first Run starts the browser, on a context without a timeout
	// (a timeout there would stop the browser); each step after it gets
	// its own bound.
	url := "file://" + page
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	run := func(a chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
		defer scancel()
		if _, err := chromedp.Run(sctx, a); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(js string, v any) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(c context.Context, tg *chromedp.Target) error {
			raw, err := chromedp.Evaluate[json.RawMessage](js)(c, tg)
			if err != nil {
				return err
			}
			return json.Unmarshal(raw, v)
		})
	}
	var (
		counts    map[string]int
		rowIDs    []string
		resources int
	)
	run(chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS("#requirements")),
		eval(`Object.fromEntries([...document.querySelectorAll("[data-count]")].map(e => [e.dataset.count, parseInt(e.textContent, 10)]))`, &counts),
		eval(`[...document.querySelectorAll("#requirements > tbody > tr")].map(r => r.id)`, &rowIDs),
		eval(`performance.getEntriesByType("resource").length`, &resources),
	))
	s := r.Summary
	want := map[string]int{"total": s.Total, "pass": s.Pass, "fail": s.Fail, "warn": s.Warn, "not-applicable": s.NotApplicable,
		"error": s.Error, "not-run": s.NotRun}
	if s.ObservedFail+s.ObservedWarn > 0 {
		want["observed-fail"], want["observed-warn"] = s.ObservedFail, s.ObservedWarn
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts shown %v, the JSON's %v", counts, want)
	}
	var ids []string
	for _, res := range r.Results {
		ids = append(ids, "req-"+res.ID)
	}
	sort.Strings(ids)
	sort.Strings(rowIDs)
	if strings.Join(ids, " ") != strings.Join(rowIDs, " ") {
		t.Errorf("requirement rows %v, want %v", rowIDs, ids)
	}
	if resources != 0 {
		t.Errorf("the page fetched %d resources; it must be self-contained", resources)
	}

	// A failure expands to its transcript.
	var failed *Result
	for i, res := range r.Results {
		if res.Verdict == framework.Fail {
			failed = &r.Results[i]
			break
		}
	}
	if failed == nil {
		t.Fatal("the fixture has no FAIL")
	}
	sel := "#req-" + cssEscape(failed.ID)
	// checkVisibility: a closed <details> keeps its content laid out but
	// hidden (content-visibility), so offsetHeight cannot tell.
	visible := fmt.Sprintf(`document.querySelector(%q).checkVisibility() && document.querySelector(%q).open`, sel+" pre.transcript", sel+" details")
	var before, after bool
	var transcript string
	run(chromedp.Steps(
		eval(visible, &before),
		chromedp.Click(chromedp.CSS(sel+" summary")),
		chromedp.WaitVisible(chromedp.CSS(sel+" pre.transcript")),
		eval(visible, &after),
		eval(fmt.Sprintf(`document.querySelector(%q).innerText`, sel+" pre.transcript"), &transcript),
	))
	if before || !after {
		t.Errorf("the FAIL's transcript: visible before the click %v, after %v; want hidden, then shown", before, after)
	}
	if !strings.Contains(transcript, "RCPT TO:") || !strings.Contains(transcript, "250 2.1.5") {
		t.Errorf("the FAIL's transcript does not show the exchange:\n%s", transcript)
	}
	sctx, scancel := context.WithTimeout(ctx, 30*time.Second)
	shot, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	scancel()
	if err != nil {
		t.Fatal(err)
	}
	shotPath := filepath.Join(dir, "report.png")
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (page: %s)", shotPath, page)

	// The filters: unticking PASS hides exactly the PASS rows.
	var shown int
	run(chromedp.Steps(
		chromedp.Click(chromedp.CSS(`#filters input[name=verdict][value=PASS]`)),
		eval(`[...document.querySelectorAll("#requirements > tbody > tr")].filter(r => r.style.display !== "none").length`, &shown),
	))
	if shown != s.Total-s.Pass {
		t.Errorf("with PASS unticked, %d rows shown, want %d", shown, s.Total-s.Pass)
	}

	// Without JavaScript: no filter form, every row shown, a requirement
	// still opens on a click.
	nctx, ncancel := chromedp.NewContext(ctx)
	defer ncancel()
	if _, err := chromedp.Call(nctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	var formHidden bool
	var rows int
	var noJS bool
	tctx, tcancel := context.WithTimeout(nctx, 30*time.Second)
	defer tcancel()
	if err := chromedp.Do(tctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("#requirements")),
		chromedp.Click(chromedp.CSS(sel+" summary")),
		chromedp.WaitVisible(chromedp.CSS(sel+" pre.transcript")),
		eval(`document.getElementById("filters").offsetHeight === 0`, &formHidden),
		eval(`[...document.querySelectorAll("#requirements > tbody > tr")].filter(r => r.checkVisibility()).length`, &rows),
		eval(`document.getElementById("shown").textContent === ""`, &noJS),
	); err != nil {
		t.Fatal(err)
	}
	if !noJS {
		t.Error("the page's script ran although scripts were off: the no-JavaScript check proves nothing")
	}
	if !formHidden || rows != s.Total {
		t.Errorf("without JavaScript: filter form hidden %v, rows shown %d of %d", formHidden, rows, s.Total)
	}
}

// cssEscape escapes the dots of an ID for a CSS selector.
func cssEscape(id string) string { return strings.ReplaceAll(id, ".", `\.`) }
