package kvstest_test

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/media"
)

// stored counts the frames of each kind in fragments as GetMediaForFragmentList returns them.
func stored(frags []*media.Fragment) map[string]int {
	n := map[string]int{}
	for _, f := range frags {
		for _, fr := range f.Frames {
			n[map[uint64]string{1: "video", 2: "audio"}[fr.Track]]++
		}
	}
	return n
}

// TestArchivedPlaysWhatWasProduced produces 60 s of H.264 and AAC, then checks with
// "ffmpeg -i URL -f null -" and "ffprobe -count_frames" that every stored frame decodes from
// HLS sessions (fMP4 and MPEG-TS) and a DASH session, and with ffprobe that a GetClip of 10
// seconds is an MP4 of the duration of its fragments whose every frame decodes.
func TestArchivedPlaysWhatWasProduced(t *testing.T) {
	sample := loadAV(t, 6)
	env := newArchivedEnv(t, 24)
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	received := time.Now().Add(-time.Second)
	env.produce(t, start, sample)
	frags := mustFragments(t, env, start)
	want := stored(frags)
	if len(frags) != 30 || want["video"] != sample.count(1) || want["audio"] != sample.count(2) {
		t.Fatalf("stored %d fragments with %v frames; produced %d video and %d audio frames",
			len(frags), want, sample.count(1), sample.count(2))
	}
	t.Logf("produced %d video and %d audio frames; stored %v in %d fragments", sample.count(1), sample.count(2), want, len(frags))
	onDemand := archived.StreamingFragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		TimestampRange: archived.StreamingTimestampRange{StartTimestamp: start, EndTimestamp: start.Add(time.Minute + time.Second)}}

	for _, tc := range []struct {
		name string
		url  func() (string, error)
	}{
		{"HLS fMP4", func() (string, error) {
			out, err := env.client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: env.name,
				PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: onDemand})
			return out.HLSStreamingSessionURL, err
		}},
		{"HLS MPEG-TS", func() (string, error) {
			out, err := env.client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: env.name,
				PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: onDemand, ContainerFormat: archived.ContainerFormatMPEGTS})
			return out.HLSStreamingSessionURL, err
		}},
		{"HLS fMP4, server timestamps", func() (string, error) {
			// The fragments were received faster than real time: on the server's clock they
			// overlap, and every one is a discontinuity.
			out, err := env.client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: env.name,
				PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: archived.StreamingFragmentSelector{
					TimestampRange: archived.StreamingTimestampRange{StartTimestamp: received, EndTimestamp: time.Now().Truncate(time.Millisecond)}}})
			if err != nil {
				return "", err
			}
			return out.HLSStreamingSessionURL, nil
		}},
		{"DASH", func() (string, error) {
			out, err := env.client.GetDASHStreamingSessionURL(ctx, &archived.GetDASHStreamingSessionURLInput{StreamName: env.name,
				PlaybackMode: archived.PlaybackModeOnDemand, DASHFragmentSelector: onDemand})
			return out.DASHStreamingSessionURL, err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, err := tc.url()
			if err != nil {
				t.Fatal(err)
			}
			got := decodedFrames(t, url)
			t.Logf("ffmpeg decoded %v", got)
			if got["video"] != want["video"] || got["audio"] != want["audio"] {
				t.Errorf("ffmpeg decoded %v frames, want %v", got, want)
			}
			counted := probe(t, url, "stream=nb_read_frames", "-count_frames", "-select_streams", "v:0")
			if len(counted) == 0 || counted[0] != strconv.Itoa(want["video"]) {
				t.Errorf("ffprobe -count_frames: %v video frames, want %d", counted, want["video"])
			}
		})
	}

	// Every 10-second range from a fragment's start: the clip holds the fragments that start in it.
	for _, i := range []int{0, 7, 24} {
		from := frags[i].ProducerTimestamp
		t.Run("GetClip from "+from.Sub(start).String(), func(t *testing.T) {
			checkClip(t, env, producerRange(from, from.Add(10*time.Second)))
		})
	}
}

// checkClip gets the clip of sel and checks it against the fragments ListFragments gives for
// sel: ParseClip and ffprobe find its duration, and ffmpeg decodes all their frames.
func checkClip(t *testing.T, env *archivedEnv, sel archived.FragmentSelector) {
	t.Helper()
	listed, err := env.client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: env.name, Selector: sel})
	if err != nil {
		t.Fatal(err)
	}
	var length time.Duration
	numbers := make([]string, len(listed))
	for i, f := range listed {
		length += time.Duration(f.FragmentLengthInMilliseconds) * time.Millisecond
		numbers[i] = f.FragmentNumber
	}
	frags := readFragments(t, env, numbers)
	clipOut, err := env.client.GetClip(ctx, &archived.GetClipInput{StreamName: env.name, ClipFragmentSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "clip.mp4")
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	clip, err := archived.ParseClip(teeTo(clipOut.Payload, file))
	file.Close()
	if err != nil {
		t.Fatal(err)
	}
	probed, _ := strconv.ParseFloat(probe(t, path, "format=duration")[0], 64)
	video := clip.Tracks[0]
	t.Logf("%d fragments of %v in all; clip %v (video %v, %d samples), ffprobe %.3f s, %s", len(listed), length,
		clip.Duration, video.Duration, len(video.Samples), probed, clipOut.ContentType)
	const frame = 34 * time.Millisecond
	if clipOut.ContentType != "video/mp4" || absDuration(video.Duration-length) > frame ||
		math.Abs(probed-length.Seconds()) > 2*frame.Seconds() {
		t.Errorf("clip: %s of %v (ffprobe %.3f s), want video/mp4 of %v", clipOut.ContentType, video.Duration, probed, length)
	}
	if got, want := decodedFrames(t, path), stored(frags); got["video"] != want["video"] || got["audio"] != want["audio"] {
		t.Errorf("ffmpeg decoded %v frames of the clip, want %v", got, want)
	}
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
