package archived_test

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/hostile"
	"github.com/kvsgo/sdk/internal/wiretest"
)

// withMoovChild returns clip with child appended to its moov box (which follows the ftyp box).
func withMoovChild(t testing.TB, clip, child []byte) []byte {
	t.Helper()
	pos := int(binary.BigEndian.Uint32(clip)) // after ftyp
	if string(clip[pos+4:pos+8]) != "moov" {
		t.Fatalf("box %q after ftyp", clip[pos+4:pos+8])
	}
	size := int(binary.BigEndian.Uint32(clip[pos:]))
	out := append([]byte(nil), clip[:pos+size]...)
	binary.BigEndian.PutUint32(out[pos:], uint32(size+len(child)))
	out = append(out, child...)
	return append(out, clip[pos+size:]...)
}

// nestedBox returns depth boxes of type typ, each inside the previous one.
func nestedBox(depth int, typ string) []byte {
	file := hostile.NestedBoxes(depth, typ)
	return file[16+8:] // without ftyp and moov
}

// TestParseClipHostileTrees checks that box trees built to exhaust the decoder are refused
// quickly with an error naming the problem; nested trak boxes once overflowed the stack.
func TestParseClipHostileTrees(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"nested trak 1e6", hostile.NestedBoxes(1_000_000, "trak"), "lacks its headers"},
		{"nested trak 1e5", hostile.NestedBoxes(100_000, "trak"), "lacks its headers"},
		{"nested udta 1e6", hostile.NestedBoxes(1_000_000, "udta"), "no tracks"},
		{"many boxes", hostile.ManyBoxes(archived.MaxClipBoxes, "trak"), "more than 262144 boxes"},
		{"box past its parent", withMoovChild(t, fragmentedClip(t), []byte("\x00\x00\x00\x10trak\x00\x00\x00\x20mdia")), `box "mdia" at offset`},
		{"size 0", append(hostile.NestedBoxes(0, ""), "\x00\x00\x00\x00moof"...), "size 0"},
		{"64-bit size", append(hostile.NestedBoxes(0, ""), "\x00\x00\x00\x01moof\x00\x00\x00\x00\x00\x00\x00\x10"...), "64-bit size"},
		{"stray bytes", append(fragmentedClip(t), 0, 0, 0), "3 stray bytes"},
		{"two moov", append(fragmentedClip(t), hostile.NestedBoxes(0, "")[16:]...), "second moov"},
		{"two mdia", withMoovChild(t, fragmentedClip(t), []byte("\x00\x00\x00\x18trak\x00\x00\x00\x08mdia\x00\x00\x00\x08mdia")), "second mdia"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := archived.ParseClip(bytes.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseClip: %v, want an error with %q", err, tt.want)
			}
			t.Logf("%v in %v", err, time.Since(start))
		})
	}
}

// TestParseClipSkipsUnreadBoxes checks that boxes ParseClip does not read, however deep,
// leave the clip as it was.
func TestParseClipSkipsUnreadBoxes(t *testing.T) {
	clip := fragmentedClip(t)
	want, err := archived.ParseClip(bytes.NewReader(clip))
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"udta", "meta", "trak", "moov", "mp4a"} {
		in := withMoovChild(t, clip, nestedBox(100_000, typ))
		if typ == "trak" || typ == "moov" { // inside a box ParseClip does not read
			inner := nestedBox(100_000, typ)
			in = withMoovChild(t, clip, append(binary.BigEndian.AppendUint32(nil, uint32(8+len(inner))), append([]byte("udta"), inner...)...))
		}
		got, err := archived.ParseClip(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if diff := wiretest.Diff(want, got); diff != "" {
			t.Errorf("%s: clip differs:\n%s", typ, diff)
		}
	}
}

// BenchmarkParseClip compares hostile box trees with the clip of the tests: the pre-scan makes
// each cost about what its bytes do.
func BenchmarkParseClip(b *testing.B) {
	for _, bc := range []struct {
		name string
		in   []byte
	}{
		{"clip-4s", fragmentedClip(b)},
		{"nested-trak-4e4", hostile.NestedBoxes(40_000, "trak")},
		{"nested-trak-1e5", hostile.NestedBoxes(100_000, "trak")},
		{"nested-trak-1e6", hostile.NestedBoxes(1_000_000, "trak")},
		{"many-boxes-1e6", hostile.ManyBoxes(1_000_000, "free")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = archived.ParseClip(bytes.NewReader(bc.in))
			}
		})
	}
}
