// Package framework is the Ginkgo-aware glue of smtpspec's specs: requirement
// metadata as labels, one fresh wire session per spec with its transcript,
// the reply validator every exchange passes through, and the verdict helpers
// (PASS, FAIL, WARN, NOT APPLICABLE, ERROR).
//
// Specs assert; the wire client and the scenarios only act. Every verdict
// carries what was sent, what came back, what the RFC allows and where it
// says so.
package framework

import (
	"github.com/smtpspec/smtpspec/internal/catalog"

	"fmt"
	"regexp"
	"strings"
)

// Level is the RFC 2119 strength of a requirement: the keyword of the
// sentence it tests, from the catalogue (internal/catalog).
type Level = catalog.Level

// Levels. A broken MUST is a FAIL; a missed SHOULD is a WARN (a FAIL under
// --strict); MAY and DEFINED (descriptive wording) are never a FAIL.
const (
	Must    = catalog.Must
	Should  = catalog.Should
	May     = catalog.May
	Defined = catalog.Defined
)

// Need is a precondition a spec has beyond a plain connection.
type Need string

// Preconditions (catalogue §0.3).
const (
	// NeedMailbox: a local recipient the server accepts (--mailbox).
	NeedMailbox Need = "mailbox"
)

// Requirement is one testable rule, identified by its catalogue ID. A spec
// names the ID, the commands it sends and its preconditions; the rest (the
// section, the quoted sentence and its level, the summary) comes from the
// catalogue entry of that ID, so it is written in one place.
type Requirement struct {
	// ID is stable and readable: "RFC5321-3.3-rcpt-before-mail".
	ID string
	// Commands are the SMTP verbs the spec exercises.
	Commands []string
	// Needs lists preconditions beyond a connection.
	Needs []Need

	// From the catalogue (filled in by It):

	// Section cites the RFC text: "RFC 5321 §3.3, §4.1.4".
	Section string
	// Level is the level of the quoted sentence's keyword.
	Level Level
	// Summary states the requirement in one sentence.
	Summary string
	// Quote is the RFC sentence the spec tests, verbatim.
	Quote string `json:",omitempty"`
	// Keyword is the RFC 2119 keyword of Quote (or ABNF, DEFINED).
	Keyword string `json:",omitempty"`
	// Link points at the RFC section on rfc-editor.org.
	Link string `json:",omitempty"`
	// Feature is "core" or the EHLO keyword of the extension the
	// requirement belongs to; the spec is NOT APPLICABLE when the server
	// does not list that keyword.
	Feature string `json:",omitempty"`
}

// resolve fills in the catalogue's part of the requirement.
func (r Requirement) resolve() (Requirement, error) {
	c, ok := catalog.Lookup(r.ID)
	if !ok {
		return r, fmt.Errorf("framework: requirement %s is not in the catalogue (internal/catalog)", r.ID)
	}
	r.Section, r.Level, r.Summary = c.Cite(), c.Level, c.Title
	r.Quote, r.Keyword, r.Link, r.Feature = c.Quote, c.Keyword, c.Link(), c.Feature
	return r, nil
}

var (
	idPattern      = regexp.MustCompile(`^[A-Z0-9]+(-[A-Za-z0-9.]+)+$`)
	sectionPattern = regexp.MustCompile(`RFC\s*(\d+)|§\s*([A-Z]?[0-9.]*[0-9A-Z])|App(?:endix|\.)\s*([A-Z](?:\.[0-9]+)*)`)
)

// Validate reports what is wrong with the requirement's metadata.
func (r Requirement) Validate() error {
	switch {
	case !idPattern.MatchString(r.ID):
		return fmt.Errorf("framework: requirement ID %q is not of the form RFC5321-3.3-rcpt-before-mail", r.ID)
	case r.Level != Must && r.Level != Should && r.Level != May && r.Level != Defined:
		return fmt.Errorf("framework: requirement %s: level %q is not MUST, SHOULD, MAY or DEFINED", r.ID, r.Level)
	case len(r.sectionLabels()) == 0:
		return fmt.Errorf("framework: requirement %s: section %q cites no RFC section (\"RFC 5321 §3.3\")", r.ID, r.Section)
	case len(r.Commands) == 0:
		return fmt.Errorf("framework: requirement %s names no command", r.ID)
	case r.Summary == "":
		return fmt.Errorf("framework: requirement %s has no summary", r.ID)
	}
	return nil
}

// sectionLabels turns "RFC 5321 §3.3, §4.1.4, App. F.1; RFC 7504 §3" into
// "rfc5321:3.3", "rfc5321:4.1.4", "rfc5321:F.1", "rfc7504:3". A section
// belongs to the last RFC named before it.
func (r Requirement) sectionLabels() []string {
	var out []string
	rfc := ""
	seen := map[string]bool{}
	for _, m := range sectionPattern.FindAllStringSubmatch(r.Section, -1) {
		sec := m[2] + m[3]
		switch {
		case m[1] != "":
			rfc = m[1]
		case rfc != "" && !seen[rfc+sec]:
			seen[rfc+sec] = true
			out = append(out, "rfc"+rfc+":"+strings.TrimSuffix(sec, "."))
		}
	}
	return out
}

// Labels returns the Ginkgo labels of the requirement: its ID, its level,
// one "rfcNNNN:section" label per cited section, its feature
// ("feature:SIZE", "feature:core"), each command and each need.
func (r Requirement) Labels() []string {
	labels := []string{r.ID, string(r.Level)}
	if r.Feature != "" {
		labels = append(labels, "feature:"+r.Feature)
	}
	labels = append(labels, r.sectionLabels()...)
	for _, c := range r.Commands {
		labels = append(labels, strings.ToUpper(c))
	}
	for _, n := range r.Needs {
		labels = append(labels, "needs:"+string(n))
	}
	return labels
}
