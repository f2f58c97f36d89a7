package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/connect"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/replay"
)

func init() {
	commands["failures"] = command{summary: "list records that failed to sync, with the reason and the fix", run: listFailures}
	commands["replay"] = command{summary: "re-run failed syncs: replay <failure id>... | --all [--kind K] [--since T]", run: replayFailures}
}

// failureFilterFlags adds --kind, --since and --limit to a command and returns what reads them after Parse.
func failureFilterFlags(fs *flag.FlagSet) func() (mapping.FailureFilter, error) {
	kind := fs.String("kind", "", "only this kind: "+fmt.Sprint(mapping.Kinds))
	since := fs.String("since", "", "only failures since (RFC 3339, YYYY-MM-DD[ HH:MM:SS], or a duration such as 24h)")
	limit := fs.Int("limit", 100, "at most this many")
	return func() (mapping.FailureFilter, error) {
		filter := mapping.FailureFilter{Kind: mapping.Kind(*kind), Limit: *limit}
		if filter.Kind != "" && !filter.Kind.Valid() {
			return filter, fmt.Errorf("--kind %q: use one of %v", filter.Kind, mapping.Kinds)
		}
		if *since != "" {
			t, err := parseSince(*since, time.Now())
			if err != nil {
				return filter, err
			}
			filter.Since = t
		}
		return filter, nil
	}
}

func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: use RFC 3339, YYYY-MM-DD[ HH:MM:SS] or a duration such as 24h", s)
}

func (env *cli) store(ctx context.Context) (*mapping.Store, config.Config, error) {
	cfg, err := config.Load(config.PartTemporal, config.PartStore)
	if err != nil {
		return nil, cfg, err
	}
	s, err := connect.Store(ctx, cfg)
	return s, cfg, err
}

func listFailures(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("failures", "[--kind K] [--since T]")
	readFilter := failureFilterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	filter, err := readFilter()
	if err != nil {
		return err
	}
	store, _, err := env.store(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	failures, err := store.Failures(ctx, filter)
	if err != nil {
		return err
	}
	if len(failures) == 0 {
		fmt.Fprintln(env.stdout, "no failed syncs")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tDIRECTION\tRECORD\tATTEMPTS\tLAST FAILED\tREASON\tFIX")
	for _, f := range failures {
		reason := f.Reason
		if f.Field != "" {
			reason = f.Field + ": " + reason
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", f.ID, f.Kind, f.Direction, f.RecordID, f.Attempts,
			f.LastFailedAt.Local().Format("2006-01-02 15:04"), reason, f.Fix)
	}
	return tw.Flush()
}

func replayFailures(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("replay", "<failure id>... | --all [--kind K] [--since T]")
	readFilter := failureFilterFlags(fs)
	all := fs.Bool("all", false, "replay every open failure matching --kind/--since")
	concurrency := fs.Int("concurrency", 4, "how many records replay at once (bounded batches)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ids := fs.Args()
	if *all == (len(ids) > 0) {
		return fmt.Errorf("give failure ids or --all (not both): %w", errUsage)
	}
	store, cfg, err := env.store(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	var failures []mapping.Failure
	if *all {
		filter, err := readFilter()
		if err != nil {
			return err
		}
		if failures, err = store.Failures(ctx, filter); err != nil {
			return err
		}
	}
	for _, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("failure id %q is not a number", s)
		}
		f, err := store.Failure(ctx, id)
		if err != nil {
			return fmt.Errorf("failure %d: %w", id, err)
		}
		failures = append(failures, f)
	}
	if len(failures) == 0 {
		fmt.Fprintln(env.stdout, "nothing to replay")
		return nil
	}
	tc, _, err := env.temporal(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	r := replay.New(store, tc, cfg.TaskQueue)
	view := newProgressView(env.stdout)
	results := r.Replay(ctx, failures, *concurrency, func(done, total int) {
		view.drawCount("replay", done, total)
	})

	tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tRECORD\tOUTCOME\tREASON")
	failed := 0
	for _, res := range results {
		if res.Outcome == replay.StillFailing || res.Outcome == replay.NotReplayable {
			failed++
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", res.Failure.ID, res.Failure.Kind, res.Failure.RecordID, res.Outcome, res.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d records still fail: %w", failed, len(results), exitCode(1))
	}
	return nil
}
