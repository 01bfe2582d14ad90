package jsonwire

import (
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Marshal returns the JSON form of v.
func Marshal(v any) ([]byte, error) {
	return Append(nil, v)
}

// Append appends the JSON form of v to dst. A nil pointer encodes as null.
func Append(dst []byte, v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return append(dst, "null"...), nil
	}
	c, err := codecFor(rv.Type())
	if err != nil {
		return dst, err
	}
	e := encoder{buf: dst}
	if err := c.enc(&e, rv); err != nil {
		return dst, err
	}
	return e.buf, nil
}

type encoder struct {
	buf []byte
}

func encodeString(e *encoder, v reflect.Value) error {
	e.buf = AppendString(e.buf, v.String())
	return nil
}

func encodeBool(e *encoder, v reflect.Value) error {
	e.buf = strconv.AppendBool(e.buf, v.Bool())
	return nil
}

func encodeInt(e *encoder, v reflect.Value) error {
	e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
	return nil
}

func encodeUint(e *encoder, v reflect.Value) error {
	e.buf = strconv.AppendUint(e.buf, v.Uint(), 10)
	return nil
}

func encodeFloat(e *encoder, v reflect.Value) error {
	f := v.Float()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("jsonwire: %v has no JSON form", f)
	}
	bits := 64
	if v.Kind() == reflect.Float32 {
		bits = 32
	}
	e.buf = appendFloat(e.buf, f, bits)
	return nil
}

// appendFloat writes f the way JavaScript and encoding/json do: plain decimal notation for
// ordinary magnitudes, exponent notation for very small and very large ones.
func appendFloat(b []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(b, f, format, -1, bits)
}

func encodeTime(e *encoder, v reflect.Value) error {
	e.buf = AppendEpochSeconds(e.buf, timeOf(v))
	return nil
}

// AppendEpochSeconds appends t as a JSON number of seconds since the Unix epoch, exact to the
// nanosecond and without trailing zeros in the fraction (1511852109.126, 1511852109).
func AppendEpochSeconds(b []byte, t time.Time) []byte {
	sec, nsec := t.Unix(), int64(t.Nanosecond())
	if sec < 0 && nsec > 0 { // -0.5 s is sec -1 + 500 ms: print it as -0.5
		sec++
		nsec = 1e9 - nsec
		if sec == 0 {
			b = append(b, '-')
		}
	}
	b = strconv.AppendInt(b, sec, 10)
	if nsec == 0 {
		return b
	}
	var frac [10]byte
	frac[0] = '.'
	for i := 9; i >= 1; i-- {
		frac[i] = byte('0' + nsec%10)
		nsec /= 10
	}
	n := 10
	for frac[n-1] == '0' {
		n--
	}
	return append(b, frac[:n]...)
}

func encodeBytes(e *encoder, v reflect.Value) error {
	if v.IsNil() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	raw := v.Bytes()
	e.buf = append(e.buf, '"')
	e.buf = base64.StdEncoding.AppendEncode(e.buf, raw)
	e.buf = append(e.buf, '"')
	return nil
}

func pointerEncoder(elem *codec) encFunc {
	return func(e *encoder, v reflect.Value) error {
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return elem.enc(e, v.Elem())
	}
}

func sliceEncoder(elem *codec) encFunc {
	return func(e *encoder, v reflect.Value) error {
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		e.buf = append(e.buf, '[')
		for i := range v.Len() {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := elem.enc(e, v.Index(i)); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
		return nil
	}
}

func mapEncoder(elem *codec) encFunc {
	return func(e *encoder, v reflect.Value) error {
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int {
			switch x, y := a.String(), b.String(); {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		})
		e.buf = append(e.buf, '{')
		for i, k := range keys {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.buf = AppendString(e.buf, k.String())
			e.buf = append(e.buf, ':')
			if err := elem.enc(e, v.MapIndex(k)); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, '}')
		return nil
	}
}

func structEncoder(plan *structPlan) encFunc {
	return func(e *encoder, v reflect.Value) error {
		e.buf = append(e.buf, '{')
		first := true
		for i := range plan.fields {
			f := &plan.fields[i]
			fv := v.Field(f.index)
			if f.omitzero && f.codec.omit(fv) {
				continue
			}
			if !first {
				e.buf = append(e.buf, ',')
			}
			first = false
			e.buf = AppendString(e.buf, f.name)
			e.buf = append(e.buf, ':')
			if err := f.codec.enc(e, fv); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, '}')
		return nil
	}
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string. Control characters are escaped and invalid UTF-8
// becomes U+FFFD, so the output is always valid JSON.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
