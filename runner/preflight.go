package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/smtpspec/smtpspec/internal/wire"
	"github.com/smtpspec/smtpspec/suites/framework"
)

// preflight connects once and reads the greeting, so that an unreachable,
// refusing, silent or non-SMTP target ends the run in one line, within about
// twice the connect timeout, instead of every spec timing out on its own.
func preflight(ctx context.Context, cfg framework.Config) (wire.Reply, error) {
	c, err := wire.Dial(ctx, cfg.Target, wire.Options{ConnectTimeout: cfg.ConnectTimeout, ReplyTimeout: cfg.ConnectTimeout})
	if err != nil {
		return wire.Reply{}, err
	}
	defer c.Close()
	g, err := c.ReadReply()
	switch {
	case errors.Is(err, wire.ErrTimeout):
		return g, fmt.Errorf("no greeting within %s (is it an SMTP port?)", cfg.ConnectTimeout)
	case errors.Is(err, wire.ErrClosed):
		return g, fmt.Errorf("the server closed the connection without a greeting: %v", err)
	case err != nil:
		return g, fmt.Errorf("the server does not speak SMTP: %v", err)
	case g.Code == 421:
		return g, fmt.Errorf("service not available: greeting %s", g)
	case g.Code != 220 && g.Code != 554 && g.Code != 521:
		return g, fmt.Errorf("unexpected greeting %s (RFC 5321 §3.1 allows 220, 554, 421; RFC 7504 §3 adds 521)", g)
	}
	_ = c.Send("QUIT")
	_, _ = c.ReadReply()
	return g, nil
}
