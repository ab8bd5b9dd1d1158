// Package optimize rewrites an executable into a smaller one: Strip drops
// the symbol table and debug information the linker left behind, keeping
// every byte the program loads, so the result runs exactly as the input.
// Transforms are pure: they read the input and return new bytes.
package optimize
