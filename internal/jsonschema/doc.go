// Package jsonschema is github.com/santhosh-tekuri/jsonschema/v6 v6.0.3,
// the JSON-schema validator Helm 3 checks values.schema.json with, forked
// for one change: the drafts' metaschemas are compiled on the first
// NewCompiler instead of in the package's init.
//
// Why it exists: upstream's init compiles the metaschemas of five drafts
// from embedded JSON, which cost every run of the bosun binary about 8 ms
// and 1.7 MB (21,000 allocations, GODEBUG=inittrace=1), whether or not the
// run validates a schema. Only evidence does (run, plan --evidence); scan,
// plan and version never do. Go has no lazy package initialisation, so the
// only ways out were a fork or another validator, and another validator
// would not give Helm's verdicts.
//
// The fork is upstream's non-test files, the metaschemas and LICENSE
// (Apache-2.0), copied unchanged except for:
//   - import paths (this package and ./kind);
//   - draft.go: init became loadDrafts, a sync.OnceFunc;
//   - compiler.go: NewCompiler calls loadDrafts, and newCompiler is the old
//     NewCompiler body, which loadDrafts uses;
//   - validator.go: the names in "additional properties 'a', 'b' not
//     allowed" are sorted; upstream lists them in map order, so the same
//     values gave a different message, and a different pull request body,
//     from one run to the next;
//   - the package comment, which moved here from schema.go;
//   - four long files split in two, declarations moved unchanged and in
//     order: validator.go (validator_values.go from strValidate,
//     validator_scope.go from the scope type), format.go (format_time.go
//     from validateDate), objcompiler.go (objcompiler_later.go from
//     compileDraft2019) and kind/kind.go (kind/kind_more.go from
//     Dependency).
//
// The code is kept as upstream wrote it, long functions and repeated
// shapes included, so that a diff against upstream shows only the changes
// above.
//
// differential_test.go compiles and validates the same schemas and
// instances with this package and upstream's (a test-only dependency) and
// requires the same verdicts and the same error output, up to the order
// of errors and of quoted names, which upstream leaves to map iteration. To update, copy a
// new upstream release over these files and apply the changes above again.
//
// Upstream's package comment follows.
//
// Package jsonschema provides json-schema compilation and validation.
//
// The schema is compiled against the version specified in "$schema" property.
// If "$schema" property is missing, it uses latest draft which currently implemented
// by this library.
//
// You can force to use specific draft,  when "$schema" is missing, as follows:
//
//	compiler := jsonschema.NewCompiler()
//	compiler.DefaultDraft(jsonschema.Draft4)
//
// This package supports loading json-schema from filePath and fileURL.
//
// see examples for usage.
package jsonschema
