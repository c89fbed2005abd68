// Command smtpspec tests an SMTP server against RFC 5321, requirement by
// requirement. Run it with --help for the flags and exit codes.
package main

import "github.com/smtpspec/smtpspec/runner"

func main() { runner.Run() }
