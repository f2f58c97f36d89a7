package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/workflows"
)

func init() {
	commands["bulk-sync"] = command{
		summary: "start a bulk catalog sync (attributes → categories → products) in one direction",
		run:     bulkSync,
	}
	commands["sync"] = command{
		summary: "sync one record now: sync product|category|attribute <id> --from odoo|opencart, sync order <id>",
		run:     syncRecord,
	}
	for word := range recordStages {
		syncTargets[word] = syncCatalogRecord
	}
}

// syncTargets maps the record word of `starter sync <word> <id>` to what syncs it; files that add
// record kinds (orders, customers) register theirs in init.
var syncTargets = map[string]func(ctx context.Context, env *cli, word string, id int64, from string) error{}

func parseDirection(s string) (mapping.Direction, error) {
	d := mapping.Direction(strings.ReplaceAll(strings.ToLower(s), "-", "_"))
	if !d.Valid() {
		return "", fmt.Errorf("--direction %q: use odoo-to-opencart or opencart-to-odoo", s)
	}
	return d, nil
}

func bulkSync(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("bulk-sync", "--direction odoo-to-opencart|opencart-to-odoo [flags]")
	direction := fs.String("direction", "odoo-to-opencart", "odoo-to-opencart or opencart-to-odoo")
	stages := fs.String("stages", "", "comma-separated subset of attributes,categories,products (always run in that order)")
	since := fs.String("changed-since", "", "only records changed since (RFC 3339 or YYYY-MM-DD[ HH:MM:SS], UTC)")
	category := fs.Int64("category", 0, "only this source category's subtree")
	ids := fs.String("ids", "", "only these source ids, comma-separated")
	dryRun := fs.Bool("dry-run", false, "count what would change, write nothing")
	wait := fs.Bool("wait", false, "show live progress until it ends, then a summary; exit non-zero if records failed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := parseDirection(*direction)
	if err != nil {
		return err
	}
	in := workflows.BulkSyncInput{Direction: dir, ChangedSince: *since, CategoryID: *category, DryRun: *dryRun}
	for _, s := range splitList(*stages) {
		in.Stages = append(in.Stages, activities.Stage(s))
	}
	for _, s := range splitList(*ids) {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("--ids: %q is not a positive id", s)
		}
		in.IDs = append(in.IDs, id)
	}

	c, cfg, err := env.temporal(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	id := workflows.BulkSyncID(cfg.Connection, dir)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        id,
		TaskQueue: cfg.TaskQueue,
		// One bulk sync per direction at a time: a second start is refused while one runs.
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.BulkSyncName, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case errors.As(err, &started) || temporal.IsWorkflowExecutionAlreadyStartedError(err):
		if !*wait {
			return fmt.Errorf("a %s bulk sync is already running (workflow %s); add --wait to watch it, or cancel it in the Temporal UI", dir, id)
		}
		fmt.Fprintf(env.stdout, "a %s bulk sync is already running; watching it (workflow %s)\n", dir, id)
		run = c.GetWorkflow(ctx, id, "")
	case err != nil:
		return fmt.Errorf("start bulk sync: %w", err)
	default:
		fmt.Fprintf(env.stdout, "started bulk sync %s (workflow %s, run %s)\n", dir, run.GetID(), run.GetRunID())
	}
	if !*wait {
		fmt.Fprintf(env.stdout, "watch it: starter bulk-sync --direction %s --wait, or %s/namespaces/%s/workflows/%s\n",
			strings.ReplaceAll(string(dir), "_", "-"), cfg.Temporal.UIURL, cfg.Temporal.Namespace, id)
		return nil
	}
	p, err := watchBulkSync(ctx, env, c, run)
	if err != nil {
		return err
	}
	summaryTable(env.stdout, p)
	if n := p.Failed(); n > 0 {
		fmt.Fprintf(env.stderr, "%d records failed; `starter failures` lists them with the fix, `starter replay` retries them\n", n)
		return exitCode(1)
	}
	return nil
}

// watchBulkSync redraws the progress bars from the progress query until the workflow (following
// continue-as-new) ends, and returns its final progress.
func watchBulkSync(ctx context.Context, env *cli, c client.Client, run client.WorkflowRun) (workflows.BulkProgress, error) {
	view := newProgressView(env.stdout)
	done := make(chan error, 1)
	var result workflows.BulkProgress
	go func() { done <- run.Get(ctx, &result) }()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				var canceled *temporal.CanceledError
				if errors.As(err, &canceled) && canceled.HasDetails() && canceled.Details(&result) == nil {
					view.draw(result)
					return result, errors.New("bulk sync was cancelled")
				}
				return result, fmt.Errorf("bulk sync failed: %w", err)
			}
			view.draw(result)
			return result, nil
		case <-tick.C:
			if v, err := c.QueryWorkflow(ctx, run.GetID(), "", workflows.QueryProgress); err == nil {
				var p workflows.BulkProgress
				if v.Get(&p) == nil {
					view.draw(p)
				}
			}
		case <-ctx.Done():
			return result, ctx.Err()
		}
	}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// recordStages maps the CLI's record words to catalog stages.
var recordStages = map[string]activities.Stage{
	"product":   activities.StageProducts,
	"category":  activities.StageCategories,
	"attribute": activities.StageAttributes,
}

func syncRecord(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("sync", "product|category|attribute <id> --from odoo|opencart")
	from := fs.String("from", "", "the record's source side: odoo or opencart")
	// Flags may follow the positional arguments (sync product 42 --from odoo).
	var positional []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != 2 {
		fs.Usage()
		return errUsage
	}
	target, ok := syncTargets[positional[0]]
	id, err := strconv.ParseInt(positional[1], 10, 64)
	if !ok || err != nil || id <= 0 {
		fs.Usage()
		return errUsage
	}
	return target(ctx, env, positional[0], id, *from)
}

// syncCatalogRecord runs a RecordSync workflow and waits for it.
func syncCatalogRecord(ctx context.Context, env *cli, word string, id int64, from string) error {
	stage := recordStages[word]
	in := workflows.RecordSyncInput{Stage: stage, From: workflows.Side(from), ID: id}
	if _, err := in.Direction(); err != nil {
		return fmt.Errorf("--%v", err)
	}
	c, cfg, err := env.temporal(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.RecordSyncID(cfg.Connection, stage.Kind(), in.From, strconv.FormatInt(id, 10)),
		TaskQueue:                cfg.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.RecordSyncName, in)
	if err != nil {
		return fmt.Errorf("start sync: %w", err)
	}
	var res activities.PageResult
	if err := run.Get(ctx, &res); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s %d from %s: created %d, updated %d, unchanged %d\n", word, id, from, res.Created, res.Updated, res.Unchanged)
	return nil
}
