package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/leve-build/leve/internal/atomicfile"
	"github.com/leve-build/leve/internal/report"
	"github.com/leve-build/leve/pkg/exe"
	"github.com/leve-build/leve/pkg/inspect"
	"github.com/leve-build/leve/pkg/pull"
	"github.com/leve-build/leve/pkg/regopts"
)

// inspectSlim, when set (by tests), replaces slimForInspect, which fills
// the "what leve would ship instead" figures of leve inspect.
var inspectSlim inspect.SlimFunc

// errGate is wrapped by the error of a failed inspect gate.
var errGate = errors.New("gate failed")

// diveCIFile is the file --ci-config reads when given no name, as dive does.
const diveCIFile = ".dive-ci"

type inspectOptions struct {
	platform      string
	json          bool
	html          string
	format        string
	maxSize       string
	maxWaste      string
	minEfficiency string
	ciConfig      string
	insecure      bool
	noSlim        bool
	registryCAs   []string
}

func newInspectCmd() *cobra.Command {
	var o inspectOptions
	cmd := &cobra.Command{
		Use:   "inspect [flags] IMAGE",
		Short: "Show where an image's bytes go: layers, waste, and the program it runs",
		Long: `Inspect reads an image, with no daemon needed, and shows per layer its digest,
media type, command, compressed and uncompressed size and the files it adds,
changes and removes; the image's disk waste (bytes stored that the final file
system does not show), pull waste (compressed bytes a pull fetches for them;
a layer repeating an earlier blob is fetched once) and efficiency; and the
program its entrypoint runs, resolved through the shell form, WorkingDir and
PATH, with leve's analysis when it is a Go executable (stripped or not, what
stripping and packing would save, what it needs) and its interpreter and
libraries when it is dynamic. It slims the image as leve slim does, shipping
nowhere, to say what leve would ship instead (--no-slim skips it).
docs/inspect.md defines every figure.

IMAGE is any source leve reads (docs/images.md): oci:DIR[:TAG],
oci-archive:FILE, docker-archive:FILE, docker:NAME, podman:NAME, a registry
reference or a path. Sources holding layers uncompressed (docker-archive,
docker:) get estimated compressed sizes, marked "~" and "estimated".

--max-size, --max-waste and --min-efficiency, or the rules of a dive .dive-ci
file with --ci-config [FILE], make it a CI gate: exit status 1 naming the
failing rule. Without one of them it never fails on the figures.`,
		Example: `  leve inspect docker-archive:app.tar
  leve inspect --json oci:./out:latest > inspect.json
  leve inspect --html inspect.html --format markdown registry.example/app:1.0
  leve inspect --max-waste 1MB --min-efficiency 95% docker:app-go:1.0
  leve inspect --ci-config docker-archive:app.tar   # dive's .dive-ci rules`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("inspect takes one IMAGE, got %d arguments; e.g. leve inspect docker-archive:app.tar", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runInspect(cmd, o, args[0]) },
	}
	f := cmd.Flags()
	f.StringVar(&o.platform, "platform", "", "the image of an index to inspect, os/arch[/variant] (default: the only one, or the host's)")
	f.BoolVar(&o.json, "json", false, "print the report as JSON (schema leve.inspect/v1); same as --format json")
	f.StringVar(&o.html, "html", "", "also write a self-contained HTML page of the report to `FILE`")
	f.StringVar(&o.format, "format", "text", "report format: text, json or markdown")
	f.StringVar(&o.maxSize, "max-size", "", "fail when the image's pull size is over `SIZE` (e.g. 10MB)")
	f.StringVar(&o.maxWaste, "max-waste", "", "fail when the disk waste is over `SIZE` (e.g. 1MB) or over a share of the stored bytes (e.g. 5%)")
	f.StringVar(&o.minEfficiency, "min-efficiency", "", "fail when the efficiency is under `RATIO` (0.95 or 95%)")
	f.StringVar(&o.ciConfig, "ci-config", "", "apply the rules of a dive CI `FILE` (default .dive-ci)")
	f.Lookup("ci-config").NoOptDefVal = diveCIFile
	f.BoolVar(&o.insecure, "insecure", false, "for a registry IMAGE: allow plain HTTP and skip TLS certificate verification")
	f.BoolVar(&o.noSlim, "no-slim", false, "do not slim the image to say what leve would ship instead")
	f.StringArrayVar(&o.registryCAs, "registry-ca", nil, "PEM file of a CA to trust for a registry IMAGE, besides the system roots (repeatable)")
	return cmd
}

// gate is one CI rule: its name as the user wrote it and its check.
type gate struct {
	rule  string
	check func(r *inspect.Result) (ok bool, got string)
}

func runInspect(cmd *cobra.Command, o inspectOptions, ref string) (err error) {
	if o.json {
		o.format = "json"
	}
	switch o.format {
	case "text", "json", "markdown":
	default:
		return usageError{fmt.Errorf("--format %q is not one leve writes; use text, json or markdown", o.format)}
	}
	var plat *v1.Platform
	if o.platform != "" {
		if plat, err = v1.ParsePlatform(o.platform); err != nil {
			return usageError{fmt.Errorf("--platform %q: %w; write os/arch[/variant], e.g. linux/amd64", o.platform, err)}
		}
	}
	gates, err := inspectGates(o)
	if err != nil {
		return err
	}
	inspectGC()
	ctx := cmd.Context()
	src, err := pull.Open(ctx, ref, pull.Options{Registry: regopts.Options{Insecure: o.insecure, CAFiles: o.registryCAs}})
	if err != nil {
		return err
	}
	if src != nil {
		defer src.Close()
	}
	slim := inspectSlim
	if slim == nil && !o.noSlim {
		slim = slimForInspect(regopts.Options{Insecure: o.insecure, CAFiles: o.registryCAs})
	}
	r, err := inspect.Inspect(ctx, src, inspect.Options{Platform: plat, Slim: slim, Treemap: o.html != ""})
	if err != nil {
		return err
	}
	if o.html != "" {
		if err := atomicfile.Create(o.html, 0o644, func(w io.Writer) error { return report.InspectHTML(w, r) }); err != nil {
			return fmt.Errorf("writing the HTML report %s: %w", o.html, err)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", o.html)
	}
	out := cmd.OutOrStdout()
	switch o.format {
	case "json":
		err = report.JSON(out, r)
	case "markdown":
		err = report.InspectMarkdown(out, r)
	default:
		err = report.InspectText(out, r)
	}
	if err != nil {
		return err
	}
	var failed []string
	for _, g := range gates {
		if ok, got := g.check(r); !ok {
			failed = append(failed, g.rule+": "+got)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %s", errGate, strings.Join(failed, "; "))
	}
	if len(gates) > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "gates passed: %d rules\n", len(gates))
	}
	return nil
}

// inspectGC sets the collector's heap growth target to a quarter of the
// default (GOGC=25) for leve inspect, whose heap is mostly the merged
// tree, live to the end and allocated once: on the 1.19 GB archive of
// its benchmark, a peak RSS about 4 MiB lower than with GOGC=50 (39 MiB)
// for about 0.1 s more CPU time. GOGC, when set, wins.
func inspectGC() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(25)
	}
}

// inspectGates reads the gate flags and the dive CI file into rules.
func inspectGates(o inspectOptions) ([]gate, error) {
	var gates []gate
	if o.maxSize != "" {
		n, err := exe.ParseSize(o.maxSize)
		if err != nil {
			return nil, usageError{fmt.Errorf("--max-size %q: %w; write a size such as 10MB", o.maxSize, err)}
		}
		gates = append(gates, gate{"--max-size " + o.maxSize, func(r *inspect.Result) (bool, string) {
			return r.Totals.PullSize <= n, fmt.Sprintf("pull size %s (%d B) is over %d B", exe.FormatSize(r.Totals.PullSize), r.Totals.PullSize, n)
		}})
	}
	if o.maxWaste != "" {
		if p, ok := strings.CutSuffix(o.maxWaste, "%"); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || f < 0 {
				return nil, usageError{fmt.Errorf("--max-waste %q is not a share; write e.g. 5%%, or a size such as 1MB", o.maxWaste)}
			}
			gates = append(gates, gate{"--max-waste " + o.maxWaste, func(r *inspect.Result) (bool, string) {
				share := 0.0
				if r.Waste.StoredBytes > 0 {
					share = float64(r.Waste.DiskBytes) / float64(r.Waste.StoredBytes)
				}
				return share*100 <= f, fmt.Sprintf("disk waste %s is %.1f %% of the %s stored", exe.FormatSize(r.Waste.DiskBytes), share*100, exe.FormatSize(r.Waste.StoredBytes))
			}})
		} else {
			n, err := exe.ParseSize(o.maxWaste)
			if err != nil {
				return nil, usageError{fmt.Errorf("--max-waste %q: %w; write a size such as 1MB or a share such as 5%%", o.maxWaste, err)}
			}
			gates = append(gates, gate{"--max-waste " + o.maxWaste, func(r *inspect.Result) (bool, string) {
				return r.Waste.DiskBytes <= n, fmt.Sprintf("disk waste %s (%d B) is over %d B", exe.FormatSize(r.Waste.DiskBytes), r.Waste.DiskBytes, n)
			}})
		}
	}
	if o.minEfficiency != "" {
		e, err := parseRatio(o.minEfficiency)
		if err != nil {
			return nil, usageError{fmt.Errorf("--min-efficiency %q: %w", o.minEfficiency, err)}
		}
		gates = append(gates, gate{"--min-efficiency " + o.minEfficiency, func(r *inspect.Result) (bool, string) {
			return r.Waste.Efficiency >= e, "efficiency " + report.EfficiencyString(r.Waste.Efficiency)
		}})
	}
	if o.ciConfig != "" {
		dg, err := diveGates(o.ciConfig)
		if err != nil {
			return nil, err
		}
		gates = append(gates, dg...)
	}
	return gates, nil
}

// parseRatio reads "0.95" or "95%" as 0.95.
func parseRatio(s string) (float64, error) {
	p, pct := strings.CutSuffix(strings.TrimSpace(s), "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
	if err == nil && pct {
		f /= 100
	}
	if err != nil || f < 0 || f > 1 {
		return 0, fmt.Errorf("not a ratio; write one between 0 and 1 (0.95) or a percentage (95%%)")
	}
	return f, nil
}

// diveGates reads the rules of a dive CI file: rules.lowestEfficiency (a
// ratio), rules.highestWastedBytes (a size) and
// rules.highestUserWastedPercent (a ratio of the bytes above the base
// layer), each possibly "disabled". Dive's waste is read as leve's disk
// waste.
func diveGates(file string) ([]gate, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading the dive CI rules: %w; name the file with --ci-config FILE", err)
	}
	var doc struct {
		Rules map[string]yaml.Node `yaml:"rules"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading the dive CI rules %s: %w", file, err)
	}
	var gates []gate
	keys := make([]string, 0, len(doc.Rules))
	for k := range doc.Rules {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		node := doc.Rules[key]
		v := strings.TrimSpace(node.Value)
		if node.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("%s: rules.%s is not a value; write a number or \"disabled\"", file, key)
		}
		if strings.EqualFold(v, "disabled") || v == "" {
			continue
		}
		rule := fmt.Sprintf("%s rules.%s %s", file, key, v)
		switch key {
		case "lowestEfficiency":
			e, err := parseRatio(v)
			if err != nil {
				return nil, fmt.Errorf("%s: rules.lowestEfficiency %q: %w", file, v, err)
			}
			gates = append(gates, gate{rule, func(r *inspect.Result) (bool, string) {
				return r.Waste.Efficiency >= e, "efficiency " + report.EfficiencyString(r.Waste.Efficiency)
			}})
		case "highestWastedBytes":
			n, err := exe.ParseSize(v)
			if err != nil {
				return nil, fmt.Errorf("%s: rules.highestWastedBytes %q: %w", file, v, err)
			}
			gates = append(gates, gate{rule, func(r *inspect.Result) (bool, string) {
				return r.Waste.DiskBytes <= n, fmt.Sprintf("disk waste %s (%d B)", exe.FormatSize(r.Waste.DiskBytes), r.Waste.DiskBytes)
			}})
		case "highestUserWastedPercent":
			p, err := parseRatio(v)
			if err != nil {
				return nil, fmt.Errorf("%s: rules.highestUserWastedPercent %q: %w", file, v, err)
			}
			gates = append(gates, gate{rule, func(r *inspect.Result) (bool, string) {
				share := userWasted(r)
				return share <= p, fmt.Sprintf("disk waste is %.1f %% of the bytes above the base layer", 100*share)
			}})
		default:
			return nil, fmt.Errorf("%s: rules.%s is not a rule dive or leve knows; use lowestEfficiency, highestWastedBytes or highestUserWastedPercent", file, key)
		}
	}
	return gates, nil
}

// userWasted is the disk waste as a share of the layers above the first,
// as dive's highestUserWastedPercent measures it; 0 when they hold nothing.
func userWasted(r *inspect.Result) float64 {
	var user int64
	for _, l := range r.Layers[min(1, len(r.Layers)):] {
		user += l.ContentBytes
	}
	if user <= 0 {
		return 0
	}
	return float64(r.Waste.DiskBytes) / float64(user)
}
