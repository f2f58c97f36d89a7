package activities_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-sql-driver/mysql"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// What the catalog benchmarks of both directions measure besides time.

// statementCounter is a TCP proxy in front of MariaDB that counts the statements its clients send: a
// MySQL command packet starts a sequence (sequence id 0) and names the command in its first byte
// (COM_QUERY 0x03, COM_STMT_EXECUTE 0x17). The server's own counters are global, and other clients of a
// shared server would add to them.
type statementCounter struct {
	dsn string // the shop's DSN, through the proxy
	n   atomic.Int64
}

// countStatements starts a proxy in front of the server of dsn, until the test ends.
func countStatements(tb testing.TB, dsn string) *statementCounter {
	tb.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	target := cfg.Addr
	cfg.Addr = ln.Addr().String()
	c := &statementCounter{dsn: cfg.FormatDSN()}
	var conns sync.WaitGroup
	tb.Cleanup(func() { ln.Close(); conns.Wait() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			conns.Add(2)
			go func() { defer conns.Done(); _, _ = io.Copy(client, server); client.Close() }()
			go func() { defer conns.Done(); c.forward(server, client); server.Close() }()
		}
	}()
	return c
}

// forward copies client packets to the server, counting the commands that run statements.
func (c *statementCounter) forward(server io.Writer, client io.Reader) {
	header := make([]byte, 4)
	for {
		if _, err := io.ReadFull(client, header); err != nil {
			return
		}
		size := int(binary.LittleEndian.Uint32(append(header[:3:3], 0)))
		payload := make([]byte, size)
		if _, err := io.ReadFull(client, payload); err != nil {
			return
		}
		if header[3] == 0 && size > 0 && (payload[0] == 0x03 || payload[0] == 0x17) {
			c.n.Add(1)
		}
		if _, err := server.Write(append(header, payload...)); err != nil && !errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

// workflowHistory follows a workflow's continue-as-new chain and returns the longest history of a run
// and the number of runs.
func workflowHistory(tb testing.TB, c client.Client, id, runID string) (longest, runs int) {
	ctx := context.Background()
	for runID != "" {
		runs++
		events, next := 0, ""
		it := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				tb.Fatalf("history of %s/%s: %v", id, runID, err)
			}
			events++
			if e.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW {
				next = e.GetWorkflowExecutionContinuedAsNewEventAttributes().GetNewExecutionRunId()
			}
		}
		longest, runID = max(longest, events), next
	}
	return longest, runs
}

// peakRSSMiB is the test process's peak resident memory (VmHWM), which holds the in-process worker and
// the simulator: an upper bound of a worker's peak RSS during the benchmark.
func peakRSSMiB(b *testing.B) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Logf("peak RSS unknown: %v", err)
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
