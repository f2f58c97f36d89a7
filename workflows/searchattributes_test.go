package workflows

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The dev server registers search attributes from scripts/lib.sh and docker-compose.yml; a workflow
// setting one that is not registered fails its task, so the lists must match.
func TestSearchAttributesAreRegisteredByTheScripts(t *testing.T) {
	var want []string
	for _, k := range SearchAttributes {
		want = append(want, k.GetName()+"=Keyword")
	}
	sort.Strings(want)

	lib, err := os.ReadFile("../scripts/lib.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`SEARCH_ATTRIBUTES=\(([^)]*)\)`).FindSubmatch(lib)
	if m == nil {
		t.Fatal("scripts/lib.sh has no SEARCH_ATTRIBUTES list")
	}
	got := strings.Fields(string(m[1]))
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("scripts/lib.sh registers %v, workflows use %v", got, want)
	}

	compose, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range SearchAttributes {
		if !strings.Contains(string(compose), k.GetName()) {
			t.Errorf("docker-compose.yml does not register %s", k.GetName())
		}
	}
}
