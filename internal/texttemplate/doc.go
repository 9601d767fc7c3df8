// Package texttemplate executes Go text/template templates without ever
// calling a method of the data.
//
// It is a trimmed fork of the execution half of Go 1.26.8's text/template
// (exec.go, funcs.go, option.go and template.go, plus internal/fmtsort for
// ranging over maps in key order), and parses with the standard
// text/template/parse package unchanged. The template language, the
// builtins, the missingkey option, the output and the error messages are
// text/template's, with one change: a name such as .Field is looked up as a
// struct field or a map key only, never as a method. Where text/template
// would call a method, execution fails with the error text/template gives
// for a missing field ("can't evaluate field X in type T"). bosun executes
// templates over maps built from YAML, JSON and its own flat data, so no
// template it runs loses anything.
//
// Why it exists: text/template looks methods up by name with
// reflect.Value.MethodByName. When a binary can reach that call, the Go
// linker must keep every exported method of every type that is converted
// to an interface, because any of them could be called by name. For bosun
// that meant all of go-github's accessors and more: the binary measured
// 24.2 MB (17.0 MB stripped) with text/template and 18.3 MB (12.8 MB
// stripped) with this package. internal/docs has a test that fails if the
// bosun binary again links a function the linker flags as <ReflectMethod>.
//
// It owns template execution for bosun: flux-operator ResourceSet
// templates, pullRequests.titleTemplate and its validation. It must not
// call reflect's Method or MethodByName (on a Value or a Type), must not
// read files (text/template's helper.go is not forked), and keeps only the
// API bosun uses: New, Delims, Funcs, Option, Parse, Execute and FuncMap.
//
// The files forked from Go keep Go's copyright header; LICENSE is Go's
// license, which their use requires.
package texttemplate
