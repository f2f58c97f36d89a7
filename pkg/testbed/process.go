package testbed

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildMu  sync.Mutex
	buildDir string
	built    = map[string]string{}
)

// Binary builds one of the bridge's commands ("worker", "api", "starter", "pkg/odoosim/cmd/odoosim") once
// per test process and returns the path of the executable.
func Binary(t testing.TB, cmd string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if path, ok := built[cmd]; ok {
		return path
	}
	if buildDir == "" {
		dir, err := os.MkdirTemp("", "bridge-bin-")
		if err != nil {
			t.Fatal(err)
		}
		buildDir = dir
	}
	out := filepath.Join(buildDir, filepath.Base(cmd))
	build := exec.Command("go", "build", "-o", out, "github.com/ocbridge/bridge/"+cmd)
	var stderr bytes.Buffer
	build.Stderr = &stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build %s: %v\n%s", cmd, err, stderr.String())
	}
	built[cmd] = out
	return out
}

// Process is a bridge binary running as a child process of the test.
type Process struct {
	Cmd    *exec.Cmd
	output *lockedBuffer
}

// Output returns what the process printed so far (stdout and stderr).
func (p *Process) Output() string { return p.output.String() }

// Start runs a built binary with the bed's environment plus env ("NAME=value" entries, which win); it is
// killed when the test ends if still running.
func (b *Bed) Start(t testing.TB, cmd string, env []string, args ...string) *Process {
	t.Helper()
	c := exec.Command(Binary(t, cmd), args...)
	c.Env = append(b.Environ(), env...)
	buf := &lockedBuffer{}
	c.Stdout, c.Stderr = buf, buf
	if err := c.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd, err)
	}
	p := &Process{Cmd: c, output: buf}
	t.Cleanup(func() {
		if c.ProcessState == nil {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	})
	return p
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Terminate sends SIGTERM and fails the test unless the process exits cleanly (status 0) within timeout.
func (p *Process) Terminate(t testing.TB, timeout time.Duration) {
	t.Helper()
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s exited with %v after SIGTERM; output:\n%s", p.Cmd.Path, err, p.Output())
		}
	case <-time.After(timeout):
		t.Fatalf("%s did not stop within %s of SIGTERM; output:\n%s", p.Cmd.Path, timeout, p.Output())
	}
}
