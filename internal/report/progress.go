package report

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/leve-build/leve/pkg/pipeline"
	"github.com/leve-build/leve/pkg/publish"
)

// ProgressMode is how a build's progress is shown (--progress).
type ProgressMode int

// The progress modes, as docker buildx has them.
const (
	// ProgressAuto is ProgressTTY on a terminal whose TERM is not "dumb",
	// ProgressPlain otherwise, holding each build's lines until it ends:
	// a successful build's are written then, with its report, and a
	// failed build leaves only its error's one line.
	ProgressAuto ProgressMode = iota
	// ProgressTTY shows each stage's line when it starts and completes it
	// in place, the elapsed time ticking, with escape sequences.
	ProgressTTY
	// ProgressPlain writes each stage's line when it ends, no escape
	// sequence.
	ProgressPlain
	// ProgressQuiet shows nothing.
	ProgressQuiet
)

// ProgressModes are the names ParseProgressMode accepts, in order.
var ProgressModes = []string{"auto", "tty", "plain", "quiet"}

// ParseProgressMode reads a mode's name; ok is false for another word.
func ParseProgressMode(s string) (m ProgressMode, ok bool) {
	for i, name := range ProgressModes {
		if s == name {
			return ProgressMode(i), true
		}
	}
	return ProgressAuto, false
}

// Terminal describes where progress is written: whether it is a terminal,
// its width in columns (0 when unknown), and the environment's TERM and
// NO_COLOR.
type Terminal struct {
	IsTerminal bool
	Width      int
	Term       string
	NoColor    bool
}

// Progress draws the progress events of builds (pipeline.Event) on w.
// Its methods may be called concurrently. Close it when the builds end.
type Progress struct {
	w     io.Writer
	mode  ProgressMode // tty, plain or quiet
	color bool
	width int

	hold bool // plain lines wait for their build to end (auto)
	held map[string]*strings.Builder

	mu    sync.Mutex
	lines []*liveLine // on screen, in tty mode
	drawn int         // rows drawn last time
	many  map[string]bool
	stop  chan struct{}
	done  chan struct{}
}

// liveLine is one stage's or one blob's line.
type liveLine struct {
	prefix   string // the target, when several are built
	key      string
	label    string // what the line is about: stage name, or "  push DIGEST"
	start    time.Time
	finished bool
	failed   bool
	text     string // the finished line, or a blob's state
}

// NewProgress returns a renderer for mode on w, as t allows: auto picks
// tty on a terminal whose TERM is not "dumb" and plain otherwise; colour
// only in tty mode and without NO_COLOR.
func NewProgress(w io.Writer, mode ProgressMode, t Terminal) *Progress {
	hold := false
	if mode == ProgressAuto {
		mode, hold = ProgressPlain, true
		if t.IsTerminal && t.Term != "dumb" {
			mode, hold = ProgressTTY, false
		}
	}
	p := &Progress{w: w, mode: mode, color: mode == ProgressTTY && !t.NoColor, width: t.Width, hold: hold, held: map[string]*strings.Builder{}, many: map[string]bool{}}
	if mode == ProgressTTY {
		p.stop, p.done = make(chan struct{}), make(chan struct{})
		go p.tick()
	}
	return p
}

// Mode is the mode in use: tty, plain or quiet, never auto.
func (p *Progress) Mode() ProgressMode { return p.mode }

// tick redraws the running lines ten times a second, for their elapsed
// time.
func (p *Progress) tick() {
	defer close(p.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			for _, l := range p.lines {
				if !l.finished {
					p.redrawLocked()
					break
				}
			}
			p.mu.Unlock()
		}
	}
}

// Close stops the clock and leaves what is drawn on the screen.
func (p *Progress) Close() {
	if p.stop != nil {
		close(p.stop)
		<-p.done
		p.stop = nil
	}
}

// Events returns the function that draws one build's events; prefix
// names the build's target when several are built at once ("" for one).
func (p *Progress) Events(prefix string) func(pipeline.Event) {
	return func(e pipeline.Event) {
		if p.mode == ProgressQuiet {
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.eventLocked(prefix, e)
	}
}

func (p *Progress) eventLocked(prefix string, e pipeline.Event) {
	switch e := e.(type) {
	case *pipeline.BuildStart:
		p.many[prefix] = len(e.Platforms) > 1
	case *pipeline.StageStart:
		if p.mode != ProgressTTY {
			return
		}
		p.lines = append(p.lines, &liveLine{prefix: prefix, key: e.Platform + "/" + e.Stage, label: p.label(prefix, e.Platform, e.Stage), start: time.Now()})
		p.redrawLocked()
	case *pipeline.StageEnd:
		label := p.label(prefix, e.Platform, e.Report.Name)
		var text string
		if e.Err != nil {
			text = fmt.Sprintf("%-9s %7s %9s  %s", label, duration(e.Report.Duration), "", "failed")
		} else {
			size := ""
			if e.Image != nil {
				size = stageSize(e.Report.Name, e.Image)
			}
			text = stageLine(label, e.Report.Duration, size, Summary(e.Report))
		}
		if p.mode == ProgressPlain {
			if e.Err == nil { // the error is the one line that tells of a failure
				p.plainLocked(prefix, text+"\n")
			}
			return
		}
		if l := p.find(prefix, e.Platform+"/"+e.Report.Name); l != nil {
			l.finished, l.failed, l.text = true, e.Err != nil, text
		}
		p.redrawLocked()
	case *pipeline.PushProgress:
		b := e.BlobProgress
		label := fmt.Sprintf("  push %s", short(b.Digest.String()))
		state := fmt.Sprintf("%9s / %-9s %s", Bytes(b.Sent), Bytes(b.Total), b.State)
		if p.mode == ProgressPlain {
			if b.Final {
				p.plainLocked(prefix, fmt.Sprintf("%s %s %s\n", prefixed(prefix, label), b.Target, state))
			}
			return
		}
		key := "push/" + b.Target + "/" + b.Digest.String()
		l := p.find(prefix, key)
		if l == nil {
			l = &liveLine{prefix: prefix, key: key, label: prefixed(prefix, label), start: time.Now()}
			p.lines = append(p.lines, l)
		}
		l.text = gauge(b.Sent, b.Total) + " " + state
		l.finished = b.Final || b.State == publish.BlobDone
		p.redrawLocked()
	}
}

// label names a stage's line: its name, after the platform when the build
// has several and the target when several are built.
func (p *Progress) label(prefix, platform, stage string) string {
	if p.many[prefix] && platform != "" {
		stage = platform + " " + stage
	}
	return prefixed(prefix, stage)
}

func prefixed(prefix, s string) string {
	if prefix == "" {
		return s
	}
	return prefix + ": " + s
}

// plainLocked writes a plain line, or holds it until its build ends.
func (p *Progress) plainLocked(prefix, line string) {
	if !p.hold {
		io.WriteString(p.w, line)
		return
	}
	b := p.held[prefix]
	if b == nil {
		b = &strings.Builder{}
		p.held[prefix] = b
	}
	b.WriteString(line)
}

// Abort ends the lines of a build that failed (prefix as given to
// Events): on a terminal they stay, the failed stage marked; plain lines
// held for it are dropped, its error says what happened.
func (p *Progress) Abort(prefix string) {
	p.mu.Lock()
	delete(p.held, prefix)
	p.mu.Unlock()
	p.Finish(prefix, "")
}

func (p *Progress) find(prefix, key string) *liveLine {
	for _, l := range p.lines {
		if l.prefix == prefix && l.key == key {
			return l
		}
	}
	return nil
}

// Finish ends the lines of one build (prefix as given to Events) and
// writes text, the rest of its report, below them. In tty mode the
// build's lines leave the redrawn area: the others' stay below.
func (p *Progress) Finish(prefix, text string) {
	if p.mode == ProgressQuiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode != ProgressTTY {
		if b := p.held[prefix]; b != nil {
			text = b.String() + text
			delete(p.held, prefix)
		}
		io.WriteString(p.w, text)
		return
	}
	f := p.frameLocked()
	kept := p.lines[:0]
	for _, l := range p.lines {
		if l.prefix != prefix {
			kept = append(kept, l)
			continue
		}
		f.row(p.render(l))
	}
	p.lines = kept
	for _, line := range strings.SplitAfter(text, "\n") {
		if line != "" {
			f.row(strings.TrimSuffix(line, "\n"))
		}
	}
	p.drawLocked(f)
	io.WriteString(p.w, f.end())
}

// redrawLocked draws the live lines again in place.
func (p *Progress) redrawLocked() {
	if p.mode != ProgressTTY || (len(p.lines) == 0 && p.drawn == 0) {
		return
	}
	f := p.frameLocked()
	p.drawLocked(f)
	io.WriteString(p.w, f.end())
}

// frame rewrites the rows drawn last time, row by row: each row is
// cleared as it is written (never the whole screen: a terminal
// multiplexer would keep a cleared screen in its history), and rows left
// over are cleared at the end.
type frame struct {
	b   strings.Builder
	old int // rows drawn before and not yet written over
}

// frameLocked moves the cursor back to the first live row.
func (p *Progress) frameLocked() *frame {
	f := &frame{old: p.drawn}
	if p.drawn > 0 {
		fmt.Fprintf(&f.b, "\x1b[%dA\r", p.drawn)
	}
	p.drawn = 0
	return f
}

// row writes one row, clearing what was there.
func (f *frame) row(s string) {
	f.b.WriteString("\x1b[2K" + s + "\n")
	if f.old > 0 {
		f.old--
	}
}

// end clears the rows left over from last time and returns the frame.
func (f *frame) end() string {
	if f.old > 0 {
		f.b.WriteString(strings.Repeat("\x1b[2K\n", f.old))
		fmt.Fprintf(&f.b, "\x1b[%dA", f.old)
	}
	return f.b.String()
}

func (p *Progress) drawLocked(f *frame) {
	for _, l := range p.lines {
		f.row(p.render(l))
		p.drawn++
	}
}

// render returns the line as it stands, coloured in tty mode: running
// lines in blue, failed ones in red.
func (p *Progress) render(l *liveLine) string {
	var s string
	switch {
	case strings.HasPrefix(l.key, "push/"):
		s = l.label + " " + l.text
	case l.finished:
		s = l.text
	default:
		s = fmt.Sprintf("%-9s %7s %9s  %s", l.label, fmt.Sprintf("%.1fs", time.Since(l.start).Seconds()), "", "…")
	}
	if p.width > 0 && utf8.RuneCountInString(s) >= p.width {
		// a wrapped line would take two rows, and the redraw count one
		s = string([]rune(s)[:p.width-1])
	}
	if !p.color {
		return s
	}
	switch {
	case l.failed:
		return "\x1b[31m" + s + "\x1b[0m"
	case !l.finished:
		return "\x1b[34m" + s + "\x1b[0m"
	}
	return s
}

// gauge draws a 20-cell bar for sent of total.
func gauge(sent, total int64) string {
	const cells = 20
	n := cells
	if total > 0 {
		n = int(min(sent, total) * cells / total)
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", cells-n) + "]"
}
