package odoo

import (
	"context"
	"fmt"
)

// Ping makes one authenticated call (counting the bridge's own user), so it fails when Odoo is down, the
// database is gone or the credentials were revoked since Dial — what a readiness check must notice.
func (c *Client) Ping(ctx context.Context) error {
	n, err := c.SearchCount(ctx, "res.users", Domain{Leaf("id", "=", c.uid)}, nil)
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("odoo: user %q (uid %d) is not visible to itself", c.login, c.uid)
	}
	return nil
}
