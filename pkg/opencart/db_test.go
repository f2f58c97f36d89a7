package opencart

import (
	"context"
	"testing"

	"github.com/ocbridge/bridge/pkg/opencart/octest"
)

// wantFlavour is the flavour each dump must be detected as.
var wantFlavour = map[string]Flavour{"3.0.4.1": V30, "4.0.2.3": V402, "4.1.0.4": V41}

// openShop loads a fresh shop of the given version and opens it.
func openShop(t testing.TB, version string) *DB {
	t.Helper()
	db, err := Open(context.Background(), Config{DSN: octest.NewShop(t, version)})
	if err != nil {
		t.Fatalf("Open %s: %v", version, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestReads runs every read against one fresh shop per OpenCart version.
// The checks share the shop, so their order matters: the ones that read the
// demo data as installed come before the ones that add orders, customers and
// products.
func TestReads(t *testing.T) {
	checks := []struct {
		name string
		run  func(t *testing.T, db *DB, version string)
	}{
		{"open", testOpenDetectsFlavourAndSession},
		{"categories", checkDemoCategories},
		{"options", checkDemoOptions},
		{"attributes", checkDemoAttributes},
		{"products", checkDemoProducts},
		{"settings", checkDemoSettings},
		{"statuses and currencies", checkDemoStatusesAndCurrencies},
		{"extensions", checkDemoExtensions},
		{"tax", checkDemoTax},
		{"change feeds", testChangeFeeds},
		{"order", testOrderRead},
		{"customers", testCustomerReads},
		{"variant product", testVariantProductRead},
	}
	for _, version := range octest.Versions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			db := openShop(t, version)
			for _, c := range checks {
				t.Run(c.name, func(t *testing.T) { c.run(t, db, version) })
			}
		})
	}
}

// allPages reads an id-paged list to its end, limit records per call,
// failing if ids do not strictly increase.
func allPages[T any](t *testing.T, after, limit int, fetch func(after, limit int) ([]T, error), id func(T) int) []T {
	t.Helper()
	var all []T
	for {
		page, err := fetch(after, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return all
		}
		if len(page) > limit {
			t.Fatalf("page of %d records, limit %d", len(page), limit)
		}
		for _, r := range page {
			if id(r) <= after {
				t.Fatalf("id %d after %d: pages out of order", id(r), after)
			}
			after = id(r)
		}
		all = append(all, page...)
	}
}

func testOpenDetectsFlavourAndSession(t *testing.T, db *DB, version string) {
	ctx := context.Background()
	if got := db.Flavour(); got != wantFlavour[version] {
		t.Fatalf("Flavour() = %v, want %v", got, wantFlavour[version])
	}
	if got, want := db.Flavour().HasVariants(), version != "3.0.4.1"; got != want {
		t.Errorf("HasVariants() = %v, want %v", got, want)
	}
	langs := db.Languages()
	if len(langs) != 1 || langs[0].Code != "en-gb" || !langs[0].Status {
		t.Fatalf("Languages() = %+v, want one enabled en-gb", langs)
	}
	if db.DefaultLanguageID() != langs[0].ID {
		t.Errorf("DefaultLanguageID() = %d, want %d", db.DefaultLanguageID(), langs[0].ID)
	}
	stores := db.Stores()
	if len(stores) != 1 || stores[0].ID != 0 || stores[0].Name != "Your Store" {
		t.Errorf("Stores() = %+v, want store 0 \"Your Store\"", stores)
	}
	if got, want := db.isMyISAM("product"), version == "3.0.4.1"; got != want {
		t.Errorf("isMyISAM(product) = %v, want %v", got, want)
	}
	if db.isMyISAM("cart") {
		t.Errorf("isMyISAM(cart) = true; oc_cart is InnoDB in every version")
	}

	// Every pooled connection must carry OpenCart's session settings,
	// not just the first one: hold several at once and check each.
	wantCharset := map[Flavour]string{V30: "utf8mb3", V402: "utf8mb4", V41: "utf8mb4"}[db.Flavour()]
	var conns []interface{ Close() error }
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 3; i++ {
		c, err := db.conn.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode, charset string
		if err := c.QueryRowContext(ctx, `SELECT @@SESSION.sql_mode, @@SESSION.character_set_connection`).Scan(&mode, &charset); err != nil {
			t.Fatal(err)
		}
		if mode != "NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION" || charset != wantCharset {
			t.Errorf("connection %d: sql_mode %q charset %q, want OpenCart's session and %s", i, mode, charset, wantCharset)
		}
	}
}
