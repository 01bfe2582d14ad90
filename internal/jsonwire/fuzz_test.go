package jsonwire

import (
	"encoding/json"
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
)

// FuzzUnmarshal checks that no input panics, that whatever decodes re-encodes to a document
// that decodes to the same value, and that we never accept what encoding/json finds malformed.
func FuzzUnmarshal(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"S":"a","I":-5,"U":7,"F":1.5,"B":true,"E":"RED","P":0}`,
		`{"T":1511852109.126,"In":{"Name":"x","Count":3,"When":2},"InP":{"Name":"y"}}`,
		`{"L":["a","b"],"LS":[{"Name":"a"},{}],"M":{"k":"v"},"ME":{"A":1},"Raw":"AAEC/w=="}`,
		`{"S":"q\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00\ud800x"}`, `{"X":[1,{"y":null}],"T":"2017-11-28T06:55:09Z"}`,
		`{"T":1.5e9}`, `[`, `{"S":`, `nul`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v outer
		if err := Unmarshal(data, &v); err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		enc, err := Marshal(v)
		if err != nil {
			return // e.g. a float that decodes but has no JSON form cannot occur; keep going
		}
		var back outer
		if err := Unmarshal(enc, &back); err != nil {
			t.Fatalf("re-decoding %s: %v", enc, err)
		}
		if diff := wiretest.Diff(v, back); diff != "" {
			t.Fatalf("round trip of %q changed the value:\n%s", data, diff)
		}
	})
}

// FuzzAppendString checks that encoding/json reads every string we write, and reads it as the
// original text (with invalid UTF-8 replaced, as both sides do).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00\x1f", "é☃😀", "\xff\xfe", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := AppendString(nil, s)
		var viaStd string
		if err := json.Unmarshal(enc, &viaStd); err != nil {
			t.Fatalf("encoding/json rejects %q: %v", enc, err)
		}
		var viaUs struct {
			S string `json:"S"`
		}
		if err := Unmarshal(append(append([]byte(`{"S":`), enc...), '}'), &viaUs); err != nil {
			t.Fatalf("we reject our own %q: %v", enc, err)
		}
		if viaUs.S != viaStd {
			t.Fatalf("decoders disagree on %q: %q vs %q", enc, viaUs.S, viaStd)
		}
		stdEnc, _ := json.Marshal(s)
		var fromStd string
		if err := Unmarshal(append(append([]byte(`{"S":`), stdEnc...), '}'), &struct {
			S *string `json:"S"`
		}{&fromStd}); err != nil {
			t.Fatalf("we reject encoding/json's %s: %v", stdEnc, err)
		}
		if fromStd != viaStd {
			t.Fatalf("encoding/json's %s decoded to %q, want %q", stdEnc, fromStd, viaStd)
		}
	})
}
