package testbed

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// StatementCounter is a TCP proxy in front of MariaDB that counts the statements its clients send: a
// MySQL command packet starts a sequence (sequence id 0) and names the command in its first byte
// (COM_QUERY 0x03, COM_STMT_EXECUTE 0x17). The server's own counters are global, and other clients of a
// shared server would add to them.
type StatementCounter struct {
	DSN string // the DSN given, through the proxy

	n        atomic.Int64
	keepText bool
	mu       sync.Mutex
	texts    []string
}

// CountStatements starts a proxy in front of the server of dsn until the test ends. With keepText it
// also keeps each statement's text (for Since); benchmarks leave it off to keep memory flat.
func CountStatements(tb testing.TB, dsn string, keepText bool) *StatementCounter {
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
	c := &StatementCounter{DSN: cfg.FormatDSN(), keepText: keepText}
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
func (c *StatementCounter) forward(server io.Writer, client io.Reader) {
	header := make([]byte, 4)
	for {
		if _, err := io.ReadFull(client, header); err != nil {
			return
		}
		payload := make([]byte, int(header[0])|int(header[1])<<8|int(header[2])<<16)
		if _, err := io.ReadFull(client, payload); err != nil {
			return
		}
		if header[3] == 0 && len(payload) > 0 && (payload[0] == 0x03 || payload[0] == 0x17) {
			c.n.Add(1)
			if c.keepText {
				c.mu.Lock()
				c.texts = append(c.texts, string(payload[1:]))
				c.mu.Unlock()
			}
		}
		if _, err := server.Write(append(header, payload...)); err != nil && !errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

// Count is how many statements went through so far.
func (c *StatementCounter) Count() int64 { return c.n.Load() }

// Since returns the texts of the statements sent after the count mark (a Count taken earlier); it needs
// keepText.
func (c *StatementCounter) Since(mark int64) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.texts[min(int(mark), len(c.texts)):]...)
}
