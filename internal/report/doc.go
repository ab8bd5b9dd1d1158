// Package report renders leve's results for people (aligned text) and for
// programs (JSON) to an io.Writer. Renderers never decide anything: they
// only format what a library returned.
package report
