// Package testclip stores the project's small H.264 test clip (archived/testdata: 64x48, 10 fps,
// a key frame every second, 4 s) in a stream of an emulator, looped to any length, for tests
// that need stored or live fragments.
package testclip

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// FrameInterval is the time between two frames of the clip.
const FrameInterval = 100 * time.Millisecond

// path is the clip's file, found from this source file's place in the module.
func path() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "archived", "testdata", "testsrc-64x48-10fps-4s.h264")
}

// Store writes length of the looped clip into stream with a media.Producer, from start on the
// producer clock (2-second fragments), as fast as the emulator takes it, and waits until every
// fragment is persisted. It returns the number of frames written.
func Store(ctx context.Context, client *media.Client, stream string, start time.Time, length time.Duration) (int, error) {
	video, err := os.ReadFile(path())
	if err != nil {
		return 0, fmt.Errorf("testclip: %w", err)
	}
	type unit struct {
		data []byte
		key  bool
	}
	var clip []unit
	aus, err := media.NewAccessUnitReader(bytes.NewReader(video), media.CodecH264)
	if err != nil {
		return 0, err
	}
	for {
		data, key, err := aus.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		clip = append(clip, unit{data, key})
	}
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: stream, Tracks: []media.TrackConfig{{Codec: media.CodecH264}},
		StartTime: start, Buffer: media.BufferConfig{Policy: media.Block}})
	if err != nil {
		return 0, err
	}
	frames := int(length / FrameInterval)
	for i := range frames {
		u := clip[i%len(clip)]
		if err := p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: time.Duration(i) * FrameInterval, Keyframe: u.key, Data: u.data}); err != nil {
			break // Close says why
		}
	}
	return frames, p.Close(ctx)
}

// Emulator starts an emulator that stops when the test ends, creates the named streams
// (keeping media for a day), and returns it with a control-plane client and a media client.
func Emulator(t testing.TB, streams ...string) (*kvstest.Server, *kvs.Client, *media.Client) {
	t.Helper()
	srv, err := kvstest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	control := kvs.NewFromConfig(srv.Config())
	for _, s := range streams {
		if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: s, DataRetentionInHours: 24}); err != nil {
			t.Fatal(err)
		}
	}
	return srv, control, media.New(media.Options{Options: control.Options(), Control: control})
}
