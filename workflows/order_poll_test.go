package workflows_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// The catch-up poll finds orders whose webhook never came, each once, and later status changes.
func TestCatchUpPollFindsOrdersWithoutWebhooks(t *testing.T) {
	t.Parallel()
	f := statusFixture(t, "4.1.0.4", 17)
	first := f.PlaceOrder(t, ordertest.DemoOrder("lost1@example.com", 1))
	second := f.PlaceOrder(t, ordertest.DemoOrder("lost2@example.com", 2))
	abandoned := f.PlaceOrder(t, ordertest.DemoOrder("abandoned@example.com", 0))

	res, _ := runPoll(t, f, workflows.OrderCatchUpName, second)
	if res.Signaled != 2 {
		t.Fatalf("first poll signalled %d orders, want the 2 confirmed ones", res.Signaled)
	}
	for _, id := range []int64{first, second} {
		if p, err := f.Wait(t, id); err != nil || p.Stage != workflows.OrderDone || len(f.SaleOrders(t, id)) != 1 {
			t.Fatalf("order %d: %+v %v", id, p, err)
		}
	}
	if sos := f.SaleOrders(t, abandoned); len(sos) != 0 {
		t.Fatalf("abandoned order got sale orders %v", sos)
	}
	if res, _ := runPoll(t, f, workflows.OrderCatchUpName, second); res.Signaled != 0 {
		t.Fatalf("second poll signalled %d orders, want none (nothing new)", res.Signaled)
	}
	f.SetStatus(t, first, 3)
	if res, p := runPoll(t, f, workflows.OrderCatchUpName, first); res.Signaled != 1 || !slices.Contains(p.Actions, activities.ActionDeliver) {
		t.Fatalf("status change: poll %+v, order %+v", res, p)
	}
}

// With ORDER_POLL_START=latest (the default) the first poll skips the history written before it.
func TestCatchUpPollStartsAtTheLatestHistoryByDefault(t *testing.T) {
	t.Parallel()
	f := ordertest.New(t, "3.0.4.1", odoosim.Config{})
	f.SeedCatalog(t)
	f.StartWorker(t, ordertest.Settings())
	old := f.PlaceOrder(t, ordertest.DemoOrder("before@example.com", 1))
	if res, _ := runPollOnly(t, f, workflows.OrderCatchUpName); res.Signaled != 0 {
		t.Fatalf("first poll signalled %d orders placed before it", res.Signaled)
	}
	newer := f.PlaceOrder(t, ordertest.DemoOrder("after@example.com", 1))
	if res, _ := runPoll(t, f, workflows.OrderCatchUpName, newer); res.Signaled != 1 {
		t.Fatalf("second poll signalled %d orders, want the new one", res.Signaled)
	}
	if len(f.SaleOrders(t, old)) != 0 || len(f.SaleOrders(t, newer)) != 1 {
		t.Fatal("wrong orders synced")
	}
}

// runPollOnly runs a poll workflow without waiting for any order.
func runPollOnly(t *testing.T, f *ordertest.Fixture, workflow string) (workflows.PollResult, error) {
	t.Helper()
	ctx := context.Background()
	run, err := f.Temporal.ExecuteWorkflow(ctx, startOptions(f, workflow), workflow)
	if err != nil {
		t.Fatal(err)
	}
	var res workflows.PollResult
	return res, run.Get(ctx, &res)
}

func TestOrderSchedulesAreCreatedOnceAndUpdated(t *testing.T) {
	t.Parallel()
	f := ordertest.New(t, "4.0.2.3", odoosim.Config{})
	ctx := context.Background()
	s := activities.DefaultOrderSettings()
	conn := f.Config.Connection
	t.Cleanup(func() {
		for _, id := range []string{workflows.OrderCatchUpID(conn), workflows.OdooOrderPollID(conn)} {
			_ = f.Temporal.ScheduleClient().GetHandle(ctx, id).Delete(ctx)
		}
	})
	if err := workflows.EnsureOrderSchedules(ctx, f.Temporal, f.Config.TaskQueue, conn, s); err != nil {
		t.Fatal(err)
	}
	s.PollInterval = 45 * time.Second
	if err := workflows.EnsureOrderSchedules(ctx, f.Temporal, f.Config.TaskQueue, conn, s); err != nil {
		t.Fatalf("second start of the worker: %v", err)
	}
	d, err := f.Temporal.ScheduleClient().GetHandle(ctx, workflows.OrderCatchUpID(conn)).Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if iv := d.Schedule.Spec.Intervals; len(iv) != 1 || iv[0].Every != 45*time.Second {
		t.Fatalf("catch-up schedule intervals %+v, want every 45s", iv)
	}
}
