package odoo

import (
	"slices"
	"testing"
)

func TestActionRecordIDs(t *testing.T) {
	single := map[string]any{"type": "ir.actions.act_window", "res_model": "account.payment", "res_id": int64(42)}
	many := map[string]any{"res_model": "account.payment", "domain": []any{[]any{"id", "in", []any{int64(3), int64(4)}}}}
	if got := actionRecordIDs(single); !slices.Equal(got, []int64{42}) {
		t.Errorf("res_id action → %v", got)
	}
	if got := actionRecordIDs(many); !slices.Equal(got, []int64{3, 4}) {
		t.Errorf("domain action → %v", got)
	}
	if got := actionRecordIDs(true); got != nil {
		t.Errorf("True → %v", got)
	}
}

func TestParseWizardAction(t *testing.T) {
	// Odoo 14+ shape: no res_id, defaults in the context.
	a, ok := parseAction(map[string]any{
		"res_model": "stock.backorder.confirmation",
		"context":   map[string]any{"default_pick_ids": []any{[]any{int64(4), int64(9)}}, "button_validate_picking_ids": []any{int64(9)}},
	})
	if !ok || a.ResModel != "stock.backorder.confirmation" || a.ResID != 0 || a.Context["button_validate_picking_ids"] == nil {
		t.Fatalf("parsed %+v %v", a, ok)
	}
	if _, ok := parseAction(map[string]any{"type": "ir.actions.act_window_close"}); ok {
		t.Error("a close action is not a wizard")
	}
}

func TestPickingWizardMethods(t *testing.T) {
	for _, tt := range []struct {
		model  string
		policy BackorderPolicy
		method string
	}{
		{"stock.immediate.transfer", BackorderCreate, "process"},
		{"stock.backorder.confirmation", BackorderCreate, "process"},
		{"stock.backorder.confirmation", BackorderCancel, "process_cancel_backorder"},
		{"confirm.stock.sms", BackorderCreate, "dont_send_sms"},
	} {
		if got, ok := pickingWizardMethod(tt.model, tt.policy); !ok || got != tt.method {
			t.Errorf("%s/%d → %q %v, want %q", tt.model, tt.policy, got, ok, tt.method)
		}
	}
	if _, ok := pickingWizardMethod("expiry.picking.confirmation", BackorderCreate); ok {
		t.Error("unknown wizards must not be answered blindly")
	}
}

func TestValidateExternalName(t *testing.T) {
	for _, bad := range [][2]string{{"", "x"}, {"opencart", ""}, {"open.cart", "x"}, {"opencart", "product 1"}} {
		if validateExternalName(bad[0], bad[1]) == nil {
			t.Errorf("%q.%q accepted", bad[0], bad[1])
		}
	}
	if err := validateExternalName("opencart", "product_12.variant_3"); err != nil {
		t.Error(err)
	}
}
