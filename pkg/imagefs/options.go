package imagefs

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// Default limits. They bound what one hostile layer can cost: a gzip bomb
// stops at DefaultMaxLayerBytes, a huge sparse file at its size.
const (
	DefaultMaxLayerBytes int64 = 16 << 30
	DefaultMaxTotalBytes int64 = 64 << 30
	DefaultMaxEntries          = 1 << 20
)

// Sentinel errors callers test with errors.Is.
var (
	// ErrLimit: a size or entry limit was reached; the error is a *LimitError.
	ErrLimit = errors.New("limit reached")
	// ErrDiffIDMismatch: a layer's uncompressed bytes do not hash to its diff_id.
	ErrDiffIDMismatch = errors.New("layer content does not match its diff_id")
	// ErrDigestMismatch: a file's content no longer hashes to the digest
	// recorded when the layer was read.
	ErrDigestMismatch = errors.New("file content does not match its digest")
	// ErrTooManyLinks: resolving a path followed more than MaxSymlinks links.
	ErrTooManyLinks = errors.New("too many levels of symbolic links")
	// ErrNotRegular: the path is not a regular file.
	ErrNotRegular = errors.New("not a regular file")
	// ErrNoSuchLayer: a layer count beyond the image's layers.
	ErrNoSuchLayer = errors.New("no such layer")
)

// MaxSymlinks is how many symlinks one path resolution follows, as Linux.
const MaxSymlinks = 40

// MaxPathLen bounds an entry's name and link target, as Linux's PATH_MAX;
// it keeps every path operation's cost bounded.
const MaxPathLen = 4096

// Limit names one of the reading limits.
type Limit string

// The limits, each raised by its option.
const (
	// LimitLayerBytes is WithMaxLayerBytes's.
	LimitLayerBytes Limit = "layer bytes"
	// LimitTotalBytes is WithMaxTotalBytes's.
	LimitTotalBytes Limit = "total bytes"
	// LimitEntries is WithMaxEntries's.
	LimitEntries Limit = "entries"
)

// Option returns the name of the option that raises the limit.
func (l Limit) Option() string {
	return map[Limit]string{LimitLayerBytes: "WithMaxLayerBytes", LimitTotalBytes: "WithMaxTotalBytes", LimitEntries: "WithMaxEntries"}[l]
}

// LimitError says which limit stopped reading, where, and which option
// raises it.
type LimitError struct {
	// Limit is the limit reached.
	Limit Limit
	// Max is the limit's value.
	Max int64
	// Layer is the layer's index, Path the entry being read (may be empty).
	Layer int
	Path  string
}

// Error says where the limit was reached and how to raise it.
func (e *LimitError) Error() string {
	opt := e.Limit.Option()
	s := fmt.Sprintf("layer %d", e.Layer)
	if e.Path != "" {
		s += " at " + e.Path
	}
	return fmt.Sprintf("%s: more than %d %s (raise the limit with %s)", s, e.Max, e.Limit, opt)
}

// Unwrap makes errors.Is(err, ErrLimit) true.
func (e *LimitError) Unwrap() error { return ErrLimit }

// Option configures reading and extraction.
type Option func(*config)

type config struct {
	maxLayer, maxTotal int64
	maxEntries         int
	devices, setuid    bool
	only               []string
	noDigests          bool
	noChangeLists      bool
	digestsFor         func(p string) bool
	concurrency        int
	tee                func(layer int) io.WriteCloser
}

func newConfig(opts []Option) config {
	c := config{maxLayer: DefaultMaxLayerBytes, maxTotal: DefaultMaxTotalBytes, maxEntries: DefaultMaxEntries, concurrency: 1}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithMaxLayerBytes bounds one layer: its uncompressed stream and the
// sum of its files' sizes (sparse files count their full size). Default
// DefaultMaxLayerBytes.
func WithMaxLayerBytes(n int64) Option { return func(c *config) { c.maxLayer = n } }

// WithMaxTotalBytes bounds the same two figures summed over all layers;
// it is also the most extraction writes. Default DefaultMaxTotalBytes.
func WithMaxTotalBytes(n int64) Option { return func(c *config) { c.maxTotal = n } }

// WithMaxEntries bounds the number of tar entries over all layers, and so
// the metadata held in memory. Default DefaultMaxEntries.
func WithMaxEntries(n int) Option { return func(c *config) { c.maxEntries = n } }

// WithDevices makes extraction create device nodes when the process runs
// as root. Default false: they are skipped and reported.
func WithDevices(on bool) Option { return func(c *config) { c.devices = on } }

// WithSetuid makes extraction keep setuid and setgid bits and file
// capabilities (the security.capability attribute). Default false: they
// are cleared and reported.
func WithSetuid(on bool) Option { return func(c *config) { c.setuid = on } }

// WithOnly makes extraction write only these paths (each with its
// subtree) and the directories and symlinks above them, matched against
// the paths entries are stored at. Default: everything. Symlinks are
// not followed: pass each link's resolved target too (FS.Resolve).
func WithOnly(paths ...string) Option {
	return func(c *config) {
		for _, p := range paths {
			c.only = append(c.only, cleanRel(p))
		}
	}
}

// WithFileDigests makes reading hash each regular file's content into
// Entry.Digest. Default true. Without them reading hashes only each
// layer's stream (its diff_id), Entry.Digest is zero, and FS.Open checks
// what it streams by reading the rest of the file's layer and comparing
// its diff_id.
func WithFileDigests(on bool) Option { return func(c *config) { c.noDigests = !on } }

// WithChangeLists makes an FS list each layer's changes in
// Layer.Changes. Default true. Without them Layer.Changes is nil and only
// their numbers (Layer.Added, Layer.Changed, Layer.Removed) are kept:
// the memory of one Change per entry is spared when only they are shown.
func WithChangeLists(on bool) Option { return func(c *config) { c.noChangeLists = !on } }

// WithFileDigestsFor makes reading without file digests
// (WithFileDigests(false)) still hash the content of the regular files
// whose root-relative path match accepts, into Entry.Digest: FS.Open
// then checks such a file by its digest and stops at its end, instead of
// reading the rest of its layer. Default: none.
func WithFileDigestsFor(match func(p string) bool) Option {
	return func(c *config) { c.digestsFor = match }
}

// WithConcurrency makes ReadLayers read up to n layers at once, each on
// its own goroutine; the tree is still merged bottom first and the result
// is the same. When a total limit (WithMaxTotalBytes, WithMaxEntries) is
// reached, the layer its error names is one of those being read. Default
// 1; n < 1 means 1.
func WithConcurrency(n int) Option { return func(c *config) { c.concurrency = max(n, 1) } }

// WithStreamTee makes ReadLayers write the uncompressed stream of layer
// i, as it reads it, to tee(i), and close it once the stream ended
// (whether or not it read well); a nil writer skips the layer. An error
// from Write or Close fails the read. With WithConcurrency, tee is called
// from several goroutines, and each writer is used by one. Default: none.
func WithStreamTee(tee func(layer int) io.WriteCloser) Option {
	return func(c *config) { c.tee = tee }
}

// budget counts bytes and entries against the limits across layers; the
// layers may be read concurrently.
type budget struct {
	cfg                 *config
	total, totalContent atomic.Int64
	entries             atomic.Int64
}
