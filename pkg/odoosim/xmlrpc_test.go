package odoosim

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

const pythonCall = `<?xml version='1.0'?>
<methodCall>
<methodName>execute_kw</methodName>
<params>
<param>
<value><string>odoo</string></value>
</param>
<param>
<value><int>2</int></value>
</param>
<param>
<value>untyped &amp; text</value>
</param>
<param>
<value><array><data>
<value><i4>-7</i4></value>
<value><double>1.5</double></value>
<value><boolean>1</boolean></value>
<value><nil/></value>
<value/>
<value><dateTime.iso8601>20240131T10:00:00</dateTime.iso8601></value>
<value><base64>aGVsbG8=
</base64></value>
<value><struct>
<member>
<name>k</name>
<value><array><data>
</data></array></value>
</member>
</struct></value>
</data></array></value>
</param>
</params>
</methodCall>
`

func TestDecodePythonCall(t *testing.T) {
	call, err := decodeCall(strings.NewReader(pythonCall))
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"odoo", int64(2), "untyped & text", []any{
		int64(-7), 1.5, true, nil, "", time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC), []byte("hello"),
		map[string]any{"k": []any{}},
	}}
	if call.Method != "execute_kw" || !reflect.DeepEqual(call.Params, want) {
		t.Fatalf("decoded %#v", call)
	}
}

func TestEncodeMatchesPythonLayout(t *testing.T) {
	body, err := encodeResponse([]any{map[string]any{"id": int64(1), "name": "a<b", "price": 19.0, "big": 1e16, "ok": false}})
	if err != nil {
		t.Fatal(err)
	}
	// Byte layout of Python's xmlrpc.client.dumps((value,), methodresponse=True).
	want := "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><struct>\n" +
		"<member>\n<name>big</name>\n<value><double>1e+16</double></value>\n</member>\n" +
		"<member>\n<name>id</name>\n<value><int>1</int></value>\n</member>\n" +
		"<member>\n<name>name</name>\n<value><string>a&lt;b</string></value>\n</member>\n" +
		"<member>\n<name>ok</name>\n<value><boolean>0</boolean></value>\n</member>\n" +
		"<member>\n<name>price</name>\n<value><double>19.0</double></value>\n</member>\n" +
		"</struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n"
	if string(body) != want {
		t.Fatalf("got\n%s\nwant\n%s", body, want)
	}
	if _, err := encodeResponse(map[string]any{"x": nil}); err != errMarshalNone {
		t.Fatalf("None must not be marshalled, got %v", err)
	}
	if _, err := encodeResponse(int64(1) << 31); err != errIntOverflow {
		t.Fatalf("ints beyond int32 must fail like Python, got %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	values := []any{int64(0), int64(-2147483648), 0.1, -2.5e-7, "", "ünïcödé & <tags>", true, false,
		[]any{}, []any{int64(1), []any{"nested"}}, map[string]any{"a": map[string]any{"b": []any{1.25}}}}
	for _, v := range values {
		var b bytes.Buffer
		b.WriteString("<methodCall><methodName>m</methodName><params><param>")
		if err := encodeValue(&b, v); err != nil {
			t.Fatal(err)
		}
		b.WriteString("</param></params></methodCall>")
		call, err := decodeCall(&b)
		if err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		if !reflect.DeepEqual(call.Params[0], v) {
			t.Fatalf("round trip of %#v gave %#v", v, call.Params[0])
		}
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	for _, doc := range []string{
		"", "<methodCall>", "<foo/>", "<methodCall><params/></methodCall>",
		"<methodCall><methodName>m</methodName><params><param><value><int>x</int></value></param></params></methodCall>",
		"<methodCall><methodName>m</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>",
		"<methodCall><methodName>m</methodName><params><param><value><weird>1</weird></value></param></params></methodCall>",
	} {
		if _, err := decodeCall(strings.NewReader(doc)); err == nil {
			t.Errorf("accepted malformed %q", doc)
		}
	}
}

func TestPyFloatRepr(t *testing.T) {
	for f, want := range map[float64]string{1: "1.0", 0.1: "0.1", 1e16: "1e+16", 1e15: "1000000000000000.0", 1.5e-5: "1.5e-05", 0.0001: "0.0001", -3.25: "-3.25"} {
		if got := pyFloatRepr(f); got != want {
			t.Errorf("repr(%v) = %s, want %s", f, got, want)
		}
	}
}

// FuzzDecodeCall: the parser must never panic, and whatever it accepts must
// survive an encode/decode round trip.
func FuzzDecodeCall(f *testing.F) {
	f.Add(pythonCall)
	f.Add("<methodCall><methodName>x</methodName><params><param><value><struct><member><name>a</name><value>1</value></member></struct></value></param></params></methodCall>")
	f.Add("<methodCall><methodName>x</methodName></methodCall>")
	f.Fuzz(func(t *testing.T, doc string) {
		call, err := decodeCall(strings.NewReader(doc))
		if err != nil {
			return
		}
		for _, p := range call.Params {
			var b bytes.Buffer
			if err := encodeValue(&b, p); err != nil {
				return // nil, []byte and big ints are not sent back by Odoo either
			}
		}
	})
}
