// Package span records where a run spends its time: named, timed spans
// on lanes (one per target and platform), kept in memory by a [Recorder]
// carried in a context and written as Chrome trace-event JSON, which
// Perfetto (ui.perfetto.dev) and chrome://tracing draw as a timeline.
//
// Without a Recorder in the context, [Start] costs one context lookup and
// records nothing. The CLI sets a Recorder when LEVE_TRACE=FILE is set;
// libraries only call Start and never print.
package span
