package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
)

func newStockEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(StockPoll, workflow.RegisterOptions{Name: StockPollName})
	env.RegisterWorkflowWithOptions(StockPush, workflow.RegisterOptions{Name: StockPushName})
	env.RegisterActivity(&activities.Activities{})
	return env
}

func products(ids ...int64) activities.StockRequest {
	var r activities.StockRequest
	_ = r.Add(activities.ModelProduct, ids...)
	return r
}

// pollReturns mocks DetectStockChanges.
func pollReturns(env *testsuite.TestWorkflowEnvironment, changes activities.StockChanges) {
	env.OnActivity(acts.DetectStockChanges, mock.Anything).Return(changes, nil).Once()
}

func TestStockPollHandsChangesToTheRunningPushBeforeMovingTheCursor(t *testing.T) {
	env := newStockEnv(t)
	pollReturns(env, activities.StockChanges{Request: products(5, 7), From: "old", To: "new"})
	var order []string
	env.OnSignalExternalWorkflow(mock.Anything, StockPushID("shop1"), "", SignalStockChanged, products(5, 7)).
		Run(func(mock.Arguments) { order = append(order, "signal") }).Return(nil).Once()
	env.OnActivity(acts.SaveStockCursor, mock.Anything, "old", "new").
		Run(func(mock.Arguments) { order = append(order, "cursor") }).Return(nil).Once()

	env.ExecuteWorkflow(StockPoll, StockPollInput{Connection: "shop1"})
	var res StockPollResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	if res.Products != 2 || res.All || len(order) != 2 || order[0] != "signal" {
		t.Fatalf("result %+v, calls %v; want 2 products handed over before the cursor moved", res, order)
	}
	env.AssertExpectations(t)
}

func TestStockPollStartsThePushWhenNoneRuns(t *testing.T) {
	env := newStockEnv(t)
	all := activities.StockRequest{All: true}
	pollReturns(env, activities.StockChanges{Request: all, From: "", To: "first"})
	env.OnSignalExternalWorkflow(mock.Anything, StockPushID("shop1"), "", SignalStockChanged, all).
		Return(&temporal.UnknownExternalWorkflowExecutionError{}).Once()
	env.OnWorkflow(StockPushName, mock.Anything, StockPushInput{Pending: all}).Return(StockPushProgress{}, nil).Once()
	env.OnActivity(acts.SaveStockCursor, mock.Anything, "", "first").Return(nil).Once()

	env.ExecuteWorkflow(StockPoll, StockPollInput{Connection: "shop1"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	env.AssertExpectations(t)
}

func TestStockPollWithoutChangesWritesNothing(t *testing.T) {
	env := newStockEnv(t)
	pollReturns(env, activities.StockChanges{From: "same", To: "same"})
	env.ExecuteWorkflow(StockPoll, StockPollInput{Connection: "shop1"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	env.AssertNotCalled(t, "SaveStockCursor", mock.Anything, mock.Anything, mock.Anything)
}

func TestStockPollKeepsTheCursorWhenTheHandOverFails(t *testing.T) {
	env := newStockEnv(t)
	pollReturns(env, activities.StockChanges{Request: products(1), From: "old", To: "new"})
	env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", SignalStockChanged, mock.Anything).Return(errors.New("history service down"))
	env.ExecuteWorkflow(StockPoll, StockPollInput{Connection: "shop1"})
	if err := env.GetWorkflowError(); err == nil {
		t.Fatal("poll succeeded although the changes were not handed over")
	}
	env.AssertNotCalled(t, "SaveStockCursor", mock.Anything, mock.Anything, mock.Anything)
}

// pushRecorder is a fake PushStock that records the requests it gets and takes a minute each.
type pushRecorder struct {
	got  []activities.StockRequest
	fail int // fail the first n calls
}

func (p *pushRecorder) push(_ context.Context, req activities.StockRequest) (activities.StockPushResult, error) {
	p.got = append(p.got, req)
	if len(p.got) <= p.fail {
		return activities.StockPushResult{}, temporal.NewNonRetryableApplicationError("shop database down", "Test", nil)
	}
	return activities.StockPushResult{Templates: req.Size(), Written: req.Size()}, nil
}

func (p *pushRecorder) on(env *testsuite.TestWorkflowEnvironment) {
	env.OnActivity(acts.PushStock, mock.Anything, mock.Anything).After(time.Minute).Return(p.push)
}

func signalAt(env *testsuite.TestWorkflowEnvironment, at time.Duration, req activities.StockRequest) {
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalStockChanged, req) }, at)
}

func TestStockPushMergesRequestsArrivingDuringAPushIntoOne(t *testing.T) {
	env := newStockEnv(t)
	rec := &pushRecorder{}
	rec.on(env)
	signalAt(env, 10*time.Second, products(2))
	quant := products(2, 3)
	_ = quant.Add(activities.ModelQuant, 9)
	signalAt(env, 20*time.Second, quant)

	env.ExecuteWorkflow(StockPush, StockPushInput{Pending: products(1)})
	var p StockPushProgress
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	if len(rec.got) != 2 || !rec.got[0].Equal(products(1)) || !rec.got[1].Equal(quant) {
		t.Fatalf("pushes = %+v; want [1] then the two signals merged into %+v", rec.got, quant)
	}
	if p.Pushes != 2 || p.Result.Written != 4 {
		t.Fatalf("progress = %+v", p)
	}
}

func TestStockPushKeepsAFailedBatchAndTriesAgain(t *testing.T) {
	env := newStockEnv(t)
	rec := &pushRecorder{fail: 1}
	rec.on(env)
	signalAt(env, 90*time.Second, products(4)) // arrives while the failed batch waits

	start := env.Now()
	env.ExecuteWorkflow(StockPush, StockPushInput{Pending: products(1, 2)})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(rec.got) != 2 || !rec.got[1].Equal(products(1, 2, 4)) {
		t.Fatalf("pushes = %+v; want the failed batch again, with the later signal", rec.got)
	}
	if waited := env.Now().Sub(start); waited < time.Minute+stockPushRetryDelay {
		t.Fatalf("retried after %s, want at least the retry delay %s after the failure", waited, stockPushRetryDelay)
	}
}

func TestStockPushContinuesAsNewWithWhatIsPending(t *testing.T) {
	defer func(n int) { stockPushesPerRun = n }(stockPushesPerRun)
	stockPushesPerRun = 2
	env := newStockEnv(t)
	(&pushRecorder{}).on(env)
	for i, at := range []time.Duration{30 * time.Second, 90 * time.Second, 150 * time.Second} {
		signalAt(env, at, products(int64(10+i)))
	}
	env.ExecuteWorkflow(StockPush, StockPushInput{Pending: products(1)})
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("want continue-as-new after %d pushes, got %v", stockPushesPerRun, err)
	}
	var next StockPushInput
	if err := converterFor(t).FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	// Pushes: [1] (0–60 s), [10] (60–120 s); [11] arrived during the second push and is carried over.
	if !next.Pending.Equal(products(11)) {
		t.Fatalf("carried over %+v, want product 11", next.Pending)
	}
}

func TestStockPollRefusesAMissingConnection(t *testing.T) {
	env := newStockEnv(t)
	env.ExecuteWorkflow(StockPoll, StockPollInput{})
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != ErrTypeInvalidInput {
		t.Fatalf("want %s, got %v", ErrTypeInvalidInput, err)
	}
}
