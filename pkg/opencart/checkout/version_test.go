package checkout

import "testing"

func TestParseVersion(t *testing.T) {
	for version, want := range map[string]flavour{
		"3.0.4.1": v30, "3.0": v30, "3.0.5.0": v30,
		"4.0.2.3": v402, "4.0.2": v402, "4.0.3.0": v402,
		"4.1.0.4": v41, "4.1": v41,
		// 4.0.0–4.0.1 store methods as plain payment_code columns.
		"4.0.1.3": 0, "4.0.0-4.0.1": 0, "4.0": 0, "2.3.0.2": 0, "": 0, "4": 0,
	} {
		got, err := parseVersion(version)
		if got != want || (err != nil) != (want == 0) {
			t.Errorf("parseVersion(%q) = %v, %v; want %v", version, got, err, want)
		}
	}
}
