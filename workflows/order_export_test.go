package workflows

// SaveHistory lets the end-to-end tests (package workflows_test) record histories the way the replay
// tests here do.
var SaveHistory = saveHistory
