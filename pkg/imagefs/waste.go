package imagefs

import "sort"

// Waste is the image's disk and pull waste; see the package doc for the
// definitions. Every stored copy of a file is counted once.
type Waste struct {
	// StoredBytes is the content bytes of all layers (each layer counted,
	// repeats included: that is what a disk stores).
	StoredBytes int64
	// DiskBytes is the content bytes stored in layers that the final file
	// system does not show.
	DiskBytes int64
	// PullBytes is the uncompressed content bytes of the fetched blobs
	// (each diff_id once) that no layer using the blob shows.
	PullBytes int64
	// Paths lists the paths with disk waste, largest first.
	Paths []PathWaste
}

// PathWaste is the disk waste of one path.
type PathWaste struct {
	// Path is root-relative.
	Path string
	// Bytes is the wasted content bytes; Copies the number of hidden copies.
	Bytes  int64
	Copies int
}

// Efficiency is 1 − DiskBytes/StoredBytes, and 1 for an image that
// stores nothing (an empty or an all-directories image).
func (w Waste) Efficiency() float64 {
	if w.StoredBytes == 0 {
		return 1
	}
	return 1 - float64(w.DiskBytes)/float64(w.StoredBytes)
}

// account fills the layers' waste fields from the final tree.
func account(root *node, layers []*Layer) Waste {
	for _, l := range layers {
		for i := range l.Len() {
			l.recs.at(i).Visible = false
		}
	}
	// For an entry storing content (Size > 0, a regular file), Visible
	// says exactly that a node shows the copy: its own or a hard link's.
	eachNode(root, func(n *node) {
		if n.ref != noCopy {
			layers[n.ref.layer].recs.at(int(n.ref.index)).Visible = true
		}
		if n.src != noCopy {
			layers[n.src.layer].recs.at(int(n.src.index)).Visible = true
		}
	})
	var w Waste
	// One record per hidden copy, merged per path below: no map and no
	// record per path beside them, in a slice of the exact length.
	hidden := 0
	for _, l := range layers {
		for i := range l.Len() {
			if e := l.recs.at(i); e.Size > 0 && !e.Visible {
				hidden++
			}
		}
	}
	paths := make([]PathWaste, 0, hidden)
	first := map[string]int{}
	for _, l := range layers {
		l.WastedBytes, l.PullWastedBytes, l.SameAs = 0, 0, -1
		if f, ok := first[l.DiffID.String()]; ok && layers[f].Len() == l.Len() {
			l.SameAs = f
		} else {
			first[l.DiffID.String()] = l.Index
		}
		for i := range l.Len() {
			e := l.recs.at(i)
			w.StoredBytes += e.Size
			if e.Size == 0 || e.Visible {
				continue
			}
			l.WastedBytes += e.Size
			paths = append(paths, PathWaste{Path: e.Path, Bytes: e.Size, Copies: 1})
		}
		w.DiskBytes += l.WastedBytes
	}
	for _, l := range layers {
		if l.SameAs >= 0 {
			continue
		}
		for i := range l.Len() {
			e := l.recs.at(i)
			if e.Size == 0 || shownByAny(layers, l.Index, i) {
				continue
			}
			l.PullWastedBytes += e.Size
		}
		w.PullBytes += l.PullWastedBytes
	}
	w.Paths = mergePaths(paths)
	sort.Slice(w.Paths, func(i, j int) bool {
		if w.Paths[i].Bytes != w.Paths[j].Bytes {
			return w.Paths[i].Bytes > w.Paths[j].Bytes
		}
		return w.Paths[i].Path < w.Paths[j].Path
	})
	return w
}

// mergePaths adds up the records of the same path, in place.
func mergePaths(ps []PathWaste) []PathWaste {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Path < ps[j].Path })
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].Path == p.Path {
			out[n-1].Bytes += p.Bytes
			out[n-1].Copies += p.Copies
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// shownByAny reports whether entry i of the blob first read as layer f is
// visible through f or any later layer with the same blob.
func shownByAny(layers []*Layer, f, i int) bool {
	if layers[f].recs.at(i).Visible {
		return true
	}
	for _, l := range layers[f+1:] {
		if l.SameAs == f && l.recs.at(i).Visible {
			return true
		}
	}
	return false
}

// PullWaste estimates, from the layer's compressed (blob) size, the
// compressed bytes a pull fetches for content no layer shows: 0 for a
// layer whose blob an earlier layer already fetched (SameAs >= 0) or
// that wastes nothing, the whole blob when all its content is hidden,
// else compressedSize × PullWastedBytes / Size, rounded down.
func (l *Layer) PullWaste(compressedSize int64) int64 {
	switch {
	case l.SameAs >= 0 || l.PullWastedBytes <= 0 || l.Size <= 0 || compressedSize <= 0:
		return 0
	case l.PullWastedBytes >= l.ContentBytes:
		return compressedSize
	}
	w := int64(float64(compressedSize) * float64(l.PullWastedBytes) / float64(l.Size))
	return min(w, compressedSize)
}
