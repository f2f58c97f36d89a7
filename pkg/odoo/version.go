package odoo

import (
	"fmt"
	"strconv"
	"strings"
)

// Oldest and newest Odoo major versions this client knows the schema of.
const (
	MinMajor = 13
	MaxMajor = 18
)

// Version is the server version reported by /xmlrpc/2/common version().
type Version struct {
	Major, Minor int
	// SaaS is set for Odoo Online builds ("saas~17.2"), whose minors carry changes that
	// on-premise installs only get with the next major.
	SaaS       bool
	Enterprise bool
	// Server is server_version as reported, e.g. "16.0", "17.0+e", "saas~17.2+e".
	Server string
}

func (v Version) String() string {
	if v.Server != "" {
		return v.Server
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// AtLeast compares against major.minor; saas~17.3 is at least 17.3 but not 18.0.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// ParseVersion reads a version() payload. server_version_info is preferred
// ([16,0,0,"final",0,""] or ["saas~17",2,0,"final",0,"e"]); server_version
// ("16.0", "17.0+e", "saas~17.2+e", "18.0-20241001") is the fallback.
func ParseVersion(payload map[string]any) (Version, error) {
	server, _ := payload["server_version"].(string)
	v := Version{Server: server}
	if info, ok := payload["server_version_info"].([]any); ok && len(info) >= 2 {
		if major, saas, ok := parseMajor(info[0]); ok {
			v.Major, v.SaaS = major, saas
			if minor, ok := asInt(info[1]); ok {
				v.Minor = int(minor)
			}
			if edition, ok := info[len(info)-1].(string); ok {
				v.Enterprise = edition == "e"
			}
			return v, nil
		}
	}
	if server == "" {
		return Version{}, fmt.Errorf("odoo: version() answer has neither server_version_info nor server_version: %v", payload)
	}
	s, enterprise := strings.CutSuffix(server, "+e")
	s, saas := strings.CutPrefix(s, "saas~")
	v.Enterprise, v.SaaS = enterprise, saas
	s, _, _ = strings.Cut(s, "-") // nightly build dates: "18.0-20241001"
	majorText, minorText, _ := strings.Cut(s, ".")
	major, err := strconv.Atoi(majorText)
	if err != nil {
		return Version{}, fmt.Errorf("odoo: cannot read server version %q", server)
	}
	v.Major = major
	if minor, err := strconv.Atoi(minorText); err == nil {
		v.Minor = minor
	}
	return v, nil
}

// parseMajor accepts 16, "16" and "saas~17".
func parseMajor(value any) (major int, saas bool, ok bool) {
	if n, ok := asInt(value); ok {
		return int(n), false, true
	}
	text, isText := value.(string)
	if !isText {
		return 0, false, false
	}
	text, saas = strings.CutPrefix(text, "saas~")
	// Some builds put "17.2" in the first element.
	text, _, _ = strings.Cut(text, ".")
	n, err := strconv.Atoi(text)
	return n, saas, err == nil
}

func (v Version) supported() error {
	if v.Major < MinMajor || v.Major > MaxMajor {
		return fmt.Errorf("odoo: server version %s is not supported (this client speaks Odoo %d to %d)", v, MinMajor, MaxMajor)
	}
	return nil
}
