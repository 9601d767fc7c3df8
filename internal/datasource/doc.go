// Package datasource answers "which versions of this chart exist" for every
// kind of chart source. It owns dispatch by source kind, the per-run memo
// that makes each source be queried once however many references use it
// (the only memo of a run), the per-source deadline, the host settings
// (mirrors, plain HTTP) and the error taxonomy. The interface the pipeline
// calls is the pipeline's own (pipeline.Lookup); *Memo satisfies it.
//
// Implementations live in subpackages (helmrepo, ocirepo); this package does
// no I/O of its own. It must not show a source URL without passing it
// through httpx.RedactURL.
package datasource
