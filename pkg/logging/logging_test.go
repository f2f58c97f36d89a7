package logging

import (
	"testing"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestTemporalLoggerKeepsFields(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	l := log.With(Temporal(zap.New(core)), "WorkflowID", "order-default-42")
	l.Warn("retrying", "ActivityID", "7", "attempt", 3)

	entries := logs.All()
	if len(entries) != 1 {
		t.Fatalf("want 1 entry, got %d", len(entries))
	}
	f := entries[0].ContextMap()
	if entries[0].Message != "retrying" || entries[0].Level != zap.WarnLevel ||
		f["WorkflowID"] != "order-default-42" || f["ActivityID"] != "7" || f["attempt"] != int64(3) {
		t.Fatalf("unexpected entry: %+v %v", entries[0], f)
	}
}

func TestNewRejectsUnknownSettings(t *testing.T) {
	if _, err := New("xml", "info"); err == nil {
		t.Fatal("want an error for format xml")
	}
	if _, err := New("json", "loud"); err == nil {
		t.Fatal("want an error for level loud")
	}
	for _, f := range []string{"json", "console"} {
		if _, err := New(f, "debug"); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
}
