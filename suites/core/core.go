// Package core holds the specs for the RFC 5321 core: connection and
// greeting (§3.1, §4.2), EHLO/HELO (§4.1.1.1), MAIL (§4.1.1.2), RCPT
// (§4.1.1.3), DATA and transparency (§4.1.1.4, §4.5.2), RSET, NOOP, QUIT
// (§4.1.1.5, §4.1.1.9, §4.1.1.10), VRFY, EXPN, HELP (§3.5, §4.1.1.6-8),
// TURN (App. F.1), reply syntax (§4.2), the §4.3.2 reply table, bad
// sequences (§4.1.4, §3.3) and limits (§4.5.3.1).
//
// Each file is one area; each spec one requirement.
package core
