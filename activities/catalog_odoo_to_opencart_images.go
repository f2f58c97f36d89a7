package activities

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
)

// Product images: image_1920 is written as catalog/bridge/<template id>.<ext> under OpenCart's image/
// folder (OPENCART_IMAGE_DIR), the path OpenCart stores relative to that folder.

// decodeImage decodes Odoo's base64 image field; nil when there is none or it is not base64.
func decodeImage(b64 string) []byte {
	if b64 == "" {
		return nil
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil
	}
	return data
}

// imageExtension names an image's format as a file extension; "" when it is no web image format.
func imageExtension(data []byte) string {
	switch http.DetectContentType(data) {
	case "image/jpeg":
		return "jpg"
	case "image/png":
		return "png"
	case "image/gif":
		return "gif"
	case "image/webp":
		return "webp"
	}
	return ""
}

// imagePath is where a template's image goes, relative to OpenCart's image/ folder.
func imagePath(templateID int64, data []byte) string {
	return "catalog/bridge/" + strconv.FormatInt(templateID, 10) + "." + imageExtension(data)
}

// saveImage writes a planned product's image file, replacing it atomically so that the shop never
// serves half a file.
func (s *productSync) saveImage(p *productPlan) error {
	path := filepath.Join(s.run.rules.imageDir, filepath.FromSlash(p.want.Image))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("product images: %w (%s must be OpenCart's writable image/ folder)", err, envImageDir)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bridge-*")
	if err != nil {
		return fmt.Errorf("product images: %w (%s must be OpenCart's writable image/ folder)", err, envImageDir)
	}
	_, werr := tmp.Write(p.image)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("product images: write %s: %w", path, werr)
	}
	return nil
}
