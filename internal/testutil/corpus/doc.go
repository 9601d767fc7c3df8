// Package corpus locates the shared corpus of real GitOps repositories used
// by tests ($BOSUN_CORPUS, else <repository root>/../shared/corpus) and
// skips the test when it is absent. It must not copy, edit or download
// data, and must not be imported by non-test code.
package corpus
