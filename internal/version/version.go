// Package version is smtpspec's version and the commit it was built from,
// for --version and the reports.
package version

import (
	"runtime/debug"
	"sync"
)

// Version is the suite's release version.
var Version = "0.1.0-dev"

// commit and modified may be set at link time (the Makefile does):
//
//	-ldflags "-X github.com/smtpspec/smtpspec/internal/version.commit=$(git rev-parse HEAD)
//	          -X github.com/smtpspec/smtpspec/internal/version.modified=true"
//
// Without them the build's VCS stamp (vcs.revision, vcs.modified) is used,
// which `go build` records unless -buildvcs=false.
var commit, modified string

var vcs = sync.OnceValues(func() (string, bool) {
	rev, dirty := commit, modified == "true"
	if rev != "" {
		return rev, dirty
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if rev == "" {
		return "unknown", false
	}
	return rev, dirty
})

// Commit returns the VCS commit the binary was built from ("unknown" when
// the build recorded none) and whether the tree had uncommitted changes.
func Commit() (rev string, modified bool) { return vcs() }

// String is the one-line version: "smtpspec 0.1.0-dev (commit 0123abc…)",
// with ", modified" when built from a modified tree.
func String() string {
	rev, dirty := Commit()
	s := "smtpspec " + Version + " (commit " + rev
	if dirty {
		s += ", modified"
	}
	return s + ")"
}
