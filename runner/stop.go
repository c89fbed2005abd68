package runner

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// stopper records why a run stops before every spec ran (the first cause
// wins): SIGINT or SIGTERM, an abort in a --parallel child, the preflight.
// Ginkgo handles the signals of an in-process run itself (it cuts the
// running spec short and skips the rest); the stopper only remembers which
// signal it was, cancels the preflight, and forwards the signal to the
// children of a --parallel run.
type stopper struct {
	mu      sync.Mutex
	cause   string
	forward func(os.Signal)
	sig     chan os.Signal
	ctx     context.Context
	cancel  context.CancelFunc
}

func watchSignals() *stopper {
	s := &stopper{sig: make(chan os.Signal, 4)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	signal.Notify(s.sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		for sig := range s.sig {
			s.set("run interrupted by " + signalName(sig))
			s.cancel()
			s.mu.Lock()
			f := s.forward
			s.mu.Unlock()
			if f != nil {
				f(sig)
			}
		}
	}()
	return s
}

func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// close stops watching: the signals get their default action again.
func (s *stopper) close() {
	signal.Stop(s.sig)
	s.cancel()
}

// set records cause unless a cause is recorded already; it reports whether
// this one was recorded.
func (s *stopper) set(cause string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cause != "" {
		return false
	}
	s.cause = cause
	return true
}

func (s *stopper) get() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cause
}

func (s *stopper) setForward(f func(os.Signal)) {
	s.mu.Lock()
	s.forward = f
	s.mu.Unlock()
}

// annotate rewrites Ginkgo's generic reasons for a run that stopped early
// into the runner's: which signal, or which deadline.
func (s *stopper) annotate(gr *types.Report, deadline time.Duration) {
	var out []string
	for _, why := range gr.SpecialSuiteFailureReasons {
		switch why {
		case "Interrupted by User", "Interrupted by Other Ginkgo Process":
			why = s.get()
			if why == "" {
				why = "run interrupted by a signal"
			}
		case "Suite Timeout Elapsed":
			if !anyCutShort(gr) {
				// The deadline passed after the last spec ended
				// (while the reports were made): nothing was cut.
				continue
			}
			why = fmt.Sprintf("run stopped: deadline passed (--deadline %s)", deadline)
		}
		dup := false
		for _, o := range out {
			dup = dup || o == why
		}
		if !dup {
			out = append(out, why)
		}
	}
	gr.SpecialSuiteFailureReasons = out
}

// anyCutShort reports whether a spec of gr was cut short or not started.
func anyCutShort(gr *types.Report) bool {
	for _, sr := range gr.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		switch {
		case sr.State.Is(types.SpecStateInterrupted | types.SpecStateAborted | types.SpecStateTimedout):
			return true
		case sr.State == types.SpecStateSkipped && sr.Failure.Message == "":
			return true
		}
	}
	return false
}
