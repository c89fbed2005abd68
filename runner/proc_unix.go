//go:build unix

package runner

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup puts a --parallel child in a process group of its own, so
// that a Ctrl-C on the terminal reaches the parent alone, which passes it on
// to each child once.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
