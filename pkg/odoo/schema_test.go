package odoo

import (
	"maps"
	"testing"
)

func TestSchemaNamesPerVersion(t *testing.T) {
	type names struct {
		moveType, provider, picking, doneQty, register, methodField, warehouseKey string
		immediate, quantMode, orderIDs                                            bool
	}
	want := map[int]names{
		13: {"type", "payment.acquirer", "move_lines", "quantity_done", "create_payments", "payment_method_id", "warehouse", true, false, false},
		14: {"move_type", "payment.acquirer", "move_lines", "quantity_done", "action_create_payments", "payment_method_id", "warehouse", true, false, false},
		15: {"move_type", "payment.acquirer", "move_lines", "quantity_done", "action_create_payments", "payment_method_line_id", "warehouse", true, true, false},
		16: {"move_type", "payment.provider", "move_ids", "quantity_done", "action_create_payments", "payment_method_line_id", "warehouse", true, true, true},
		17: {"move_type", "payment.provider", "move_ids", "quantity", "action_create_payments", "payment_method_line_id", "warehouse", false, true, true},
		18: {"move_type", "payment.provider", "move_ids", "quantity", "action_create_payments", "payment_method_line_id", "warehouse_id", false, true, true},
	}
	for major, w := range want {
		s := SchemaFor(Version{Major: major})
		got := names{s.MoveTypeField, s.PaymentProviderModel, s.PickingMovesField, s.MoveDoneQtyField, s.RegisterPaymentMethod,
			s.PaymentMethodField, s.WarehouseContextKey, s.ImmediateTransferWizard, s.QuantInventoryMode, s.InvoiceWizardOrderIDs}
		if got != w {
			t.Errorf("Odoo %d: got %+v\nwant %+v", major, got, w)
		}
	}
}

func TestProductTypePerVersion(t *testing.T) {
	tests := []struct {
		version  Version
		storable Values
	}{
		{Version{Major: 13}, Values{"type": "product"}},
		{Version{Major: 14}, Values{"type": "product"}},
		{Version{Major: 15}, Values{"detailed_type": "product"}},
		{Version{Major: 17, Minor: 2, SaaS: true}, Values{"detailed_type": "product"}},
		{Version{Major: 17, Minor: 3, SaaS: true}, Values{"type": "consu", "is_storable": true}},
		{Version{Major: 18}, Values{"type": "consu", "is_storable": true}},
	}
	for _, tt := range tests {
		s := SchemaFor(tt.version)
		if got := s.ProductTypeValues(ProductStorable); !maps.Equal(got, tt.storable) {
			t.Errorf("%+v: storable values = %v, want %v", tt.version, got, tt.storable)
		}
		// Whatever is written must read back as the same kind, and only the type fields are needed.
		for _, kind := range []ProductKind{ProductStorable, ProductConsumable, ProductService} {
			record := Record{}
			for k, v := range s.ProductTypeValues(kind) {
				record[k] = v
			}
			for _, f := range s.ProductTypeFields() {
				if _, ok := record[f]; !ok && f != "is_storable" {
					t.Errorf("%+v: ProductTypeFields names %s, which ProductTypeValues does not set", tt.version, f)
				}
			}
			if got, ok := s.ProductKindOf(record); !ok || got != kind {
				t.Errorf("%+v: %s round-trips to %q (ok=%v)", tt.version, kind, got, ok)
			}
		}
	}
	if _, ok := SchemaFor(Version{Major: 18}).ProductKindOf(Record{"type": "combo", "is_storable": false}); ok {
		t.Error("combo products are not a kind the bridge knows")
	}
}

func TestQtyContextKey(t *testing.T) {
	if got := SchemaFor(Version{Major: 17}).QtyContext(1, 8); !maps.Equal(got, Context{"warehouse": int64(1), "location": int64(8)}) {
		t.Errorf("17 qty context = %v", got)
	}
	if got := SchemaFor(Version{Major: 18}).QtyContext(1, 0); !maps.Equal(got, Context{"warehouse_id": int64(1)}) {
		t.Errorf("18 qty context = %v", got)
	}
}
