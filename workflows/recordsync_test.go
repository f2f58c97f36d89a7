package workflows

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
)

func runRecordSync(t *testing.T, in RecordSyncInput, result activities.PageResult) (activities.PageResult, []activities.CatalogPage, error) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(RecordSync, workflow.RegisterOptions{Name: RecordSyncName})
	env.RegisterActivity(&activities.Activities{})
	var pages []activities.CatalogPage
	env.OnActivity(acts.SyncCatalogPage, mock.Anything, mock.Anything).Return(
		func(_ context.Context, p activities.CatalogPage) (activities.PageResult, error) {
			pages = append(pages, p)
			return result, nil
		})
	env.OnActivity(acts.ForgetCatalogRun, mock.Anything, mock.Anything).Return(nil)
	env.ExecuteWorkflow(RecordSync, in)
	var res activities.PageResult
	if err := env.GetWorkflowError(); err != nil {
		return res, pages, err
	}
	return res, pages, env.GetWorkflowResult(&res)
}

func TestRecordSyncSyncsOneRecordThroughTheCatalogActivity(t *testing.T) {
	res, pages, err := runRecordSync(t, RecordSyncInput{Stage: activities.StageProducts, From: SideOpenCart, ID: 42},
		activities.PageResult{Read: 1, Updated: 1, LastID: 42, Done: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 1 || len(pages) != 1 {
		t.Fatalf("result %+v, pages %d", res, len(pages))
	}
	p := pages[0]
	if p.Direction != mapping.OpenCartToOdoo || p.Stage != activities.StageProducts || len(p.Filter.IDs) != 1 || p.Filter.IDs[0] != 42 || p.Limit != 1 {
		t.Fatalf("page request = %+v", p)
	}
}

func TestRecordSyncReportsMissingAndFailedRecords(t *testing.T) {
	cases := []struct {
		name    string
		in      RecordSyncInput
		result  activities.PageResult
		errType string
	}{
		{"bad side", RecordSyncInput{Stage: activities.StageProducts, From: "erp", ID: 1}, activities.PageResult{}, ErrTypeInvalidInput},
		{"bad id", RecordSyncInput{Stage: activities.StageCategories, From: SideOdoo}, activities.PageResult{}, ErrTypeInvalidInput},
		{"not found", RecordSyncInput{Stage: activities.StageCategories, From: SideOdoo, ID: 9}, activities.PageResult{Done: true}, ErrTypeInvalidInput},
		{"failed", RecordSyncInput{Stage: activities.StageAttributes, From: SideOdoo, ID: 9}, activities.PageResult{Read: 1, Failed: 1, Done: true}, ErrTypeRecordFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runRecordSync(t, tc.in, tc.result)
			var appErr *temporal.ApplicationError
			if !errors.As(err, &appErr) || appErr.Type() != tc.errType {
				t.Fatalf("want %s, got %v", tc.errType, err)
			}
		})
	}
}
