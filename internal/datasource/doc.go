// Package datasource answers "which versions of this chart exist" for every
// kind of chart source. It owns the Datasource interface the pipeline uses,
// dispatch by source kind, the per-run memo that makes each source be queried
// once however many references use it, and the error taxonomy.
//
// Implementations live in subpackages (helmrepo, ocirepo); this package does
// no I/O of its own.
package datasource
