package catalog

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pre2119 are the RFCs older than RFC 2119, whose lower-case "must" and
// "should" are normative.
var pre2119 = map[int]bool{1870: true, 1985: true, 2034: true}

var (
	// idPattern: "RFC5321-3.3-rcpt-before-mail", "RFC5321-F.1-turn-unauth",
	// "RFC1985-etrn-keyword", "SEC-SMUG-LF-DOT-LF"; a letter may follow the
	// section to name a paragraph of it ("RFC3461-5.1a-...": §5.1 (a)).
	idPattern = regexp.MustCompile(`^(RFC([0-9]{3,4})(-([0-9]+(?:\.[0-9]+)*|[A-Z](?:\.[0-9]+)*)[a-z]?)?-[a-z0-9]+(?:-[a-z0-9]+)*|SEC(?:-[A-Z0-9]+)+)$`)
	// sectionPattern: "4.1.1.4", "2.3.8", "F.1", "C".
	sectionPattern = regexp.MustCompile(`^([0-9]+(\.[0-9]+)*|[A-Z](\.[0-9]+)*)$`)
	// heading matches a section heading at the start of a line of an RFC:
	// "4.1.1.4.  DATA (DATA)", "F.1.  TURN", "Appendix C.  Source Routes",
	// and the subsection form without the final dot that older RFCs use
	// ("4.2 Result of the STARTTLS Command" in RFC 3207, "6.1  Server
	// action ..." in RFC 1870).
	heading = regexp.MustCompile(`^(?:(?:([0-9]+(?:\.[0-9]+)*)|([A-Z](?:\.[0-9]+)+)|Appendix ([A-Z]))\.\s+\S|([0-9]+(?:\.[0-9]+)+)\s+[A-Z])`)
	// pageFooter and pageHeader are the lines of a page break:
	// "Klensin   Standards Track   [Page 12]" and
	// "RFC 5321   SMTP   October 2008".
	pageFooter = regexp.MustCompile(`\[Page [0-9]+\]\s*$`)
	pageHeader = regexp.MustCompile(`^RFC [0-9]+ .*(January|February|March|April|May|June|July|August|September|October|November|December) [0-9]{4}\s*$`)
	spaces     = regexp.MustCompile(`\s+`)
	// ehloKeyword: RFC 5321 §4.1.1.1, ehlo-keyword = (ALPHA / DIGIT)
	// *(ALPHA / DIGIT / "-"), upper case by the catalogue's convention.
	ehloKeyword = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]*$`)
)

// rfcText is an RFC's text with its white space normalised, and where each
// section starts in it.
type rfcText struct {
	text   string
	starts []sectionStart
}

type sectionStart struct {
	offset  int
	section string
}

// sectionAt returns the section that holds offset ("" before the first
// heading).
func (t *rfcText) sectionAt(offset int) string {
	s := ""
	for _, st := range t.starts {
		if st.offset > offset {
			break
		}
		s = st.section
	}
	return s
}

// find returns the sections of every occurrence of part in the text.
func (t *rfcText) find(part string) []string {
	var out []string
	for from := 0; ; {
		i := strings.Index(t.text[from:], part)
		if i < 0 {
			return out
		}
		out = append(out, t.sectionAt(from+i))
		from += i + 1
	}
}

// loadRFC reads testdata/rfc/rfcN.txt and normalises it: page-break lines
// and form feeds dropped, each run of white space made one space, and a line
// that ends in a hyphen after a letter or digit joined to the next without a
// space ("fully-\n   qualified" is "fully-qualified").
func loadRFC(t *testing.T, n int) *rfcText {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "rfc", fmt.Sprintf("rfc%d.txt", n)))
	if err != nil {
		t.Fatalf("the RFC text the catalogue quotes must be in testdata/rfc: %v", err)
	}
	defer f.Close()
	var (
		b      strings.Builder
		starts []sectionStart
		joined bool // the previous line ended in a hyphen
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.ReplaceAll(sc.Text(), "\f", "")
		if pageFooter.MatchString(line) || pageHeader.MatchString(line) {
			continue
		}
		text := strings.TrimSpace(spaces.ReplaceAllString(line, " "))
		if text == "" {
			continue
		}
		if b.Len() > 0 && !joined {
			b.WriteByte(' ')
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			starts = append(starts, sectionStart{b.Len(), m[1] + m[2] + m[3] + m[4]})
		}
		b.WriteString(text)
		joined = len(text) >= 2 && text[len(text)-1] == '-' && isAlnum(text[len(text)-2])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return &rfcText{text: b.String(), starts: starts}
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// hasKeyword reports whether quote holds keyword as a word; a bare "MUST",
// "SHOULD" or "SHALL" must also occur once without "NOT" after it.
func hasKeyword(quote, keyword string, anyCase bool) bool {
	flags := ""
	if anyCase {
		flags = "(?i)"
	}
	re := regexp.MustCompile(flags + `\b` + strings.ReplaceAll(regexp.QuoteMeta(keyword), " ", `\s+`) + `\b`)
	for _, loc := range re.FindAllStringIndex(quote, -1) {
		rest := strings.TrimLeft(quote[loc[1]:], " ")
		if keyword != "MUST" && keyword != "SHOULD" && keyword != "SHALL" {
			return true
		}
		if !strings.HasPrefix(strings.ToUpper(rest), "NOT") {
			return true
		}
	}
	return false
}

// idSection returns the RFC number and section an ID names, if any:
// "RFC5321-4.1.4-x" → 5321, "4.1.4".
func idSection(id string) (rfc int, section string) {
	m := idPattern.FindStringSubmatch(id)
	if m == nil || m[2] == "" {
		return 0, ""
	}
	_, _ = fmt.Sscanf(m[2], "%d", &rfc)
	return rfc, m[4]
}

// idSectionExempt lists IDs whose section the entry rightly does not cite,
// and why.
var idSectionExempt = map[string]string{
	"RFC5321-4.3.2-turn-codes": "RFC 5321 §4.3.2 has no TURN row (see the entry's Note)",
}

func TestEveryRequirement(t *testing.T) {
	texts := map[int]*rfcText{}
	seen := map[string]bool{}
	if len(entries()) == 0 {
		t.Fatal("the catalogue is empty")
	}
	for _, r := range entries() {
		t.Run(r.ID, func(t *testing.T) {
			if !idPattern.MatchString(r.ID) {
				t.Errorf("ID %q is not of the form RFC5321-3.3-rcpt-before-mail or SEC-SMUG-LF-DOT-LF", r.ID)
			}
			if seen[r.ID] {
				t.Errorf("ID %q appears twice", r.ID)
			}
			seen[r.ID] = true
			if strings.TrimSpace(r.Title) == "" {
				t.Error("no Title")
			}
			if r.Feature != FeatureCore && !ehloKeyword.MatchString(r.Feature) {
				t.Errorf("Feature %q is neither %q nor an EHLO keyword (RFC 5321 §4.1.1.1)", r.Feature, FeatureCore)
			}
			if len(r.Sections) == 0 {
				t.Fatal("no Sections")
			}
			for _, s := range r.Sections {
				if !sectionPattern.MatchString(s) {
					t.Errorf("section %q is not of the form 4.1.1.4 or F.1", s)
				}
			}
			for _, c := range r.Also {
				if c.RFC <= 0 || !sectionPattern.MatchString(c.Section) {
					t.Errorf("Also cites %+v, not an RFC and a section", c)
				}
			}
			level, ok := LevelOf(r.Keyword)
			if !ok {
				t.Fatalf("Keyword %q is not a keyword", r.Keyword)
			}
			if r.Level != level {
				t.Errorf("Level %s, but keyword %s gives %s", r.Level, r.Keyword, level)
			}
			if r.Keyword == KeywordDefined && strings.TrimSpace(r.Note) == "" {
				t.Error("a DEFINED requirement needs a Note saying why no keyword applies")
			}
			if r.Keyword != KeywordDefined && r.Keyword != KeywordABNF && !hasKeyword(r.Quote, r.Keyword, pre2119[r.RFC]) {
				t.Errorf("the quote does not hold the keyword %s: %q", r.Keyword, r.Quote)
			}
			if rfc, sec := idSection(r.ID); sec != "" && idSectionExempt[r.ID] == "" {
				cited := rfc == r.RFC && contains(r.Sections, sec)
				for _, c := range r.Also {
					cited = cited || (c.RFC == rfc && c.Section == sec)
				}
				if !cited {
					t.Errorf("the ID names RFC %d §%s, which the entry does not cite", rfc, sec)
				}
			}

			// The quote: every passage verbatim in the RFC, inside one of
			// the cited sections, and every cited section quoted.
			if texts[r.RFC] == nil {
				texts[r.RFC] = loadRFC(t, r.RFC)
			}
			text := texts[r.RFC]
			quoted := map[string]bool{}
			for _, part := range strings.Split(r.Quote, QuoteSeparator) {
				part = strings.TrimSpace(spaces.ReplaceAllString(part, " "))
				if part == "" {
					t.Errorf("empty passage in the quote %q", r.Quote)
					continue
				}
				where := text.find(part)
				if len(where) == 0 {
					t.Errorf("RFC %d does not hold the passage %q", r.RFC, part)
					continue
				}
				found := false
				for _, s := range where {
					if contains(r.Sections, s) {
						quoted[s], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("the passage %q is in RFC %d §%s, not in the cited sections %v", part, r.RFC, strings.Join(where, ", §"), r.Sections)
				}
			}
			for _, s := range r.Sections {
				if !quoted[s] {
					t.Errorf("section %s is cited but not quoted (move it to Also)", s)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestRequirementsCatalogue checks the entries against the project's
// requirements catalogue (testdata/REQUIREMENTS.md, a copy of the shared
// REQUIREMENTS.md): where a row has the same ID, the section it cites first
// is one the entry cites too.
func TestRequirementsCatalogue(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "REQUIREMENTS.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| ([A-Za-z0-9.-]+) \| ([^|]+) \|`)
	first := regexp.MustCompile(`^([0-9]{3,4}) (?:§([0-9A-Z][0-9.]*[0-9A-Z]|[0-9A-Z])|App\. ([A-Z](?:\.[0-9]+)*))`)
	checked := 0
	prev := "" // the section column of the row before: a row may say "same"
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		col := strings.TrimSpace(m[2])
		if col == "same" {
			col = prev
		}
		prev = col
		r, ok := Lookup(m[1])
		if !ok {
			continue
		}
		checked++
		f := first.FindStringSubmatch(col)
		if f == nil {
			t.Errorf("%s: cannot read the section column %q of REQUIREMENTS.md", r.ID, m[2])
			continue
		}
		var rfc int
		_, _ = fmt.Sscanf(f[1], "%d", &rfc)
		sec := f[2] + f[3]
		cited := rfc == r.RFC && contains(r.Sections, sec)
		for _, c := range r.Also {
			cited = cited || (c.RFC == rfc && c.Section == sec)
		}
		if !cited {
			t.Errorf("%s: REQUIREMENTS.md cites RFC %d §%s first, the entry cites %s", r.ID, rfc, sec, r.Cite())
		}
	}
	t.Logf("%d entries checked against REQUIREMENTS.md", checked)
}

func TestLookupAndAll(t *testing.T) {
	all := All()
	if len(all) != len(entries()) {
		t.Fatalf("All returned %d requirements, the catalogue has %d", len(all), len(entries()))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID {
			t.Fatalf("All is not sorted by ID: %s before %s", all[i-1].ID, all[i].ID)
		}
	}
	r, ok := Lookup(all[0].ID)
	if !ok || r.ID != all[0].ID {
		t.Fatalf("Lookup(%q) = %v, %v", all[0].ID, r.ID, ok)
	}
	r.Sections[0] = "changed"
	if again, _ := Lookup(all[0].ID); again.Sections[0] == "changed" {
		t.Error("changing a looked-up requirement changed the catalogue")
	}
	if _, ok := Lookup("RFC5321-0-no-such-requirement"); ok {
		t.Error("Lookup found a requirement that does not exist")
	}
}

func TestLevels(t *testing.T) {
	for kw, want := range map[string]Level{"MUST NOT": Must, "ABNF": Must, "SHOULD NOT": Should, "RECOMMENDED": Should,
		"OPTIONAL": May, "DEFINED": Defined} {
		if got, ok := LevelOf(kw); !ok || got != want {
			t.Errorf("LevelOf(%q) = %s, %v; want %s", kw, got, ok, want)
		}
	}
	if _, ok := LevelOf("must"); ok {
		t.Error(`LevelOf("must") is a keyword; keywords are written in upper case`)
	}
	for l, fail := range map[Level]bool{Must: true, Should: false, May: false, Defined: false} {
		if l.CanFail() != fail {
			t.Errorf("%s.CanFail() = %v", l, !fail)
		}
	}
}

func TestLinkAndCite(t *testing.T) {
	r := Requirement{RFC: 5321, Sections: []string{"4.1.1.4", "2.3.8"},
		Also: []Cite{{5321, "F.1"}, {2920, "3.2"}, {5321, "2.3.8"}}}
	if got, want := r.Link(), "https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.4"; got != want {
		t.Errorf("Link() = %q, want %q", got, want)
	}
	if got, want := r.Cite(), "RFC 5321 §4.1.1.4, §2.3.8, App. F.1; RFC 2920 §3.2"; got != want {
		t.Errorf("Cite() = %q, want %q", got, want)
	}
	r.Sections = []string{"F.6"}
	if got, want := r.Link(), "https://www.rfc-editor.org/rfc/rfc5321#appendix-F.6"; got != want {
		t.Errorf("Link() = %q, want %q", got, want)
	}
	if got, want := (Cite{1985, "2"}).String(), "RFC 1985 §2"; got != want {
		t.Errorf("Cite.String() = %q, want %q", got, want)
	}
}

// TestHeadings guards the section finder: it must see the body headings of
// RFC 5321, appendices included, and not the table of contents.
func TestHeadings(t *testing.T) {
	text := loadRFC(t, 5321)
	for _, c := range []struct{ quote, section string }{
		{"Every command MUST generate exactly one reply.", "4.2"},
		{"Its use is deprecated; SMTP systems SHOULD NOT use it unless the server can authenticate the client.", "F.1"},
		{"The maximum total length of a reply line including the reply code and the <CRLF> is 512 octets.", "4.5.3.1.5"},
		{"the so-called \"source ; route\", MUST BE accepted", "4.1.2"},
	} {
		if got := text.find(c.quote); len(got) != 1 || got[0] != c.section {
			t.Errorf("%q found in sections %v, want [%s]", c.quote, got, c.section)
		}
	}
	// RFC 3207 numbers its subsections without a final dot ("4.2 Result
	// of the STARTTLS Command").
	text = loadRFC(t, 3207)
	for _, c := range []struct{ quote, section string }{
		{"A server MUST NOT return the STARTTLS extension", "4.2"},
		{"530 Must issue a STARTTLS command first", "4"},
		{"it SHOULD reply to every SMTP command from the client (other than a QUIT command) with the 554 reply code", "4.1"},
	} {
		if got := text.find(c.quote); len(got) != 1 || got[0] != c.section {
			t.Errorf("%q found in sections %v, want [%s]", c.quote, got, c.section)
		}
	}
}

func TestHasKeyword(t *testing.T) {
	for _, c := range []struct {
		quote, keyword string
		anyCase, want  bool
	}{
		{"servers MUST support the EHLO command", "MUST", false, true},
		{"An SMTP server MUST NOT close the connection", "MUST", false, false},
		{"An SMTP server MUST NOT close the connection", "MUST NOT", false, true},
		{"it MUST NOT be sent, and MUST be rejected", "MUST", false, true},
		{"the response MUST BE at least 64K", "MUST", false, true},
		{"servers SHOULD\nNOT use it", "SHOULD NOT", false, true},
		{"the server must return", "MUST", false, false},
		{"the server must return", "MUST", true, true},
		{"MUSTER", "MUST", false, false},
	} {
		if got := hasKeyword(c.quote, c.keyword, c.anyCase); got != c.want {
			t.Errorf("hasKeyword(%q, %q, %v) = %v, want %v", c.quote, c.keyword, c.anyCase, got, c.want)
		}
	}
}

// TestNormalisation guards loadRFC: a sentence split by a page break and a
// word split after its hyphen are found whole.
func TestNormalisation(t *testing.T) {
	text := loadRFC(t, 5321)
	for _, quote := range []string{
		// Split by a page break (§2.2.1, at "[Page 9]").
		`If support for those services is to be added, it must be done in a way that permits older implementations to continue working acceptably.`,
		// "EHLO-" ends a line, "style" starts the next.
		`Servers MUST NOT return the extended EHLO-style response to a HELO command.`,
	} {
		if len(text.find(quote)) == 0 {
			t.Errorf("not found after normalisation: %q", quote)
		}
	}
	if strings.Contains(text.text, "Standards Track [Page") || strings.Contains(text.text, "RFC 5321 SMTP October 2008") {
		t.Error("page footers or running headers survived normalisation")
	}
}
