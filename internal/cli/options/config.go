package options

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/modfile"
)

// ConfigFile is the name of leve's per-module configuration, at the
// module root.
const ConfigFile = "leve.yaml"

// Config is leve.yaml: defaults for every app of the module, and per-app
// settings keyed by import path or by "./dir" relative to the module root.
type Config struct {
	Defaults AppConfig            `yaml:"defaults"`
	Apps     map[string]AppConfig `yaml:"apps"`

	root, module string
}

// AppConfig holds the settings leve.yaml may give; each mirrors the
// leve build flag of the same name.
type AppConfig struct {
	Base        string            `yaml:"base"`
	Platforms   []string          `yaml:"platforms"`
	Ldflags     []string          `yaml:"ldflags"`
	Gcflags     []string          `yaml:"gcflags"`
	Tags        []string          `yaml:"tags"`
	Env         []string          `yaml:"env"`
	Labels      map[string]string `yaml:"labels"`
	Ports       []string          `yaml:"ports"`
	Add         []string          `yaml:"add"`
	User        string            `yaml:"user"`
	Compression string            `yaml:"compression"`
	Level       string            `yaml:"level"`
	SBOM        string            `yaml:"sbom"`
}

// LoadConfig reads leve.yaml at the root of the module holding dir. It
// returns nil, nil when there is no module or no leve.yaml.
func LoadConfig(dir string) (*Config, error) {
	root := dir
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return nil, nil
		}
		root = parent
	}
	b, err := os.ReadFile(filepath.Join(root, ConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", ConfigFile, err)
	}
	c := &Config{root: root}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, configError(filepath.Join(root, ConfigFile), err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err == nil {
		if p := choiceProblems(&doc); len(p) > 0 {
			return nil, configProblems(filepath.Join(root, ConfigFile), p)
		}
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	c.module = modfile.ModulePath(gomod)
	return c, nil
}

// app returns the settings for a target: a directory or an import path.
func (c *Config) app(target string) AppConfig {
	keys := []string{target}
	if abs, err := filepath.Abs(target); err == nil {
		if rel, err := filepath.Rel(c.root, abs); err == nil && !strings.HasPrefix(rel, "..") {
			rel = filepath.ToSlash(rel)
			keys = append(keys, "./"+rel, path.Join(c.module, rel))
		}
	}
	if rel, ok := strings.CutPrefix(target, c.module+"/"); ok {
		keys = append(keys, "./"+rel)
	}
	for _, k := range keys {
		for key, a := range c.Apps {
			if path.Clean(key) == path.Clean(k) || key == k {
				return a
			}
		}
	}
	return AppConfig{}
}

// Apply returns b with the settings for target from leve.yaml. Flags given
// on the command line win over the app's settings, which win over the
// defaults. List settings add up, defaults first, then the app's, then the
// flags' (for env and labels a later KEY wins); scalars are replaced.
func (c *Config) Apply(b Build, flags *pflag.FlagSet, target string) Build {
	if c == nil {
		return b
	}
	out := b
	merged := mergeApp(c.Defaults, c.app(target))
	set := func(name string, dst *string, v string) {
		if v != "" && !flags.Changed(name) {
			*dst = v
		}
	}
	set("base", &out.Base, merged.Base)
	set("user", &out.User, merged.User)
	set("compression", &out.Compression, merged.Compression)
	set("level", &out.Level, merged.Level)
	set("sbom", &out.SBOM, merged.SBOM)
	if len(merged.Platforms) > 0 && !flags.Changed("platform") {
		out.Platform = strings.Join(merged.Platforms, ",")
	}
	out.Ldflags = concat(merged.Ldflags, b.Ldflags)
	out.Gcflags = concat(merged.Gcflags, b.Gcflags)
	out.Tags = concat(merged.Tags, b.Tags)
	out.Env = concat(merged.Env, b.Env)
	out.Ports = concat(merged.Ports, b.Ports)
	out.Adds = concat(merged.Add, b.Adds)
	var labels []string
	for k, v := range merged.Labels {
		labels = append(labels, k+"="+v)
	}
	out.Labels = concat(sortedStrings(labels), b.Labels)
	return out
}

// mergeApp lays app over defaults: scalars replace, lists add up.
func mergeApp(d, a AppConfig) AppConfig {
	pick := func(x, y string) string {
		if y != "" {
			return y
		}
		return x
	}
	m := AppConfig{
		Base: pick(d.Base, a.Base), User: pick(d.User, a.User), Compression: pick(d.Compression, a.Compression),
		Level: pick(d.Level, a.Level), SBOM: pick(d.SBOM, a.SBOM),
		Platforms: d.Platforms, Ldflags: concat(d.Ldflags, a.Ldflags), Gcflags: concat(d.Gcflags, a.Gcflags),
		Tags: concat(d.Tags, a.Tags), Env: concat(d.Env, a.Env), Ports: concat(d.Ports, a.Ports), Add: concat(d.Add, a.Add),
		Labels: map[string]string{},
	}
	if len(a.Platforms) > 0 {
		m.Platforms = a.Platforms
	}
	for k, v := range d.Labels {
		m.Labels[k] = v
	}
	for k, v := range a.Labels {
		m.Labels[k] = v
	}
	return m
}

func concat(a, b []string) []string {
	if len(a) == 0 {
		return b
	}
	return append(append([]string(nil), a...), b...)
}

func sortedStrings(s []string) []string {
	slices.Sort(s)
	return s
}
