// Package treecheck holds the tests of conventions that span the whole module rather than one
// package: no package-level mutable state (globals_test.go) and a module graph that gives the
// SDK's users none of its test-only dependencies (modgraph_test.go). It has no code of its own.
package treecheck
