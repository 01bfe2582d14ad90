package wiretest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/testmedia"
	"github.com/kvsgo/sdk/internal/validate"
)

// Model is the part of a service model (service-2.json) the conformance check reads.
type Model struct {
	Operations map[string]struct {
		HTTP struct {
			Method     string `json:"method"`
			RequestURI string `json:"requestUri"`
		} `json:"http"`
		Input  *struct{ Shape string }  `json:"input"`
		Output *struct{ Shape string }  `json:"output"`
		Errors []struct{ Shape string } `json:"errors"`
	} `json:"operations"`
	Shapes map[string]Shape `json:"shapes"`
}

// Shape is one shape of a model.
type Shape struct {
	Type      string            `json:"type"`
	Members   map[string]Member `json:"members"`
	Required  []string          `json:"required"`
	Enum      []string          `json:"enum"`
	Min       *int64            `json:"min"`
	Max       *int64            `json:"max"`
	Pattern   string            `json:"pattern"`
	Member    *Member           `json:"member"`
	Key       *Member           `json:"key"`
	Value     *Member           `json:"value"`
	Exception bool              `json:"exception"`
	Streaming bool              `json:"streaming"`
}

// Member is a reference to a shape, with its HTTP binding.
type Member struct {
	Shape        string `json:"shape"`
	Location     string `json:"location"`
	LocationName string `json:"locationName"`
}

// SharedDir returns the directory of the shared reference material beside the repository
// (KVSGO_SHARED overrides it), or skips the test when it is absent.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("KVSGO_SHARED")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			Skip(t, "shared material: %v", err)
		}
		dir = filepath.Join(filepath.Dir(root), "shared")
	}
	if _, err := os.Stat(dir); err != nil {
		Skip(t, "shared material not found at %s (set KVSGO_SHARED): %v", dir, err)
	}
	return dir
}

// Skip skips the test for a missing prerequisite, or fails it when KVSGO_CI is set: CI installs
// every prerequisite, so a skip there would hide a test that did not run.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("KVSGO_CI") != "" {
		t.Fatalf("KVSGO_CI is set but a prerequisite is missing: "+format, args...)
	}
	t.Skipf(format, args...)
}

// SharedFile returns the path of a file of the shared reference material (rel relative to it),
// or of the tree's own copy (internal/testmedia) for a media/ sample when the shared folder is
// absent; it skips the test, naming the file, when neither exists.
func SharedFile(t testing.TB, rel string) string {
	t.Helper()
	dir := os.Getenv("KVSGO_SHARED")
	if dir == "" {
		if root, err := repoRoot(); err == nil {
			dir = filepath.Join(filepath.Dir(root), "shared")
		}
	}
	path := filepath.Join(dir, rel)
	if _, err := os.Stat(path); err == nil && dir != "" {
		return path
	}
	if filepath.Dir(filepath.ToSlash(rel)) == "media" {
		if own, err := testmedia.Dir(); err == nil {
			if p := filepath.Join(own, filepath.Base(rel)); fileExists(p) {
				return p
			}
		}
	}
	Skip(t, "%s is only in the shared reference folder, absent at %s (set KVSGO_SHARED)", rel, dir)
	return ""
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ReadShared reads a file of the shared reference material (path relative to it), for fuzz
// seeds and other optional uses that must not skip. A sample of media/ comes from the tree's own
// copy (internal/testmedia) when the shared folder is absent.
func ReadShared(rel string) ([]byte, error) {
	dir := os.Getenv("KVSGO_SHARED")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			return nil, err
		}
		dir = filepath.Join(filepath.Dir(root), "shared")
	}
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil && filepath.Dir(filepath.ToSlash(rel)) == "media" {
		if own, ownErr := testmedia.Read(filepath.Base(rel)); ownErr == nil {
			return own, nil
		}
	}
	return data, err
}

// repoRoot finds the directory of the SDK's go.mod (module github.com/kvsgo/sdk), upwards from
// the working directory, passing the go.mod files of the tree's own test modules (interop,
// examples/signaling, ...) on the way.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if mod, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modulePath(mod) == "github.com/kvsgo/sdk" {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of github.com/kvsgo/sdk above the working directory")
		}
		dir = parent
	}
}

// modulePath returns the path of a go.mod file's module directive.
func modulePath(mod []byte) string {
	for line := range strings.Lines(string(mod)) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// LoadModel reads a service model from the shared models directory, e.g.
// "kinesisvideo/2017-09-30", skipping the test when it is absent.
func LoadModel(t testing.TB, name string) *Model {
	t.Helper()
	path := filepath.Join(SharedDir(t), "models", name, "service-2.json")
	data, err := os.ReadFile(path)
	if err != nil {
		Skip(t, "model not found: %v", err)
	}
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &m
}

// Conformance describes how a client maps onto a model.
type Conformance struct {
	Client any // the client value; operations are its methods
	// Method maps an operation name to the client's method name when they differ.
	Method map[string]string
	// Errors maps each modeled error code to a nil pointer of its Go type.
	Errors map[string]error
	// Streaming is the Go type of a streaming blob payload member (e.g. io.ReadCloser).
	Streaming reflect.Type
}

// Check verifies that every operation, member, type, enum value, required flag, constraint and
// error of the model exists in the client's types with the right JSON names.
func (c Conformance) Check(t *testing.T, m *Model) {
	t.Helper()
	ct := reflect.TypeOf(c.Client)
	for name, op := range m.Operations {
		method := name
		if alt, ok := c.Method[name]; ok {
			method = alt
		}
		mt, ok := ct.MethodByName(method)
		if !ok {
			t.Errorf("operation %s: %s has no method %s", name, ct, method)
			continue
		}
		if mt.Type.NumIn() < 3 || mt.Type.In(1) != reflect.TypeFor[context.Context]() || mt.Type.NumOut() != 2 {
			t.Errorf("operation %s: method %s has signature %s", name, method, mt.Type)
			continue
		}
		ck := checker{t: t, m: m, streaming: c.Streaming, seen: map[string]bool{}}
		if op.Input != nil {
			ck.shape(name+" input", op.Input.Shape, mt.Type.In(2).Elem(), true)
		}
		if op.Output != nil {
			ck.shape(name+" output", op.Output.Shape, mt.Type.Out(0).Elem(), false)
		}
		for _, e := range op.Errors {
			target, ok := c.Errors[e.Shape]
			if !ok {
				t.Errorf("operation %s: error %s has no Go type", name, e.Shape)
				continue
			}
			code := reflect.New(reflect.TypeOf(target).Elem()).Interface().(interface{ ErrorCode() string }).ErrorCode()
			if code != e.Shape {
				t.Errorf("error %s: ErrorCode() = %q", e.Shape, code)
			}
		}
	}
}

type checker struct {
	t         *testing.T
	m         *Model
	streaming reflect.Type
	seen      map[string]bool
}

func (ck *checker) shape(path, name string, gt reflect.Type, input bool) {
	key := fmt.Sprintf("%s/%v/%v", name, gt, input)
	if ck.seen[key] {
		return
	}
	ck.seen[key] = true
	s := ck.m.Shapes[name]
	for gt.Kind() == reflect.Pointer {
		gt = gt.Elem()
	}
	if gt.Kind() != reflect.Struct {
		ck.t.Errorf("%s: shape %s is %s, want a struct", path, name, gt)
		return
	}
	fields := map[string]reflect.StructField{}
	for i := range gt.NumField() {
		f := gt.Field(i)
		if !f.IsExported() {
			continue
		}
		jn, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if jn == "" {
			jn = f.Name
		}
		fields[jn] = f
	}
	for mname, mem := range s.Members {
		f, ok := fields[mname]
		if !ok { // members bound to headers or the payload are matched by field name
			if fv, found := gt.FieldByName(mname); found {
				f, ok = fv, true
			}
		}
		if !ok {
			ck.t.Errorf("%s: %s has no field for member %s", path, gt, mname)
			continue
		}
		delete(fields, mname)
		delete(fields, f.Name)
		required := slices.Contains(s.Required, mname)
		ck.member(path+"."+mname, mem, f, required, input)
	}
	for jn, f := range fields {
		if jn == "-" {
			continue
		}
		ck.t.Errorf("%s: %s.%s (json %q) is not in the model", path, gt, f.Name, jn)
	}
}

func (ck *checker) member(path string, mem Member, f reflect.StructField, required, input bool) {
	s := ck.m.Shapes[mem.Shape]
	ck.kind(path, mem.Shape, f.Type, input)
	if !input || mem.Location != "" {
		return
	}
	tag := f.Tag.Get("validate")
	main, _, _ := strings.Cut(tag, ";")
	base := f.Type
	// A plain value whose zero is valid (a number, a boolean, a string of minimum length 0)
	// cannot tell "absent" from zero: when required it is always sent and never checked.
	zeroValid := base.Kind() != reflect.Pointer && (s.Type == "integer" || s.Type == "long" || s.Type == "boolean" ||
		s.Type == "string" && s.Min != nil && *s.Min == 0 && len(s.Enum) == 0)
	_, omits := tagOption(f.Tag.Get("json"), "omitzero")
	switch {
	case zeroValid && required && omits:
		ck.t.Errorf("%s: required %s must not be omitzero (its zero value is valid and must be sent)", path, s.Type)
	case zeroValid && required && hasRule(main, "required"):
		ck.t.Errorf("%s: required %s accepts its zero value, so it must not have the required rule", path, s.Type)
	case !zeroValid && required != hasRule(main, "required"):
		ck.t.Errorf("%s: model required=%v, validate tag %q", path, required, tag)
	}
	ck.bounds(path, s, main)
	switch s.Type {
	case "list":
		ck.bounds(path+"[]", ck.m.Shapes[s.Member.Shape], TagSection(tag, "elem"))
	case "map":
		ck.bounds(path+"{key}", ck.m.Shapes[s.Key.Shape], TagSection(tag, "key"))
		ck.bounds(path+"{value}", ck.m.Shapes[s.Value.Shape], TagSection(tag, "elem"))
	}
}

// bounds compares a shape's min, max and pattern with a validate rule list.
func (ck *checker) bounds(path string, s Shape, rules string) {
	for _, b := range []struct {
		name  string
		model *int64
	}{{"min", s.Min}, {"max", s.Max}} {
		got, ok := TagRule(rules, b.name)
		switch {
		case b.model == nil && ok:
			ck.t.Errorf("%s: %s=%s is not in the model", path, b.name, got)
		case b.model != nil && (!ok || got != strconv.FormatInt(*b.model, 10)):
			ck.t.Errorf("%s: model %s=%d, validate %q", path, b.name, *b.model, rules)
		}
	}
	name, ok := TagRule(rules, "pattern")
	switch {
	case strings.HasPrefix(s.Pattern, "arn:"):
		if ok {
			ck.t.Errorf("%s: ARN pattern must not be checked", path)
		}
	case s.Pattern == "" && ok:
		ck.t.Errorf("%s: pattern %s is not in the model", path, name)
	case s.Pattern != "":
		expr, _ := validate.Pattern(name)
		if !ok || expr != s.Pattern {
			ck.t.Errorf("%s: model pattern %q, validate %q (%q)", path, s.Pattern, rules, expr)
		}
	}
}

func (ck *checker) kind(path, name string, gt reflect.Type, input bool) {
	s := ck.m.Shapes[name]
	if gt.Kind() == reflect.Pointer && s.Type != "structure" {
		gt = gt.Elem()
	}
	want := map[string][]reflect.Kind{
		"string": {reflect.String}, "integer": {reflect.Int32}, "long": {reflect.Int64},
		"boolean": {reflect.Bool}, "double": {reflect.Float64}, "float": {reflect.Float32},
		"list": {reflect.Slice}, "map": {reflect.Map},
	}
	switch {
	case s.Type == "timestamp":
		if gt != reflect.TypeFor[time.Time]() {
			ck.t.Errorf("%s: timestamp is %s", path, gt)
		}
	case s.Type == "blob" && s.Streaming:
		if gt != ck.streaming {
			ck.t.Errorf("%s: streaming blob is %s, want %v", path, gt, ck.streaming)
		}
	case s.Type == "blob":
		if gt != reflect.TypeFor[[]byte]() {
			ck.t.Errorf("%s: blob is %s", path, gt)
		}
	case s.Type == "structure":
		ck.shape(path, name, gt, input)
	case !slices.Contains(want[s.Type], gt.Kind()):
		ck.t.Errorf("%s: %s is %s", path, s.Type, gt)
	case s.Type == "list":
		ck.kind(path+"[]", s.Member.Shape, gt.Elem(), input)
	case s.Type == "map":
		ck.kind(path+"{key}", s.Key.Shape, gt.Key(), input)
		ck.kind(path+"{value}", s.Value.Shape, gt.Elem(), input)
	case len(s.Enum) > 0:
		ck.enum(path, s, gt)
	}
}

func (ck *checker) enum(path string, s Shape, gt reflect.Type) {
	m, ok := gt.MethodByName("Values")
	if !ok {
		ck.t.Errorf("%s: enum type %s has no Values method", path, gt)
		return
	}
	out := m.Func.Call([]reflect.Value{reflect.Zero(gt)})[0]
	var got []string
	for i := range out.Len() {
		got = append(got, out.Index(i).String())
	}
	want := slices.Clone(s.Enum)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		ck.t.Errorf("%s: %s.Values() = %v, model %v", path, gt, got, want)
	}
}

func hasRule(rules, name string) bool {
	_, ok := TagRule(rules, name)
	return ok
}

func tagOption(tag, opt string) (string, bool) {
	_, opts, _ := strings.Cut(tag, ",")
	for _, o := range strings.Split(opts, ",") {
		if o == opt {
			return o, true
		}
	}
	return "", false
}
