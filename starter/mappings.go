package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/ocbridge/bridge/pkg/config"
	"github.com/ocbridge/bridge/pkg/connect"
	"github.com/ocbridge/bridge/pkg/logging"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/mappingadmin"
	"github.com/ocbridge/bridge/pkg/odoo"
	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/temporalclient"
	"github.com/ocbridge/bridge/workflows"
)

func init() {
	commands["mappings"] = command{
		summary: "edit mappings: mappings list|unmapped <kind>, mappings add <kind> <odoo id> <opencart id>, mappings delete <kind> <odoo id>",
		run:     mappings,
	}
}

func mappings(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("mappings", "list|unmapped|add|delete <kind> [ids]  (kinds: "+fmt.Sprint(mappingadmin.Editable())+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) < 2 {
		fs.Usage()
		return errUsage
	}
	verb, kind := args[0], mapping.Kind(args[1])
	admin, closeAll, err := env.mappingAdmin(ctx)
	if err != nil {
		return err
	}
	defer closeAll()

	switch {
	case verb == "list" && len(args) == 2:
		ms, err := admin.List(ctx, kind)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ODOO ID\tOPENCART ID\tSYNCED")
		for _, m := range ms {
			synced := "never"
			if !m.SyncedAt.IsZero() {
				synced = m.SyncedAt.Local().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\n", m.OdooID, m.OpenCartID, synced)
		}
		return tw.Flush()
	case verb == "unmapped" && len(args) == 2:
		u, err := admin.Unmapped(ctx, kind)
		if err != nil {
			return err
		}
		printRecords(env, "unmapped in Odoo", u.Odoo)
		printRecords(env, "unmapped in OpenCart", u.OpenCart)
		if len(u.Suggestions) > 0 {
			fmt.Fprintln(env.stdout, "suggestions (same name on both sides; check, then add):")
			for _, s := range u.Suggestions {
				fmt.Fprintf(env.stdout, "  starter mappings add %s %d %s   # %s\n", kind, s.OdooID, s.OpenCartID, s.Name)
			}
		}
		return nil
	case verb == "add" && len(args) == 4:
		odooID, err := strconv.ParseInt(args[2], 10, 64)
		if err != nil {
			return fmt.Errorf("odoo id %q is not a number", args[2])
		}
		m, err := admin.Create(ctx, kind, odooID, args[3])
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "mapped %s: Odoo %d ⇄ OpenCart %s\n", m.Kind, m.OdooID, m.OpenCartID)
		return nil
	case verb == "delete" && len(args) == 3:
		odooID, err := strconv.ParseInt(args[2], 10, 64)
		if err != nil {
			return fmt.Errorf("odoo id %q is not a number", args[2])
		}
		if err := admin.Delete(ctx, kind, odooID); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "deleted the %s mapping of Odoo %d\n", kind, odooID)
		return nil
	}
	fs.Usage()
	return errUsage
}

func printRecords(env *cli, title string, rs []mappingadmin.Record) {
	fmt.Fprintf(env.stdout, "%s (%d):\n", title, len(rs))
	for _, r := range rs {
		fmt.Fprintf(env.stdout, "  %-10s %s\n", r.ID, r.Name)
	}
}

// mappingAdmin connects everything the mapping admin needs: the store, Odoo and the shop (to check ids),
// and Temporal (to wake order workflows waiting for a new mapping).
func (env *cli) mappingAdmin(ctx context.Context) (*mappingadmin.Admin, func(), error) {
	cfg, err := config.Load(config.PartTemporal, config.PartStore, config.PartOpenCart, config.PartOdoo)
	if err != nil {
		return nil, nil, err
	}
	logger, _ := logging.New("console", "warn")
	store, err := connect.Store(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	closers := []func(){store.Close}
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	tc, err := temporalclient.Dial(ctx, cfg.Temporal, logger, nil)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	closers = append(closers, tc.Close)
	var erp *odoo.Client
	var shop *opencart.DB
	admin := &mappingadmin.Admin{
		Store: store,
		ERP: func(ctx context.Context) (*odoo.Client, error) {
			if erp == nil {
				c, err := connect.ERP(ctx, cfg, logger)
				if err != nil {
					return nil, err
				}
				erp = c
				closers = append(closers, c.Close)
			}
			return erp, nil
		},
		Shop: func(ctx context.Context) (*opencart.DB, error) {
			if shop == nil {
				db, err := connect.Shop(ctx, cfg)
				if err != nil {
					return nil, err
				}
				shop = db
				closers = append(closers, func() { _ = db.Close() })
			}
			return shop, nil
		},
		MappingAdded: func(ctx context.Context, kind mapping.Kind) error {
			n, err := workflows.SignalMappingAdded(ctx, tc, cfg.Connection, kind)
			if n > 0 {
				fmt.Fprintf(env.stdout, "woke %d order(s) waiting for a %s mapping\n", n, kind)
			}
			return err
		},
	}
	return admin, closeAll, nil
}
