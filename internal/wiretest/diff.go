package wiretest

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// maxDiffLines bounds the differences Diff lists.
const maxDiffLines = 20

// Diff compares want and got and returns "" when they are equal, or one line per difference
// ("path: want …, got …"). It replaces github.com/google/go-cmp in the SDK's own tests, which
// would otherwise be a requirement of the SDK's go.mod and so enter every user's module graph,
// and it compares as cmp.Diff does without options: a value whose type has an Equal(T) bool
// method (time.Time, say) is compared with it; pointers, interfaces, structs (unexported fields
// too), slices, arrays and maps are compared by content; a nil slice or map differs from an
// empty one; functions are equal only when both are nil. Strings of several lines are compared
// line by line.
func Diff(want, got any) string {
	d := differ{}
	d.compare("", reflect.ValueOf(want), reflect.ValueOf(got))
	if len(d.lines) > maxDiffLines {
		d.lines = append(d.lines[:maxDiffLines], fmt.Sprintf("… and %d more differences", len(d.lines)-maxDiffLines))
	}
	return strings.Join(d.lines, "\n")
}

type differ struct{ lines []string }

func (d *differ) report(path string, format string, args ...any) {
	if path == "" {
		path = "(value)"
	}
	d.lines = append(d.lines, path+": "+fmt.Sprintf(format, args...))
}

func (d *differ) compare(path string, w, g reflect.Value) {
	if !w.IsValid() || !g.IsValid() {
		if w.IsValid() != g.IsValid() {
			d.report(path, "want %s, got %s", show(w), show(g))
		}
		return
	}
	if w.Type() != g.Type() {
		d.report(path, "want type %s, got type %s", w.Type(), g.Type())
		return
	}
	if eq, ok := equalMethod(w, g); ok {
		if !eq {
			d.report(path, "want %s, got %s", show(w), show(g))
		}
		return
	}
	switch w.Kind() {
	case reflect.Pointer, reflect.Interface:
		if w.IsNil() || g.IsNil() {
			if w.IsNil() != g.IsNil() {
				d.report(path, "want %s, got %s", show(w), show(g))
			}
			return
		}
		d.compare(path, w.Elem(), g.Elem())
	case reflect.Struct:
		for i := range w.NumField() {
			d.compare(path+"."+w.Type().Field(i).Name, w.Field(i), g.Field(i))
		}
	case reflect.Slice, reflect.Array:
		if w.Kind() == reflect.Slice && w.IsNil() != g.IsNil() {
			d.report(path, "want %s, got %s", show(w), show(g))
			return
		}
		if w.Len() != g.Len() {
			d.report(path, "want %d elements, got %d", w.Len(), g.Len())
		}
		for i := range max(w.Len(), g.Len()) {
			name := fmt.Sprintf("%s[%d]", path, i)
			switch {
			case i >= g.Len():
				d.report(name, "want %s, missing", show(w.Index(i)))
			case i >= w.Len():
				d.report(name, "not wanted, got %s", show(g.Index(i)))
			default:
				d.compare(name, w.Index(i), g.Index(i))
			}
		}
	case reflect.Map:
		if w.IsNil() != g.IsNil() {
			d.report(path, "want %s, got %s", show(w), show(g))
			return
		}
		keys := append(w.MapKeys(), g.MapKeys()...)
		sort.Slice(keys, func(i, j int) bool { return show(keys[i]) < show(keys[j]) })
		seen := map[string]bool{}
		for _, k := range keys {
			name := fmt.Sprintf("%s[%s]", path, show(k))
			if seen[name] {
				continue
			}
			seen[name] = true
			wv, gv := w.MapIndex(k), g.MapIndex(k)
			switch {
			case !gv.IsValid():
				d.report(name, "want %s, missing", show(wv))
			case !wv.IsValid():
				d.report(name, "not wanted, got %s", show(gv))
			default:
				d.compare(name, wv, gv)
			}
		}
	case reflect.Func:
		if !w.IsNil() || !g.IsNil() {
			d.report(path, "want %s, got %s (functions are equal only when both are nil)", show(w), show(g))
		}
	case reflect.Chan, reflect.UnsafePointer:
		if w.Pointer() != g.Pointer() {
			d.report(path, "want %s, got %s", show(w), show(g))
		}
	case reflect.String:
		ws, gs := w.String(), g.String()
		if ws != gs && (strings.Contains(ws, "\n") || strings.Contains(gs, "\n")) {
			d.compare(path+" (lines)", reflect.ValueOf(strings.Split(ws, "\n")), reflect.ValueOf(strings.Split(gs, "\n")))
		} else if ws != gs {
			d.report(path, "want %s, got %s", show(w), show(g))
		}
	default:
		if !w.Equal(g) {
			d.report(path, "want %s, got %s", show(w), show(g))
		}
	}
}

// equalMethod calls w.Equal(g) when w's type has an Equal method taking its own type and
// returning a bool, and reports whether it had one.
func equalMethod(w, g reflect.Value) (equal, ok bool) {
	if !w.CanInterface() || !g.CanInterface() {
		return false, false
	}
	m := w.MethodByName("Equal")
	if !m.IsValid() {
		return false, false
	}
	mt := m.Type()
	if mt.NumIn() != 1 || mt.In(0) != w.Type() || mt.NumOut() != 1 || mt.Out(0).Kind() != reflect.Bool {
		return false, false
	}
	if w.Kind() == reflect.Pointer && (w.IsNil() || g.IsNil()) {
		return w.IsNil() == g.IsNil(), true
	}
	return m.Call([]reflect.Value{g})[0].Bool(), true
}

// show renders a value for a difference line, quoting strings and byte slices.
func show(v reflect.Value) string {
	if !v.IsValid() {
		return "<nil>"
	}
	switch {
	case v.Kind() == reflect.String:
		return fmt.Sprintf("%q", v.String())
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 && !v.IsNil():
		return fmt.Sprintf("%q", v.Bytes())
	case v.Kind() == reflect.Slice && v.IsNil(), v.Kind() == reflect.Map && v.IsNil():
		return "nil " + v.Type().String()
	case v.Kind() == reflect.Slice || v.Kind() == reflect.Map:
		return fmt.Sprintf("%s of %d", v.Type(), v.Len())
	}
	return fmt.Sprintf("%+v", v)
}
