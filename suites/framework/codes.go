package framework

import (
	"strconv"
	"strings"
)

// CodeSet is a set of reply codes written as the catalogue writes them:
// "503 554" or "5yz" or "250 251 4yz". The empty set matches nothing.
type CodeSet string

// Has reports whether code is in the set.
func (s CodeSet) Has(code int) bool {
	for _, f := range strings.Fields(string(s)) {
		if len(f) == 3 && strings.HasSuffix(f, "yz") {
			if int(f[0]-'0') == code/100 {
				return true
			}
			continue
		}
		if n, err := strconv.Atoi(f); err == nil && n == code {
			return true
		}
	}
	return false
}

// HasExact reports whether the set names code itself, not only its class.
func (s CodeSet) HasExact(code int) bool {
	for _, f := range strings.Fields(string(s)) {
		if n, err := strconv.Atoi(f); err == nil && n == code {
			return true
		}
	}
	return false
}

// String renders the set as "503 or 554".
func (s CodeSet) String() string {
	f := strings.Fields(string(s))
	switch len(f) {
	case 0:
		return "(none)"
	case 1:
		return f[0]
	}
	return strings.Join(f[:len(f)-1], ", ") + " or " + f[len(f)-1]
}

// Union returns the codes of both sets.
func (s CodeSet) Union(o CodeSet) CodeSet {
	return CodeSet(strings.TrimSpace(string(s) + " " + string(o)))
}

// general codes any command may get (RFC 5321 §4.3.2: 500 and 501 for
// syntax, 421 for service closing), plus 530 for a server that requires
// AUTH (RFC 4954 §6) or TLS (RFC 3207 §4) first.
const general CodeSet = "500 501 421 530"

// replyRow is one row of the command → reply table: the codes a command's
// reply may have (the general ones come on top) and the catalogue ID of the
// rule that lists them.
type replyRow struct {
	Codes CodeSet
	Rule  string
}

// replyTable is the command → reply table every reply is checked against:
// the RFC 5321 §4.3.2 rows (catalogue §10.1) below, and the rows each
// extension's specs add for its verbs with RegisterReplies (BDAT, STARTTLS,
// AUTH, ETRN, ATRN). Keyed by upper-case verb; "DATA-END" is the reply to
// the end of the mail data. It is complete once package initialisation is
// over, and read-only afterwards.
var replyTable = map[string]replyRow{
	"EHLO":     {"250 504 550 502", "RFC5321-4.3.2-hello-codes"},
	"HELO":     {"250 504 550 502", "RFC5321-4.3.2-hello-codes"},
	"MAIL":     {"250 552 451 452 550 553 503 455 555 521", "RFC5321-4.3.2-mail-codes"},
	"RCPT":     {"250 251 550 551 552 553 450 451 452 503 455 555 556", "RFC5321-4.3.2-rcpt-codes"},
	"DATA":     {"354 503 554", "RFC5321-4.3.2-data-codes"},
	"DATA-END": {"250 552 554 451 452 450 550", "RFC5321-4.3.2-data-codes"},
	"RSET":     {"250", "RFC5321-4.3.2-rset-noop-quit-codes"},
	"NOOP":     {"250", "RFC5321-4.3.2-rset-noop-quit-codes"},
	"QUIT":     {"221", "RFC5321-4.3.2-rset-noop-quit-codes"},
	"VRFY":     {"250 251 252 550 551 553 502 504", "RFC5321-4.3.2-vrfy-expn-codes"},
	"EXPN":     {"250 252 550 502 504", "RFC5321-4.3.2-vrfy-expn-codes"},
	"HELP":     {"211 214 502 504", "RFC5321-4.3.2-help-codes"},
	"TURN":     {"250 502", "RFC5321-4.3.2-turn-codes"},
}

// RegisterReplies adds an extension's row to the command → reply table:
// the codes the extension's RFC allows in reply to verb (beyond the general
// 500 501 421 530), and the catalogue ID of the rule that lists them. For a
// verb the table already has, the codes are added to its row (an extension
// may define new replies to an existing command, e.g. 530 and 538 for MAIL
// under AUTH) and the row keeps its rule. Call it only from an init function.
func RegisterReplies(verb string, codes CodeSet, rule string) {
	verb = strings.ToUpper(verb)
	if row, ok := replyTable[verb]; ok {
		replyTable[verb] = replyRow{row.Codes.Union(codes), row.Rule}
		return
	}
	replyTable[verb] = replyRow{codes, rule}
}

// AllowedCodes returns the codes RFC 5321 §4.3.2 allows in reply to verb,
// including the general ones, and the ID of the rule that says so. ok is
// false for verbs the table does not cover.
func AllowedCodes(verb string) (codes CodeSet, rule string, ok bool) {
	e, ok := replyTable[strings.ToUpper(verb)]
	if !ok {
		return "", "", false
	}
	return e.Codes.Union(general), e.Rule, true
}
