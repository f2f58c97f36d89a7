package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Send posts ev to endpoint signed with secret, as the OpenCart extension does. The demo and
// tests use it to play the shop's part. Any non-2xx answer is an error quoting the start of
// the response body.
func Send(ctx context.Context, client *http.Client, endpoint string, secret []byte, ev Event) error {
	if err := ev.Validate(); err != nil {
		return fmt.Errorf("webhook not sent: %w", err)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("webhook not sent: encode %s: %w", ev.Event, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook not sent: %w", err)
	}
	ts, sig := Sign(secret, time.Now(), body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, sig)

	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s to %s: %w", ev.Event, endpoint, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook %s to %s: HTTP %d: %s", ev.Event, endpoint, resp.StatusCode, bytes.TrimSpace(snippet))
	}
	return nil
}
