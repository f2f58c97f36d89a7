package odoo_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoo"
)

// onlineServer answers /xmlrpc/2/common like an Odoo Online database reporting serverVersion
// (server_version_info starts with a string there).
func onlineServer(t *testing.T, serverVersion, infoHead string, minor int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/xml")
		switch {
		case r.URL.Path != "/xmlrpc/2/common":
			http.NotFound(w, r)
		case strings.Contains(string(body), "<methodName>version</methodName>"):
			fmt.Fprintf(w, `<?xml version="1.0"?><methodResponse><params><param><value><struct>
<member><name>server_version</name><value><string>%s</string></value></member>
<member><name>server_version_info</name><value><array><data>
<value><string>%s</string></value><value><int>%d</int></value><value><int>0</int></value>
<value><string>final</string></value><value><int>0</int></value><value><string>e</string></value>
</data></array></value></member>
<member><name>server_serie</name><value><string>%s</string></value></member>
<member><name>protocol_version</name><value><int>1</int></value></member>
</struct></value></param></params></methodResponse>`, serverVersion, infoHead, minor, serverVersion)
		case strings.Contains(string(body), "<methodName>authenticate</methodName>"):
			fmt.Fprint(w, `<?xml version="1.0"?><methodResponse><params><param><value><int>2</int></value></param></params></methodResponse>`)
		default:
			t.Errorf("unexpected call %s", body)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestDialDetectsOdooOnline(t *testing.T) {
	tests := []struct {
		server, head string
		minor        int
		wantStorable odoo.Values
	}{
		{"saas~17.2+e", "saas~17", 2, odoo.Values{"detailed_type": "product"}},
		{"saas~17.4+e", "saas~17", 4, odoo.Values{"type": "consu", "is_storable": true}},
		{"saas~18.1+e", "saas~18", 1, odoo.Values{"type": "consu", "is_storable": true}},
	}
	for _, tt := range tests {
		t.Run(tt.server, func(t *testing.T) {
			url := onlineServer(t, tt.server, tt.head, tt.minor)
			c, err := odoo.Dial(context.Background(), odoo.Config{URL: url, DB: "acme", Login: "bot", Password: "key"})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			v := c.Version()
			if !v.SaaS || !v.Enterprise || v.Minor != tt.minor || v.String() != tt.server {
				t.Errorf("version = %+v", v)
			}
			if got := c.Schema().ProductTypeValues(odoo.ProductStorable); fmt.Sprint(got) != fmt.Sprint(tt.wantStorable) {
				t.Errorf("storable values = %v, want %v", got, tt.wantStorable)
			}
			if c.UID() != 2 {
				t.Errorf("uid = %d", c.UID())
			}
		})
	}
}

func TestDialRejectsUnsupportedVersion(t *testing.T) {
	url := onlineServer(t, "saas~19.1+e", "saas~19", 1)
	_, err := odoo.Dial(context.Background(), odoo.Config{URL: url, DB: "acme", Login: "bot", Password: "key"})
	if err == nil || !strings.Contains(err.Error(), "saas~19.1+e is not supported") {
		t.Fatalf("err = %v", err)
	}
}
