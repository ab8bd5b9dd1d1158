// Package depcheck holds the test that keeps leve's dependencies pointing
// down: cli → pipeline → stage packages, and never back.
package depcheck
