// Package samples bundles ten seconds of synthetic media for the examples: H.264 video (320x240,
// 30 fps, a key frame every 2 s) and AAC audio (48 kHz mono), made with ffmpeg from its test
// patterns, and turns them into timestamped frames ready for a media.Producer.
package samples

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/kvsgo/sdk/internal/testmedia"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// Duration is how long the bundled media lasts.
const Duration = 10 * time.Second

// Tracks describes the bundled media for a producer: H.264 on track 1, AAC on track 2. Their
// decoder configurations come from the stream itself.
func Tracks() []media.TrackConfig {
	return []media.TrackConfig{
		{Codec: media.CodecH264, Name: "video"},
		{Codec: media.CodecAAC, Name: "audio"},
	}
}

// Frames returns the bundled media as frames, interleaved by timestamp, repeated loops times
// back to back (each loop continues the timeline).
func Frames(loops int) ([]media.Frame, error) {
	video, err := videoFrames()
	if err != nil {
		return nil, err
	}
	audio, err := audioFrames()
	if err != nil {
		return nil, err
	}
	var out []media.Frame
	for l := range loops {
		offset := time.Duration(l) * Duration
		v, a := video, audio
		for len(v) > 0 || len(a) > 0 {
			var f media.Frame
			if len(a) == 0 || len(v) > 0 && v[0].Timestamp <= a[0].Timestamp {
				f, v = v[0], v[1:]
			} else {
				f, a = a[0], a[1:]
			}
			f.Timestamp += offset
			out = append(out, f)
		}
	}
	return out, nil
}

func videoFrames() ([]media.Frame, error) {
	ar, err := media.NewAccessUnitReader(bytes.NewReader(testmedia.H264()), media.CodecH264)
	if err != nil {
		return nil, err
	}
	var frames []media.Frame
	for i := 0; ; i++ {
		au, key, err := ar.Next()
		if err == io.EOF {
			return frames, nil
		}
		if err != nil {
			return nil, fmt.Errorf("samples: H.264: %w", err)
		}
		frames = append(frames, media.Frame{Track: 1, Timestamp: time.Duration(i) * time.Second / 30, Keyframe: key, Data: bytes.Clone(au)})
	}
}

func audioFrames() ([]media.Frame, error) {
	var frames []media.Frame
	var at time.Duration
	for rest := testmedia.AAC(); len(rest) > 0; {
		cfg, _, next, err := mkv.NextADTSFrame(rest)
		if err != nil {
			return nil, fmt.Errorf("samples: AAC: %w", err)
		}
		frames = append(frames, media.Frame{Track: 2, Timestamp: at, Keyframe: true, Data: rest[:len(rest)-len(next)]})
		at += cfg.FrameDuration()
		rest = next
	}
	return frames, nil
}
