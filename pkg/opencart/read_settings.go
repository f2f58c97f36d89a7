package opencart

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Setting reads an oc_setting value for a store, falling back to store 0 the
// way OpenCart's startup does (store 0 first, then the store's own rows
// override). found is false when neither store has the key.
func (db *DB) Setting(ctx context.Context, storeID int, key string) (value string, found bool, err error) {
	err = db.conn.QueryRowContext(ctx, "SELECT `value` FROM "+db.table("setting")+
		" WHERE `key` = ? AND store_id IN (0, ?) ORDER BY store_id DESC LIMIT 1", key, storeID).Scan(str(&value))
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("opencart: read setting %s (store %d): %w", key, storeID, err)
	}
	return value, true, nil
}

// SettingJSON decodes a serialized (JSON) setting such as
// config_processing_status into dst. A missing key leaves dst unchanged.
func (db *DB) SettingJSON(ctx context.Context, storeID int, key string, dst any) (found bool, err error) {
	value, found, err := db.Setting(ctx, storeID, key)
	if err != nil || !found || value == "" {
		return found, err
	}
	if err := json.Unmarshal([]byte(value), dst); err != nil {
		return true, fmt.Errorf("opencart: setting %s (store %d) is not the JSON expected: %w", key, storeID, err)
	}
	return true, nil
}
