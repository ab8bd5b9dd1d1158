package cli

import "github.com/leve-build/leve/pkg/pipeline"

// compiler is the Compiler of every build the commands run; nil means
// pipeline.GoCompiler. Only tests set it, to build without a toolchain.
var compiler pipeline.Compiler
