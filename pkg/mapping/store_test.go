package mapping

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocbridge/bridge/pkg/pgtest"
)

func openStore(t *testing.T, url, connection string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, connection)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func newStore(t *testing.T) *Store {
	return openStore(t, pgtest.NewDatabase(t), "shop1")
}

func TestMigrationsAreIdempotentAndConcurrent(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	// Several processes start at once: every one migrates, none fails, the schema is applied once.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, url, "shop1")
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent migrate: %v", err)
		}
	}
	s := openStore(t, url, "shop1") // and once more
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := Migrate(ctx, pool); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	ms, _ := loadMigrations()
	var applied int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != len(ms) {
		t.Fatalf("schema_migrations has %d rows, want %d", applied, len(ms))
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestMappingUniqueOnBothSides(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	synced := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	if err := s.Put(ctx, Mapping{Kind: KindProduct, OdooID: 7, OpenCartID: "40", OdooFingerprint: "a", SyncedAt: synced}); err != nil {
		t.Fatal(err)
	}

	// Same pair again: fingerprints and sync time are refreshed, nothing new is created.
	later := synced.Add(time.Hour)
	if err := s.Put(ctx, Mapping{Kind: KindProduct, OdooID: 7, OpenCartID: "40", OdooFingerprint: "b", OpenCartFingerprint: "c", SyncedAt: later}); err != nil {
		t.Fatalf("refreshing the same pair: %v", err)
	}
	got, err := s.ByOdooID(ctx, KindProduct, 7)
	if err != nil {
		t.Fatal(err)
	}
	if got.OpenCartID != "40" || got.OdooFingerprint != "b" || got.OpenCartFingerprint != "c" || !got.SyncedAt.Equal(later) {
		t.Fatalf("refreshed pair = %+v", got)
	}

	// Odoo side taken.
	var conflict *ConflictError
	err = s.Put(ctx, Mapping{Kind: KindProduct, OdooID: 7, OpenCartID: "41"})
	if !errors.As(err, &conflict) || conflict.Existing.OpenCartID != "40" {
		t.Fatalf("Odoo side reused: want ConflictError naming OpenCart 40, got %v", err)
	}
	// OpenCart side taken.
	err = s.Put(ctx, Mapping{Kind: KindProduct, OdooID: 8, OpenCartID: "40"})
	if !errors.As(err, &conflict) || conflict.Existing.OdooID != 7 {
		t.Fatalf("OpenCart side reused: want ConflictError naming Odoo 7, got %v", err)
	}
	// The same ids under another kind or another connection are independent.
	if err := s.Put(ctx, Mapping{Kind: KindCategory, OdooID: 7, OpenCartID: "40"}); err != nil {
		t.Fatalf("other kind: %v", err)
	}
	shop2 := &Store{pool: s.pool, connection: "shop2"}
	if err := shop2.Put(ctx, Mapping{Kind: KindProduct, OdooID: 7, OpenCartID: "99"}); err != nil {
		t.Fatalf("other connection: %v", err)
	}
	if m, err := s.ByOpenCartID(ctx, KindProduct, "99"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("connection leak: %+v %v", m, err)
	}

	// Deleting frees both sides for a re-map.
	if err := s.Delete(ctx, KindProduct, 7); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, Mapping{Kind: KindProduct, OdooID: 8, OpenCartID: "40"}); err != nil {
		t.Fatalf("re-map after delete: %v", err)
	}
	if err := s.Delete(ctx, KindProduct, 7); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting a missing pair: want ErrNotFound, got %v", err)
	}
}

func TestPutManyIsAllOrNothing(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if err := s.Put(ctx, Mapping{Kind: KindCategory, OdooID: 1, OpenCartID: "20"}); err != nil {
		t.Fatal(err)
	}
	batch := []Mapping{
		{Kind: KindCategory, OdooID: 2, OpenCartID: "21"},
		{Kind: KindCategory, OdooID: 3, OpenCartID: "20"}, // collides with 1 ⇄ 20
	}
	var conflict *ConflictError
	if err := s.PutMany(ctx, batch); !errors.As(err, &conflict) || conflict.Wanted.OdooID != 3 {
		t.Fatalf("want conflict on Odoo 3, got %v", err)
	}
	if _, err := s.ByOdooID(ctx, KindCategory, 2); !errors.Is(err, ErrNotFound) {
		t.Fatalf("half a batch was stored: %v", err)
	}

	var many []Mapping
	for i := int64(100); i < 600; i++ {
		many = append(many, Mapping{Kind: KindVariant, OdooID: i, OpenCartID: fmt.Sprintf("50:%d", i)})
	}
	if err := s.PutMany(ctx, many); err != nil {
		t.Fatal(err)
	}
	byOdoo, err := s.ByOdooIDs(ctx, KindVariant, []int64{100, 599, 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(byOdoo) != 2 || byOdoo[599].OpenCartID != "50:599" {
		t.Fatalf("ByOdooIDs = %v", byOdoo)
	}
	byOC, err := s.ByOpenCartIDs(ctx, KindVariant, []string{"50:100", "nope"})
	if err != nil || len(byOC) != 1 || byOC["50:100"].OdooID != 100 {
		t.Fatalf("ByOpenCartIDs = %v, %v", byOC, err)
	}
	page, err := s.List(ctx, KindVariant, 100, 10)
	if err != nil || len(page) != 10 || page[0].OdooID != 101 || page[9].OdooID != 110 {
		t.Fatalf("List page = %v, %v", page, err)
	}
	counts, err := s.Counts(ctx)
	if err != nil || counts[KindVariant] != 500 || counts[KindCategory] != 1 {
		t.Fatalf("Counts = %v, %v", counts, err)
	}
}

func TestPutRejectsInvalidPairs(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for _, m := range []Mapping{
		{Kind: "gadget", OdooID: 1, OpenCartID: "1"},
		{Kind: KindTax, OdooID: 0, OpenCartID: "1"},
		{Kind: KindTax, OdooID: 1, OpenCartID: ""},
	} {
		if err := s.Put(ctx, m); err == nil {
			t.Errorf("Put(%+v) succeeded", m)
		}
	}
}

func TestCursorsRoundTrip(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Cursor(ctx, "order_history"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unset cursor: want ErrNotFound, got %v", err)
	}
	if err := s.SetCursor(ctx, "order_history", "120"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Cursor(ctx, "order_history"); err != nil || v != "120" {
		t.Fatalf("cursor = %q, %v", v, err)
	}
	// Compare-and-swap: the right old value moves it, a stale one does not.
	if ok, err := s.SwapCursor(ctx, "order_history", "120", "130"); err != nil || !ok {
		t.Fatalf("swap from current: %v %v", ok, err)
	}
	if ok, err := s.SwapCursor(ctx, "order_history", "120", "125"); err != nil || ok {
		t.Fatalf("swap from stale value must not apply: %v %v", ok, err)
	}
	if ok, err := s.SwapCursor(ctx, "odoo_stock", "", "2026-11-28 10:00:00"); err != nil || !ok {
		t.Fatalf("first swap: %v %v", ok, err)
	}
	if ok, _ := s.SwapCursor(ctx, "odoo_stock", "", "2000-01-01 00:00:00"); ok {
		t.Fatal("a second 'first' swap must not overwrite")
	}
	if v, _ := s.Cursor(ctx, "order_history"); v != "130" {
		t.Fatalf("cursor = %q, want 130", v)
	}
	if err := s.SetCursor(ctx, "catalog/x-ids-before/run-1", "5"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteCursors(ctx, "/run-1"); err != nil || n != 1 {
		t.Fatalf("DeleteCursors = %d, %v", n, err)
	}
	all, err := s.Cursors(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "odoo_stock" || all[1].Value != "130" || all[1].UpdatedAt.IsZero() {
		t.Fatalf("Cursors = %+v, %v", all, err)
	}
}

func TestFailuresKeepOneOpenRowPerRecord(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	f := Failure{Kind: KindProduct, Direction: OdooToOpenCart, RecordID: "42", Reason: "name is empty", Field: "name",
		Fix: "give product 42 a name in Odoo", WorkflowID: "product-sync-odoo-42", RunID: "r1"}
	id1, err := s.RecordFailure(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	f.Reason, f.RunID = "name is still empty", "r2"
	id2, err := s.RecordFailure(ctx, f)
	if err != nil || id2 != id1 {
		t.Fatalf("second failure of the same record: id %d vs %d, %v", id2, id1, err)
	}
	other := f
	other.RecordID = "43"
	if _, err := s.RecordFailure(ctx, other); err != nil {
		t.Fatal(err)
	}
	got, err := s.Failure(ctx, id1)
	if err != nil || got.Attempts != 2 || got.Reason != "name is still empty" || got.RunID != "r2" || got.Field != "name" {
		t.Fatalf("failure = %+v, %v", got, err)
	}
	list, err := s.Failures(ctx, FailureFilter{Kind: KindProduct})
	if err != nil || len(list) != 2 {
		t.Fatalf("Failures = %v, %v", list, err)
	}
	if l, _ := s.Failures(ctx, FailureFilter{Kind: KindCategory}); len(l) != 0 {
		t.Fatalf("kind filter ignored: %v", l)
	}
	if l, _ := s.Failures(ctx, FailureFilter{Since: time.Now().Add(time.Hour)}); len(l) != 0 {
		t.Fatalf("since filter ignored: %v", l)
	}

	// Success resolves it; a later failure opens a new row.
	if ok, err := s.ResolveFailure(ctx, KindProduct, OdooToOpenCart, "42"); err != nil || !ok {
		t.Fatalf("resolve: %v %v", ok, err)
	}
	if ok, _ := s.ResolveFailure(ctx, KindProduct, OdooToOpenCart, "42"); ok {
		t.Fatal("resolving twice reports an open failure")
	}
	if l, _ := s.Failures(ctx, FailureFilter{}); len(l) != 1 || l[0].RecordID != "43" {
		t.Fatalf("open failures after resolve = %v", l)
	}
	if _, err := s.OpenFailure(ctx, KindProduct, OdooToOpenCart, "42"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("OpenFailure of a resolved record: %v", err)
	}
	if f, err := s.OpenFailure(ctx, KindProduct, OdooToOpenCart, "43"); err != nil || f.RecordID != "43" {
		t.Fatalf("OpenFailure = %+v, %v", f, err)
	}
	if n, err := s.OpenFailureCounts(ctx); err != nil || n[KindProduct] != 1 || len(n) != 1 {
		t.Fatalf("OpenFailureCounts = %v, %v", n, err)
	}
	if l, _ := s.Failures(ctx, FailureFilter{IncludeResolved: true}); len(l) != 2 {
		t.Fatalf("with resolved = %v", l)
	}
	id3, err := s.RecordFailure(ctx, f)
	if err != nil || id3 == id1 {
		t.Fatalf("new failure after resolve reused id %d: %v", id3, err)
	}
	if _, err := s.RecordFailure(ctx, Failure{Kind: KindProduct, Direction: "sideways", RecordID: "1", Reason: "x"}); err == nil {
		t.Fatal("bad direction accepted")
	}
}

func TestFingerprintIsStableAndSensitive(t *testing.T) {
	a := map[string]any{"name": "Chair", "price": 10.5, "categories": []int{3, 4}}
	b := map[string]any{"categories": []int{3, 4}, "price": 10.5, "name": "Chair"}
	if Fingerprint(a) != Fingerprint(b) {
		t.Fatal("key order changed the fingerprint")
	}
	b["price"] = 10.51
	if Fingerprint(a) == Fingerprint(b) {
		t.Fatal("a changed price kept the fingerprint")
	}
}
