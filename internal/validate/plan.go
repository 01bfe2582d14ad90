package validate

import (
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// rules are the constraints on one value.
type rules struct {
	required       bool
	hasMin, hasMax bool
	min, max       int64
	pattern        *pattern
	enum           map[string]struct{}
	enumList       string
	elem, key      *rules
	nested         *structPlan // for struct values (directly, behind a pointer, or as elements)
}

type pattern struct {
	name, expr string
	re         *regexp.Regexp
}

type planField struct {
	name  string
	index int
	rules rules
}

type structPlan struct {
	fields []planField
}

var (
	plans    sync.Map // reflect.Type → *structPlan
	planLock sync.Mutex
)

func planFor(t reflect.Type) (*structPlan, error) {
	if p, ok := plans.Load(t); ok {
		return p.(*structPlan), nil
	}
	planLock.Lock()
	defer planLock.Unlock()
	building := map[reflect.Type]*structPlan{}
	p, err := buildPlan(t, building)
	if err != nil {
		return nil, err
	}
	for bt, bp := range building {
		plans.Store(bt, bp)
	}
	return p, nil
}

func buildPlan(t reflect.Type, building map[reflect.Type]*structPlan) (*structPlan, error) {
	if p, ok := plans.Load(t); ok {
		return p.(*structPlan), nil
	}
	if p, ok := building[t]; ok {
		return p, nil
	}
	p := &structPlan{}
	building[t] = p
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		r, err := parseRules(sf.Tag.Get("validate"), sf.Type, building)
		if err != nil {
			return nil, fmt.Errorf("validate: %s.%s: %w", t.Name(), sf.Name, err)
		}
		if r.isEmpty() {
			continue
		}
		p.fields = append(p.fields, planField{name: name, index: i, rules: *r})
	}
	return p, nil
}

// isEmpty reports whether the rules can never fail.
func (r *rules) isEmpty() bool {
	return !r.required && !r.hasMin && !r.hasMax && r.pattern == nil && r.enum == nil &&
		r.elem == nil && r.key == nil && (r.nested == nil || len(r.nested.fields) == 0)
}

// parseRules reads a tag such as "required,min=1;key:max=128;elem:pattern=tagValue" for a
// value of type t.
func parseRules(tag string, t reflect.Type, building map[reflect.Type]*structPlan) (*rules, error) {
	sections := strings.Split(tag, ";")
	r, err := parseSection(sections[0], t, building)
	if err != nil {
		return nil, err
	}
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	haveElem := false
	for _, sec := range sections[1:] {
		kind, body, _ := strings.Cut(sec, ":")
		switch {
		case kind == "key" && base.Kind() == reflect.Map:
			if r.key, err = parseSection(body, base.Key(), building); err != nil {
				return nil, err
			}
		case kind == "elem" && (base.Kind() == reflect.Map || base.Kind() == reflect.Slice):
			if r.elem, err = parseSection(body, base.Elem(), building); err != nil {
				return nil, err
			}
			haveElem = true
		default:
			return nil, fmt.Errorf("section %q does not apply to %s", sec, t)
		}
	}
	if !haveElem && (base.Kind() == reflect.Slice || base.Kind() == reflect.Map) && base.Elem().Kind() != reflect.Uint8 {
		// Elements with their own constraints (enums, structs) are checked even untagged.
		elem, err := parseSection("", base.Elem(), building)
		if err != nil {
			return nil, err
		}
		if !elem.isEmpty() {
			r.elem = elem
		}
	}
	if base.Kind() == reflect.Map && r.key == nil {
		key, err := parseSection("", base.Key(), building)
		if err != nil {
			return nil, err
		}
		if !key.isEmpty() {
			r.key = key
		}
	}
	return r, nil
}

func parseSection(sec string, t reflect.Type, building map[reflect.Type]*structPlan) (*rules, error) {
	r := &rules{}
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	for _, item := range strings.Split(sec, ",") {
		if item == "" {
			continue
		}
		key, val, _ := strings.Cut(item, "=")
		var err error
		switch key {
		case "required":
			r.required = true
		case "min":
			r.hasMin = true
			r.min, err = strconv.ParseInt(val, 10, 64)
		case "max":
			r.hasMax = true
			r.max, err = strconv.ParseInt(val, 10, 64)
		case "pattern":
			r.pattern, err = lookupPattern(val)
		default:
			err = fmt.Errorf("unknown rule %q", item)
		}
		if err != nil {
			return nil, err
		}
	}
	if values, ok := enumValues(base); ok {
		r.enum = make(map[string]struct{}, len(values))
		for _, v := range values {
			r.enum[v] = struct{}{}
		}
		r.enumList = strings.Join(slices.Sorted(maps.Keys(r.enum)), ", ")
	}
	if base.Kind() == reflect.Struct {
		nested, err := buildPlan(base, building)
		if err != nil {
			return nil, err
		}
		r.nested = nested
	}
	return r, nil
}

// enumValues returns the values of an enum type: a string type whose Values method returns a
// slice of that type.
func enumValues(t reflect.Type) ([]string, bool) {
	if t.Kind() != reflect.String {
		return nil, false
	}
	m, ok := t.MethodByName("Values")
	if !ok || m.Type.NumIn() != 1 || m.Type.NumOut() != 1 || m.Type.Out(0) != reflect.SliceOf(t) {
		return nil, false
	}
	out := m.Func.Call([]reflect.Value{reflect.Zero(t)})[0]
	values := make([]string, out.Len())
	for i := range values {
		values[i] = out.Index(i).String()
	}
	return values, true
}
