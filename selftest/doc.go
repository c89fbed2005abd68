// Package selftest proves the suite against its own fault-injecting
// reference server: every spec must pass against the clean server and fail
// (or warn, for a SHOULD) against the fault that breaks exactly its
// requirement, while every other spec keeps its clean verdict. It also
// checks the command line's exit codes and runs the real-server tests.
//
// The tests build the smtpspec binary once and run it as a user would.
package selftest
