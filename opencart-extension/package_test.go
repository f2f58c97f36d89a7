package opencartextension

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBuildIsReproducible(t *testing.T) {
	a, b := build(t), build(t)
	for _, v := range []string{"3.0.4.1", "4.1.0.4"} {
		x, err := os.ReadFile(packagePath(a, v))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(packagePath(b, v))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s: two builds differ", packagePath(a, v))
		}
	}
}

// Directories the OpenCart 3.0 installer (admin/controller/marketplace/install.php) lets a
// package write to; anything else aborts the installation.
var oc3Allowed = []string{
	"admin/controller/extension/", "admin/language/", "admin/model/extension/", "admin/view/image/",
	"admin/view/javascript/", "admin/view/stylesheet/", "admin/view/template/extension/",
	"catalog/controller/extension/", "catalog/language/", "catalog/model/extension/",
	"catalog/view/javascript/", "catalog/view/theme/", "system/config/", "system/library/", "image/catalog/",
}

func checkEntries(t *testing.T, entries []*zip.File) (names []string) {
	t.Helper()
	for _, f := range entries {
		names = append(names, f.Name)
	}
	if !slices.IsSorted(names) {
		t.Errorf("entries are not sorted: %v", names)
	}
	for _, f := range entries {
		if !f.Modified.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: mtime %v is not the fixed one", f.Name, f.Modified)
		}
		if strings.HasSuffix(f.Name, "/") || strings.Contains(f.Name, "\\") || strings.HasPrefix(f.Name, "/") || strings.Contains(f.Name, "..") {
			t.Errorf("entry %q: want plain relative file paths", f.Name)
		}
	}
	return names
}

func TestOpenCart3PackageLayout(t *testing.T) {
	entries, files := readZip(t, packagePath(build(t), "3.0.4.1"))
	names := checkEntries(t, entries)

	var mod struct {
		Name    string `xml:"name"`
		Code    string `xml:"code"`
		Version string `xml:"version"`
	}
	if err := xml.Unmarshal(files["install.xml"], &mod); err != nil {
		t.Fatalf("install.xml: %v", err)
	}
	if mod.Code != "bridge_webhook" || mod.Name == "" || mod.Version == "" {
		t.Errorf("install.xml = %+v", mod)
	}
	for _, n := range names {
		if n == "install.xml" {
			continue
		}
		rest, ok := strings.CutPrefix(n, "upload/")
		if !ok || !slices.ContainsFunc(oc3Allowed, func(dir string) bool { return strings.HasPrefix(rest, dir) }) {
			t.Errorf("%s: the 3.0 installer refuses files outside upload/{%s}", n, strings.Join(oc3Allowed, ","))
		}
	}
	// Controllers where 3.0's Action finds route extension/module/bridge_webhook, and what they load.
	for _, want := range []string{
		"upload/admin/controller/extension/module/bridge_webhook.php",
		"upload/catalog/controller/extension/module/bridge_webhook.php",
		"upload/admin/language/en-gb/extension/module/bridge_webhook.php",
		"upload/admin/view/template/extension/module/bridge_webhook.twig",
		"upload/system/library/bridge_webhook/signer.php",
		"upload/system/library/bridge_webhook/flush_cli.php",
	} {
		if _, ok := files[want]; !ok {
			t.Errorf("missing %s", want)
		}
	}
	if !bytes.Contains(files["upload/catalog/controller/extension/module/bridge_webhook.php"], []byte("class ControllerExtensionModuleBridgeWebhook extends Controller")) {
		t.Error("3.0 catalog controller class name does not match its route")
	}
}

func TestOpenCart4PackageLayout(t *testing.T) {
	entries, files := readZip(t, packagePath(build(t), "4.0.2.3"))
	names := checkEntries(t, entries)

	var info map[string]string
	if err := json.Unmarshal(files["install.json"], &info); err != nil {
		t.Fatalf("install.json: %v", err)
	}
	// marketplace/installer.php refuses a package when any of these is empty.
	for _, k := range []string{"name", "version", "author", "link"} {
		if info[k] == "" {
			t.Errorf("install.json has no %q", k)
		}
	}
	for _, n := range names {
		if n != "install.json" && !strings.HasPrefix(n, "admin/") && !strings.HasPrefix(n, "catalog/") && !strings.HasPrefix(n, "system/library/") {
			t.Errorf("%s: 4.x packages hold admin/, catalog/ and system/ at the root", n)
		}
	}
	// Paths the 4.x autoloader derives from Opencart\{Admin,Catalog}\Controller\Extension\BridgeWebhook\Module\BridgeWebhook.
	for file, namespace := range map[string]string{
		"admin/controller/module/bridge_webhook.php":   `namespace Opencart\Admin\Controller\Extension\BridgeWebhook\Module;`,
		"catalog/controller/module/bridge_webhook.php": `namespace Opencart\Catalog\Controller\Extension\BridgeWebhook\Module;`,
	} {
		if !bytes.Contains(files[file], []byte(namespace)) || !bytes.Contains(files[file], []byte("class BridgeWebhook extends")) {
			t.Errorf("%s must declare %s class BridgeWebhook", file, namespace)
		}
	}
	for _, want := range []string{"admin/language/en-gb/module/bridge_webhook.php", "admin/view/template/module/bridge_webhook.twig", "system/library/bridge_webhook/signer.php"} {
		if _, ok := files[want]; !ok {
			t.Errorf("missing %s", want)
		}
	}
}

func TestPackagesDeclareTheSameVersion(t *testing.T) {
	dist := build(t)
	_, f3 := readZip(t, packagePath(dist, "3.0.4.1"))
	_, f4 := readZip(t, packagePath(dist, "4.1.0.4"))
	var mod struct {
		Version string `xml:"version"`
	}
	var info struct {
		Version string `json:"version"`
	}
	if xml.Unmarshal(f3["install.xml"], &mod) != nil || json.Unmarshal(f4["install.json"], &info) != nil || mod.Version != info.Version {
		t.Fatalf("install.xml version %q, install.json version %q", mod.Version, info.Version)
	}
}

// Every PHP file of the extension and its tests parses.
func TestPHPLint(t *testing.T) {
	php := requirePHP(t)
	var files []string
	for _, dir := range []string{"src", "testdata", "../pkg/webhook/testdata"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".php") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 15 {
		t.Fatalf("found only %d PHP files: %v", len(files), files)
	}
	for _, f := range files {
		if out, err := exec.Command(php, "-l", f).CombinedOutput(); err != nil {
			t.Errorf("php -l %s: %v\n%s", f, err, out)
		}
	}
}
