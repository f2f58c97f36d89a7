package activities

// Exported for the end-to-end tests of the Odoo → OpenCart catalog sync (package activities_test).

var OpenCartProductFingerprint = openCartProductFingerprint

const (
	EnvCatalogVariantsMode = envVariantsMode
	EnvOpenCartImageDir    = envImageDir
)
