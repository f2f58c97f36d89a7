package activities

import (
	"context"
	"strconv"

	"github.com/ocbridge/bridge/pkg/mapping"
)

// SyncOrder looks at one OpenCart order and does what it can in one go: it plans the sale order (order
// data read afresh from the shop), creates it if it does not exist yet (checking Odoo's totals against
// the shop's), and applies the order's shop status in Odoo. When the order needs something first
// (products to sync, mappings to add) it returns that instead, for the workflow to arrange; every step
// is idempotent, so calling it again after that, or retrying it, repeats no side effect.
//
// A difference in totals above ORDER_TOTAL_TOLERANCE is returned as an invalid-record error naming the
// sale order: it stays a quotation until it matches.
func (a *Activities) SyncOrder(ctx context.Context, in SyncOrderInput) (OrderResult, error) {
	res, err := a.syncOrder(ctx, in)
	if err == nil && res.SaleOrder.ID != 0 {
		// The order made it all the way: an earlier failure of it is over.
		_, err = a.Store.ResolveFailure(ctx, mapping.KindOrder, mapping.OpenCartToOdoo, strconv.FormatInt(in.OrderID, 10))
	}
	return res, temporalError(err)
}

func (a *Activities) syncOrder(ctx context.Context, in SyncOrderInput) (OrderResult, error) {
	plan, err := a.prepareOrder(ctx, in)
	res := OrderResult{Connection: plan.Connection, StatusID: plan.StatusID, Abandoned: plan.Abandoned,
		UnmappedProducts: plan.UnmappedProducts, UnmappedOptions: plan.UnmappedOptions, Missing: plan.Missing,
		Recheck: a.Orders.MappingRecheck}
	if err != nil || plan.Abandoned || plan.Draft == nil && plan.SaleOrderID == 0 {
		return res, err
	}
	status := ApplyStatusInput{OrderID: in.OrderID, SaleOrderID: plan.SaleOrderID, StatusID: plan.StatusID}
	if plan.Draft != nil {
		if res.SaleOrder, err = a.createSaleOrder(ctx, in.OrderID, *plan.Draft); err != nil {
			return res, err
		}
		so := res.SaleOrder
		if so.State == "draft" || so.State == "sent" {
			if problem := CheckTotals(in.OrderID, so, plan.Draft.Total, plan.Draft.Tax, a.Orders.TotalTolerance); problem != nil {
				return res, problem
			}
		}
		status.SaleOrderID, status.KnownState, status.TotalsChecked = so.ID, so.State, true
	}
	res.SaleOrder.ID = status.SaleOrderID
	res.Status, err = a.applyShopStatus(ctx, status)
	return res, err
}
