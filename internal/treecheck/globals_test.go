package treecheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// allowedGlobals are the package-level variables that hold state on purpose, each with the
// reason it cannot leak between clients, servers or tests. Keys are "dir.name" relative to the
// module root.
var allowedGlobals = map[string]string{
	"internal/jsonwire.cache":         "memoizes each Go type's codec, a pure function of the type (as encoding/json does)",
	"internal/jsonwire.buildLock":     "guards the codec memo above",
	"internal/validate.compiled":      "memoizes compiled name patterns, a pure function of the pattern text",
	"internal/validate.compileMutex":  "guards the pattern memo above",
	"internal/validate.plans":         "memoizes each Go type's validation plan, a pure function of the type",
	"internal/validate.planLock":      "guards the plan memo above",
	"kvstest.routes":                  "the emulator's route table, filled by init functions and read-only afterwards",
	"kvstest/internal/archive.routes": "the archived-media API's route table, filled by init functions and read-only afterwards (Routes returns a copy)",
}

// TestNoPackageLevelMutableState scans every package of the module (test files aside) for
// package-level variables that hold mutable state. A package-level var passes when it is
//   - a sentinel error (errors.New, fmt.Errorf, or an error value named err…/Err…), a compiled
//     regexp (regexp.MustCompile), a reflect.Type, go:embed data or a blank (_) assertion, and
//   - a lookup table or any other value that no function of its package ever writes (assigns,
//     increments, deletes from, clears or appends to), and
//   - not of a type from sync or sync/atomic, nor an HTTP client or transport (state shared by
//     every user of the package), and
//   - has an initializer,
//
// unless allowedGlobals names it with a reason.
func TestNoPackageLevelMutableState(t *testing.T) {
	root := moduleRoot(t)
	pkgs := map[string][]*ast.File{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || isModule(path)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		pkgs[filepath.ToSlash(dir)] = append(pkgs[filepath.ToSlash(dir)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 10 {
		t.Fatalf("found only %d packages under %s", len(pkgs), root)
	}
	var problems []string
	seen := map[string]bool{}
	for dir, files := range pkgs {
		globals := map[string]token.Pos{}
		for _, f := range files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.VAR {
					continue
				}
				embedded := hasEmbed(g.Doc)
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					embedded := embedded || hasEmbed(vs.Doc)
					for i, n := range vs.Names {
						if n.Name == "_" {
							continue
						}
						key := dir + "." + n.Name
						seen[key] = true
						globals[n.Name] = n.Pos()
						if _, ok := allowedGlobals[key]; ok {
							continue
						}
						var value ast.Expr
						if i < len(vs.Values) {
							value = vs.Values[i]
						}
						if why := suspicious(vs.Type, value, embedded); why != "" {
							problems = append(problems, fset.Position(n.Pos()).String()+": "+n.Name+": "+why)
						}
					}
				}
			}
		}
		for _, f := range files {
			for _, w := range writes(f, globals) {
				if _, ok := allowedGlobals[dir+"."+w.name]; ok {
					continue
				}
				problems = append(problems, fset.Position(w.pos).String()+": writes package-level "+w.name)
			}
		}
	}
	for key := range allowedGlobals {
		if !seen[key] {
			problems = append(problems, "allowedGlobals names "+key+", which no longer exists: remove it")
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

func hasEmbed(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	for _, c := range doc.List {
		if strings.HasPrefix(c.Text, "//go:embed ") {
			return true
		}
	}
	return false
}

// suspicious says why a package-level var of type typ (may be nil) initialized with value (may
// be nil) holds mutable state, or returns "".
func suspicious(typ, value ast.Expr, embedded bool) string {
	if embedded {
		return ""
	}
	for _, e := range []ast.Expr{typ, value} {
		if e == nil {
			continue
		}
		if pkg, name, ok := qualified(e); ok {
			switch {
			case pkg == "sync" || pkg == "atomic":
				return "a " + pkg + "." + name + " is shared state"
			case pkg == "http" && (name == "Client" || name == "Transport"),
				pkg == "awshttp" && strings.HasPrefix(name, "NewBuildableClient"):
				return "an HTTP client shared by every user of the package"
			}
		}
	}
	if value == nil {
		return "declared without a value, so it is set later: mutable state"
	}
	return ""
}

// qualified returns the package and name of pkg.Name, &pkg.Name{…}, pkg.Name{…}, pkg.Name(…)
// and *pkg.Name.
func qualified(e ast.Expr) (pkg, name string, ok bool) {
	for {
		switch x := e.(type) {
		case *ast.UnaryExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.CompositeLit:
			if x.Type == nil {
				return "", "", false
			}
			e = x.Type
		case *ast.CallExpr:
			e = x.Fun
		case *ast.SelectorExpr:
			id, isIdent := x.X.(*ast.Ident)
			if !isIdent {
				return "", "", false
			}
			return id.Name, x.Sel.Name, true
		default:
			return "", "", false
		}
	}
}

type write struct {
	name string
	pos  token.Pos
}

// writes finds the statements of f's functions that change a package-level variable named in
// globals: assignments (also to its elements or fields), ++/--, and delete, clear or append
// applied to it. A function that declares a local of the same name is skipped for that name.
func writes(f *ast.File, globals map[string]token.Pos) []write {
	var out []write
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		locals := localNames(fn)
		check := func(e ast.Expr, pos token.Pos) {
			if name := rootIdent(e); name != "" && !locals[name] {
				if _, ok := globals[name]; ok {
					out = append(out, write{name, pos})
				}
			}
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			switch s := n.(type) {
			case *ast.AssignStmt:
				if s.Tok != token.DEFINE {
					for _, l := range s.Lhs {
						check(l, s.Pos())
					}
				}
			case *ast.IncDecStmt:
				check(s.X, s.Pos())
			case *ast.CallExpr:
				if id, ok := s.Fun.(*ast.Ident); ok && (id.Name == "delete" || id.Name == "clear") && len(s.Args) > 0 {
					check(s.Args[0], s.Pos())
				}
			case *ast.UnaryExpr:
				if s.Op == token.AND {
					// &global hands out a pointer through which it may be changed; method calls
					// with pointer receivers on sync types are caught by their type instead.
					if id, ok := s.X.(*ast.Ident); ok && !locals[id.Name] {
						if _, ok := globals[id.Name]; ok {
							out = append(out, write{id.Name, s.Pos()})
						}
					}
				}
			}
			return true
		})
	}
	return out
}

// rootIdent returns the variable an lvalue belongs to: x for x, x[i], x.f, *x, (x).
func rootIdent(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name
		case *ast.IndexExpr:
			e = x.X
		case *ast.SelectorExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return ""
		}
	}
}

// localNames lists the names a function declares: receiver, parameters, results and every
// variable defined in its body.
func localNames(fn *ast.FuncDecl) map[string]bool {
	names := map[string]bool{}
	addFields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			for _, n := range f.Names {
				names[n.Name] = true
			}
		}
	}
	addFields(fn.Recv)
	addFields(fn.Type.Params)
	addFields(fn.Type.Results)
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						names[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range s.Names {
				names[id.Name] = true
			}
		case *ast.RangeStmt:
			if s.Tok == token.DEFINE {
				for _, e := range []ast.Expr{s.Key, s.Value} {
					if id, ok := e.(*ast.Ident); ok {
						names[id.Name] = true
					}
				}
			}
		case *ast.FuncLit:
			addFields(s.Type.Params)
			addFields(s.Type.Results)
		}
		return true
	})
	return names
}

// moduleRoot returns the directory of the module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// isModule reports whether dir holds a go.mod of its own: a separate module, not scanned.
func isModule(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil
}
