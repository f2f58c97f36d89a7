package activities

// Exported for the end-to-end tests of the catalog sync (package activities_test).

const (
	EnvCatalogVariantsMode = envVariantsMode
	EnvOpenCartImageDir    = envImageDir
)
