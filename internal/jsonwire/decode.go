package jsonwire

import (
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// SyntaxError reports malformed JSON, or JSON whose value does not fit the Go type it is
// decoded into.
type SyntaxError struct {
	Offset int64  // byte offset in the document where the problem was found
	Msg    string // what was wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("jsonwire: %s at offset %d", e.Msg, e.Offset)
}

// Unmarshal decodes the JSON document data into v, which must be a non-nil pointer.
// Object members absent from the document leave the corresponding fields unchanged; unknown
// members are skipped.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("jsonwire: Unmarshal needs a non-nil pointer, got %T", v)
	}
	c, err := codecFor(rv.Type().Elem())
	if err != nil {
		return err
	}
	d := decoder{data: data}
	if err := c.dec(&d, rv.Elem()); err != nil {
		return err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return d.errorf("unexpected data after the top-level value")
	}
	return nil
}

type decoder struct {
	data  []byte
	pos   int
	depth int
}

func (d *decoder) errorf(format string, args ...any) error {
	return &SyntaxError{Offset: int64(d.pos), Msg: fmt.Sprintf(format, args...)}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte without consuming it, or 0 at the end.
func (d *decoder) peek() byte {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return 0
	}
	return d.data[d.pos]
}

func (d *decoder) expect(c byte) error {
	if d.peek() != c {
		return d.unexpected(fmt.Sprintf("%q", c))
	}
	d.pos++
	return nil
}

func (d *decoder) unexpected(want string) error {
	if d.pos >= len(d.data) {
		return d.errorf("unexpected end of input, want %s", want)
	}
	return d.errorf("unexpected %q, want %s", d.data[d.pos], want)
}

// literal consumes the keyword lit (null, true or false).
func (d *decoder) literal(lit string) bool {
	if len(d.data)-d.pos >= len(lit) && string(d.data[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	return false
}

// null consumes a null literal if one is next.
func (d *decoder) null() bool {
	return d.peek() == 'n' && d.literal("null")
}

func (d *decoder) enter() error {
	d.depth++
	if d.depth > MaxDepth {
		return d.errorf("nesting deeper than %d", MaxDepth)
	}
	return nil
}

// number consumes a JSON number and returns its text.
func (d *decoder) number() ([]byte, error) {
	d.skipSpace()
	start := d.pos
	if d.pos < len(d.data) && d.data[d.pos] == '-' {
		d.pos++
	}
	intStart := d.pos
	digits := d.digits()
	if digits == 0 {
		d.pos = start
		return nil, d.unexpected("a number")
	}
	if digits > 1 && d.data[intStart] == '0' {
		d.pos = intStart
		return nil, d.errorf("number with a leading zero")
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if d.digits() == 0 {
			return nil, d.unexpected("a digit after the decimal point")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if d.digits() == 0 {
			return nil, d.unexpected("a digit in the exponent")
		}
	}
	return d.data[start:d.pos], nil
}

func (d *decoder) digits() int {
	n := 0
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
		n++
	}
	return n
}

// str consumes a JSON string and returns its content. The result aliases the input when the
// string has no escapes and is valid UTF-8; otherwise it is a new slice.
func (d *decoder) str() ([]byte, error) {
	if d.peek() != '"' {
		return nil, d.unexpected("a string")
	}
	d.pos++
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++
			return s, nil
		case c == '\\':
			return d.unescape(start)
		case c < 0x20:
			return nil, d.errorf("control character %#x in a string", c)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return d.unescape(start)
			}
			d.pos += size
			continue
		}
		d.pos++
	}
	return nil, d.errorf("unterminated string")
}

// unescape decodes the rest of a string that contains escapes or invalid UTF-8; d.pos is at the
// first such byte.
func (d *decoder) unescape(start int) ([]byte, error) {
	out := make([]byte, 0, d.pos-start+16)
	out = append(out, d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return out, nil
		case c < 0x20:
			return nil, d.errorf("control character %#x in a string", c)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			out = utf8.AppendRune(out, r) // invalid bytes become U+FFFD, as encoding/json does
			d.pos += size
			continue
		case c != '\\':
			out = append(out, c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.data) {
			break
		}
		esc := d.data[d.pos+1]
		d.pos += 2
		switch esc {
		case '"', '\\', '/':
			out = append(out, esc)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, err := d.hex4()
			if err != nil {
				return nil, err
			}
			if utf16.IsSurrogate(r) {
				r = d.lowSurrogate(r)
			}
			out = utf8.AppendRune(out, r)
		default:
			d.pos -= 2
			return nil, d.errorf("invalid escape \\%c", esc)
		}
	}
	return nil, d.errorf("unterminated string")
}

func (d *decoder) hex4() (rune, error) {
	if len(d.data)-d.pos < 4 {
		return 0, d.errorf("short \\u escape")
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, d.errorf("invalid \\u escape")
		}
		r = r<<4 | rune(v)
	}
	d.pos += 4
	return r, nil
}

// lowSurrogate completes a UTF-16 surrogate pair, or yields U+FFFD for a lone surrogate.
func (d *decoder) lowSurrogate(high rune) rune {
	if len(d.data)-d.pos >= 6 && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
		save := d.pos
		d.pos += 2
		if low, err := d.hex4(); err == nil {
			if r := utf16.DecodeRune(high, low); r != utf8.RuneError {
				return r
			}
		}
		d.pos = save
	}
	return utf8.RuneError
}

// skip consumes one value of any type.
func (d *decoder) skip() error {
	switch c := d.peek(); {
	case c == '"':
		_, err := d.str()
		return err
	case c == '{':
		return d.object(func([]byte) error { return d.skip() })
	case c == '[':
		return d.array(d.skip)
	case c == 't' && d.literal("true"), c == 'f' && d.literal("false"), c == 'n' && d.literal("null"):
		return nil
	default:
		_, err := d.number()
		return err
	}
}

// object consumes an object, calling member for each key with d positioned at its value.
func (d *decoder) object(member func(key []byte) error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	if err := d.enter(); err != nil {
		return err
	}
	if d.peek() == '}' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		key, err := d.str()
		if err != nil {
			return err
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := member(key); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			d.depth--
			return nil
		default:
			return d.unexpected("',' or '}'")
		}
	}
}

// array consumes an array, calling elem for each element with d positioned at it.
func (d *decoder) array(elem func() error) error {
	if err := d.expect('['); err != nil {
		return err
	}
	if err := d.enter(); err != nil {
		return err
	}
	if d.peek() == ']' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.depth--
			return nil
		default:
			return d.unexpected("',' or ']'")
		}
	}
}

func decodeString(d *decoder, v reflect.Value) error {
	if d.null() {
		v.SetString("")
		return nil
	}
	s, err := d.str()
	if err != nil {
		return err
	}
	v.SetString(string(s))
	return nil
}

func decodeBool(d *decoder, v reflect.Value) error {
	switch {
	case d.null():
		v.SetBool(false)
	case d.peek() == 't' && d.literal("true"):
		v.SetBool(true)
	case d.peek() == 'f' && d.literal("false"):
		v.SetBool(false)
	default:
		return d.unexpected("true or false")
	}
	return nil
}

func decodeInt(d *decoder, v reflect.Value) error {
	if d.null() {
		v.SetInt(0)
		return nil
	}
	at := d.pos
	num, err := d.number()
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(string(num), 10, v.Type().Bits())
	if err != nil {
		d.pos = at
		return d.errorf("%s does not fit %s", num, v.Type())
	}
	v.SetInt(n)
	return nil
}

func decodeUint(d *decoder, v reflect.Value) error {
	if d.null() {
		v.SetUint(0)
		return nil
	}
	at := d.pos
	num, err := d.number()
	if err != nil {
		return err
	}
	n, err := strconv.ParseUint(string(num), 10, v.Type().Bits())
	if err != nil {
		d.pos = at
		return d.errorf("%s does not fit %s", num, v.Type())
	}
	v.SetUint(n)
	return nil
}

func decodeFloat(d *decoder, v reflect.Value) error {
	if d.null() {
		v.SetFloat(0)
		return nil
	}
	at := d.pos
	num, err := d.number()
	if err != nil {
		return err
	}
	f, err := strconv.ParseFloat(string(num), v.Type().Bits())
	if err != nil {
		d.pos = at
		return d.errorf("%s does not fit %s", num, v.Type())
	}
	v.SetFloat(f)
	return nil
}

func decodeTime(d *decoder, v reflect.Value) error {
	if d.null() {
		v.Set(reflect.Zero(timeType))
		return nil
	}
	at := d.pos
	var text []byte
	var err error
	if d.peek() == '"' {
		text, err = d.str()
	} else {
		text, err = d.number()
	}
	if err != nil {
		return err
	}
	t, ok := ParseEpochSeconds(text)
	if !ok {
		var perr error
		t, perr = time.Parse(time.RFC3339Nano, string(text))
		if perr != nil {
			d.pos = at
			return d.errorf("%q is neither epoch seconds nor an RFC 3339 time", text)
		}
	}
	v.Set(reflect.ValueOf(t))
	return nil
}

// ParseEpochSeconds parses a decimal number of seconds since the Unix epoch (an optional sign,
// digits, an optional fraction, an optional exponent) exactly to the nanosecond where the
// notation allows it. It returns false when text is not such a number or is out of range.
func ParseEpochSeconds(text []byte) (time.Time, bool) {
	i, neg := 0, false
	if i < len(text) && text[i] == '-' {
		neg = true
		i++
	}
	var sec int64
	start := i
	for ; i < len(text) && text[i] >= '0' && text[i] <= '9'; i++ {
		if sec > (math.MaxInt64-9)/10 {
			return time.Time{}, false
		}
		sec = sec*10 + int64(text[i]-'0')
	}
	if i == start {
		return time.Time{}, false
	}
	var nsec int64
	if i < len(text) && text[i] == '.' {
		i++
		fracStart := i
		scale := int64(1e8)
		for ; i < len(text) && text[i] >= '0' && text[i] <= '9'; i++ {
			nsec += int64(text[i]-'0') * scale
			scale /= 10
		}
		if i == fracStart {
			return time.Time{}, false
		}
	}
	if i < len(text) {
		// Exponent notation: fall back to floating point (microsecond-level precision).
		f, err := strconv.ParseFloat(string(text), 64)
		if err != nil || math.IsInf(f, 0) || math.Abs(f) > 1e15 {
			return time.Time{}, false
		}
		whole, frac := math.Modf(f)
		return time.Unix(int64(whole), int64(math.Round(frac*1e9))).UTC(), true
	}
	if neg {
		sec, nsec = -sec, -nsec
	}
	return time.Unix(sec, nsec).UTC(), true
}

func decodeBytes(d *decoder, v reflect.Value) error {
	if d.null() {
		v.SetBytes(nil)
		return nil
	}
	at := d.pos
	s, err := d.str()
	if err != nil {
		return err
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(out, s)
	if err != nil {
		d.pos = at
		return d.errorf("invalid base64: %v", err)
	}
	v.SetBytes(out[:n])
	return nil
}

func pointerDecoder(elem *codec) decFunc {
	return func(d *decoder, v reflect.Value) error {
		if d.null() {
			v.SetZero()
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return elem.dec(d, v.Elem())
	}
}

func sliceDecoder(elem *codec) decFunc {
	return func(d *decoder, v reflect.Value) error {
		if d.null() {
			v.SetZero()
			return nil
		}
		t := v.Type()
		zero := reflect.Zero(t.Elem())
		s := reflect.MakeSlice(t, 0, 0)
		err := d.array(func() error {
			s = reflect.Append(s, zero)
			return elem.dec(d, s.Index(s.Len()-1))
		})
		if err != nil {
			return err
		}
		v.Set(s)
		return nil
	}
}

func mapDecoder(elem *codec) decFunc {
	return func(d *decoder, v reflect.Value) error {
		if d.null() {
			v.SetZero()
			return nil
		}
		t := v.Type()
		m := reflect.MakeMap(t)
		val := reflect.New(t.Elem()).Elem()
		err := d.object(func(key []byte) error {
			val.SetZero()
			if err := elem.dec(d, val); err != nil {
				return err
			}
			k := reflect.New(t.Key()).Elem()
			k.SetString(string(key))
			m.SetMapIndex(k, val)
			return nil
		})
		if err != nil {
			return err
		}
		v.Set(m)
		return nil
	}
}

func structDecoder(plan *structPlan) decFunc {
	return func(d *decoder, v reflect.Value) error {
		if d.null() {
			return nil
		}
		return d.object(func(key []byte) error {
			i, ok := plan.byName[string(key)]
			if !ok {
				return d.skip()
			}
			f := &plan.fields[i]
			return f.codec.dec(d, v.Field(f.index))
		})
	}
}
