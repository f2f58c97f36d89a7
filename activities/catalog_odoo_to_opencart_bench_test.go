package activities_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
)

// BenchmarkCatalogOdooToOpenCart syncs 10,000 templates (30 % configurable with 3×3 variants, 200
// categories) into a fresh OpenCart 4.0 shop through the real BulkSync workflow on the Temporal dev
// server, per page size. It reports wall time, XML-RPC requests and SQL statements per product, and
// the longest workflow history of the run (it continues as new when a history grows long).
//
//	go test -run '^$' -bench CatalogOdooToOpenCart -benchtime=1x ./activities/
func BenchmarkCatalogOdooToOpenCart(b *testing.B) {
	for _, pageSize := range []int{100, 250, 500, 1000} {
		b.Run(fmt.Sprintf("page=%d", pageSize), func(b *testing.B) {
			for range b.N {
				benchmarkBulkSync(b, pageSize)
			}
		})
	}
}

func benchmarkBulkSync(b *testing.B, pageSize int) {
	b.StopTimer()
	ctx := context.Background()
	bed := testbed.New(b, testbed.Options{OpenCart: "4.0.2.3", Odoo: odoosim.Config{Version: 17, Seed: 1}})
	spec := odoosim.CatalogSpec{Templates: 10_000, ConfigurableShare: 0.3, Attributes: 4, ValuesPerAttribute: 3,
		AttributesPerConfigurable: 2, Categories: 200, CategoryDepth: 3}
	if err := bed.Sim.SeedCatalog(spec); err != nil {
		b.Fatal(err)
	}
	// The worker's shop connection goes through a proxy that counts statements.
	dsn, err := mysql.ParseDSN(bed.Config.OpenCart.DSN.Reveal())
	if err != nil {
		b.Fatal(err)
	}
	counter := countStatements(b, dsn.Addr)
	dsn.Addr = counter.addr
	shop, err := opencart.Open(ctx, opencart.Config{DSN: dsn.FormatDSN(), TablePrefix: bed.Config.OpenCart.TablePrefix})
	if err != nil {
		b.Fatal(err)
	}
	defer shop.Close()
	w := worker.New(bed.Temporal, bed.Config.TaskQueue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Store: bed.Store, Shop: shop, ERP: bed.ERP})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	products := float64(spec.Templates)

	requests, statements := bed.ERP.TotalRequests(), counter.n.Load()
	b.StartTimer()
	started := time.Now()
	run, err := bed.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.BulkSyncID(bed.Config.Connection, mapping.OdooToOpenCart), TaskQueue: bed.Config.TaskQueue,
	}, workflows.BulkSyncName, workflows.BulkSyncInput{PageSize: pageSize})
	if err != nil {
		b.Fatal(err)
	}
	var p workflows.BulkProgress
	if err := run.Get(ctx, &p); err != nil {
		b.Fatal(err)
	}
	wall := time.Since(started)
	b.StopTimer()

	for _, st := range p.Stages {
		if st.Failed != 0 || st.Created != st.Total {
			b.Errorf("%s: %+v, want every record created", st.Stage, st)
		}
	}
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(float64(bed.ERP.TotalRequests()-requests)/products, "xmlrpc/product")
	b.ReportMetric(float64(counter.n.Load()-statements)/products, "sql/product")
	b.ReportMetric(float64(longestHistory(b, bed.Temporal, run)), "history-events-max")
	b.ReportMetric(float64(p.Runs), "runs")
}

// longestHistory follows a workflow's continue-as-new chain and returns the longest history of a run.
func longestHistory(b *testing.B, c client.Client, run client.WorkflowRun) int64 {
	ctx := context.Background()
	var longest int64
	for runID := run.GetRunID(); runID != ""; {
		desc, err := c.DescribeWorkflowExecution(ctx, run.GetID(), runID)
		if err != nil {
			b.Fatal(err)
		}
		longest = max(longest, desc.GetWorkflowExecutionInfo().GetHistoryLength())
		events := c.GetWorkflowHistory(ctx, run.GetID(), runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
		runID = ""
		for events.HasNext() {
			ev, err := events.Next()
			if err != nil {
				b.Fatal(err)
			}
			if next := ev.GetWorkflowExecutionContinuedAsNewEventAttributes(); next != nil {
				runID = next.GetNewExecutionRunId()
			}
		}
	}
	return longest
}

// statementCounter is a TCP proxy in front of MariaDB that counts the statements its clients send
// (COM_QUERY and COM_STMT_EXECUTE packets): the server's own counters are global, and other clients
// of a shared server would add to them.
type statementCounter struct {
	addr string
	n    atomic.Int64
}

func countStatements(tb testing.TB, target string) *statementCounter {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	c := &statementCounter{addr: ln.Addr().String()}
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
			go func() { _, _ = io.Copy(client, server); client.Close() }()
			go func() { c.forward(server, client); server.Close() }()
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
		// A command starts a new sequence (number 0); its first byte says which command it is.
		if header[3] == 0 && size > 0 && (payload[0] == 0x03 || payload[0] == 0x17) {
			c.n.Add(1)
		}
		if _, err := server.Write(append(header, payload...)); err != nil && !errors.Is(err, net.ErrClosed) {
			return
		}
	}
}
