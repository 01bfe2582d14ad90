package jsonwire

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
)

type color string

type inner struct {
	Name  string    `json:"Name,omitzero"`
	Count *int32    `json:"Count,omitzero"`
	When  time.Time `json:"When,omitzero"`
}

type outer struct {
	S      string            `json:"S,omitzero"`
	Always string            `json:"Always"`
	I      int64             `json:"I,omitzero"`
	U      uint16            `json:"U,omitzero"`
	F      float64           `json:"F,omitzero"`
	B      bool              `json:"B,omitzero"`
	E      color             `json:"E,omitzero"`
	T      time.Time         `json:"T,omitzero"`
	P      *int32            `json:"P,omitzero"`
	In     inner             `json:"In,omitzero"`
	InP    *inner            `json:"InP,omitzero"`
	L      []string          `json:"L,omitzero"`
	LS     []inner           `json:"LS,omitzero"`
	M      map[string]string `json:"M,omitzero"`
	ME     map[color]int32   `json:"ME,omitzero"`
	Raw    []byte            `json:"Raw,omitzero"`
	Skip   string            `json:"-"`
	hidden string
	NoTag  int32
}

func ptr[T any](v T) *T { return &v }

func TestMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"zero struct keeps non-omitzero members", outer{}, `{"Always":"","NoTag":0}`},
		{"scalars", outer{S: "a", I: -5, U: 7, F: 1.5, B: true, E: "RED", P: ptr(int32(0))},
			`{"S":"a","Always":"","I":-5,"U":7,"F":1.5,"B":true,"E":"RED","P":0,"NoTag":0}`},
		{"whole-second time", outer{T: time.Unix(1511852109, 0)}, `{"Always":"","T":1511852109,"NoTag":0}`},
		{"millisecond time", outer{T: time.UnixMilli(1511852109126)}, `{"Always":"","T":1511852109.126,"NoTag":0}`},
		{"nanosecond time", outer{T: time.Unix(1, 1)}, `{"Always":"","T":1.000000001,"NoTag":0}`},
		{"negative fractional time", outer{T: time.Unix(-2, 5e8)}, `{"Always":"","T":-1.5,"NoTag":0}`},
		{"negative sub-second time", outer{T: time.Unix(-1, 5e8)}, `{"Always":"","T":-0.5,"NoTag":0}`},
		{"nested and omitted nested", outer{In: inner{Name: "x"}, InP: &inner{}},
			`{"Always":"","In":{"Name":"x"},"InP":{},"NoTag":0}`},
		{"nil slice omitted, empty slice kept", outer{L: []string{}}, `{"Always":"","L":[],"NoTag":0}`},
		{"list of structs", outer{LS: []inner{{Name: "a"}, {Count: ptr(int32(3))}}},
			`{"Always":"","LS":[{"Name":"a"},{"Count":3}],"NoTag":0}`},
		{"map keys sorted", outer{M: map[string]string{"b": "2", "a": "1", "c": "3"}},
			`{"Always":"","M":{"a":"1","b":"2","c":"3"},"NoTag":0}`},
		{"enum-keyed map", outer{ME: map[color]int32{"Z": 1, "A": 2}}, `{"Always":"","ME":{"A":2,"Z":1},"NoTag":0}`},
		{"bytes as base64", outer{Raw: []byte{0, 1, 2, 0xff}}, `{"Always":"","Raw":"AAEC/w==","NoTag":0}`},
		{"escapes", outer{S: "q\"b\\n\n\r\t\x01é☃"}, `{"S":"q\"b\\n\n\r\t\u0001é☃","Always":"","NoTag":0}`},
		{"invalid utf-8 replaced", outer{S: "a\xffb"}, `{"S":"a\ufffdb","Always":"","NoTag":0}`},
		{"large float uses exponent", outer{F: 1e21}, `{"Always":"","F":1e+21,"NoTag":0}`},
		{"nil pointer top level", (*outer)(nil), `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal = %s\nwant       %s", got, tt.want)
			}
			if !json.Valid(got) {
				t.Errorf("output is not valid JSON: %s", got)
			}
		})
	}
}

func TestMarshalErrors(t *testing.T) {
	if _, err := Marshal(outer{F: math.NaN()}); err == nil {
		t.Error("NaN: no error")
	}
	var ute *UnsupportedTypeError
	if _, err := Marshal(struct{ C chan int }{}); !errors.As(err, &ute) {
		t.Errorf("chan field: err = %v, want UnsupportedTypeError", err)
	}
	if _, err := Marshal(map[int]string{1: "a"}); !errors.As(err, &ute) {
		t.Errorf("int-keyed map: err = %v, want UnsupportedTypeError", err)
	}
}

func TestUnmarshal(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want outer
	}{
		{"empty object", `{}`, outer{}},
		{"unknown members skipped", `{"X":{"a":[1,2,{"b":null}],"c":"d"},"S":"v","Y":[true,false,null,-1.5e3]}`, outer{S: "v"}},
		{"scalars", `{"S":"a","I":-5,"U":7,"F":1.5,"B":true,"E":"RED","P":0}`,
			outer{S: "a", I: -5, U: 7, F: 1.5, B: true, E: "RED", P: ptr(int32(0))}},
		{"time as integer", `{"T":1511852109}`, outer{T: time.Unix(1511852109, 0).UTC()}},
		{"time as fraction", `{"T":1511852109.126}`, outer{T: time.UnixMilli(1511852109126).UTC()}},
		{"time with nanoseconds", `{"T":1.000000001}`, outer{T: time.Unix(1, 1).UTC()}},
		{"time beyond nanoseconds truncates", `{"T":1.0000000019}`, outer{T: time.Unix(1, 1).UTC()}},
		{"negative time", `{"T":-1.5}`, outer{T: time.Unix(-2, 5e8).UTC()}},
		{"time with exponent", `{"T":1.5e9}`, outer{T: time.Unix(15e8, 0).UTC()}},
		{"time as numeric string", `{"T":"1511852109.5"}`, outer{T: time.Unix(1511852109, 5e8).UTC()}},
		{"time as RFC 3339", `{"T":"2017-11-28T06:55:09.126Z"}`, outer{T: time.UnixMilli(1511852109126).UTC()}},
		{"nested", `{"In":{"Name":"x","Count":3,"When":2},"InP":{"Name":"y"}}`,
			outer{In: inner{Name: "x", Count: ptr(int32(3)), When: time.Unix(2, 0).UTC()}, InP: &inner{Name: "y"}}},
		{"lists", `{"L":["a","b"],"LS":[{"Name":"a"},{}]}`, outer{L: []string{"a", "b"}, LS: []inner{{Name: "a"}, {}}}},
		{"empty list", `{"L":[]}`, outer{L: []string{}}},
		{"maps", `{"M":{"k":"v","k2":""},"ME":{"A":1}}`, outer{M: map[string]string{"k": "v", "k2": ""}, ME: map[color]int32{"A": 1}}},
		{"nulls", `{"S":null,"P":null,"InP":null,"L":null,"M":null,"T":null,"B":null,"I":null,"F":null,"U":null,"Raw":null}`, outer{}},
		{"escapes", `{"S":"q\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00\ud800x"}`, outer{S: "q\"\\/\b\f\n\r\tAé😀\uFFFDx"}},
		{"invalid utf-8 replaced", "{\"S\":\"a\xffb\xe2\x98\"}", outer{S: "a\uFFFDb\uFFFD\uFFFD"}}, // as encoding/json does
		{"invalid utf-8 after an escape", "{\"S\":\"\\n\xff\"}", outer{S: "\n\uFFFD"}},
		{"bytes", `{"Raw":"AAEC/w=="}`, outer{Raw: []byte{0, 1, 2, 0xff}}},
		{"whitespace everywhere", " \n{ \"S\" : \"a\" ,\t\"I\" : 1 } \r\n", outer{S: "a", I: 1}},
		{"case-sensitive names", `{"s":"lower"}`, outer{}},
		{"ignored field not filled", `{"Skip":"x","hidden":"y"}`, outer{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got outer
			if err := Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if diff := wiretest.Diff(tt.want, got); diff != "" {
				t.Errorf("Unmarshal mismatch:\n%s", diff)
			}
		})
	}
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		in         string
		offset     int64
		msgContain string
	}{
		{``, 0, "end of input"},
		{`{`, 1, "end of input"},
		{`{"S":1}`, 5, "want a string"},
		{`{"I":"1"}`, 5, "want a number"},
		{`{"I":1.5}`, 5, "does not fit int64"},
		{`{"U":-1}`, 5, "does not fit uint16"},
		{`{"U":70000}`, 5, "does not fit uint16"},
		{`{"P":99999999999}`, 5, "does not fit int32"},
		{`{"B":1}`, 5, "true or false"},
		{`{"S":"a"`, 8, "end of input"},
		{`{"S":"a",}`, 9, "want a string"},
		{`{"S":"a"}x`, 9, "after the top-level value"},
		{"{\"S\":\"a\x01\"}", 7, "control character"},
		{`{"S":"\q"}`, 6, "invalid escape"},
		{`{"S":"\u12`, 8, "short \\u escape"},
		{`{"S":"\uzzzz"}`, 8, "invalid \\u escape"},
		{`{"S":"abc`, 9, "unterminated string"},
		{`{"T":"yesterday"}`, 5, "neither epoch seconds"},
		{`{"T":true}`, 5, "want a number"},
		{`{"Raw":"!!"}`, 7, "invalid base64"},
		{`{"L":["a" "b"]}`, 10, "',' or ']'"},
		{`{"S":"a" "I":1}`, 9, "',' or '}'"},
		{`{"X":tru}`, 5, "want a number"},
		{`{"F":-}`, 5, "want a number"},
		{`{"F":-012}`, 6, "leading zero"},
		{`{"F":1.}`, 7, "digit after the decimal point"},
		{`{"F":1e}`, 7, "digit in the exponent"},
		{`[]`, 0, `want '{'`},
		{strings.Repeat(`{"X":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), int64(5*MaxDepth + 1), "nesting deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got outer
			err := Unmarshal([]byte(tt.in), &got)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *SyntaxError", err)
			}
			if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msgContain) {
				t.Errorf("err = %v, want offset %d and %q", err, tt.offset, tt.msgContain)
			}
		})
	}
}

func TestUnmarshalNeedsPointer(t *testing.T) {
	if err := Unmarshal([]byte(`{}`), outer{}); err == nil {
		t.Error("non-pointer: no error")
	}
	if err := Unmarshal([]byte(`{}`), (*outer)(nil)); err == nil {
		t.Error("nil pointer: no error")
	}
}

type node struct {
	Name string `json:"Name"`
	Next *node  `json:"Next,omitzero"`
}

func TestRecursiveType(t *testing.T) {
	in := node{Name: "a", Next: &node{Name: "b"}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"Name":"a","Next":{"Name":"b"}}` {
		t.Fatalf("Marshal = %s", b)
	}
	var out node
	if err := Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := wiretest.Diff(in, out); diff != "" {
		t.Error(diff)
	}
}

// TestStringsAgainstEncodingJSON checks that encoding/json reads back every string we write.
func TestStringsAgainstEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "\x00\x1f\x7f", "\"\\/", "é☃😀", "\u2028\u2029", "<>&"} {
		var back string
		if err := json.Unmarshal(AppendString(nil, s), &back); err != nil || back != s {
			t.Errorf("%q: encoding/json read %q, %v", s, back, err)
		}
	}
}

func TestParseEpochSeconds(t *testing.T) {
	for _, bad := range []string{"", "-", ".5", "1.", "1e", "abc", "1.5x", "99999999999999999999", "1e300"} {
		if _, ok := ParseEpochSeconds([]byte(bad)); ok {
			t.Errorf("ParseEpochSeconds(%q) accepted", bad)
		}
	}
	got, ok := ParseEpochSeconds([]byte("1700000000.001"))
	if !ok || !got.Equal(time.UnixMilli(1700000000001)) {
		t.Errorf("ParseEpochSeconds = %v, %v", got, ok)
	}
}

func TestAppendEpochSecondsRoundTrip(t *testing.T) {
	for _, tm := range []time.Time{
		time.Unix(0, 0), time.Unix(1511852109, 126e6), time.Unix(1, 999999999), time.Unix(-1, 1),
		time.Date(2262, 1, 1, 0, 0, 0, 5, time.UTC), time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		b := AppendEpochSeconds(nil, tm)
		back, ok := ParseEpochSeconds(b)
		if !ok || !back.Equal(tm) {
			t.Errorf("%v → %s → %v, %v", tm, b, back, ok)
		}
	}
}

func TestCodecIsCached(t *testing.T) {
	c1, err := codecFor(reflect.TypeFor[outer]())
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := codecFor(reflect.TypeFor[outer]())
	if c1 != c2 {
		t.Error("codec built twice")
	}
}

func BenchmarkMarshal(b *testing.B) {
	v := outer{S: "stream-name", I: 24, T: time.UnixMilli(1511852109126), M: map[string]string{"a": "b"}, LS: []inner{{Name: "x"}}}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = Append(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	doc := []byte(`{"S":"stream-name","I":24,"T":1511852109.126,"In":{"Name":"x","Count":3},"L":["a","b"],"Unknown":{"z":[1,2,3]}}`)
	b.ReportAllocs()
	for b.Loop() {
		var v outer
		if err := Unmarshal(doc, &v); err != nil {
			b.Fatal(err)
		}
	}
}
