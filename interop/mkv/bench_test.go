package mkv_test

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"

	"github.com/at-wat/ebml-go"
	"github.com/at-wat/ebml-go/mkvcore"
	"github.com/at-wat/ebml-go/webm"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// benchVideo returns 30 fps H.264 frames with a key frame every 60
// frames: the shared 320x240 sample (length-prefixed) when present,
// otherwise synthetic frames of the same sizes pattern (20 KB key frames,
// 1.2 KB others).
func benchVideo(b *testing.B) (mkv.TrackEntry, [][]byte) {
	if data, err := wiretest.ReadShared(filepath.Join("media", "h264-320x240-30fps-10s.h264")); err == nil {
		ar, err := media.NewAccessUnitReader(bytes.NewReader(data), media.CodecH264)
		if err != nil {
			b.Fatal(err)
		}
		var track mkv.TrackEntry
		var frames [][]byte
		for {
			au, _, err := ar.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if frames == nil {
				if track, err = mkv.H264Track(1, au); err != nil {
					b.Fatal(err)
				}
			}
			lp, _ := mkv.AppendLengthPrefixed(nil, au)
			frames = append(frames, lp)
		}
		return track, frames
	}
	frames := make([][]byte, 300)
	for i := range frames {
		frames[i] = make([]byte, 1200)
		if i%60 == 0 {
			frames[i] = make([]byte, 20000)
		}
	}
	return mkv.TrackEntry{Number: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264, Video: mkv.VideoSettings{PixelWidth: 320, PixelHeight: 240}}, frames
}

func avgSize(frames [][]byte) int64 {
	n := 0
	for _, f := range frames {
		n += len(f)
	}
	return int64(n / len(frames))
}

// BenchmarkWrite writes a live stream of 2-second fragments of 30 fps
// video, one frame per op: kvsgo's Writer and Append functions against
// ebml-go's SimpleBlockWriter (which also writes clusters of unknown
// size and starts them at key frames).
func BenchmarkWrite(b *testing.B) {
	track, frames := benchVideo(b)
	b.Run("kvsgo/Writer", func(b *testing.B) {
		w, err := mkv.NewWriter(io.Discard, mkv.WriterOptions{Tracks: []mkv.TrackEntry{track}})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(avgSize(frames))
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			tc := int64(i) * 1000 / 30
			if i%60 == 0 {
				if err := w.StartCluster(tc); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.WriteFrame(mkv.Frame{Track: 1, Timecode: tc, Keyframe: i%60 == 0, Data: frames[i%len(frames)]}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kvsgo/AppendSimpleBlock", func(b *testing.B) {
		buf := make([]byte, 0, 64<<10)
		var cluster int64
		b.SetBytes(avgSize(frames))
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			tc := int64(i) * 1000 / 30
			if i%60 == 0 {
				cluster = tc
				buf, _ = mkv.AppendClusterStart(buf[:0], cluster, mkv.UnknownSize)
			}
			var err error
			if buf, err = mkv.AppendSimpleBlock(buf[:0], cluster, mkv.Frame{Track: 1, Timecode: tc, Keyframe: i%60 == 0, Data: frames[i%len(frames)]}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ebml-go/SimpleBlockWriter", func(b *testing.B) {
		ws, err := webm.NewSimpleBlockWriter(nopCloser{io.Discard}, []webm.TrackEntry{{
			Name: "video", TrackNumber: 1, TrackUID: 1, CodecID: mkv.CodecIDH264, TrackType: 1,
			Video: &webm.Video{PixelWidth: 320, PixelHeight: 240},
		}}, mkvcore.WithMaxKeyframeInterval(1, 2000))
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(avgSize(frames))
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if _, err := ws[0].Write(i%60 == 0, int64(i)*1000/30, frames[i%len(frames)]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		ws[0].Close()
	})
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// benchCapture returns the GetMedia capture and its documents.
func benchCapture(b *testing.B) (data []byte, docs [][]byte, frames int) {
	data = readFile(b, wiretest.SharedFile(b, filepath.Join("kvs-captures", "output_get_media.mkv")))
	evs, err := events(data)
	if err != nil {
		b.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Kind == mkv.KindFrame {
			frames++
		}
	}
	return data, splitDocuments(b, data), frames
}

// BenchmarkRead decodes the GetMedia capture output_get_media.mkv (2.5
// MB, 5 fragments, 300 frames), one whole capture per op: kvsgo's Reader
// against ebml-go's Unmarshal, which is handed the documents already cut
// apart because it cannot split them itself.
func BenchmarkRead(b *testing.B) {
	data, docs, frames := benchCapture(b)
	b.Run("kvsgo/Reader", func(b *testing.B) {
		src := bytes.NewReader(data)
		r := mkv.NewReader(src)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			src.Reset(data)
			r.Reset(src)
			n := 0
			for {
				ev, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				if ev.Kind == mkv.KindFrame {
					n++
				}
			}
			if n != frames {
				b.Fatalf("%d frames", n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
	})
	b.Run("ebml-go/Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			n := 0
			for _, doc := range docs {
				var s egStream
				if err := ebml.Unmarshal(bytes.NewReader(doc), &s, ebml.WithIgnoreUnknown(true)); err != nil {
					b.Fatal(err)
				}
				for _, seg := range s.Segment {
					for _, c := range seg.Cluster {
						n += len(c.SimpleBlock)
					}
				}
			}
			if n != frames {
				b.Fatalf("%d frames", n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frames), "ns/frame")
	})
}
