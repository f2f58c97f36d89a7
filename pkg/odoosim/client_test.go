package odoosim_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ocbridge/bridge/pkg/odoosim"
	"github.com/ocbridge/bridge/pkg/odoosim/odoosimtest"
)

// A deliberately small XML-RPC client for the tests. It shares no code with
// the simulator's codec: requests are built with fmt, responses are decoded
// through encoding/xml's tree unmarshalling.

type rpcClient struct {
	t    testing.TB
	base string
	http *http.Client
	uid  int64
	pw   string
}

type fault struct {
	Code   int64
	String string
}

func (f *fault) Error() string { return fmt.Sprintf("fault %d: %s", f.Code, f.String) }

func start(t testing.TB, cfg odoosim.Config) (*odoosim.Server, *rpcClient) {
	t.Helper()
	sim, url := odoosimtest.Start(t, cfg)
	c := &rpcClient{t: t, base: url, http: &http.Client{}, pw: "admin"}
	if cfg.Password != "" {
		c.pw = cfg.Password
	}
	uid, err := c.call("common", "authenticate", "odoo", "admin", c.pw, map[string]any{})
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	c.uid, _ = uid.(int64)
	if c.uid == 0 {
		t.Fatalf("authenticate returned %v", uid)
	}
	return sim, c
}

// exec is execute_kw; it fails the test on transport errors and returns faults.
func (c *rpcClient) exec(model, method string, args []any, kw map[string]any) (any, *fault) {
	c.t.Helper()
	if kw == nil {
		kw = map[string]any{}
	}
	res, err := c.call("object", "execute_kw", "odoo", c.uid, c.pw, model, method, args, kw)
	if err != nil {
		if f, ok := err.(*fault); ok {
			return nil, f
		}
		c.t.Fatalf("%s.%s: %v", model, method, err)
	}
	return res, nil
}

// must is exec that fails the test on a fault.
func (c *rpcClient) must(model, method string, args []any, kw map[string]any) any {
	c.t.Helper()
	res, f := c.exec(model, method, args, kw)
	if f != nil {
		c.t.Fatalf("%s.%s: unexpected %v", model, method, f)
	}
	return res
}

func (c *rpcClient) searchRead(model string, domain []any, fields []string, kw map[string]any) []map[string]any {
	c.t.Helper()
	if kw == nil {
		kw = map[string]any{}
	}
	fl := make([]any, len(fields))
	for i, f := range fields {
		fl[i] = f
	}
	kw["fields"] = fl
	res := c.must(model, "search_read", []any{domain}, kw).([]any)
	out := make([]map[string]any, len(res))
	for i, r := range res {
		out[i] = r.(map[string]any)
	}
	return out
}

func (c *rpcClient) create(model string, vals map[string]any) int64 {
	c.t.Helper()
	return c.must(model, "create", []any{vals}, nil).(int64)
}

func (c *rpcClient) call(service, method string, params ...any) (any, error) {
	var b strings.Builder
	b.WriteString("<?xml version='1.0'?>\n<methodCall><methodName>" + method + "</methodName><params>")
	for _, p := range params {
		b.WriteString("<param>" + encodeTestValue(p) + "</param>")
	}
	b.WriteString("</params></methodCall>")
	resp, err := c.http.Post(c.base+"/xmlrpc/2/"+service, "text/xml", strings.NewReader(b.String()))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
	}
	return decodeTestResponse(body)
}

func encodeTestValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "<value><nil/></value>"
	case bool:
		if x {
			return "<value><boolean>1</boolean></value>"
		}
		return "<value><boolean>0</boolean></value>"
	case int:
		return fmt.Sprintf("<value><int>%d</int></value>", x)
	case int64:
		return fmt.Sprintf("<value><int>%d</int></value>", x)
	case float64:
		return "<value><double>" + strconv.FormatFloat(x, 'f', -1, 64) + "</double></value>"
	case string:
		return "<value><string>" + html.EscapeString(x) + "</string></value>"
	case []any:
		var b strings.Builder
		b.WriteString("<value><array><data>")
		for _, e := range x {
			b.WriteString(encodeTestValue(e))
		}
		b.WriteString("</data></array></value>")
		return b.String()
	case []int64:
		items := make([]any, len(x))
		for i, n := range x {
			items[i] = n
		}
		return encodeTestValue(items)
	case []string:
		items := make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
		return encodeTestValue(items)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("<value><struct>")
		for _, k := range keys {
			b.WriteString("<member><name>" + html.EscapeString(k) + "</name>" + encodeTestValue(x[k]) + "</member>")
		}
		b.WriteString("</struct></value>")
		return b.String()
	}
	panic(fmt.Sprintf("test client cannot encode %T", v))
}

type xnode struct {
	XMLName xml.Name
	Text    string  `xml:",chardata"`
	Kids    []xnode `xml:",any"`
}

func decodeTestResponse(body []byte) (any, error) {
	var root xnode
	if err := xml.NewDecoder(bytes.NewReader(body)).Decode(&root); err != nil {
		return nil, fmt.Errorf("bad response XML: %v\n%s", err, body)
	}
	if len(root.Kids) != 1 {
		return nil, fmt.Errorf("bad methodResponse: %s", body)
	}
	switch top := root.Kids[0]; top.XMLName.Local {
	case "fault":
		v, err := testValue(top.Kids[0])
		if err != nil {
			return nil, err
		}
		m := v.(map[string]any)
		return nil, &fault{Code: m["faultCode"].(int64), String: m["faultString"].(string)}
	case "params":
		return testValue(top.Kids[0].Kids[0])
	}
	return nil, fmt.Errorf("bad methodResponse: %s", body)
}

func testValue(v xnode) (any, error) {
	if len(v.Kids) == 0 {
		return v.Text, nil
	}
	t := v.Kids[0]
	switch t.XMLName.Local {
	case "int", "i4":
		return strconv.ParseInt(t.Text, 10, 64)
	case "double":
		return strconv.ParseFloat(t.Text, 64)
	case "boolean":
		return t.Text == "1", nil
	case "string":
		return t.Text, nil
	case "nil":
		return nil, fmt.Errorf("server sent <nil/>, which Odoo never does")
	case "array":
		out := []any{}
		for _, e := range t.Kids[0].Kids {
			x, err := testValue(e)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case "struct":
		out := map[string]any{}
		for _, m := range t.Kids {
			var name string
			var val any
			for _, k := range m.Kids {
				switch k.XMLName.Local {
				case "name":
					name = k.Text
				case "value":
					x, err := testValue(k)
					if err != nil {
						return nil, err
					}
					val = x
				}
			}
			out[name] = val
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected type <%s>", t.XMLName.Local)
}

// ids converts a decoded id list.
func ids(v any) []int64 {
	list := v.([]any)
	out := make([]int64, len(list))
	for i, x := range list {
		out[i] = x.(int64)
	}
	return out
}

func expectFault(t *testing.T, f *fault, code int64, contains string) {
	t.Helper()
	if f == nil {
		t.Fatalf("expected fault %d containing %q, got success", code, contains)
	}
	if f.Code != code || !strings.Contains(f.String, contains) {
		t.Fatalf("expected fault %d containing %q, got %d: %s", code, contains, f.Code, f.String)
	}
}
