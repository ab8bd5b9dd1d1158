package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/inspect"
)

// est marks an estimated compressed size; 0 is exact.
func est(n int64, estimated bool) string {
	if estimated && n != 0 {
		return "~" + exe.FormatSize(n)
	}
	return exe.FormatSize(n)
}

func shortDigest(d string) string {
	d = strings.TrimPrefix(d, "sha256:")
	if len(d) > 12 {
		d = d[:12]
	}
	return d
}

func layerDigest(l inspect.Layer) string {
	if l.Digest != "" {
		return shortDigest(l.Digest)
	}
	return shortDigest(l.DiffID) + "*"
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimPrefix(s, "/bin/sh -c "), "#(nop) ")), " ")
	if len(s) > n {
		s = s[:n-1] + "…"
	}
	return s
}

// EfficiencyString formats an efficiency as a percentage with one decimal.
func EfficiencyString(e float64) string { return fmt.Sprintf("%.1f %%", 100*e) }

// InspectText writes the text report of an inspection: a header, the layer
// table, the waste and the entrypoint. Estimated sizes are marked "~".
func InspectText(w io.Writer, r *inspect.Result) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%s (%s): %d layers, pull %s, disk %s, %d files\n\n", r.Image, r.Platform, r.Totals.Layers,
		est(r.Totals.PullSize, r.Totals.Estimated), exe.FormatSize(r.Totals.Size), r.Totals.Files)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "#\tdigest\tcompressed\tsize\t+added\t~changed\t-removed\tdisk waste\tpull waste\t created by")
	for _, l := range r.Layers {
		d := layerDigest(l)
		if l.RepeatOf >= 0 {
			d += fmt.Sprintf(" =%d", l.RepeatOf)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t %s\n", l.Index, d, est(l.CompressedSize, l.Estimated), exe.FormatSize(l.Size),
			l.Added, l.Changed, l.Removed, exe.FormatSize(l.DiskWaste), exe.FormatSize(l.PullWaste), oneLine(l.CreatedBy, 60))
	}
	tw.Flush()
	if r.Totals.Estimated {
		fmt.Fprintf(ew, "~ estimated: the source holds these layers uncompressed; sizes of their gzip at level 6, as docker push makes (exact to 8 MiB, sampled past it)\n")
	}
	for _, l := range r.Layers {
		if l.Digest == "" {
			fmt.Fprintf(ew, "* the source names layers by diff_id only\n")
			break
		}
	}
	fmt.Fprintf(ew, "\nwaste: disk %s (%d B), pull %s (%d B), efficiency %s\n", exe.FormatSize(r.Waste.DiskBytes), r.Waste.DiskBytes,
		est(r.Waste.PullBytes, r.Totals.Estimated), r.Waste.PullBytes, EfficiencyString(r.Waste.Efficiency))
	for _, p := range r.Waste.Paths {
		fmt.Fprintf(ew, "  %10s  %s (%d hidden cop%s)\n", exe.FormatSize(p.Bytes), p.Path, p.Copies, plural(p.Copies, "y", "ies"))
	}
	writeEntrypointText(ew, r.Entrypoint)
	if r.Slim != nil {
		fmt.Fprintf(ew, "\nleve would ship instead: pull %s, disk %s\n", exe.FormatSize(r.Slim.PullSize), exe.FormatSize(r.Slim.DiskSize))
	} else if r.SlimError != "" {
		fmt.Fprintf(ew, "\nleve cannot slim it: %s\n", r.SlimError)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(ew, "finding: %s\n", f)
	}
	return ew.err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func writeEntrypointText(w io.Writer, ep *inspect.Entrypoint) {
	if ep == nil {
		fmt.Fprintf(w, "\nentrypoint: none\n")
		return
	}
	form := "exec form"
	if ep.ShellForm {
		form = "shell form"
	}
	fmt.Fprintf(w, "\nentrypoint: %q (%s, working dir %s)\n", ep.Command, form, ep.WorkingDir)
	if ep.File != "" {
		fmt.Fprintf(w, "  runs %s, %s (%d B)", ep.File, exe.FormatSize(ep.Size), ep.Size)
		switch {
		case !ep.ELF:
			fmt.Fprintf(w, ", not an ELF executable")
		case ep.Static:
			fmt.Fprintf(w, ", static")
		default:
			found := "missing from the image"
			if ep.InterpreterFound {
				found = "in the image"
			}
			fmt.Fprintf(w, ", dynamic: interpreter %s (%s)", ep.Interpreter, found)
		}
		fmt.Fprintln(w)
		for _, l := range ep.Libraries {
			where := l.Path
			if where == "" {
				where = "not found in the image"
			}
			fmt.Fprintf(w, "  needs %s: %s\n", l.Name, where)
		}
	}
	if g := ep.Go; g != nil {
		strip := "not stripped"
		if g.Stripped {
			strip = "stripped"
		}
		fmt.Fprintf(w, "  Go %s, %s", g.GoVersion, strip)
		if g.Main != "" {
			fmt.Fprintf(w, ", main module %s", g.Main)
		}
		fmt.Fprintln(w)
		if g.StripSaves > 0 {
			fmt.Fprintf(w, "  stripping saves %s (%d B): symbol table %s, DWARF %s\n", exe.FormatSize(g.StripSaves), g.StripSaves, exe.FormatSize(g.SymtabBytes), exe.FormatSize(g.DWARFBytes))
		}
		if g.PackedSize > 0 {
			fmt.Fprintf(w, "  packing would save %s more (about %s packed)\n", exe.FormatSize(g.PackSaves), exe.FormatSize(g.PackedSize))
		}
		for _, n := range g.Needs {
			fmt.Fprintf(w, "  needs %s %s\n", n.Kind, strings.Join(n.Files, " "))
		}
	}
	if ep.Error != "" {
		fmt.Fprintf(w, "  %s\n", ep.Error)
	}
}

// InspectMarkdown writes the report as GitHub-flavoured markdown, for a
// pull-request comment.
func InspectMarkdown(w io.Writer, r *inspect.Result) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "### `%s` (%s)\n\n", r.Image, r.Platform)
	fmt.Fprintf(ew, "**pull %s**, disk %s, %d layers, %d files · **disk waste %s**, pull waste %s, efficiency %s\n\n",
		est(r.Totals.PullSize, r.Totals.Estimated), exe.FormatSize(r.Totals.Size), r.Totals.Layers, r.Totals.Files,
		exe.FormatSize(r.Waste.DiskBytes), est(r.Waste.PullBytes, r.Totals.Estimated), EfficiencyString(r.Waste.Efficiency))
	fmt.Fprintln(ew, "| # | digest | compressed | size | added | changed | removed | disk waste | pull waste | created by |")
	fmt.Fprintln(ew, "|--:|---|--:|--:|--:|--:|--:|--:|--:|---|")
	for _, l := range r.Layers {
		d := "`" + layerDigest(l) + "`"
		if l.RepeatOf >= 0 {
			d += fmt.Sprintf(" (= %d)", l.RepeatOf)
		}
		fmt.Fprintf(ew, "| %d | %s | %s | %s | %d | %d | %d | %s | %s | `%s` |\n", l.Index, d, est(l.CompressedSize, l.Estimated), exe.FormatSize(l.Size),
			l.Added, l.Changed, l.Removed, exe.FormatSize(l.DiskWaste), exe.FormatSize(l.PullWaste), strings.ReplaceAll(oneLine(l.CreatedBy, 60), "|", `\|`))
	}
	if r.Totals.Estimated {
		fmt.Fprintln(ew, "\n~ estimated (the source holds the layers uncompressed; gzip at docker push's level, exact to 8 MiB, sampled past it)")
	}
	if len(r.Waste.Paths) > 0 {
		fmt.Fprintln(ew, "\n| wasted | path | hidden copies |\n|--:|---|--:|")
		for _, p := range r.Waste.Paths {
			fmt.Fprintf(ew, "| %s | `%s` | %d |\n", exe.FormatSize(p.Bytes), p.Path, p.Copies)
		}
	}
	fmt.Fprintln(ew, "\n```")
	writeEntrypointText(ew, r.Entrypoint)
	fmt.Fprintln(ew, "```")
	if r.Slim != nil {
		fmt.Fprintf(ew, "\nleve would ship instead: **pull %s**, disk %s\n", exe.FormatSize(r.Slim.PullSize), exe.FormatSize(r.Slim.DiskSize))
	}
	return ew.err
}

//go:embed assets/inspect.html.tmpl
var inspectHTMLTemplate string

var inspectPage = template.Must(template.New("inspect").Funcs(template.FuncMap{
	"size": exe.FormatSize,
	"est":  est,
	"eff":  EfficiencyString,
	"line": func(s string) string { return oneLine(s, 200) },
	"dig":  layerDigest,
}).Parse(inspectHTMLTemplate))

// InspectHTML writes one self-contained page: the summary, the layer
// table, the waste, the entrypoint and, when it is a Go executable, the
// treemap of its bytes (the same as leve analyze --html draws). It loads
// nothing from the network.
func InspectHTML(w io.Writer, r *inspect.Result) error {
	var ep strings.Builder
	writeEntrypointText(&ep, r.Entrypoint)
	data := struct {
		R          *inspect.Result
		Entrypoint string
		Tree       *treeNode
		Script     template.JS
	}{R: r, Entrypoint: strings.TrimSpace(ep.String())}
	if r.Entrypoint != nil && r.Entrypoint.Go != nil && r.Entrypoint.Go.Report != nil {
		data.Tree = analysisTree(r.Entrypoint.Go.Report, r.Entrypoint.File)
		data.Script = template.JS(treemapJS)
	}
	if err := inspectPage.Execute(w, data); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

// errWriter keeps the first write error and drops later writes.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	_, e.err = e.w.Write(p)
	return len(p), nil
}
