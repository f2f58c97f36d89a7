package odoo

import (
	"context"
	"fmt"
	"strings"
)

// ExternalID is an ir.model.data row: the name module.name points at model/res_id. The
// bridge keys the records it creates this way (module "opencart", name "product_123").
type ExternalID struct {
	ID     int64 // the ir.model.data row
	Module string
	Name   string
	Model  string
	ResID  int64
}

// CompleteName is "module.name".
func (x ExternalID) CompleteName() string { return x.Module + "." + x.Name }

var externalIDFields = []string{"module", "name", "model", "res_id"}

func validateExternalName(module, name string) error {
	switch {
	case module == "" || name == "":
		return fmt.Errorf("odoo: external id %q.%q needs both a module and a name", module, name)
	case strings.Contains(module, "."):
		return fmt.Errorf("odoo: external id module %q must not contain a dot", module)
	case strings.ContainsAny(module+name, " \t\n"):
		// Odoo's ir_model_data_name_nospaces constraint would refuse it with fault 2.
		return fmt.Errorf("odoo: external id %s.%s must not contain whitespace", module, name)
	}
	return nil
}

// ExternalIDs looks up many names of one module in one call; names without a row are
// absent from the map. Rows outlive the records they point at: check with Exists when that
// matters.
func (c *Client) ExternalIDs(ctx context.Context, module string, names []string) (map[string]ExternalID, error) {
	found := make(map[string]ExternalID, len(names))
	if len(names) == 0 {
		return found, nil
	}
	rows, err := c.SearchRead(ctx, "ir.model.data", Query{
		Domain: Domain{Leaf("module", "=", module), Leaf("name", "in", names)},
		Fields: externalIDFields,
	})
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		x := ExternalID{ID: row.ID(), Module: row.String("module"), Name: row.String("name"),
			Model: row.String("model"), ResID: row.Int("res_id")}
		found[x.Name] = x
	}
	return found, nil
}

// LookupExternalID finds module.name; ok is false when no row exists.
func (c *Client) LookupExternalID(ctx context.Context, module, name string) (x ExternalID, ok bool, err error) {
	if err := validateExternalName(module, name); err != nil {
		return ExternalID{}, false, err
	}
	found, err := c.ExternalIDs(ctx, module, []string{name})
	if err != nil {
		return ExternalID{}, false, err
	}
	x, ok = found[name]
	return x, ok, nil
}

// EnsureExternalID makes module.name point at model/resID. An existing row already
// pointing there is kept; a row left behind by a deleted record is re-pointed; a row
// pointing at another live record is a conflict and an error. A concurrent creator of the
// same name is resolved by looking the row up again.
func (c *Client) EnsureExternalID(ctx context.Context, module, name, model string, resID int64) (ExternalID, error) {
	want := ExternalID{Module: module, Name: name, Model: model, ResID: resID}
	existing, ok, err := c.LookupExternalID(ctx, module, name)
	if err != nil {
		return ExternalID{}, err
	}
	if !ok {
		want.ID, err = c.createOne(ctx, "ir.model.data", Values{
			"module": module, "name": name, "model": model, "res_id": resID, "noupdate": true,
		}, nil)
		if err == nil {
			return want, nil
		}
		// A concurrent writer created the name first: the unique index (14+) or SQL
		// constraint (13) answers fault 2, and the row is there to look up.
		if FaultCode(err) != FaultUserError {
			return ExternalID{}, err
		}
		createErr := err
		if existing, ok, err = c.LookupExternalID(ctx, module, name); err != nil {
			return ExternalID{}, err
		}
		if !ok {
			return ExternalID{}, createErr
		}
	}
	if existing.Model == model && existing.ResID == resID {
		return existing, nil
	}
	live, err := c.Exists(ctx, existing.Model, []int64{existing.ResID})
	if err != nil {
		return ExternalID{}, err
	}
	if len(live) > 0 {
		return ExternalID{}, fmt.Errorf("odoo: external id %s already points at %s %d, not %s %d; remove the stale mapping in Odoo (Settings > Technical > External Identifiers)",
			existing.CompleteName(), existing.Model, existing.ResID, model, resID)
	}
	if err := c.Write(ctx, "ir.model.data", []int64{existing.ID}, Values{"model": model, "res_id": resID}, nil); err != nil {
		return ExternalID{}, err
	}
	want.ID = existing.ID
	return want, nil
}
