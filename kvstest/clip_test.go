package kvstest_test

import (
	"bytes"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

var clipStart = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// clipOf gets a clip of the producer range [from, to] and parses it.
func clipOf(t *testing.T, env *archivedEnv, from, to time.Time) (*archived.Clip, error) {
	t.Helper()
	out, err := env.client.GetClip(ctx, &archived.GetClipInput{StreamName: env.name, ClipFragmentSelector: producerRange(from, to)})
	if err != nil {
		return nil, err
	}
	return archived.ParseClip(teeTo(out.Payload, io.Discard))
}

// TestGetClipErrors checks the service's errors: no retention, no fragment in the range, a
// server range that ends in the future, and ranges the server refuses.
func TestGetClipErrors(t *testing.T) {
	env, _ := imagesEnv(t)
	_, err := clipOf(t, env, clipStart.Add(time.Hour), clipStart.Add(2*time.Hour))
	wantCode(t, err, "ResourceNotFoundException")
	_, err = env.client.GetClip(ctx, &archived.GetClipInput{StreamName: env.name, ClipFragmentSelector: archived.FragmentSelector{
		FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
		TimestampRange:       archived.TimestampRange{StartTimestamp: time.Now().Add(-time.Minute), EndTimestamp: time.Now().Add(time.Hour)}}})
	wantCode(t, err, "InvalidArgumentException")
	for _, body := range []string{
		`{"StreamName":"camera","ClipFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{"StartTimestamp":100,"EndTimestamp":100}}}`,
		`{"StreamName":"camera","ClipFragmentSelector":{"FragmentSelectorType":"PRODUCER_TIMESTAMP","TimestampRange":{"StartTimestamp":100,"EndTimestamp":86501}}}`,
	} {
		if r := postData(t, env.srv, "/getClip", body); r.code != "InvalidArgumentException" {
			t.Fatalf("%s: HTTP %d %s", body, r.status, r.code)
		}
	}
	must[*kvs.UpdateDataRetentionOutput](t)(env.control.UpdateDataRetention(ctx, mustRetentionDecrease(t, env)))
	_, err = clipOf(t, env, clipStart, clipStart.Add(time.Minute))
	wantCode(t, err, "NoDataRetentionException")
}

// TestGetClipLimits cuts clips at the fragment and size limits.
func TestGetClipLimits(t *testing.T) {
	env, _ := imagesEnv(t, kvstest.WithArchivedLimits(kvstest.ArchivedLimits{ClipMaxFragments: 3}))
	clip, err := clipOf(t, env, clipStart, clipStart.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if v := clip.Tracks[0]; len(v.Samples) != 180 || v.Duration.Round(10*time.Millisecond) != 6*time.Second {
		t.Fatalf("clip cut at 3 fragments: %d samples, %v", len(v.Samples), v.Duration)
	}
	env, _ = imagesEnv(t, kvstest.WithArchivedLimits(kvstest.ArchivedLimits{ClipMaxBytes: 1}))
	if clip, err = clipOf(t, env, clipStart, clipStart.Add(time.Minute)); err != nil || len(clip.Tracks[0].Samples) != 60 {
		t.Fatalf("clip cut at 1 byte: %v; it holds the first fragment", err)
	}
}

// TestGetClipDeduplicatesAndRefusesChanges produces the same producer times twice (the clip
// holds one copy), then fragments whose codec private data change, then fragments without
// audio: clips across the changes fail.
func TestGetClipDeduplicatesAndRefusesChanges(t *testing.T) {
	sample := loadAV(t, 1)
	env := newArchivedEnv(t, 24)
	env.produce(t, clipStart, sample)
	env.produce(t, clipStart, sample)
	clip, err := clipOf(t, env, clipStart, clipStart.Add(10*time.Second))
	if err != nil || len(clip.Tracks[0].Samples) != 300 {
		t.Fatalf("clip of a range produced twice: %v, want 300 video samples once", err)
	}
	changed := changedCPD(t, sample)
	env.produce(t, clipStart.Add(time.Minute), changed)
	_, err = clipOf(t, env, clipStart, clipStart.Add(2*time.Minute))
	wantCode(t, err, "InvalidCodecPrivateDataException")
	if _, err := clipOf(t, env, clipStart.Add(time.Minute), clipStart.Add(2*time.Minute)); err != nil {
		t.Fatalf("a clip of the changed media alone: %v", err)
	}
	videoOnly := avSample{tracks: changed.tracks[:1]}
	for _, f := range changed.frames {
		if f.track == 1 {
			videoOnly.frames = append(videoOnly.frames, f)
		}
	}
	env.produce(t, clipStart.Add(2*time.Minute), videoOnly)
	_, err = clipOf(t, env, clipStart.Add(time.Minute), clipStart.Add(3*time.Minute))
	wantCode(t, err, "UnsupportedStreamMediaTypeException")
}

// changedCPD returns the sample with other (still valid) H.264 codec private data: its PPS
// twice.
func changedCPD(t *testing.T, s avSample) avSample {
	t.Helper()
	cfg, err := mkv.ParseAVCDecoderConfig(s.tracks[0].CodecPrivate)
	if err != nil {
		t.Fatal(err)
	}
	cfg.PPS = append(cfg.PPS, cfg.PPS[0])
	out := avSample{frames: s.frames, tracks: slices.Clone(s.tracks)}
	if out.tracks[0].CodecPrivate, err = cfg.DecoderConfig(); err != nil {
		t.Fatal(err)
	}
	return out
}

// hevcALaw reads the shared H.265 and G.711 A-law samples as producer frames (A-law in 20 ms
// blocks).
func hevcALaw(t *testing.T) ([]media.TrackConfig, []avFrame) {
	t.Helper()
	video, err1 := wiretest.ReadShared(filepath.Join("media", "h265-320x240-30fps-10s.h265"))
	audio, err2 := wiretest.ReadShared(filepath.Join("media", "g711a-8k-mono-10s.alaw"))
	if err1 != nil || err2 != nil {
		wiretest.Skip(t, "samples: %v %v", err1, err2)
	}
	ar, err := media.NewAccessUnitReader(bytes.NewReader(video), media.CodecH265)
	if err != nil {
		t.Fatal(err)
	}
	var frames []avFrame
	for i := 0; ; i++ {
		au, key, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, avFrame{track: 1, at: time.Duration(i) * time.Second / 30, key: key, data: bytes.Clone(au)})
	}
	const block = 160 // 20 ms at 8 kHz
	for i := 0; i+block <= len(audio); i += block {
		frames = append(frames, avFrame{track: 2, at: time.Duration(i/block) * 20 * time.Millisecond, key: true, data: audio[i : i+block]})
	}
	slices.SortStableFunc(frames, func(a, b avFrame) int { return int(a.at - b.at) })
	return []media.TrackConfig{{Codec: media.CodecH265}, {Codec: media.CodecG711ALaw, Format: media.FormatRaw}}, frames
}

// TestGetClipHEVCAndG711 packages H.265 video with G.711 A-law audio as a clip and a DASH
// session, which ffmpeg decodes whole, and checks that HLS refuses G.711.
func TestGetClipHEVCAndG711(t *testing.T) {
	tracks, frames := hevcALaw(t)
	env := newArchivedEnv(t, 24)
	env.produceFrames(t, clipStart, tracks, frames)
	want := stored(mustFragments(t, env, clipStart))
	out, err := env.client.GetClip(ctx, &archived.GetClipInput{StreamName: env.name, ClipFragmentSelector: producerRange(clipStart, clipStart.Add(time.Minute))})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clip.mp4")
	data, err := io.ReadAll(out.Payload)
	out.Payload.Close()
	if err != nil || os.WriteFile(path, data, 0o600) != nil {
		t.Fatal(err)
	}
	if codecs := probe(t, path, "stream=codec_name"); !slices.Equal(codecs, []string{"hevc", "pcm_alaw"}) {
		t.Fatalf("ffprobe codecs %v", codecs)
	}
	if got := decodedFrames(t, path); got["video"] != want["video"] || got["audio"] != want["audio"] {
		t.Fatalf("clip: ffmpeg decoded %v, want %v", got, want)
	}
	sel := archived.StreamingFragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		TimestampRange: archived.StreamingTimestampRange{StartTimestamp: clipStart, EndTimestamp: clipStart.Add(time.Minute)}}
	dash, err := env.client.GetDASHStreamingSessionURL(ctx, &archived.GetDASHStreamingSessionURLInput{StreamName: env.name,
		PlaybackMode: archived.PlaybackModeOnDemand, DASHFragmentSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	if got := decodedFrames(t, dash.DASHStreamingSessionURL); got["video"] != want["video"] || got["audio"] != want["audio"] {
		t.Fatalf("DASH: ffmpeg decoded %v, want %v", got, want)
	}
	_, err = env.client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: env.name,
		PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: sel})
	wantCode(t, err, "UnsupportedStreamMediaTypeException")
	images, err := env.client.GetImages(ctx, &archived.GetImagesInput{StreamName: env.name, ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		StartTimestamp: clipStart.Add(time.Second), EndTimestamp: clipStart.Add(time.Second), Format: archived.ImageFormatJPEG})
	if err != nil {
		t.Fatal(err)
	}
	data, err = images.Images[0].Decode()
	if cfg, err2 := jpeg.DecodeConfig(bytes.NewReader(data)); err != nil || err2 != nil || cfg.Width != 320 {
		t.Fatalf("an image of H.265: %s, %v %v", images.Images[0].Error, err, err2)
	}
}
