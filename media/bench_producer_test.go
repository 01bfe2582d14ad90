package media

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"
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
	p, err := newProducer(ctx, nil, ProducerConfig{StreamName: "bench", KeepUntil: AckEventPersisted,
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
