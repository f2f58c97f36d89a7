package main

import (
	"context"
	"fmt"
	"sort"
	"text/tabwriter"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/ocbridge/bridge/pkg/mapping"
)

func init() {
	commands["status"] = command{summary: "summary: mappings and open failures per kind, running workflows, poll cursors", run: status}
}

func status(ctx context.Context, env *cli, _ []string) error {
	store, cfg, err := env.store(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	counts, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	failed, err := store.OpenFailureCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "connection %s · task queue %s · Temporal %s/%s\n\n", cfg.Connection, cfg.TaskQueue, cfg.Temporal.Address, cfg.Temporal.Namespace)
	tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tmapped\topen failures\t")
	for _, k := range mapping.Kinds {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", k, counts[k], failed[k])
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	cursors, err := store.Cursors(ctx)
	if err != nil {
		return err
	}
	if len(cursors) > 0 {
		fmt.Fprintln(env.stdout, "\npoll cursors:")
		tw = tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
		for _, c := range cursors {
			fmt.Fprintf(tw, "  %s\t%s\t(moved %s)\n", c.Name, c.Value, c.UpdatedAt.Local().Format("2006-01-02 15:04:05"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	tc, _, err := env.temporal(ctx)
	if err != nil {
		fmt.Fprintf(env.stdout, "\nrunning workflows: unknown (%v)\n", err)
		return nil
	}
	defer tc.Close()
	res, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Namespace: cfg.Temporal.Namespace, PageSize: 1000,
		Query: fmt.Sprintf("ExecutionStatus = 'Running' AND TaskQueue = '%s'", cfg.TaskQueue),
	})
	if err != nil {
		return fmt.Errorf("list running workflows: %w", err)
	}
	byType := map[string]int{}
	for _, e := range res.Executions {
		byType[e.GetType().GetName()]++
	}
	fmt.Fprintf(env.stdout, "\nrunning workflows: %d\n", len(res.Executions))
	names := make([]string, 0, len(byType))
	for name := range byType {
		names = append(names, name)
	}
	sort.Strings(names)
	tw = tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
	for _, name := range names {
		fmt.Fprintf(tw, "  %s\t%d\n", name, byType[name])
	}
	return tw.Flush()
}
