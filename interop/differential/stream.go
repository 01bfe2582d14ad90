package differential

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// SampleStream starts an emulator (closed when the test ends) with a stream name holding the
// 10-second H.264 and AAC sample (media/h264-aac-320x240-10s-ffmpeg.mkv, 5 fragments) written by
// kvsgo's Producer from producer time start, so that the official clients can read what kvsgo
// wrote. It returns the server, a kvs client of it and the frames written, in order.
func SampleStream(t testing.TB, name string, start time.Time, opts ...kvstest.Option) (*kvstest.Server, *kvs.Client, []media.Frame) {
	t.Helper()
	data, err := wiretest.ReadShared(filepath.Join("media", "h264-aac-320x240-10s-ffmpeg.mkv"))
	if err != nil {
		wiretest.Skip(t, "samples: %v", err)
	}
	var tracks []media.TrackConfig
	var frames []media.Frame
	r := mkv.NewReader(bytes.NewReader(data))
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Kind {
		case mkv.KindTracks:
			for _, tr := range ev.Tracks {
				tc := media.TrackConfig{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: tr.CodecPrivate}
				if tr.CodecID == mkv.CodecIDAAC {
					tc = media.TrackConfig{Codec: media.CodecAAC, Format: media.FormatRaw, CodecPrivate: tr.CodecPrivate}
				}
				tracks = append(tracks, tc)
			}
		case mkv.KindFrame:
			f := ev.Frame
			frames = append(frames, media.Frame{Track: f.Track, Timestamp: mkv.Timestamp(f.Timecode, r.TimecodeScale()),
				Keyframe: f.Keyframe || f.Track == 2, Data: bytes.Clone(f.Data)})
		}
	}
	srv := kvstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	control := kvs.NewFromConfig(srv.Config())
	if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: 24}); err != nil {
		t.Fatal(err)
	}
	p, err := media.NewProducer(ctx, media.New(media.Options{Options: control.Options(), Control: control}),
		media.ProducerConfig{StreamName: name, Tracks: tracks, StartTime: start})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := p.WriteFrame(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	closeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.Close(closeCtx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return srv, control, frames
}
