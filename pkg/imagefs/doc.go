// Package imagefs reads an image's layers as file trees: per-layer
// entries and changes, the merged tree with OCI whiteouts and opaque
// directories applied, waste accounting, lookups that resolve symlinks
// inside the image root, and safe extraction into a directory.
//
// # Layers and the merged tree
//
// ReadLayer streams one uncompressed layer tar (callers decompress) and
// returns each entry's metadata: the path cleaned relative to the root,
// type, mode, owners, size, link target and, for regular files, the
// sha256 of the content computed while it streamed. Contents are never
// held in memory.
//
// ReadLayers (and Read, for a v1.Image) merges the layers bottom first
// following the OCI image-spec layer format: in each layer, whiteouts
// (".wh.NAME") and opaque markers (".wh..wh..opq") apply to the lower
// layers only, so a layer's own entries are never hidden by its own
// markers, whatever their order in the tar; a whiteout of a directory
// removes its subtree; an opaque directory hides its lower children and
// keeps its own. An entry replaces a lower one at its path, except that a
// directory over a directory keeps the lower children. Parents are
// resolved through symlinks inside the root, as extraction does; missing
// ones are created (mode 0755) and a non-directory in the way is replaced
// by a directory. A hard link names a file met before it, earlier in its
// layer or below. Each layer's Changes list
// the paths it adds (not present below), changes (present below and
// stored again, even with identical content) and removes; each Entry says
// whether the final file system shows it; UpTo gives the tree as it
// stands after any layer. Each layer's stream is checked against its
// diff_id once: by the layer itself when it is a DiffIDVerifier (pkg/pull's
// layers are), else by hashing it here. With WithConcurrency the layers
// are read in parallel and each is merged as soon as those below it are.
//
// # Waste
//
// A stored copy is one entry of one layer. A copy is shown when the final
// tree's entry at its path is that copy (or a hard link to it).
//
//   - Disk waste (Waste.DiskBytes, Layer.WastedBytes) is the sum of the
//     content sizes of the stored copies that are not shown: overwritten
//     copies, deleted files, and copies re-stored only to change mode or
//     owner (a file re-added with identical bytes and a new mode leaves its
//     earlier copy as waste). Each copy is counted once, in the layer
//     that stores it; per path (Waste.Paths), the sizes of its hidden
//     copies are added. A layer that repeats an earlier layer's blob is
//     stored again on disk and counted again.
//   - Pull waste is about blobs: a pull fetches each diff_id once, so a
//     layer identical by diff_id to an earlier one (Layer.SameAs >= 0) has
//     pull waste 0, and a copy of the first such layer counts as pull
//     waste only when no layer using the blob shows it
//     (Layer.PullWastedBytes, Waste.PullBytes, uncompressed bytes).
//     Layer.PullWaste turns it into compressed bytes from the blob's
//     size: for a fetched layer, compressed size × PullWastedBytes / Size
//     (its uncompressed stream size), and the whole blob when none of its
//     content is shown.
//   - Efficiency is 1 − DiskBytes/StoredBytes, 1 when nothing is stored.
//
// On the seed image (layer 1 adds app.go mode 0644, layer 2 "RUN chmod
// -R 755" re-adds the same bytes mode 0755 in a byte-identical layer),
// disk waste is exactly the first copy's size and pull waste is 0.
//
// # Lookups
//
// Lstat, Stat, Resolve and LookPath work on the final tree; symlinks are
// followed with the image root as "/" and ".." stopping at the root, at
// most MaxSymlinks of them. Open streams one file from the layer holding
// its final copy and checks its digest. Closure lists what to extract
// (WithOnly) so that chosen paths, such as a binary's ELF interpreter and
// libraries, still resolve: the links on the way and their targets.
//
// # Safe extraction and hostile layers
//
// Extract and ExtractLayers never write outside the target directory:
// names with ".." that climb above the root are skipped, absolute names
// are taken relative to the root, parents are resolved inside the root,
// files are created with O_NOFOLLOW|O_EXCL after removing what was there,
// hard links must name an existing regular file inside the root, device
// nodes are skipped unless WithDevices and root, setuid and setgid bits
// and file capabilities are cleared unless WithSetuid, other extended
// attributes are set where the file system takes them, and duplicate
// entries follow "last wins". Every such case is a Finding; none is a panic or an error.
// WithOnly extracts chosen paths only.
//
// # Bounds
//
// WithMaxLayerBytes and WithMaxTotalBytes bound, per layer and in total,
// both the uncompressed stream (a gzip bomb stops there) and the sum of
// file sizes (a huge sparse file stops before it is read), and so what
// extraction writes; WithMaxEntries bounds the entries, and MaxPathLen
// each name and link target. Memory is
// O(entries), never file contents: an FS keeps about 225 bytes per entry
// of every layer, its path and file digest included, and about 150
// without file digests and change lists (both tested), plus longer paths,
// link targets and extended attributes; a tar header is bounded by
// archive/tar (1 MiB of PAX records). With DefaultMaxEntries (1,048,576)
// that is at most about 225 MiB.
package imagefs
