// Command provwrap stands in for terraform-provider-tyk in make bench: it
// runs the real provider ($TYK_BENCH_PROVIDER) as its child, with the same
// arguments, environment and standard streams (go-plugin's handshake passes
// through), and when the child exits writes its exact CPU time and peak RSS
// (wait4's rusage) to a file in $TYK_BENCH_USAGE_DIR. Polling /proc instead
// missed the CPU a provider used after the last poll (a third of it for a
// short plan) and cost the benchmark process seconds of CPU.
//
// It imports only the standard library, so that its own start costs about a
// millisecond; it records that cost too, for the benchmark to keep it out of
// Terraform's.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
)

func main() {
	provider, dir := os.Getenv("TYK_BENCH_PROVIDER"), os.Getenv("TYK_BENCH_USAGE_DIR")
	if provider == "" || dir == "" {
		fmt.Fprintln(os.Stderr, "provwrap: TYK_BENCH_PROVIDER and TYK_BENCH_USAGE_DIR must be set")
		os.Exit(2)
	}
	cmd := exec.Command(provider, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// The child dies with the wrapper (go-plugin kills the process it
	// started when a graceful stop times out).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "provwrap:", err)
		os.Exit(1)
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	_ = cmd.Wait()
	child, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var self syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	if child != nil {
		// CPU in ns, peak RSS in KiB (Linux), the wrapper's own CPU in ns.
		line := fmt.Sprintf("%d %d %d\n", child.Utime.Nano()+child.Stime.Nano(), child.Maxrss,
			self.Utime.Nano()+self.Stime.Nano())
		_ = os.WriteFile(filepath.Join(dir, strconv.Itoa(cmd.Process.Pid)), []byte(line), 0o644)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}
