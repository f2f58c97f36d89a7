package activities_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// What the catalog benchmarks of both directions measure besides time.

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
