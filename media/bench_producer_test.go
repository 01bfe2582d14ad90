package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/kvsgo/sdk/mkv"
)

// benchFrames returns one second of frames: 30 H.264 access units from the shared sample (Annex
// B) interleaved with 50 audio frames of 20 ms (AAC-sized raw payloads).
func benchFrames(b *testing.B) []Frame {
	b.Helper()
	ar, _ := NewAccessUnitReader(bytes.NewReader(readSample(b, "h264-320x240-30fps-10s.h264")), CodecH264)
	var frames []Frame
	video, audio := 0, 0
	for video < 60 || audio < 100 {
		vAt, aAt := time.Duration(video)*time.Second/30, time.Duration(audio)*20*time.Millisecond
		if vAt <= aAt {
			au, _, err := ar.Next()
			if err == io.EOF {
				break
			}
			frames = append(frames, Frame{Track: 1, Timestamp: vAt, Data: bytes.Clone(au)})
			video++
		} else {
			frames = append(frames, Frame{Track: 2, Timestamp: aAt, Data: make([]byte, 170)})
			audio++
		}
	}
	return frames
}

// BenchmarkProducerWriteFrame measures WriteFrame alone: conversion, interleaving, fragmenting
// and encoding, with every fragment acknowledged as soon as it is complete (no network).
func BenchmarkProducerWriteFrame(b *testing.B) {
	frames := benchFrames(b)
	ctx := context.Background()
	p, err := newProducer(ctx, New(Options{}), ProducerConfig{StreamName: "bench", KeepUntil: AckEventPersisted,
		Tracks: []TrackConfig{{Codec: CodecH264}, {Codec: CodecAAC, Format: FormatRaw, SampleRate: 48000, Channels: 1}}})
	if err != nil {
		b.Fatal(err)
	}
	defer p.cancel()
	span := 2 * time.Second // the sample frames cover 2 s; each pass continues the timeline
	var bytesIn int64
	for _, f := range frames {
		bytesIn += int64(len(f.Data))
	}
	b.SetBytes(bytesIn / int64(len(frames)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := frames[i%len(frames)]
		f.Timestamp += time.Duration(i/len(frames)) * span
		if err := p.WriteFrame(ctx, f); err != nil {
			b.Fatal(err)
		}
		if i%len(frames) == 0 {
			p.mu.Lock()
			for _, fr := range p.buf.frags {
				if fr.sealed {
					p.release(fr) // as if the service had persisted it
				}
			}
			p.mu.Unlock()
		}
	}
}

// frames1080p returns two seconds of 1080p-sized A/V frames, length-prefixed as MP4 and
// Matroska carry them: 30 fps H.264 at about 6 Mbit/s (a 200 KB key frame, then 59 frames of
// 22 KB) interleaved with 48 kHz AAC (370-byte frames every 21.3 ms), and the track entries.
func frames1080p(b *testing.B) ([]Frame, []TrackConfig) {
	b.Helper()
	record := sampleDecoderConfig(b)
	nal := func(size int, header byte) []byte {
		f := make([]byte, size)
		binary.BigEndian.PutUint32(f, uint32(size-4))
		f[4] = header
		for i := 5; i < size; i++ {
			f[i] = byte(i*7 + 1)
		}
		return f
	}
	key, delta := nal(200_000, 0x65), nal(22_000, 0x41) // IDR and non-IDR slices
	audio := make([]byte, 370)
	var frames []Frame
	for v, a := 0, 0; v < 60; {
		vAt, aAt := time.Duration(v)*time.Second/30, time.Duration(a)*64*time.Millisecond/3
		if vAt <= aAt {
			data := delta
			if v == 0 {
				data = key
			}
			frames = append(frames, Frame{Track: 1, Timestamp: vAt, Data: data})
			v++
		} else {
			frames = append(frames, Frame{Track: 2, Timestamp: aAt, Data: audio})
			a++
		}
	}
	return frames, []TrackConfig{
		{Codec: CodecH264, Format: FormatLengthPrefixed, CodecPrivate: record},
		{Codec: CodecAAC, Format: FormatRaw, SampleRate: 48000, Channels: 1},
	}
}

// BenchmarkWriteFrame1080p measures Producer.WriteFrame on 1080p A/V frames against a bare
// mkv.Writer writing the same frames into the same clusters, in the same run and alternating
// every two seconds of media, so that a busy machine slows both alike: producer-ns/frame and
// writer-ns/frame are their costs, x-writer the ratio (the target is 1.5 at most), B/op the
// producer's allocation per frame (the writer allocates nothing). x-writer-median is the ratio
// of the median two-second pass of each, which a preemption of either (another process on a
// shared machine) does not move. Fragments are released as if PERSISTED once complete, so
// that their blocks are reused as in a live stream.
//
// A third pass copies the same frames once into a ring of 64 KiB blocks as large as the
// producer's working set (the fragment being written and the one before it, which waits for
// its acknowledgement): the floor of any producer that keeps what it sends until it is
// acknowledged, whose destination, unlike the writer's one reused buffer, is not in the core's
// cache. copy-ns/frame is its cost and x-copy the producer's ratio to it.
func BenchmarkWriteFrame1080p(b *testing.B) {
	frames, tracks := frames1080p(b)
	ctx := context.Background()
	p, err := newProducer(ctx, New(Options{}), ProducerConfig{StreamName: "bench", KeepUntil: AckEventPersisted, Tracks: tracks})
	if err != nil {
		b.Fatal(err)
	}
	defer p.cancel()
	entries := make([]mkv.TrackEntry, len(p.w.tracks))
	for i, t := range p.w.tracks {
		entries[i] = t.entry
	}
	w, err := mkv.NewWriter(io.Discard, mkv.WriterOptions{Tracks: entries})
	if err != nil {
		b.Fatal(err)
	}
	var bytesIn int64
	for _, f := range frames {
		bytesIn += int64(len(f.Data))
	}
	const span = 2 * time.Second
	ring := newCopyRing(2 * bytesIn)
	b.SetBytes(bytesIn / int64(len(frames)))
	b.ReportAllocs()
	b.ResetTimer()
	var producer, writer, copied time.Duration
	var producerPasses, writerPasses []time.Duration // of whole passes
	for done := 0; done < b.N; {
		n := min(len(frames), b.N-done)
		shift := time.Duration(done/len(frames)) * span
		began := time.Now()
		for _, f := range frames[:n] {
			f.Timestamp += shift
			if err := p.WriteFrame(ctx, f); err != nil {
				b.Fatal(err)
			}
		}
		took := time.Since(began)
		producer += took
		if n == len(frames) {
			producerPasses = append(producerPasses, took)
		}
		p.mu.Lock()
		for _, fr := range p.buf.frags {
			if fr.sealed {
				p.release(fr) // as if the service had persisted it
			}
		}
		p.mu.Unlock()

		began = time.Now()
		for i, f := range frames[:n] {
			tc := (f.Timestamp + shift).Milliseconds()
			if i == 0 {
				if err := w.StartCluster(tc); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.WriteFrame(mkv.Frame{Track: f.Track, Timecode: tc, Keyframe: i == 0 || f.Track == 2, Data: f.Data}); err != nil {
				b.Fatal(err)
			}
		}
		took = time.Since(began)
		writer += took
		if n == len(frames) {
			writerPasses = append(writerPasses, took)
		}

		began = time.Now()
		for _, f := range frames[:n] {
			ring.copy(f.Data)
		}
		copied += time.Since(began)
		done += n
	}
	b.ReportMetric(float64(producer.Nanoseconds())/float64(b.N), "producer-ns/frame")
	b.ReportMetric(float64(writer.Nanoseconds())/float64(b.N), "writer-ns/frame")
	b.ReportMetric(float64(producer)/float64(writer), "x-writer")
	b.ReportMetric(float64(copied.Nanoseconds())/float64(b.N), "copy-ns/frame")
	b.ReportMetric(float64(producer)/float64(copied), "x-copy")
	if len(writerPasses) > 0 {
		b.ReportMetric(float64(median(producerPasses))/float64(median(writerPasses)), "x-writer-median")
	}
}

// copyRing is BenchmarkWriteFrame1080p's copy floor: 64 KiB blocks written in turn, wrapping
// around once size bytes were written.
type copyRing struct {
	blocks [][]byte
	block  int // the block being written
	off    int // in it
}

func newCopyRing(size int64) *copyRing {
	r := &copyRing{}
	for range (size + 64<<10 - 1) / (64 << 10) {
		r.blocks = append(r.blocks, make([]byte, 64<<10))
	}
	return r
}

// copy writes data at the ring's position, across blocks.
func (r *copyRing) copy(data []byte) {
	for len(data) > 0 {
		n := copy(r.blocks[r.block][r.off:], data)
		data, r.off = data[n:], r.off+n
		if r.off == len(r.blocks[r.block]) {
			r.block, r.off = (r.block+1)%len(r.blocks), 0
		}
	}
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

// sampleDecoderConfig returns the AVCDecoderConfigurationRecord of the shared H.264 sample.
func sampleDecoderConfig(t testing.TB) []byte {
	t.Helper()
	ar, _ := NewAccessUnitReader(bytes.NewReader(readSample(t, "h264-320x240-30fps-10s.h264")), CodecH264)
	first, _, err := ar.Next()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := mkv.ParseH264AnnexB(first)
	if err != nil {
		t.Fatal(err)
	}
	record, err := cfg.DecoderConfig()
	if err != nil {
		t.Fatal(err)
	}
	return record
}
