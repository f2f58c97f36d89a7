package activities

import (
	"fmt"
	"math"

	"github.com/ocbridge/bridge/pkg/opencart"
	"github.com/ocbridge/bridge/pkg/syncerr"
)

// expectedTotals are an order's grand total and tax total in its own currency, as OpenCart computed them.
func expectedTotals(o *opencart.Order) (total, tax float64) {
	rate := o.CurrencyValue
	if rate <= 0 {
		rate = 1
	}
	for _, t := range o.Totals {
		if t.Code == "total" {
			total = t.Value
			break
		}
	}
	for _, t := range o.Taxes {
		tax += t.Amount
	}
	return roundDecimals(total*rate, 4), roundDecimals(tax*rate, 4)
}

// CheckTotals compares a sale order's amounts with the OpenCart order's; a difference above tolerance
// (in either) is a problem to review, returned with what to do about it. It is pure, for workflows.
func CheckTotals(orderID int64, so SaleOrderRef, total, tax, tolerance float64) *syncerr.Invalid {
	dTotal, dTax := math.Abs(so.AmountTotal-total), math.Abs(so.AmountTax-tax)
	const epsilon = 1e-9 // amounts are decimal; keep float noise from tipping the comparison
	if dTotal <= tolerance+epsilon && dTax <= tolerance+epsilon {
		return nil
	}
	return &syncerr.Invalid{
		Kind: "order", RecordID: fmt.Sprint(orderID), Field: "amount_total",
		Reason: fmt.Sprintf("sale order %s totals %.2f (tax %.2f) but the OpenCart order totals %.2f (tax %.2f): more than the %.2f tolerated",
			so.Name, so.AmountTotal, so.AmountTax, total, tax, tolerance),
		Fix: fmt.Sprintf("compare the lines and taxes of quotation %s with the shop order (a tax mapping or a tax rule changed since the order?), correct the quotation or the mapping, then replay; it stays a quotation until then", so.Name),
	}
}
