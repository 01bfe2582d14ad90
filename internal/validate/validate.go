// Package validate checks operation inputs against the constraints of the service models before
// any network I/O.
//
// Constraints are declared on struct fields with a `validate` tag:
//
//	StreamName string `json:"StreamName,omitzero" validate:"required,min=1,max=256,pattern=name"`
//	Tags map[string]string `validate:"min=1,max=50;key:min=1,max=128,pattern=tagKey;elem:max=256"`
//
// Rules: required (a non-zero value: non-empty string, non-nil pointer, slice or map, non-zero
// struct), min and max (the length of strings in characters, of lists and of maps, or the value
// of numbers), pattern (a named regular expression, see Pattern, that must match the whole
// string). The sections after "key:" and "elem:" apply to map keys and to list elements or map
// values. A string type with a Values method is an enum and must hold one of those values.
// Nested structs are checked when present. Absent optional members are not checked.
//
// Failures come back as a smithy.InvalidParamsError listing every problem, each naming the
// field path (Tags[2].Key, Config.DestinationConfig.Uri) and the rule broken.
package validate

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/smithy-go"
)

// FieldError is one broken constraint. It implements smithy.InvalidParamError.
type FieldError struct {
	context string
	path    string
	// Reason says which rule was broken and how.
	Reason string
}

// Error returns "Context.Path: reason".
func (e *FieldError) Error() string { return e.Field() + ": " + e.Reason }

// Field returns the path of the offending member, starting with the input type's name.
func (e *FieldError) Field() string {
	switch {
	case e.context == "":
		return e.path
	case strings.HasPrefix(e.path, "["):
		return e.context + e.path
	}
	return e.context + "." + e.path
}

// SetContext sets the name of the input the path starts from.
func (e *FieldError) SetContext(ctx string) { e.context = ctx }

// AddNestedContext prefixes the path with the member that contains it.
func (e *FieldError) AddNestedContext(ctx string) {
	if strings.HasPrefix(e.path, "[") {
		e.path = ctx + e.path
	} else {
		e.path = ctx + "." + e.path
	}
}

// Struct checks in, a pointer to a struct, and returns nil or a smithy.InvalidParamsError whose
// context is the struct type's name. A nil pointer is reported as a missing input.
func Struct(in any) error {
	rv := reflect.ValueOf(in)
	if rv.Kind() != reflect.Pointer || rv.Type().Elem().Kind() != reflect.Struct {
		return fmt.Errorf("validate: want a pointer to a struct, got %T", in)
	}
	name := rv.Type().Elem().Name()
	if rv.IsNil() {
		return errors.New("validate: the " + name + " is nil")
	}
	plan, err := planFor(rv.Type().Elem())
	if err != nil {
		return err
	}
	var buf [8]step
	c := checker{stack: buf[:0]}
	c.structFields(plan, rv.Elem())
	if len(c.errs) == 0 {
		return nil
	}
	ipe := smithy.InvalidParamsError{Context: name}
	for _, fe := range c.errs {
		ipe.Add(fe)
	}
	return ipe
}

// Errorf returns a smithy.InvalidParamsError with one problem, for rules that tags cannot
// express (such as "exactly one of two members"): context is the input type's name, path the
// member's.
func Errorf(context, path, format string, args ...any) error {
	ipe := smithy.InvalidParamsError{Context: context}
	ipe.Add(NewFieldError(path, format, args...))
	return ipe
}

// NewFieldError returns a problem with the member at path, to add to an InvalidParamsError.
func NewFieldError(path, format string, args ...any) *FieldError {
	return &FieldError{path: path, Reason: fmt.Sprintf(format, args...)}
}

// checker walks a value and collects the constraints it breaks. The path to the value being
// checked is kept as a stack and formatted only when a rule fails.
type checker struct {
	errs  []*FieldError
	stack []step
}

// step is one level of a path: a member name, a list index, or a map key.
type step struct {
	name  string
	index int
	kind  byte // '.', '[' (index) or '"' (key)
}

func (c *checker) push(s step) { c.stack = append(c.stack, s) }
func (c *checker) pop()        { c.stack = c.stack[:len(c.stack)-1] }

func (c *checker) path() string {
	var b strings.Builder
	for i, s := range c.stack {
		switch s.kind {
		case '.':
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		case '[':
			fmt.Fprintf(&b, "[%d]", s.index)
		default:
			fmt.Fprintf(&b, "[%q]", s.name)
		}
	}
	return b.String()
}

func (c *checker) fail(format string, args ...any) {
	c.errs = append(c.errs, &FieldError{path: c.path(), Reason: fmt.Sprintf(format, args...)})
}

func (c *checker) structFields(plan *structPlan, v reflect.Value) {
	for i := range plan.fields {
		f := &plan.fields[i]
		c.push(step{name: f.name, kind: '.'})
		c.value(v.Field(f.index), &f.rules)
		c.pop()
	}
}

// value checks v against r; an absent optional value is not checked further.
func (c *checker) value(v reflect.Value, r *rules) {
	if isAbsent(v) {
		if r.required {
			c.fail("missing required value")
		}
		return
	}
	c.present(v, r)
}

// element checks a list element or map value: unlike a member, it is there even when zero.
func (c *checker) element(v reflect.Value, r *rules) {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		c.fail("null element")
		return
	}
	c.present(v, r)
}

func (c *checker) present(v reflect.Value, r *rules) {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		c.str(v, r)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.bounds(v.Int(), r, "value")
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		c.bounds(int64(min(v.Uint(), 1<<62)), r, "value")
	case reflect.Slice:
		c.bounds(int64(v.Len()), r, "count")
		if r.elem != nil {
			for i := range v.Len() {
				c.push(step{index: i, kind: '['})
				c.element(v.Index(i), r.elem)
				c.pop()
			}
		}
	case reflect.Map:
		c.bounds(int64(v.Len()), r, "count")
		c.mapEntries(v, r)
	case reflect.Struct:
		if plan := r.nested; plan != nil {
			c.structFields(plan, v)
		}
	}
}

func (c *checker) mapEntries(v reflect.Value, r *rules) {
	if r.key == nil && r.elem == nil {
		return
	}
	iter := v.MapRange()
	for iter.Next() {
		k := iter.Key()
		c.push(step{name: k.String(), kind: '"'})
		if r.key != nil {
			c.str(k, r.key)
		}
		if r.elem != nil {
			c.element(iter.Value(), r.elem)
		}
		c.pop()
	}
}

func (c *checker) str(v reflect.Value, r *rules) {
	s := v.String()
	c.bounds(int64(runeCount(s)), r, "length")
	if r.pattern != nil && !r.pattern.re.MatchString(s) {
		c.fail("%q does not match the pattern %s (%s)", s, r.pattern.name, r.pattern.expr)
	}
	if r.enum != nil {
		if _, ok := r.enum[s]; !ok {
			c.fail("%q is not one of %s", s, r.enumList)
		}
	}
}

func (c *checker) bounds(n int64, r *rules, what string) {
	if r.hasMin && n < r.min {
		c.fail("%s %d is below the minimum %d", what, n, r.min)
	}
	if r.hasMax && n > r.max {
		c.fail("%s %d is above the maximum %d", what, n, r.max)
	}
}

// isAbsent reports whether v holds no value: an empty string, a nil pointer, slice or map, or a
// zero struct. Numbers and booleans are always present (their zero value is sent).
func isAbsent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return v.Len() == 0
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return v.IsNil()
	case reflect.Struct:
		return v.IsZero()
	}
	return false
}

func runeCount(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}
