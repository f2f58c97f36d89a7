package odoo

import "testing"

func TestParseVersion(t *testing.T) {
	tests := []struct {
		name    string
		payload map[string]any
		want    Version
	}{
		{"community info with 6 elements",
			map[string]any{"server_version": "16.0", "server_version_info": []any{int64(16), int64(0), int64(0), "final", int64(0), ""}},
			Version{Major: 16, Minor: 0, Server: "16.0"}},
		{"enterprise",
			map[string]any{"server_version": "17.0+e", "server_version_info": []any{int64(17), int64(0), int64(0), "final", int64(0), "e"}},
			Version{Major: 17, Server: "17.0+e", Enterprise: true}},
		{"odoo online info",
			map[string]any{"server_version": "saas~17.2+e", "server_version_info": []any{"saas~17", int64(2), int64(0), "final", int64(0), "e"}},
			Version{Major: 17, Minor: 2, SaaS: true, Enterprise: true, Server: "saas~17.2+e"}},
		{"server_version only, saas",
			map[string]any{"server_version": "saas~18.1+e"},
			Version{Major: 18, Minor: 1, SaaS: true, Enterprise: true, Server: "saas~18.1+e"}},
		{"server_version only, nightly",
			map[string]any{"server_version": "18.0-20241001"},
			Version{Major: 18, Server: "18.0-20241001"}},
		{"five-element info as in the docs",
			map[string]any{"server_version": "13.0", "server_version_info": []any{int64(13), int64(0), int64(0), "final", int64(0)}},
			Version{Major: 13, Server: "13.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVersion(tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("ParseVersion = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseVersionRejectsGarbage(t *testing.T) {
	for _, payload := range []map[string]any{
		{},
		{"server_version": "trunk"},
		{"server_version_info": []any{true, false}},
	} {
		if v, err := ParseVersion(payload); err == nil {
			t.Errorf("ParseVersion(%v) = %+v, want an error", payload, v)
		}
	}
}

func TestVersionSupportedRange(t *testing.T) {
	for major := 11; major <= 20; major++ {
		err := Version{Major: major}.supported()
		if want := major >= 13 && major <= 18; (err == nil) != want {
			t.Errorf("major %d: supported() = %v, want supported=%v", major, err, want)
		}
	}
}

func TestVersionAtLeast(t *testing.T) {
	saas := Version{Major: 17, Minor: 3, SaaS: true}
	if !saas.AtLeast(17, 3) || !saas.AtLeast(16, 9) || saas.AtLeast(17, 4) || saas.AtLeast(18, 0) {
		t.Fatalf("AtLeast comparisons wrong for %+v", saas)
	}
}
