package odoosim

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file is the simulator's own XML-RPC codec. It deliberately shares no
// code with the client library under test: decoding follows Python's
// xmlrpc.client.Unmarshaller (what Odoo runs) and encoding reproduces the byte
// layout of Python's Marshaller, so the client sees what a real Odoo sends.

// xmlrpcDateLayout is the wire layout of <dateTime.iso8601> as Python writes it.
const xmlrpcDateLayout = "20060102T15:04:05"

// rpcCall is a decoded <methodCall>.
type rpcCall struct {
	Method string
	Params []any
}

// decodeCall parses a methodCall document. Values decode to int64, float64,
// bool, string, []byte (base64), time.Time (dateTime.iso8601), nil (<nil/>),
// []any and map[string]any.
func decodeCall(r io.Reader) (rpcCall, error) {
	d := xml.NewDecoder(r)
	var call rpcCall
	root, err := nextStart(d)
	if err != nil {
		return call, err
	}
	if root.Name.Local != "methodCall" {
		return call, fmt.Errorf("expected <methodCall>, got <%s>", root.Name.Local)
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return call, fmt.Errorf("truncated methodCall: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "methodName":
				s, err := textUntilEnd(d)
				if err != nil {
					return call, err
				}
				call.Method = strings.TrimSpace(s)
			case "params":
				params, err := decodeParams(d)
				if err != nil {
					return call, err
				}
				call.Params = params
			default:
				return call, fmt.Errorf("unexpected <%s> in methodCall", t.Name.Local)
			}
		case xml.EndElement:
			if call.Method == "" {
				return call, errors.New("methodCall without methodName")
			}
			return call, nil
		}
	}
}

func nextStart(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("no XML element: %w", err)
		}
		if s, ok := tok.(xml.StartElement); ok {
			return s, nil
		}
	}
}

// textUntilEnd returns the character data of the current element, failing on
// child elements.
func textUntilEnd(d *xml.Decoder) (string, error) {
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return "", fmt.Errorf("truncated element: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			return "", fmt.Errorf("unexpected <%s> inside a scalar", t.Name.Local)
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

func decodeParams(d *xml.Decoder) ([]any, error) {
	params := []any{}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("truncated params: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "param" {
				return nil, fmt.Errorf("unexpected <%s> in params", t.Name.Local)
			}
			v, err := decodeWrapped(d, "param")
			if err != nil {
				return nil, err
			}
			params = append(params, v)
		case xml.EndElement:
			return params, nil
		}
	}
}

// decodeWrapped reads one <value> inside an element (param, or array data)
// and the wrapper's end tag.
func decodeWrapped(d *xml.Decoder, wrapper string) (any, error) {
	s, err := nextStart(d)
	if err != nil {
		return nil, err
	}
	if s.Name.Local != "value" {
		return nil, fmt.Errorf("expected <value> in <%s>, got <%s>", wrapper, s.Name.Local)
	}
	v, err := decodeValue(d)
	if err != nil {
		return nil, err
	}
	if err := skipToEnd(d); err != nil {
		return nil, err
	}
	return v, nil
}

// skipToEnd consumes whitespace up to the end of the current element.
func skipToEnd(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return fmt.Errorf("truncated document: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return fmt.Errorf("unexpected <%s>", t.Name.Local)
		case xml.EndElement:
			return nil
		}
	}
}

// decodeValue is called after <value> was read; it consumes </value>.
func decodeValue(d *xml.Decoder) (any, error) {
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("truncated value: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			// Untyped <value>text</value> is a string; <value/> is "".
			return text.String(), nil
		case xml.StartElement:
			v, err := decodeTyped(d, t.Name.Local)
			if err != nil {
				return nil, err
			}
			return v, skipToEnd(d)
		}
	}
}

func decodeTyped(d *xml.Decoder, kind string) (any, error) {
	switch kind {
	case "array":
		return decodeArray(d)
	case "struct":
		return decodeStruct(d)
	case "nil":
		return nil, skipToEnd(d)
	}
	s, err := textUntilEnd(d)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "string":
		return s, nil
	case "int", "i1", "i2", "i4", "i8":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad <%s> value %q", kind, s)
		}
		return n, nil
	case "boolean":
		switch s {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
		return nil, fmt.Errorf("bad boolean value %q", s)
	case "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("bad double value %q", s)
		}
		return f, nil
	case "dateTime.iso8601":
		t, err := time.Parse(xmlrpcDateLayout, strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("bad dateTime.iso8601 value %q", s)
		}
		return t, nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, fmt.Errorf("bad base64 value: %v", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown XML-RPC type <%s>", kind)
}

func decodeArray(d *xml.Decoder) (any, error) {
	s, err := nextStart(d)
	if err != nil {
		return nil, err
	}
	if s.Name.Local != "data" {
		return nil, fmt.Errorf("expected <data> in array, got <%s>", s.Name.Local)
	}
	out := []any{}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("truncated array: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "value" {
				return nil, fmt.Errorf("unexpected <%s> in array data", t.Name.Local)
			}
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		case xml.EndElement: // </data>
			return out, skipToEnd(d)
		}
	}
}

func decodeStruct(d *xml.Decoder) (any, error) {
	out := map[string]any{}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("truncated struct: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "member" {
				return nil, fmt.Errorf("unexpected <%s> in struct", t.Name.Local)
			}
			name, val, err := decodeMember(d)
			if err != nil {
				return nil, err
			}
			out[name] = val
		case xml.EndElement:
			return out, nil
		}
	}
}

func decodeMember(d *xml.Decoder) (string, any, error) {
	var name string
	var val any
	var haveName, haveValue bool
	for {
		tok, err := d.Token()
		if err != nil {
			return "", nil, fmt.Errorf("truncated member: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "name":
				if name, err = textUntilEnd(d); err != nil {
					return "", nil, err
				}
				haveName = true
			case "value":
				if val, err = decodeValue(d); err != nil {
					return "", nil, err
				}
				haveValue = true
			default:
				return "", nil, fmt.Errorf("unexpected <%s> in member", t.Name.Local)
			}
		case xml.EndElement:
			if !haveName || !haveValue {
				return "", nil, errors.New("struct member without name or value")
			}
			return name, val, nil
		}
	}
}

// errMarshalNone is Python's refusal to send None with allow_none=False.
var errMarshalNone = errors.New("cannot marshal None unless allow_none is enabled")

// errIntOverflow is Python's refusal to send ints outside int32.
var errIntOverflow = errors.New("int exceeds XML-RPC limits")

// encodeResponse writes a methodResponse exactly as Python's
// xmlrpc.client.dumps((result,), methodresponse=True) lays it out.
func encodeResponse(result any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n")
	if err := encodeValue(&b, result); err != nil {
		return nil, err
	}
	b.WriteString("</param>\n</params>\n</methodResponse>\n")
	return b.Bytes(), nil
}

// encodeFault writes a methodResponse carrying a fault struct.
func encodeFault(code int, message string) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n")
	// The struct cannot fail to encode: an int and a string.
	_ = encodeValue(&b, map[string]any{"faultCode": code, "faultString": message})
	b.WriteString("</fault>\n</methodResponse>\n")
	return b.Bytes()
}

func encodeValue(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		return errMarshalNone
	case bool:
		if x {
			b.WriteString("<value><boolean>1</boolean></value>\n")
		} else {
			b.WriteString("<value><boolean>0</boolean></value>\n")
		}
	case int:
		return encodeInt(b, int64(x))
	case int64:
		return encodeInt(b, x)
	case float64:
		b.WriteString("<value><double>")
		b.WriteString(pyFloatRepr(x))
		b.WriteString("</double></value>\n")
	case string:
		b.WriteString("<value><string>")
		xmlEscape(b, x)
		b.WriteString("</string></value>\n")
	case []any:
		b.WriteString("<value><array><data>\n")
		for _, e := range x {
			if err := encodeValue(b, e); err != nil {
				return err
			}
		}
		b.WriteString("</data></array></value>\n")
	case []int64:
		b.WriteString("<value><array><data>\n")
		for _, e := range x {
			if err := encodeInt(b, e); err != nil {
				return err
			}
		}
		b.WriteString("</data></array></value>\n")
	case []map[string]any:
		b.WriteString("<value><array><data>\n")
		for _, e := range x {
			if err := encodeValue(b, e); err != nil {
				return err
			}
		}
		b.WriteString("</data></array></value>\n")
	case map[string]any:
		// Go maps have no order; sorted keys keep responses reproducible.
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("<value><struct>\n")
		for _, k := range keys {
			b.WriteString("<member>\n<name>")
			xmlEscape(b, k)
			b.WriteString("</name>\n")
			if err := encodeValue(b, x[k]); err != nil {
				return err
			}
			b.WriteString("</member>\n")
		}
		b.WriteString("</struct></value>\n")
	case time.Time:
		// Odoo's marshaller sends datetimes as server-format strings.
		return encodeValue(b, formatDatetime(x))
	default:
		return fmt.Errorf("cannot marshal %T objects", v)
	}
	return nil
}

func encodeInt(b *bytes.Buffer, n int64) error {
	if n > math.MaxInt32 || n < math.MinInt32 {
		return errIntOverflow
	}
	b.WriteString("<value><int>")
	b.WriteString(strconv.FormatInt(n, 10))
	b.WriteString("</int></value>\n")
	return nil
}

// xmlEscape mirrors xml.sax.saxutils.escape as used by Python's marshaller:
// only &, < and > are replaced.
func xmlEscape(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(c)
		}
	}
}

// pyFloatRepr formats like Python's repr(float): shortest round-trip digits,
// positional notation for exponents in [-4, 16), always with a fraction part.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	sci := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(sci[strings.IndexByte(sci, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return sci
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}
