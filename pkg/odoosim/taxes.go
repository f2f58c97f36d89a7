package odoosim

import "math"

// Tax computation shared by sales order lines and invoice lines: Odoo's
// account.tax.compute_all with the default "round per line" method.
// Included taxes are first taken out of the price in reverse sequence
// order to find the base, then every tax is computed in sequence order on
// a base that include_base_amount taxes grow. Group taxes are not
// simulated (they count as zero).

// lineAmounts is compute_all's result for one line.
type lineAmounts struct {
	untaxed, tax, total float64
}

// computeTaxes returns the untaxed and taxed totals of qty units at
// priceUnit (the discount already applied) in the given currency.
func (e *env) computeTaxes(taxIDs []int64, priceUnit, qty float64, currency int64) lineAmounts {
	taxes := e.sortedTaxes(taxIDs)
	base := e.currencyRound(currency, priceUnit*qty)
	sign := 1.0
	if base < 0 {
		sign, base = -1, -base
	}
	qty = math.Abs(qty)

	// Included taxes, last to first: accumulate them until a tax that
	// affects the base of later ones, whose total is a checkpoint to reach.
	var inclFixed, inclPercent, inclDivision float64
	checkpoints := map[int]float64{}
	storeCheckpoint := true
	for i := len(taxes) - 1; i >= 0; i-- {
		t := taxes[i]
		if t.includeBase {
			base = recomputeBase(base, inclFixed, inclPercent, inclDivision)
			inclFixed, inclPercent, inclDivision = 0, 0, 0
			storeCheckpoint = true
		}
		if !t.priceInclude {
			continue
		}
		switch t.kind {
		case "percent":
			inclPercent += t.amount
		case "division":
			inclDivision += t.amount
		case "fixed":
			inclFixed += qty * t.amount
		}
		if storeCheckpoint && t.amount != 0 {
			checkpoints[i] = base
			storeCheckpoint = false
		}
	}
	untaxed := e.currencyRound(currency, recomputeBase(base, inclFixed, inclPercent, inclDivision))

	base, total := untaxed, untaxed
	cumulatedIncluded := 0.0
	for i, t := range taxes {
		var amount float64
		if cp, ok := checkpoints[i]; ok && t.priceInclude {
			amount = cp - (base + cumulatedIncluded)
			cumulatedIncluded = 0
		} else {
			amount = t.excludedAmount(base, qty)
		}
		amount = e.currencyRound(currency, amount)
		if _, ok := checkpoints[i]; t.priceInclude && !ok {
			cumulatedIncluded += amount
		}
		if t.includeBase {
			base += amount
		}
		total += amount
	}
	total = e.currencyRound(currency, total)
	return lineAmounts{untaxed: sign * untaxed, tax: sign * e.currencyRound(currency, total-untaxed), total: sign * total}
}

type taxSpec struct {
	kind                      string
	amount                    float64
	priceInclude, includeBase bool
}

// sortedTaxes reads taxes in their sequence order.
func (e *env) sortedTaxes(ids []int64) []taxSpec {
	if len(ids) == 0 {
		return nil
	}
	ordered, _ := e.search(e.mustModel("account.tax"), []any{[]any{"id", "in", idsArg(ids)}, []any{"active", "in", []any{true, false}}}, searchOpts{})
	out := make([]taxSpec, 0, len(ordered))
	for _, id := range ordered {
		out = append(out, taxSpec{
			kind:         e.str("account.tax", id, "amount_type"),
			amount:       e.num("account.tax", id, "amount"),
			priceInclude: e.flag("account.tax", id, "price_include"),
			includeBase:  e.flag("account.tax", id, "include_base_amount"),
		})
	}
	return out
}

// excludedAmount is account.tax._compute_amount with price_include forced off.
func (t taxSpec) excludedAmount(base, qty float64) float64 {
	switch t.kind {
	case "fixed":
		return qty * t.amount
	case "percent":
		return base * t.amount / 100
	case "division":
		if t.amount == 100 {
			return 0
		}
		return base/(1-t.amount/100) - base
	}
	return 0
}

// recomputeBase removes included fixed, percent and division taxes.
func recomputeBase(base, fixed, percent, division float64) float64 {
	return (base - fixed) / (1 + percent/100) * (100 - division) / 100
}
