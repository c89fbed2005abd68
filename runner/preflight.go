package runner

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smtpspec/smtpspec/internal/config"
	"github.com/smtpspec/smtpspec/internal/wire"
)

// preflightStop says why the run cannot go on after the preflight: the exit
// code, and the message. When the server greeted, the runner also writes a
// report in which every selected spec is NOT RUN, with the message as the
// reason.
type preflightStop struct {
	code    int
	msg     string
	greeted bool
}

func (p *preflightStop) Error() string { return p.msg }

// preflight opens one session before the specs run, so that a target that
// cannot be tested ends the run in one line instead of every spec timing out
// or failing on its own:
//
//   - connect and read the greeting: an unreachable, refusing, silent or
//     non-SMTP target ends the run (exit 3) within --connect-timeout plus
//     --timeout;
//   - EHLO: a server that greets and then never answers ends the run
//     (exit 3) within --timeout, with a report that says why;
//   - with a mailbox, MAIL FROM:<sender>, RCPT TO:<mailbox>, RSET: a sender
//     or mailbox the server refuses (5yz) is a configuration error (exit 2,
//     with the server's reply), 530 says the server wants AUTH (exit 2), a
//     4yz (greylisting, a rate limit) ends the run (exit 3).
//
// A reply the suite cannot parse, or a close, is left to the specs: those
// are the server's behaviour to judge, not a reason to stop.
func preflight(ctx context.Context, cfg config.Config) (wire.Reply, *preflightStop) {
	c, err := wire.Dial(ctx, cfg.Target, wire.Options{ConnectTimeout: cfg.ConnectTimeout, ReplyTimeout: cfg.ReplyTimeout})
	if err != nil {
		return wire.Reply{}, &preflightStop{code: ExitUntestable, msg: err.Error()}
	}
	defer c.Close()
	untestable := func(format string, args ...any) *preflightStop {
		return &preflightStop{code: ExitUntestable, msg: fmt.Sprintf(format, args...)}
	}
	if cfg.TLSMode == config.TLSImplicit {
		if err := c.StartTLS(cfg.TLSClientConfig()); err != nil {
			return wire.Reply{}, untestable("--tls implicit: %v%s (is it a port-465 style TLS port? a STARTTLS port needs --tls auto or starttls)", err, verifyHint(cfg, err))
		}
	}
	g, err := c.ReadReply()
	switch {
	case errors.Is(err, wire.ErrTimeout):
		return g, untestable("no greeting within %s (is it an SMTP port? raise --timeout for a slow server; RFC 5321 §4.5.3.2 allows 5 min)", cfg.ReplyTimeout)
	case errors.Is(err, wire.ErrClosed):
		return g, untestable("the server closed the connection without a greeting: %v", err)
	case err != nil:
		return g, untestable("the server does not speak SMTP: %v", err)
	case g.Code == 421:
		return g, untestable("service not available: greeting %s", g)
	case g.Code != 220 && g.Code != 554 && g.Code != 521:
		return g, untestable("unexpected greeting %s (RFC 5321 §3.1 allows 220, 554, 421; RFC 7504 §3 adds 521)", g)
	case g.Code != 220:
		// The caller reports the refusal; the specs that test it run.
		return g, nil
	}
	s := preflightSession{c: c, timeout: cfg.ReplyTimeout}
	defer s.quit()

	r, stop := s.command("EHLO", "EHLO "+cfg.Helo)
	if stop != nil || r.Code != 250 {
		return g, stop
	}
	// A refused MAIL in plaintext may mean "TLS first" (RFC 3207 §4: 530,
	// or a 4yz/5yz of local policy): under --tls auto the specs run in
	// plaintext, so the refusal names the flag that upgrades every session.
	tlsHint := ""
	if cfg.TLSMode == config.TLSAuto && r.Lists("STARTTLS") {
		tlsHint = "; it lists STARTTLS: if it takes mail only over TLS (RFC 3207 §4), write --tls starttls"
	}
	if cfg.TLSMode == config.TLSStartTLS {
		if !r.Lists("STARTTLS") {
			return g, &preflightStop{code: ExitUsage, greeted: true,
				msg: fmt.Sprintf("--tls starttls: %s does not list STARTTLS in its EHLO reply: write --tls auto (the STARTTLS specs are then not applicable)", cfg.Target)}
		}
		r, stop = s.command("STARTTLS", "STARTTLS")
		if stop != nil {
			return g, stop
		}
		if r.Code != 220 {
			return g, &preflightStop{code: ExitUntestable, greeted: true,
				msg: fmt.Sprintf("--tls starttls: STARTTLS answered %s, not 220: every session would fail; write --tls auto to leave TLS to the STARTTLS specs", plain(r))}
		}
		if err := s.c.StartTLS(cfg.TLSClientConfig()); err != nil {
			s.broken = true
			return g, &preflightStop{code: ExitUntestable, greeted: true,
				msg: fmt.Sprintf("--tls starttls: %v%s", err, verifyHint(cfg, err))}
		}
		if r, stop = s.command("EHLO", "EHLO "+cfg.Helo); stop != nil || r.Code != 250 {
			return g, stop
		}
	}
	if cfg.Mailbox == "" {
		return g, nil
	}
	r, stop = s.command("MAIL FROM", "MAIL FROM:<"+cfg.Sender+">")
	if stop != nil || r.Code == 0 {
		return g, stop
	}
	if stop := refused(r, "--sender", cfg.Sender, "MAIL FROM", cfg.Profile, tlsHint); stop != nil || r.Code != 250 {
		return g, stop
	}
	r, stop = s.command("RCPT TO", "RCPT TO:<"+cfg.Mailbox+">")
	if stop != nil || r.Code == 0 {
		return g, stop
	}
	if stop := refused(r, "--mailbox", cfg.Mailbox, "RCPT TO", cfg.Profile, tlsHint); stop != nil {
		return g, stop
	}
	_, stop = s.command("RSET", "RSET")
	return g, stop
}

// preflightSession is the preflight's SMTP session.
type preflightSession struct {
	c       *wire.Conn
	timeout time.Duration
	broken  bool
}

// command sends line and reads the reply. A reply that does not come within
// the timeout stops the run; a 421 too. A close or a malformed reply returns
// a zero reply and no stop: the specs judge those.
func (s *preflightSession) command(verb, line string) (wire.Reply, *preflightStop) {
	if err := s.c.Send(line); err != nil {
		s.broken = true
		return wire.Reply{}, nil
	}
	r, err := s.c.ReadReply()
	switch {
	case errors.Is(err, wire.ErrTimeout):
		s.broken = true
		return r, &preflightStop{code: ExitUntestable, greeted: true,
			msg: fmt.Sprintf("the server greeted but did not answer %s within %s (raise --timeout for a slow server; RFC 5321 §4.5.3.2 allows 5 min)", verb, s.timeout)}
	case err != nil:
		s.broken = true
		return wire.Reply{}, nil
	case r.Code == 421:
		s.broken = true
		return r, &preflightStop{code: ExitUntestable, greeted: true,
			msg: fmt.Sprintf("service not available: %s answered %s", verb, plain(r))}
	}
	return r, nil
}

// quit ends the session politely, when it is still usable.
func (s *preflightSession) quit() {
	if s.broken {
		return
	}
	if s.c.Send("QUIT") == nil {
		_, _ = s.c.ReadReply()
	}
}

// refused turns a refusal of the configured sender or mailbox into a stop.
func refused(r wire.Reply, flag, addr, cmd, profile, hint string) *preflightStop {
	switch {
	case r.Code == 250 || (cmd == "RCPT TO" && r.Code == 251):
		return nil
	case r.Code == 530 && profile == config.ProfileSubmission:
		// A submission server (RFC 6409 §4.1) requires AUTH before
		// MAIL: the specs that meet the 530 are NOT APPLICABLE, or
		// authenticate with --auth-user.
		return nil
	case r.Code == 530:
		return &preflightStop{code: ExitUsage, greeted: true,
			msg: fmt.Sprintf("the server requires authentication before %s (%s): for a submission server write --profile submission (with --auth-user USER to test past AUTH)%s", cmd, plain(r), hint)}
	case r.Code >= 400 && r.Code < 500:
		return &preflightStop{code: ExitUntestable, greeted: true,
			msg: fmt.Sprintf("%s %s deferred: %s answered %s (greylisting or a rate limit?); try again later%s", flag, addr, cmd, plain(r), hint)}
	case r.Code >= 500:
		return &preflightStop{code: ExitUsage, greeted: true,
			msg: fmt.Sprintf("%s %s refused: %s%s", flag, addr, plain(r), hint)}
	}
	// Anything else (a 2yz or 3yz that is not the answer) is for the
	// specs to judge.
	return nil
}

// verifyHint adds what to do about a certificate that did not verify.
func verifyHint(cfg config.Config, err error) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	switch {
	case !cfg.TLSVerify:
		return ""
	case errors.As(err, &unknown):
		return " (--tls-verify: the certificate is not signed by a trusted authority; drop --tls-verify to test without verifying)"
	case errors.As(err, &host):
		return " (--tls-verify: the certificate is for another name; set --tls-server-name to its name, or drop --tls-verify)"
	}
	return " (with --tls-verify)"
}

// plain renders a reply for a one-line message: its lines joined with " / ",
// or escaped when it holds control characters.
func plain(r wire.Reply) string {
	text := strings.ReplaceAll(strings.TrimRight(string(r.Raw), "\r\n"), "\r\n", " / ")
	for _, c := range []byte(text) {
		if c < 0x20 || c > 0x7e {
			return r.String()
		}
	}
	return text
}
