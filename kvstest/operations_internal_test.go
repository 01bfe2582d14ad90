package kvstest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// TestEveryRouteHasAnOperationConstant checks that the Op… constants of faults.go name exactly
// the operations the server routes (ConnectAsViewer shares ConnectAsMaster's route).
func TestEveryRouteHasAnOperationConstant(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "faults.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	constants := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Names) == 1 && len(vs.Values) == 1 {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok && len(vs.Names[0].Name) > 2 && vs.Names[0].Name[:2] == "Op" {
				v, _ := strconv.Unquote(lit.Value)
				constants[v] = true
			}
		}
		return true
	})
	routed := map[string]bool{"ConnectAsViewer": true}
	for _, m := range routes {
		for _, r := range m {
			routed[r.op] = true
		}
	}
	for op := range routed {
		if !constants[op] && op != "TestEcho" && op != "TestPresigned" { // routes of this package's tests
			t.Errorf("the server routes %s, which has no Op constant", op)
		}
	}
	for op := range constants {
		if !routed[op] {
			t.Errorf("Op constant %s names no route", op)
		}
	}
}
