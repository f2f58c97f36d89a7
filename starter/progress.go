package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ocbridge/bridge/workflows"
)

// progressView draws a bulk sync's per-stage bars. On a terminal it redraws them in place; elsewhere
// (CI logs, pipes) it prints a line whenever a stage moves. Written here rather than taken from a progress
// bar library because the numbers come from polling a query, not from increments in this process, and
// several bars must be redrawn together.
type progressView struct {
	w     io.Writer
	tty   bool
	drawn int               // lines drawn last time (terminal mode)
	last  map[string]string // last line per stage (log mode)
}

func newProgressView(w io.Writer) *progressView {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressView{w: w, tty: tty, last: map[string]string{}}
}

func (v *progressView) draw(p workflows.BulkProgress) {
	lines := make([]string, 0, len(p.Stages))
	keys := make([]string, 0, len(p.Stages))
	for _, st := range p.Stages {
		lines = append(lines, stageLine(st))
		keys = append(keys, string(st.Stage))
	}
	v.drawLines(keys, lines)
}

// drawCount draws a single bar of done out of total (e.g. records replayed).
func (v *progressView) drawCount(label string, done, total int) {
	v.drawLines([]string{label}, []string{fmt.Sprintf("%-10s %s %d/%d", label, bar(float64(done)/float64(max(total, 1))), done, total)})
}

func (v *progressView) drawLines(keys, lines []string) {
	if v.tty {
		if v.drawn > 0 {
			fmt.Fprintf(v.w, "\033[%dA", v.drawn) // back to the first bar
		}
		for _, l := range lines {
			fmt.Fprintf(v.w, "\r\033[K%s\n", l)
		}
		v.drawn = len(lines)
		return
	}
	for i, l := range lines {
		key := keys[i]
		if v.last[key] != l {
			fmt.Fprintln(v.w, l)
			v.last[key] = l
		}
	}
}

const barWidth = 30

func bar(frac float64) string {
	filled := int(min(max(frac, 0), 1) * barWidth)
	return strings.Repeat("█", filled) + strings.Repeat("░", barWidth-filled)
}

func stageLine(st workflows.StageProgress) string {
	total := st.Total
	frac := 0.0
	switch {
	case st.Status == workflows.StatusDone:
		frac = 1
	case total > 0:
		frac = min(float64(st.Done)/float64(total), 1)
	}
	totalText := "?"
	if total >= 0 {
		totalText = fmt.Sprint(total)
	}
	return fmt.Sprintf("%-10s %s %3.0f%%  %d/%s  page %d  +%d ~%d =%d ✗%d  %s",
		st.Stage, bar(frac), frac*100, st.Done, totalText, st.Page, st.Created, st.Updated, st.Unchanged, st.Failed, st.Status)
}

// summaryTable prints the final counts per stage.
func summaryTable(w io.Writer, p workflows.BulkProgress) {
	fmt.Fprintf(w, "\n%-12s %8s %8s %8s %8s %8s %8s\n", "stage", "total", "done", "created", "updated", "unchanged", "failed")
	var sum workflows.StageProgress
	for _, st := range p.Stages {
		fmt.Fprintf(w, "%-12s %8d %8d %8d %8d %8d %8d\n", st.Stage, max(st.Total, 0), st.Done, st.Created, st.Updated, st.Unchanged, st.Failed)
		sum.Total += max(st.Total, 0)
		sum.Done += st.Done
		sum.Created += st.Created
		sum.Updated += st.Updated
		sum.Unchanged += st.Unchanged
		sum.Failed += st.Failed
	}
	fmt.Fprintf(w, "%-12s %8d %8d %8d %8d %8d %8d\n", "all", sum.Total, sum.Done, sum.Created, sum.Updated, sum.Unchanged, sum.Failed)
	if p.DryRun {
		fmt.Fprintln(w, "(dry run: nothing was written)")
	}
}
