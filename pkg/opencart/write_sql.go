package opencart

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Statement limits for multi-row writes. maxStatementBytes stays well below
// the smallest common max_allowed_packet (4 MiB on older MySQL, 16 MiB on
// MariaDB); maxStatementArgs below the 65,535 placeholders of a server-side
// prepared statement, in case the driver cannot interpolate a query.
const (
	maxStatementBytes = 1 << 20
	maxStatementArgs  = 60000
)

// sqlExpr is an SQL expression written into a statement as it is, such as
// NOW(). It never carries data from outside the package.
type sqlExpr string

// quoted returns the prefixed table name in backticks (`option` and `order`
// are reserved words).
func (db *DB) quoted(table string) string { return "`" + db.table(table) + "`" }

// storedText converts plain text into the form OpenCart keeps it in
// (shopText). OpenCart 3.0 tables are utf8mb3, which cannot hold characters
// outside the Basic Multilingual Plane such as emoji, so on 3.0 those become
// numeric character references: the storefront prints them as the same
// characters and plainText turns them back.
func (db *DB) storedText(s string) string {
	s = shopText(s)
	if db.flavour != V30 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r > 0xFFFF {
			fmt.Fprintf(&b, "&#%d;", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// multiInsert collects the rows of one table and writes them with as few
// multi-row INSERT statements as the statement limits allow.
type multiInsert struct {
	head    string // INSERT INTO `t` (`a`, `b`) VALUES
	tail    string // ON DUPLICATE KEY UPDATE …, or ""
	columns []string
	rows    [][]any
}

func (db *DB) insertInto(table string, columns ...string) *multiInsert {
	return &multiInsert{
		head:    "INSERT INTO " + db.quoted(table) + " (" + columnList(columns) + ") VALUES ",
		columns: columns,
	}
}

// updatingOnDuplicate turns the statement into an upsert that overwrites the
// given columns of an existing row with the same key.
func (m *multiInsert) updatingOnDuplicate(columns ...string) *multiInsert {
	return m.onDuplicate(updateAssignments(columns, nil)...)
}

// onDuplicate turns the statement into an upsert that applies the given
// assignments to an existing row with the same key. MySQL applies them left
// to right, each seeing the columns the earlier ones set.
func (m *multiInsert) onDuplicate(assignments ...string) *multiInsert {
	m.tail = " ON DUPLICATE KEY UPDATE " + strings.Join(assignments, ", ")
	return m
}

// addingMissing turns the statement into an insert of the rows whose key is
// not there yet; existing rows stay as they are. (INSERT IGNORE would also
// hide data errors.)
func (m *multiInsert) addingMissing() *multiInsert {
	return m.onDuplicate("`" + m.columns[0] + "` = `" + m.columns[0] + "`")
}

// setColumn overwrites a column with the inserted value.
func setColumn(c string) string { return "`" + c + "` = VALUES(`" + c + "`)" }

// setColumnUnlessEmpty overwrites a text column unless the inserted value is
// empty: how an update says "keep what the shop has". (NULL cannot say it:
// MySQL refuses NULL for a NOT NULL column before it finds the duplicate.)
func setColumnUnlessEmpty(c string) string {
	return "`" + c + "` = IF(CHAR_LENGTH(VALUES(`" + c + "`)) = 0, `" + c + "`, VALUES(`" + c + "`))"
}

// setColumnUnlessZero is setColumnUnlessEmpty for number, boolean and date
// columns (a zero date equals 0).
func setColumnUnlessZero(c string) string {
	return "`" + c + "` = IF(VALUES(`" + c + "`) = 0, `" + c + "`, VALUES(`" + c + "`))"
}

// updateAssignments are the assignments that update a row's columns: each
// is overwritten, except those in keptWhenZero (column → holds text), which
// keep their stored value when the new one is zero.
func updateAssignments(columns []string, keptWhenZero map[string]bool) []string {
	sets := make([]string, len(columns))
	for i, c := range columns {
		isText, kept := keptWhenZero[c]
		switch {
		case !kept:
			sets[i] = setColumn(c)
		case isText:
			sets[i] = setColumnUnlessEmpty(c)
		default:
			sets[i] = setColumnUnlessZero(c)
		}
	}
	return sets
}

// add queues one row; values are in column order.
func (m *multiInsert) add(values ...any) {
	if len(values) != len(m.columns) {
		panic(fmt.Sprintf("opencart: %d values for %d columns in %s", len(values), len(m.columns), m.head))
	}
	m.rows = append(m.rows, values)
}

// exec writes every queued row.
func (m *multiInsert) exec(ctx context.Context, tx *sql.Tx) error {
	for _, chunk := range m.chunks() {
		query, args := m.statement(chunk)
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
	}
	return nil
}

// execIDs writes every queued row and returns the AUTO_INCREMENT id of each,
// in order. One statement can only be used when the server numbers its rows
// consecutively; otherwise each row gets its own statement.
func (m *multiInsert) execIDs(ctx context.Context, tx *sql.Tx, seq autoIncrement) ([]int64, error) {
	chunks := m.chunks()
	if !seq.consecutive {
		chunks = make([][][]any, len(m.rows))
		for i, row := range m.rows {
			chunks[i] = [][]any{row}
		}
	}
	ids := make([]int64, 0, len(m.rows))
	for _, chunk := range chunks {
		query, args := m.statement(chunk)
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		first, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(chunk)) {
			return nil, fmt.Errorf("insert of %d rows reported %d affected (%v)", len(chunk), n, err)
		}
		for i := range chunk {
			ids = append(ids, first+int64(i)*seq.step)
		}
	}
	return ids, nil
}

// chunks splits the queued rows so that no statement exceeds the limits.
func (m *multiInsert) chunks() [][][]any {
	var out [][][]any
	start, size, args := 0, len(m.head)+len(m.tail), 0
	for i, row := range m.rows {
		rowSize := estimateSize(row)
		if i > start && (size+rowSize > maxStatementBytes || args+len(row) > maxStatementArgs) {
			out = append(out, m.rows[start:i])
			start, size, args = i, len(m.head)+len(m.tail), 0
		}
		size += rowSize
		args += len(row)
	}
	if start < len(m.rows) {
		out = append(out, m.rows[start:])
	}
	return out
}

func (m *multiInsert) statement(rows [][]any) (string, []any) {
	var b strings.Builder
	b.WriteString(m.head)
	args := make([]any, 0, len(rows)*len(m.columns))
	for i, row := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j, v := range row {
			if j > 0 {
				b.WriteString(", ")
			}
			if expr, ok := v.(sqlExpr); ok {
				b.WriteString(string(expr))
				continue
			}
			b.WriteByte('?')
			args = append(args, v)
		}
		b.WriteByte(')')
	}
	b.WriteString(m.tail)
	return b.String(), args
}

// estimateSize is an upper bound of a row's share of a statement: escaped
// strings at most double, numbers and dates a few dozen bytes.
func estimateSize(row []any) int {
	n := 4
	for _, v := range row {
		switch v := v.(type) {
		case string:
			n += 2*len(v) + 4
		case sqlExpr:
			n += len(v) + 2
		default:
			n += 32
		}
	}
	return n
}

func columnList(columns []string) string {
	return "`" + strings.Join(columns, "`, `") + "`"
}

// rowsWithIDs writes rows of a table with an AUTO_INCREMENT key. Rows that
// have an id are written under it, updating the row if it is still there
// (OpenCart's editProduct likewise re-inserts option rows under their old
// ids); the others are inserted and get new ids.
type rowsWithIDs struct {
	db      *DB
	table   string
	width   int // columns written for rows with an id
	keep    *multiInsert
	create  *multiInsert
	created []func(id int)
}

// rowsWithIDs starts rows for a table; createOnly columns (date_added) are
// written for new rows only. Rows with an id overwrite every column, except
// those in keptWhenZero (see updateAssignments).
func (db *DB) rowsWithIDs(table, idColumn string, columns []string, keptWhenZero map[string]bool, createOnly ...string) *rowsWithIDs {
	return &rowsWithIDs{
		db: db, table: table, width: len(columns),
		keep:   db.insertInto(table, append([]string{idColumn}, columns...)...).onDuplicate(updateAssignments(columns, keptWhenZero)...),
		create: db.insertInto(table, append(slices.Clone(columns), createOnly...)...),
	}
}

// add queues a row: values for the columns, then for the createOnly ones.
// setID receives the row's id: at once if it has one, else once written.
func (r *rowsWithIDs) add(id int, setID func(id int), values ...any) {
	if id != 0 {
		r.keep.add(append([]any{id}, values[:r.width]...)...)
		setID(id)
		return
	}
	r.create.add(values...)
	r.created = append(r.created, setID)
}

func (r *rowsWithIDs) exec(ctx context.Context, tx *sql.Tx) error {
	if err := r.keep.exec(ctx, tx); err != nil {
		return fmt.Errorf("write %s: %w", r.db.table(r.table), err)
	}
	if len(r.created) == 0 {
		return nil
	}
	seq, err := r.db.readAutoIncrement(ctx, tx, r.table)
	if err != nil {
		return err
	}
	ids, err := r.create.execIDs(ctx, tx, seq)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", r.db.table(r.table), err)
	}
	for i, setID := range r.created {
		setID(int(ids[i]))
	}
	return nil
}

// autoIncrement says how the server numbers the rows of one multi-row INSERT.
type autoIncrement struct {
	step        int64 // @@auto_increment_increment (more than 1 on Galera)
	consecutive bool  // ids are first, first+step, … for the rows in order
}

// readAutoIncrement learns the numbering for a table. MyISAM locks the table
// for the statement; InnoDB numbers a multi-row INSERT with a known row count
// consecutively unless innodb_autoinc_lock_mode is 2 ("interleaved", the
// MySQL 8 default), where concurrent inserts may take ids in between.
func (db *DB) readAutoIncrement(ctx context.Context, q queryer, table string) (autoIncrement, error) {
	var seq autoIncrement
	var lockMode sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT @@auto_increment_increment, @@innodb_autoinc_lock_mode`).Scan(&seq.step, &lockMode)
	if err != nil {
		return seq, fmt.Errorf("read auto-increment settings: %w", err)
	}
	if seq.step < 1 {
		seq.step = 1
	}
	seq.consecutive = db.isMyISAM(table) || (lockMode.Valid && lockMode.Int64 < 2)
	return seq, nil
}

// idSet reports which of ids exist as key column values of a table; FOR
// UPDATE keeps them from being deleted until the transaction ends (InnoDB).
func (db *DB) idSet(ctx context.Context, q queryer, table, column string, ids []int) (map[int]bool, error) {
	found := map[int]bool{}
	if len(ids) == 0 {
		return found, nil
	}
	marks, args := inArgs(ids)
	query := "SELECT `" + column + "` FROM " + db.quoted(table) + " WHERE `" + column + "` IN (" + marks + ")"
	if _, ok := q.(*sql.Tx); ok {
		query += " FOR UPDATE"
	}
	err := eachRow(ctx, q, query, args, func(rows *sql.Rows) error {
		var id int
		if err := rows.Scan(&id); err != nil {
			return err
		}
		found[id] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up %s ids: %w", db.table(table), err)
	}
	return found, nil
}

// requireRecord fails with ErrNotFound if the record the bridge wants to
// update has been deleted in the shop (and locks it on InnoDB).
func (db *DB) requireRecord(ctx context.Context, tx *sql.Tx, table, column string, id int) error {
	found, err := db.idSet(ctx, tx, table, column, []int{id})
	if err == nil && !found[id] {
		err = fmt.Errorf("%w: it was deleted in the shop; drop its id so the bridge creates it again", ErrNotFound)
	}
	return err
}

// deleteWhereIn deletes the rows whose column is one of ids.
func (db *DB) deleteWhereIn(ctx context.Context, tx *sql.Tx, table, column string, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	marks, args := inArgs(ids)
	_, err := tx.ExecContext(ctx, "DELETE FROM "+db.quoted(table)+" WHERE `"+column+"` IN ("+marks+")", args...)
	if err != nil {
		return fmt.Errorf("delete from %s: %w", db.table(table), err)
	}
	return nil
}

// replaceRows inserts the queued rows, then deletes the rows with the
// dropped ids. In this order a failure on MyISAM, which cannot roll back,
// leaves extra rows, never too few.
func (db *DB) replaceRows(ctx context.Context, tx *sql.Tx, insert *multiInsert, table, idColumn string, drop []int) error {
	if err := insert.exec(ctx, tx); err != nil {
		return fmt.Errorf("write %s: %w", db.table(table), err)
	}
	return db.deleteWhereIn(ctx, tx, table, idColumn, drop)
}

// deletePairs deletes the rows of a link table whose (column1, column2) is
// one of pairs.
func (db *DB) deletePairs(ctx context.Context, tx *sql.Tx, table, column1, column2 string, pairs [][2]int) error {
	if len(pairs) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(pairs))
	for _, p := range pairs {
		args = append(args, p[0], p[1])
	}
	marks := strings.TrimSuffix(strings.Repeat("(?,?),", len(pairs)), ",")
	_, err := tx.ExecContext(ctx, "DELETE FROM "+db.quoted(table)+" WHERE (`"+column1+"`, `"+column2+"`) IN ("+marks+")", args...)
	if err != nil {
		return fmt.Errorf("delete from %s: %w", db.table(table), err)
	}
	return nil
}

// fieldCheck validates values before they reach non-strict MySQL, which
// would silently truncate them. It keeps the first problem found.
type fieldCheck struct {
	record string // e.g. `product 42 (model "X")`
	err    error
}

// text checks the stored form of a value against a column width in
// characters. Required values must not be empty.
func (c *fieldCheck) text(field, stored string, width int, required bool) {
	switch {
	case c.err != nil:
	case !utf8.ValidString(stored):
		c.fail("%s is not valid UTF-8; fix the text at its source", field)
	case required && strings.TrimSpace(stored) == "":
		c.fail("%s is empty; OpenCart's admin requires it", field)
	case utf8.RuneCountInString(stored) > width:
		c.fail("%s is %d characters as OpenCart stores it (after HTML escaping); the column holds %d, shorten it",
			field, utf8.RuneCountInString(stored), width)
	}
}

// inSet checks that id is one of the known ids.
func (c *fieldCheck) inSet(field string, id int, known map[int]bool, fix string) {
	if c.err == nil && !known[id] {
		c.fail("%s %d does not exist in the shop; %s", field, id, fix)
	}
}

func (c *fieldCheck) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%s: %s", c.record, fmt.Sprintf(format, args...))
	}
}

// storedRow is a child row an update compares with the rows it wants: its
// id and the content it is matched by.
type storedRow[K comparable] struct {
	id  int
	key K
}

// reconcile compares a record's stored child rows with the rows it should
// have. Wanted rows that are not stored are to be added; stored rows that
// the write manages (manages reports which) and are not wanted are to be
// dropped. A stored row that is wanted stays as it is, ids included, so a
// repeated write changes nothing; unmanaged rows are never dropped.
func reconcile[K comparable](stored []storedRow[K], want []K, manages func(K) bool) (add []K, drop []int) {
	kept := make([]bool, len(stored))
	for _, k := range want {
		found := false
		for i, r := range stored {
			if !kept[i] && r.key == k {
				kept[i], found = true, true
				break
			}
		}
		if !found {
			add = append(add, k)
		}
	}
	for i, r := range stored {
		if !kept[i] && manages(r.key) {
			drop = append(drop, r.id)
		}
	}
	return add, drop
}
