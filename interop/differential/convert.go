package differential

import (
	"fmt"
	"reflect"
	"sort"
	"time"
)

// Convert copies src into dst (both pointers) field by field, matching fields by name and
// descending through pointers, slices, maps and structs, so that a kvsgo input becomes the
// official SDK's input and back. It fails on a non-zero source field that dst lacks, so that
// nothing is silently dropped.
func Convert(dst, src any) error {
	return convert(reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem(), reflect.TypeOf(src).Elem().Name())
}

func convert(dst, src reflect.Value, path string) error {
	if src.Kind() == reflect.Pointer {
		if src.IsNil() {
			return nil
		}
		src = src.Elem()
	}
	if dst.Kind() == reflect.Pointer {
		if isZeroish(src) && src.Kind() != reflect.Struct && src.Kind() != reflect.Bool && !isNumber(src) {
			return nil
		}
		p := reflect.New(dst.Type().Elem())
		if err := convert(p.Elem(), src, path); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	}
	switch {
	case dst.Type() == reflect.TypeFor[time.Time]():
		dst.Set(src)
	case dst.Kind() == reflect.Struct:
		for i := range src.NumField() {
			f := src.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			df := dst.FieldByName(f.Name)
			if !df.IsValid() {
				if !src.Field(i).IsZero() {
					return fmt.Errorf("%s.%s: no such field in %s", path, f.Name, dst.Type())
				}
				continue
			}
			if err := convert(df, src.Field(i), path+"."+f.Name); err != nil {
				return err
			}
		}
	case dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() == reflect.Uint8:
		dst.SetBytes(append([]byte(nil), src.Bytes()...))
	case dst.Kind() == reflect.Slice:
		if src.IsNil() {
			return nil
		}
		s := reflect.MakeSlice(dst.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			if err := convert(s.Index(i), src.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		dst.Set(s)
	case dst.Kind() == reflect.Map:
		if src.IsNil() {
			return nil
		}
		m := reflect.MakeMap(dst.Type())
		iter := src.MapRange()
		for iter.Next() {
			k := reflect.New(dst.Type().Key()).Elem()
			k.SetString(iter.Key().String())
			e := reflect.New(dst.Type().Elem()).Elem()
			if err := convert(e, iter.Value(), fmt.Sprintf("%s[%q]", path, iter.Key())); err != nil {
				return err
			}
			m.SetMapIndex(k, e)
		}
		dst.Set(m)
	case dst.Kind() == reflect.String:
		dst.SetString(src.String())
	case dst.Kind() == reflect.Bool:
		dst.SetBool(src.Bool())
	case isNumber(dst) && dst.CanInt():
		dst.SetInt(src.Int())
	case isNumber(dst):
		dst.SetFloat(src.Float())
	case dst.Kind() == reflect.Interface:
		dst.Set(src)
	default:
		return fmt.Errorf("%s: cannot convert %s to %s", path, src.Type(), dst.Type())
	}
	return nil
}

func isNumber(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func isZeroish(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return v.Len() == 0
	case reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return false
}

// Tree reduces v to plain data for comparison: structs become maps of their non-empty exported
// fields (skipping the official SDK's ResultMetadata and unexported markers), pointers are
// followed, times become Unix milliseconds, named strings become strings and numbers float64.
func Tree(v any) any {
	return tree(reflect.ValueOf(v))
}

func tree(v reflect.Value) any {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return float64(t.UnixMilli())
		}
		m := map[string]any{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			if x := tree(v.Field(i)); x != nil {
				m[f.Name] = x
			}
		}
		if len(m) == 0 {
			return nil
		}
		return m
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return string(v.Bytes())
		}
		s := make([]any, v.Len())
		for i := range s {
			s[i] = tree(v.Index(i))
		}
		return s
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		m := map[string]any{}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			m[k.String()] = tree(v.MapIndex(k))
		}
		return m
	case reflect.String:
		if v.Len() == 0 {
			return nil
		}
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return fmt.Sprintf("unsupported %s", v.Type())
}
