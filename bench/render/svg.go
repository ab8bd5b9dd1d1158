package render

import (
	"bytes"
	"fmt"
	"html"

	"github.com/leve-build/leve/bench/benchrec"
)

// series is one method in the chart: a legend label, a color and the
// record key of each bar (with %s for the app where it applies).
type series struct {
	label, color, key string
}

// pullSeries are the methods of the pull-size panel.
var pullSeries = []series{
	{"leve (default)", "#1b7a3d", "pull.bench.ExamplePullSizes:%s-gzip-default-B"},
	{"leve --pack", "#57b36b", "pull.bench.ExamplePullSizes:%s-pack-B"},
	{"leve --compression zstd --level max", "#9fd4a3", "pull.bench.ExamplePullSizes:%s-zstd-max-B"},
	{"ko v0.19.1 (defaults)", "#d9622b", "pull.bench.ExamplePullSizes:%s-ko-B"},
	{"ko v0.19.1 -ldflags=-s -w", "#f0a36b", "pull.bench.ExamplePullSizes:%s-ko-sw-B"},
	{"Dockerfile FROM scratch", "#8a8f98", "pull.bench.ExamplePullSizes:%s-scratch-B"},
}

// chartApps are the example apps of the pull-size panel.
var chartApps = []string{"hello", "api", "cli", "dbclient", "cgo"}

// buildSeries are the methods of the build-time panel (%s: cpu1 or cpu2).
var buildSeries = []series{
	{"leve (default)", "#1b7a3d", "cold.bench.ManyApps:%s-several-s"},
	{"leve --level fast", "#57b36b", "cold.bench.ManyApps:%s-fast-s"},
	{"leve --level max", "#9fd4a3", "cold.bench.ManyApps:%s-max-s"},
	{"ko v0.19.1", "#d9622b", "cold.bench.ManyApps:%s-ko-s"},
}

// Chart draws docs/bench.svg: the pull size of every example per method
// (bars scaled per app) and the build time of the five apps × two
// platforms per method on one and two cores, from the pull and cold
// suites of res. A record that is missing leaves its bar out.
func Chart(res *benchrec.Results) ([]byte, error) {
	const (
		width            = 820
		labelW           = 250 // left column: app or method names
		barMax           = 440
		barH, gap, group = 13, 3, 14
	)
	num := func(key string) (float64, bool) {
		v, ok := res.Lookup(key)
		f, isNum := v.(float64)
		return f, ok && isNum
	}
	var body bytes.Buffer
	y := 30
	text := func(x, y int, anchor, weight, s string) {
		fmt.Fprintf(&body, `<text x="%d" y="%d" text-anchor="%s" font-weight="%s">%s</text>`+"\n", x, y, anchor, weight, html.EscapeString(s))
	}
	bar := func(y int, w float64, color, value string) {
		fmt.Fprintf(&body, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", labelW, y, w, barH, color)
		text(labelW+int(w)+6, y+barH-2, "start", "normal", value)
	}
	text(10, y, "start", "bold", "Pull size per example (manifest + config + compressed layers, linux/amd64; bars scaled per app)")
	y += 14
	for i, s := range pullSeries {
		x := 10 + (i%3)*270
		if i > 0 && i%3 == 0 {
			y += 16
		}
		fmt.Fprintf(&body, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", x, y, s.color)
		text(x+18, y+10, "start", "normal", s.label)
	}
	y += 28
	for _, app := range chartApps {
		var vals []float64
		var max float64
		for _, s := range pullSeries {
			v, _ := num(fmt.Sprintf(s.key, app))
			vals = append(vals, v)
			if v > max {
				max = v
			}
		}
		if max == 0 {
			continue
		}
		n := 0
		for _, v := range vals {
			if v > 0 {
				n++
			}
		}
		text(labelW-10, y+(n*(barH+gap))/2+4, "end", "bold", app)
		for i, v := range vals {
			if v == 0 {
				continue
			}
			bar(y, barMax*v/max, pullSeries[i].color, comma(v)+" B")
			y += barH + gap
		}
		y += group
	}
	y += 4
	text(10, y, "start", "normal", "cgo: the ko and FROM scratch images hold the dynamic binary without its loader and libc, and do not run.")
	y += 30
	text(10, y, "start", "bold", "Build time: 5 apps × 2 platforms, warm Go build cache, no leve cache (seconds, one run)")
	y += 22
	var max float64
	for _, s := range buildSeries {
		for _, c := range []string{"cpu1", "cpu2"} {
			if v, ok := num(fmt.Sprintf(s.key, c)); ok && v > max {
				max = v
			}
		}
	}
	if max > 0 {
		for _, c := range []struct{ id, label string }{{"cpu1", "one core (taskset -c 0)"}, {"cpu2", "two cores"}} {
			text(labelW, y+4, "start", "bold", c.label)
			y += 10
			for _, s := range buildSeries {
				v, ok := num(fmt.Sprintf(s.key, c.id))
				if !ok {
					continue
				}
				text(labelW-10, y+barH-2, "end", "normal", s.label)
				bar(y, barMax*v/max, s.color, fixed(1, v)+" s")
				y += barH + gap
			}
			y += group
		}
	}
	y += 6
	var out bytes.Buffer
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, y, width, y)
	fmt.Fprintf(&out, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, y)
	out.Write(body.Bytes())
	out.WriteString("</svg>\n")
	return out.Bytes(), nil
}
