package odoo

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"
)

// Query selects records for Search, SearchRead and ForEachPage.
type Query struct {
	Domain Domain
	// Fields to read. Required for reads: reading every field is slow and faults on some
	// models (product.template on 17, odoo/odoo#177846).
	Fields  []string
	Offset  int
	Limit   int    // 0 = no limit (ForEachPage: page size, default 500)
	Order   string // SQL-like, e.g. "write_date desc, id"
	Context Context
}

func (q Query) kwargs(withFields bool) map[string]any {
	kw := map[string]any{}
	if withFields {
		kw["fields"] = q.Fields
	}
	if q.Offset > 0 {
		kw["offset"] = q.Offset
	}
	if q.Limit > 0 {
		kw["limit"] = q.Limit
	}
	if q.Order != "" {
		kw["order"] = q.Order
	}
	if len(q.Context) > 0 {
		kw["context"] = q.Context
	}
	return kw
}

func (q Query) domain() Domain { return orEmpty(q.Domain) }

// orEmpty sends an empty domain as [] (kolo would encode nil as "").
func orEmpty(d Domain) Domain {
	if d == nil {
		return Domain{}
	}
	return d
}

// withContext is the kwargs of calls that take nothing but a context.
func withContext(cx Context) map[string]any {
	if len(cx) == 0 {
		return nil
	}
	return map[string]any{"context": cx}
}

var errNoFields = errors.New("no fields given: list the fields to read")

// SearchRead runs search_read.
func (c *Client) SearchRead(ctx context.Context, model string, q Query) ([]Record, error) {
	if len(q.Fields) == 0 {
		return nil, fmt.Errorf("odoo %s.search_read: %w", model, errNoFields)
	}
	result, err := c.Call(ctx, model, "search_read", []any{q.domain()}, q.kwargs(true))
	if err != nil {
		return nil, err
	}
	return decoded(model, "search_read", result, asRecords)
}

// Search returns the ids matching q.Domain (Fields is ignored).
func (c *Client) Search(ctx context.Context, model string, q Query) ([]int64, error) {
	result, err := c.Call(ctx, model, "search", []any{q.domain()}, q.kwargs(false))
	if err != nil {
		return nil, err
	}
	return decoded(model, "search", result, asIDs)
}

// SearchCount counts the records matching domain.
func (c *Client) SearchCount(ctx context.Context, model string, domain Domain, cx Context) (int64, error) {
	result, err := c.Call(ctx, model, "search_count", []any{orEmpty(domain)}, withContext(cx))
	if err != nil {
		return 0, err
	}
	n, ok := asInt(result)
	if !ok {
		return 0, fmt.Errorf("odoo %s.search_count: unexpected answer %T %v", model, result, result)
	}
	return n, nil
}

// Read returns the records with ids, in the order of ids. A missing id is a fault 2
// (MissingError) from Odoo.
func (c *Client) Read(ctx context.Context, model string, ids []int64, fields []string, cx Context) ([]Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("odoo %s.read: %w", model, errNoFields)
	}
	result, err := c.Call(ctx, model, "read", []any{ids}, Query{Fields: fields, Context: cx}.kwargs(true))
	if err != nil {
		return nil, err
	}
	records, err := decoded(model, "read", result, asRecords)
	if err != nil {
		return nil, err
	}
	// Odoo does not promise to answer in the order asked.
	byID := make(map[int64]Record, len(records))
	for _, r := range records {
		byID[r.ID()] = r
	}
	ordered := make([]Record, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			ordered = append(ordered, r)
		}
	}
	return ordered, nil
}

const defaultPageSize = 500

// ForEachPage reads every record matching q in pages of q.Limit (default 500) and calls fn
// with each page. Pages are keyed on id (id > last seen, order by id), so records created or
// deleted meanwhile never shift a page; q.Order and q.Offset must be empty. fn returning an
// error stops the walk and returns that error.
func (c *Client) ForEachPage(ctx context.Context, model string, q Query, fn func(page []Record) error) error {
	if q.Order != "" || q.Offset != 0 {
		return fmt.Errorf("odoo %s: ForEachPage orders by id itself; leave Query.Order and Query.Offset empty", model)
	}
	pageSize := q.Limit
	if pageSize <= 0 {
		pageSize = defaultPageSize
	}
	base := q.domain()
	var lastID int64
	for {
		page := q
		page.Domain = append(base[:len(base):len(base)], Leaf("id", ">", lastID))
		page.Limit, page.Order = pageSize, "id"
		records, err := c.SearchRead(ctx, model, page)
		if err != nil {
			return err
		}
		if len(records) == 0 {
			return nil
		}
		if err := fn(records); err != nil {
			return err
		}
		if len(records) < pageSize {
			return nil
		}
		lastID = records[len(records)-1].ID()
	}
}

// Create creates one record per element of rows in a single call (one transaction) and
// returns their ids in order. Split very large batches (Odoo guidance: 50–200 rows).
func (c *Client) Create(ctx context.Context, model string, rows []Values, cx Context) ([]int64, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	result, err := c.Call(ctx, model, "create", []any{rows}, withContext(cx))
	if err != nil {
		return nil, err
	}
	ids, err := decoded(model, "create", result, asIDs)
	if err == nil && len(ids) != len(rows) {
		err = fmt.Errorf("odoo %s.create: asked for %d records, got %d ids", model, len(rows), len(ids))
	}
	return ids, err
}

// createOne creates a single record (wizards, quants).
func (c *Client) createOne(ctx context.Context, model string, values Values, cx Context) (int64, error) {
	ids, err := c.Create(ctx, model, []Values{values}, cx)
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// Write sets values on every record in ids.
func (c *Client) Write(ctx context.Context, model string, ids []int64, values Values, cx Context) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := c.Call(ctx, model, "write", []any{ids, values}, withContext(cx))
	return err
}

// Unlink deletes the records in ids.
func (c *Client) Unlink(ctx context.Context, model string, ids []int64, cx Context) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := c.Call(ctx, model, "unlink", []any{ids}, withContext(cx))
	return err
}

// Exists returns the subset of ids that still exist, archived records included.
func (c *Client) Exists(ctx context.Context, model string, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return c.Search(ctx, model, Query{Domain: Domain{Leaf("id", "in", ids)}, Context: Context{"active_test": false}})
}

// Button calls a public method on ids the way the UI does (action_confirm, action_post...)
// and returns its result: true, an action dict, or nil when the method returned None —
// Odoo commits before failing to marshal None, so that case is a success here.
func (c *Client) Button(ctx context.Context, model, method string, ids []int64, cx Context) (any, error) {
	result, err := c.Call(ctx, model, method, []any{ids}, withContext(cx))
	if IsNoneResult(err) {
		c.log.Debug("odoo: method returned None after commit", zap.String("model", model), zap.String("method", method))
		return nil, nil
	}
	return result, err
}

// decoded converts a call result, labelling conversion errors with the call.
func decoded[T any](model, method string, result any, convert func(any) (T, error)) (T, error) {
	v, err := convert(result)
	if err != nil {
		return v, fmt.Errorf("odoo %s.%s: unexpected answer: %w", model, method, err)
	}
	return v, nil
}
