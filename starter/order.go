package main

import (
	"context"
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/workflows"
)

func init() {
	syncTargets["order"] = syncOrder
	syncTargets["customer"] = syncCustomer
	commands["customers"] = command{
		summary: "customers sync [--wait]: sync every OpenCart customer (with addresses) to Odoo",
		run:     customersCommand,
	}
}

// syncOrder runs the order's workflow now (as a webhook would) and waits for it.
func syncOrder(ctx context.Context, env *cli, word string, id int64, from string) error {
	var p workflows.OrderProgress
	err := runRecordSync(ctx, env, word, id, from, &p, func(c client.Client, cfg config.Config) (client.WorkflowRun, error) {
		return workflows.SignalOrderSync(ctx, c, cfg.TaskQueue, cfg.Connection, id, activities.ChangeEvent{Source: activities.SourceManual})
	})
	if err != nil {
		return err
	}
	if p.Stage == workflows.OrderAbandoned {
		fmt.Fprintf(env.stdout, "order %d was never confirmed in the shop (status 0): nothing to sync\n", id)
		return nil
	}
	fmt.Fprintf(env.stdout, "order %d: sale order %s (id %d)%s; status %d%s\n", id, p.SaleOrderName, p.SaleOrderID,
		createdText(p.Created), p.StatusID, actionsText(p.Actions))
	return nil
}

// syncCustomer runs the customer's workflow now and waits for it.
func syncCustomer(ctx context.Context, env *cli, word string, id int64, from string) error {
	var res activities.CustomerResult
	err := runRecordSync(ctx, env, word, id, from, &res, func(c client.Client, cfg config.Config) (client.WorkflowRun, error) {
		return workflows.SignalCustomerSync(ctx, c, cfg.TaskQueue, cfg.Connection, id, activities.ChangeEvent{Source: activities.SourceManual})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "customer %d: partner %d%s, %d addresses\n", id, res.PartnerID, createdText(res.Created), res.Addresses)
	return nil
}

// runRecordSync starts the sync of one shop record (orders and customers come from OpenCart only) and
// waits for its result.
func runRecordSync(ctx context.Context, env *cli, word string, id int64, from string, result any,
	start func(client.Client, config.Config) (client.WorkflowRun, error)) error {
	if from != "" && from != string(workflows.SideOpenCart) {
		return fmt.Errorf("--from %q: %ss come from opencart", from, word)
	}
	c, cfg, err := env.temporal(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	run, err := start(c, cfg)
	if err != nil {
		return fmt.Errorf("start %s sync: %w", word, err)
	}
	fmt.Fprintf(env.stdout, "syncing %s %d (workflow %s)\n", word, id, run.GetID())
	return run.Get(ctx, result)
}

func createdText(created bool) string {
	if created {
		return " created"
	}
	return ""
}

func actionsText(acts []activities.OrderAction) string {
	if len(acts) == 0 {
		return ""
	}
	parts := make([]string, len(acts))
	for i, a := range acts {
		parts[i] = string(a)
	}
	return ", done in Odoo: " + strings.Join(parts, ", ")
}

// customersCommand is `starter customers sync [--wait]`.
func customersCommand(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("customers", "sync [--wait]")
	wait := fs.Bool("wait", false, "wait until every customer is synced, then print the counts")
	if len(args) == 0 || args[0] != "sync" {
		fs.Usage()
		return errUsage
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	c, cfg, err := env.temporal(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	id := workflows.CustomerBulkSyncID(cfg.Connection)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: cfg.TaskQueue,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.CustomerBulkSyncName, workflows.CustomerBulkInput{})
	switch {
	case temporal.IsWorkflowExecutionAlreadyStartedError(err):
		if !*wait {
			return fmt.Errorf("a customer sync is already running (workflow %s); add --wait to wait for it", id)
		}
		run = c.GetWorkflow(ctx, id, "")
	case err != nil:
		return fmt.Errorf("start customer sync: %w", err)
	default:
		fmt.Fprintf(env.stdout, "started customer sync (workflow %s)\n", id)
	}
	if !*wait {
		return nil
	}
	var res activities.PageResult
	if err := run.Get(ctx, &res); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "customers: %d read, %d created, %d updated, %d unchanged, %d failed\n",
		res.Read, res.Created, res.Updated, res.Unchanged, res.Failed)
	if res.Failed > 0 {
		fmt.Fprintln(env.stderr, "`starter failures --kind customer` lists the failed ones with the fix")
		return exitCode(1)
	}
	return nil
}
