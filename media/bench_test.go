package media_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// syntheticVideo returns the H.264 decoder configuration of the shared sample and a
// length-prefixed frame of size bytes (one NAL unit), for load tests where only sizes matter.
func syntheticVideo(b testing.TB, size int) (codecPrivate, frame []byte) {
	b.Helper()
	data, err := wiretest.ReadShared(filepath.Join("media", "h264-320x240-30fps-10s.h264"))
	if err != nil {
		wiretest.Skip(b, "sample: %v", err)
	}
	ar, _ := media.NewAccessUnitReader(bytes.NewReader(data), media.CodecH264)
	first, _, _ := ar.Next()
	cfg, err := mkv.ParseH264AnnexB(first)
	if err != nil {
		b.Fatal(err)
	}
	codecPrivate, _ = cfg.DecoderConfig()
	frame = make([]byte, size)
	binary.BigEndian.PutUint32(frame, uint32(size-4))
	frame[4] = 0x41 // a non-IDR slice; key frames are flagged explicitly
	return codecPrivate, frame
}

// benchEmulator starts an emulator with a stream and returns a media client.
func benchEmulator(b *testing.B, retention int32, limits kvstest.MediaLimits, streams int) (*kvstest.Server, *media.Client, []string) {
	b.Helper()
	limits.PutMediaCallsPerSecond, limits.GetMediaCallsPerSecond = -1, -1
	srv := kvstest.NewServer(kvstest.WithMediaLimits(limits))
	b.Cleanup(srv.Close)
	control := kvs.NewFromConfig(srv.Config())
	var names []string
	for i := range streams {
		name := fmt.Sprintf("bench-%d", i)
		if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: retention}); err != nil {
			b.Fatal(err)
		}
		names = append(names, name)
	}
	return srv, media.New(media.Options{Options: control.Options(), Control: control}), names
}

// BenchmarkProducerThroughput streams 64 KiB frames as fast as one producer can send them into
// the in-process emulator, until every fragment is acknowledged.
func BenchmarkProducerThroughput(b *testing.B) {
	const size = 64 << 10
	cp, frame := syntheticVideo(b, size)
	_, client, names := benchEmulator(b, 0, kvstest.MediaLimits{}, 1)
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: names[0], KeepUntil: media.AckEventReceived,
		Tracks: []media.TrackConfig{{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: cp}},
		Buffer: media.BufferConfig{Policy: media.Block, MaxBytes: 64 << 20}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		at := time.Duration(i) * time.Second / 30
		if err := p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: at, Keyframe: i%60 == 0, Data: frame}); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	st := p.Stats()
	b.ReportMetric(float64(st.AckLatency.P50.Microseconds())/1000, "ack-p50-ms")
	b.ReportMetric(float64(st.AckLatency.P99.Microseconds())/1000, "ack-p99-ms")
}

// storeStream writes media of total bytes into a stream of the emulator, in 2-second fragments
// of 64 KiB frames, and returns the number of frames.
func storeStream(b *testing.B, client *media.Client, name string, total int) int {
	b.Helper()
	const size = 64 << 10
	cp, frame := syntheticVideo(b, size)
	ctx := context.Background()
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: name,
		Tracks: []media.TrackConfig{{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: cp}},
		Buffer: media.BufferConfig{Policy: media.Block}})
	if err != nil {
		b.Fatal(err)
	}
	n := total / size
	for i := range n {
		if err := p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: time.Duration(i) * time.Second / 30, Keyframe: i%60 == 0, Data: frame}); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		b.Fatal(err)
	}
	return n
}
