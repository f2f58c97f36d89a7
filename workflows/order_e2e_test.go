package workflows_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/ocbridge/bridge/activities"
	"github.com/ocbridge/bridge/pkg/mapping"
	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/testbed"
	"github.com/ocbridge/bridge/workflows"
	"github.com/ocbridge/bridge/workflows/ordertest"
)

// TestOrderSyncBuildsTheSaleOrder runs the demo order (configurable product, shipping, coupon, two tax
// rates) through OrderSync on OpenCart 3.0 and 4.x and Odoo 13 to 18, every reference record created on
// demand, and checks every part of the sale order.
func TestOrderSyncBuildsTheSaleOrder(t *testing.T) {
	for _, v := range []struct {
		openCart string
		odoo     int
	}{{"3.0.4.1", 13}, {"4.0.2.3", 17}, {"4.1.0.4", 18}} {
		t.Run(fmt.Sprintf("opencart %s odoo %d", v.openCart, v.odoo), func(t *testing.T) {
			t.Parallel()
			f := ordertest.New(t, v.openCart, odoosim.Config{Version: v.odoo})
			f.SeedCatalog(t)
			f.StartWorker(t, ordertest.Settings())
			id := f.PlaceOrder(t, ordertest.DemoOrder("ada@example.com", 1))
			f.Signal(t, id, activities.SourceManual)
			p, err := f.Wait(t, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Stage != workflows.OrderDone || !p.Created || !slices.Contains(p.Actions, activities.ActionConfirm) {
				t.Fatalf("progress %+v", p)
			}
			f.CheckDemoSaleOrder(t, id, "ada@example.com")
			// Operators find the run by either side's order number.
			testbed.Eventually(t, 30*time.Second, func() error {
				list, err := f.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
					Query: fmt.Sprintf(`OpenCartOrderID = "%d" AND OdooOrderName = %q AND TaskQueue = %q`, id, p.SaleOrderName, f.Config.TaskQueue)})
				if err != nil || len(list.GetExecutions()) != 1 {
					return fmt.Errorf("visibility: %v %v", list.GetExecutions(), err)
				}
				return nil
			})
		})
	}
}

// An order for products the catalog sync never saw syncs them first (RecordSync child workflows with
// the catalog's own rules: the camera's option as an attribute, then the products with their variants),
// then builds the sale order with the variant of the options chosen.
func TestOrderForUnseenProductsSyncsTheCatalogFirst(t *testing.T) {
	for _, version := range []string{"3.0.4.1", "4.0.2.3"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			f := ordertest.New(t, version, odoosim.Config{Version: 17})
			f.StartWorker(t, ordertest.Settings())
			email := "new.products@example.com"
			id := f.PlaceOrder(t, ordertest.DemoOrder(email, 1))
			f.Signal(t, id, activities.SourceWebhook)
			if p, err := f.Wait(t, id); err != nil || p.Stage != workflows.OrderDone || !p.Created {
				t.Fatalf("order sync: %+v %v", p, err)
			}
			f.CheckDemoSaleOrder(t, id, email)
			for _, product := range []int{ordertest.CameraProduct, ordertest.PhoneProduct} {
				if _, err := f.Store.ByOpenCartID(context.Background(), mapping.KindProduct, strconv.Itoa(product)); err != nil {
					t.Fatalf("product %d is not mapped after the order: %v", product, err)
				}
			}
		})
	}
}
