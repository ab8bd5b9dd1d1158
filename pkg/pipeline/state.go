package pipeline

// The stages of a platform's build hand typed values to the next one (the
// package, the analysis, the files chosen, the image); the platform's
// ImageReport is derived from them in one place, fill, and never read
// back.

// imageDesc is the assembled image's manifest, config and layers, as the
// report gives them.
type imageDesc struct {
	digest           string
	manifest, config BlobReport
	pullSize         int64
	layers           []BlobReport
}

// into writes the description into r.
func (d *imageDesc) into(r *ImageReport) {
	r.Digest, r.Manifest, r.Config, r.PullSize, r.Layers = d.digest, d.manifest, d.config, d.pullSize, d.layers
}

// name is the binary's name, known once the compile stage resolved the
// package.
func (b *builder) name() string { return b.bin.Package.Name }

// appPath is where the binary goes in the image.
func (b *builder) appPath() string { return AppDir + "/" + b.name() }

// need returns the analysis' evidence of a run-time need, and whether the
// binary has it.
func (b *builder) need(kind string) ([]string, bool) {
	for _, n := range b.facts.rep.Needs {
		if n.Kind == kind {
			return n.Evidence, true
		}
	}
	return nil, false
}

// fill derives the platform's report from what the stages have handed on
// so far. run calls it after each stage, ended well or not.
func (b *builder) fill() {
	r := b.rep
	r.Platform = b.platform.String()
	r.Binary = b.binaryReport()
	r.Files = b.files
	r.Warnings = b.warnings
	r.Stages = b.stages
	r.SBOM = b.sbomDesc
	if b.desc != nil {
		b.desc.into(r)
	}
}

// binaryReport describes the binary as far as the stages have gone: none
// before the compile stage, the package and linked size after it, the
// analysis after the read stage, the shipped size after optimize.
func (b *builder) binaryReport() BinaryReport {
	pkg := b.bin.Package
	if pkg.Name == "" {
		return BinaryReport{}
	}
	br := BinaryReport{
		Name: pkg.Name, Path: b.appPath(), Package: pkg.ImportPath, Module: pkg.Module, SizeBefore: b.bin.Size,
		Stripped: b.stripped, Packed: b.packed, SizeAfter: b.sizeAfter,
	}
	if b.facts == nil {
		return br
	}
	r := b.facts.rep
	br.GoVersion, br.Static = r.GoVersion, r.Linking.Static
	br.Needs = needsOf(r)
	for i := range br.Needs {
		br.Needs[i].InImage = b.provided[br.Needs[i].Kind]
	}
	br.TopPackages = topPackages(r, 5)
	br.Attributed = r.Coverage.Attributed()
	br.Suggestions = suggestionsOf(r)
	return br
}
