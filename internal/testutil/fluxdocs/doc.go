// Package fluxdocs holds Flux manifests that tests of several packages
// write into their repositories, so each is written once.
package fluxdocs
