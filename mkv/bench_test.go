package mkv

import (
	"bytes"
	"io"
	"testing"
)

// BenchmarkReadFrame measures one frame per op in steady state: a long
// cluster of 1.2 KB frames, to count allocations per frame.
func BenchmarkReadFrame(b *testing.B) {
	stream, _ := AppendHeader(nil, Info{}, []TrackEntry{{Number: 1, Type: TrackVideo, CodecID: CodecIDH264}})
	stream, _ = AppendClusterStart(stream, 0, UnknownSize)
	payload := make([]byte, 1200)
	for i := range 10000 {
		stream, _ = AppendSimpleBlock(stream, 0, Frame{Track: 1, Timecode: int64(i % 30000), Data: payload})
	}
	src := bytes.NewReader(stream)
	r := NewReader(src)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ev, err := r.Next()
		if err == io.EOF || ev.Kind == KindClusterEnd {
			b.StopTimer()
			src.Reset(stream)
			r.Reset(src)
			b.StartTimer()
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
