// Package catalog is smtpspec's requirement catalogue: one entry per
// requirement the suite checks, each with the RFC sentence it tests, quoted,
// and the level that sentence's keyword gives it. It is pure data: no
// networking, no Ginkgo.
//
// The level follows the keyword (issue 5, rule 5):
//
//   - MUST, MUST NOT, SHALL, SHALL NOT, REQUIRED and rules of the RFC's
//     normative grammar (ABNF) give Must: a violation is a FAIL.
//   - SHOULD, SHOULD NOT, RECOMMENDED and NOT RECOMMENDED give Should: a
//     miss is a WARN.
//   - MAY and OPTIONAL give May: never a FAIL.
//   - Descriptive wording ("will return", "is expected to", "normally", a
//     procedure stated without a keyword) gives Defined: never a FAIL.
//
// In RFCs older than RFC 2119 (RFC 1870, 1985, 2034) the lower-case "must"
// and "should" are the normative words and count as MUST and SHOULD.
//
// The quote and the keyword of a requirement sit side by side in one entry,
// and catalog_test.go checks every quote against the RFC texts in
// testdata/rfc: that it occurs verbatim (modulo white space and page breaks)
// inside the sections the entry cites, and that it holds the keyword.
//
// RFC sections covered: RFC 5321 §2.2.1, §2.3.5, §2.3.8, §2.4, §3.1-§3.8,
// §4.1.1-§4.1.5, §4.2-§4.2.4, §4.3.1, §4.3.2, §4.5.1-§4.5.4.2, §7.3, §7.8,
// App. C and App. F; RFC 1985 §2 and RFC 2645 §4 by reference.
package catalog

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Level is how strongly the RFC words a requirement, and so the worst
// verdict a miss can get.
type Level string

// Levels.
const (
	// Must: a violation is a FAIL.
	Must Level = "MUST"
	// Should: a miss is a WARN (a FAIL only under --strict).
	Should Level = "SHOULD"
	// May: an optional behaviour; never a FAIL.
	May Level = "MAY"
	// Defined: the RFC describes the behaviour without a keyword; never a
	// FAIL.
	Defined Level = "DEFINED"
)

// CanFail reports whether missing a requirement of this level is a FAIL.
func (l Level) CanFail() bool { return l == Must }

// Keywords a Requirement may name, beyond the RFC 2119 ones: ABNF for a rule
// of the RFC's normative grammar, DEFINED for descriptive wording.
const (
	KeywordABNF    = "ABNF"
	KeywordDefined = "DEFINED"
)

// keywordLevels maps every keyword a Requirement may name to its level.
var keywordLevels = map[string]Level{
	"MUST": Must, "MUST NOT": Must, "SHALL": Must, "SHALL NOT": Must, "REQUIRED": Must, KeywordABNF: Must,
	"SHOULD": Should, "SHOULD NOT": Should, "RECOMMENDED": Should, "NOT RECOMMENDED": Should,
	"MAY": May, "OPTIONAL": May,
	KeywordDefined: Defined,
}

// LevelOf returns the level a keyword gives a requirement; ok is false for a
// word that is not a keyword.
func LevelOf(keyword string) (level Level, ok bool) {
	level, ok = keywordLevels[keyword]
	return level, ok
}

// Cite is a further RFC section a requirement refers to.
type Cite struct {
	// RFC is the RFC number: 5321.
	RFC int
	// Section is a section ("4.1.4") or an appendix ("F.1", "C").
	Section string
}

// String renders the citation: "RFC 5321 §4.1.4".
func (c Cite) String() string { return fmt.Sprintf("RFC %d %s", c.RFC, sectionMark(c.Section)) }

// Requirement is one testable rule of an RFC.
type Requirement struct {
	// ID is stable and readable: "RFC5321-3.3-rcpt-before-mail".
	ID string
	// Title states the requirement in one short sentence.
	Title string
	// RFC is the number of the RFC the Quote comes from.
	RFC int
	// Sections are the sections of that RFC the Quote comes from, the
	// first being the main one: "4.1.1.4", "2.3.8", "F.1".
	Sections []string
	// Quote is the RFC text the requirement tests, verbatim but for white
	// space and line breaks. Passages from different places are joined by
	// " … ".
	Quote string
	// Keyword is the RFC 2119 keyword of the quoted sentence as it appears
	// there ("MUST NOT", "SHOULD"), ABNF for a rule of the normative grammar
	// or DEFINED for descriptive wording.
	Keyword string
	// Level is the level the Keyword gives (see LevelOf).
	Level Level
	// Feature is the capability the requirement belongs to: "core" for
	// RFC 5321 itself, else the EHLO keyword of the extension ("SIZE",
	// "STARTTLS"). A spec of an extension's requirement is NOT APPLICABLE
	// when the server does not list the keyword.
	Feature string
	// Also lists further sections the requirement relies on.
	Also []Cite
	// Note explains the choice of quote or keyword where it is not plain.
	Note string
}

// FeatureCore is the Feature of the requirements of RFC 5321 itself, which
// every server is held to.
const FeatureCore = "core"

// QuoteSeparator joins passages from different places in one Quote.
const QuoteSeparator = " … "

// Link returns the address of the requirement's main section on the RFC
// Editor's site.
func (r Requirement) Link() string {
	base := fmt.Sprintf("https://www.rfc-editor.org/rfc/rfc%d", r.RFC)
	if len(r.Sections) == 0 {
		return base
	}
	s := r.Sections[0]
	if isAppendix(s) {
		return base + "#appendix-" + s
	}
	return base + "#section-" + s
}

// Cite renders every section the requirement cites, the quoted ones first:
// "RFC 5321 §4.1.1.4, §2.3.8, App. F.1; RFC 2920 §3.2". A section belongs to
// the last RFC named before it.
func (r Requirement) Cite() string {
	type group struct {
		rfc      int
		sections []string
	}
	var groups []group
	add := func(rfc int, s string) {
		for i := range groups {
			if groups[i].rfc == rfc {
				for _, have := range groups[i].sections {
					if have == s {
						return
					}
				}
				groups[i].sections = append(groups[i].sections, s)
				return
			}
		}
		groups = append(groups, group{rfc, []string{s}})
	}
	for _, s := range r.Sections {
		add(r.RFC, s)
	}
	for _, c := range r.Also {
		add(c.RFC, c.Section)
	}
	parts := make([]string, 0, len(groups))
	for _, g := range groups {
		marks := make([]string, len(g.sections))
		for i, s := range g.sections {
			marks[i] = sectionMark(s)
		}
		parts = append(parts, fmt.Sprintf("RFC %d %s", g.rfc, strings.Join(marks, ", ")))
	}
	return strings.Join(parts, "; ")
}

// sectionMark renders "4.1.4" as "§4.1.4" and an appendix "F.1" as "App. F.1".
func sectionMark(s string) string {
	if isAppendix(s) {
		return "App. " + s
	}
	return "§" + s
}

// isAppendix reports whether s names an appendix ("C", "F.1").
func isAppendix(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

// features holds the requirements of every feature, each declared in its
// own file (core.go, size.go, ...) and added by that file's init through
// register. It is complete once package initialisation is over, and
// read-only afterwards.
var features [][]Requirement

// register adds the requirements of one feature. Each file of the catalogue
// calls it once, from init.
func register(reqs []Requirement) { features = append(features, reqs) }

func init() { register(core) }

// index is every requirement by ID, built on first use (after every init has
// registered its feature).
var index = sync.OnceValue(func() map[string]Requirement {
	m := map[string]Requirement{}
	for _, reqs := range features {
		for _, r := range reqs {
			m[r.ID] = r
		}
	}
	return m
})

// entries returns every registered requirement, in declaration order.
func entries() []Requirement {
	var out []Requirement
	for _, reqs := range features {
		out = append(out, reqs...)
	}
	return out
}

// Lookup returns the requirement with the given ID.
func Lookup(id string) (Requirement, bool) {
	r, ok := index()[id]
	return r.clone(), ok
}

// All returns every requirement, sorted by ID. Changing what it returns
// changes nothing in the catalogue.
func All() []Requirement {
	all := entries()
	out := make([]Requirement, len(all))
	for i, r := range all {
		out[i] = r.clone()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Features returns the feature names in use: "core" and the EHLO keywords
// of the extensions the catalogue covers, sorted.
func Features() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range entries() {
		if !seen[r.Feature] {
			seen[r.Feature] = true
			out = append(out, r.Feature)
		}
	}
	sort.Strings(out)
	return out
}

// clone returns r with its own copies of the slices.
func (r Requirement) clone() Requirement {
	r.Sections = append([]string(nil), r.Sections...)
	r.Also = append([]Cite(nil), r.Also...)
	return r
}
