package jsonwire

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// MaxDepth bounds the nesting of arrays and objects in a decoded document.
const MaxDepth = 256

// codec holds the encoder and decoder of one Go type.
type codec struct {
	enc encFunc
	dec decFunc
	// omit reports whether a value is zero for the omitzero option.
	omit func(v reflect.Value) bool
}

type encFunc func(e *encoder, v reflect.Value) error
type decFunc func(d *decoder, v reflect.Value) error

// field describes one member of a struct.
type field struct {
	name     string
	index    int
	omitzero bool
	codec    *codec
}

type structPlan struct {
	fields []field
	byName map[string]int // JSON name → index into fields
}

var (
	cache     sync.Map // reflect.Type → *codec
	buildLock sync.Mutex
	timeType  = reflect.TypeFor[time.Time]()
)

// codecFor returns the cached codec of t, building it (and those of the types it contains) on
// first use.
func codecFor(t reflect.Type) (*codec, error) {
	if c, ok := cache.Load(t); ok {
		return c.(*codec), nil
	}
	buildLock.Lock()
	defer buildLock.Unlock()
	building := map[reflect.Type]*codec{}
	c, err := build(t, building)
	if err != nil {
		return nil, err
	}
	for bt, bc := range building {
		cache.Store(bt, bc)
	}
	return c, nil
}

// UnsupportedTypeError reports a Go type that has no JSON form in this codec.
type UnsupportedTypeError struct {
	Type reflect.Type
}

func (e *UnsupportedTypeError) Error() string {
	return "jsonwire: unsupported type " + e.Type.String()
}

func build(t reflect.Type, building map[reflect.Type]*codec) (*codec, error) {
	if c, ok := cache.Load(t); ok {
		return c.(*codec), nil
	}
	if c, ok := building[t]; ok {
		return c, nil // a recursive type: the codec is filled in below
	}
	c := &codec{omit: reflect.Value.IsZero}
	building[t] = c
	var err error
	switch {
	case t == timeType:
		c.enc, c.dec, c.omit = encodeTime, decodeTime, isZeroTime
	default:
		err = buildKind(t, c, building)
	}
	if err != nil {
		delete(building, t)
		return nil, err
	}
	return c, nil
}

func buildKind(t reflect.Type, c *codec, building map[reflect.Type]*codec) error {
	switch t.Kind() {
	case reflect.String:
		c.enc, c.dec = encodeString, decodeString
	case reflect.Bool:
		c.enc, c.dec = encodeBool, decodeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.enc, c.dec = encodeInt, decodeInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		c.enc, c.dec = encodeUint, decodeUint
	case reflect.Float32, reflect.Float64:
		c.enc, c.dec = encodeFloat, decodeFloat
	case reflect.Pointer:
		elem, err := build(t.Elem(), building)
		if err != nil {
			return err
		}
		c.enc, c.dec = pointerEncoder(elem), pointerDecoder(elem)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			c.enc, c.dec = encodeBytes, decodeBytes
			return nil
		}
		elem, err := build(t.Elem(), building)
		if err != nil {
			return err
		}
		c.enc, c.dec = sliceEncoder(elem), sliceDecoder(elem)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return &UnsupportedTypeError{Type: t}
		}
		elem, err := build(t.Elem(), building)
		if err != nil {
			return err
		}
		c.enc, c.dec = mapEncoder(elem), mapDecoder(elem)
	case reflect.Struct:
		plan, err := buildStruct(t, building)
		if err != nil {
			return err
		}
		c.enc, c.dec = structEncoder(plan), structDecoder(plan)
	default:
		return &UnsupportedTypeError{Type: t}
	}
	return nil
}

func buildStruct(t reflect.Type, building map[reflect.Type]*codec) (*structPlan, error) {
	plan := &structPlan{byName: map[string]int{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fc, err := build(sf.Type, building)
		if err != nil {
			return nil, fmt.Errorf("jsonwire: field %s.%s: %w", t, sf.Name, err)
		}
		if _, dup := plan.byName[name]; dup {
			return nil, fmt.Errorf("jsonwire: %s has two fields named %q", t, name)
		}
		plan.byName[name] = len(plan.fields)
		plan.fields = append(plan.fields, field{
			name:     name,
			index:    i,
			omitzero: hasOption(opts, "omitzero"),
			codec:    fc,
		})
	}
	return plan, nil
}

func hasOption(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

func isZeroTime(v reflect.Value) bool {
	return timeOf(v).IsZero()
}

// timeOf reads a time.Time without allocating when v is addressable.
func timeOf(v reflect.Value) time.Time {
	if v.CanAddr() {
		return *(*time.Time)(v.Addr().UnsafePointer())
	}
	return v.Interface().(time.Time)
}
