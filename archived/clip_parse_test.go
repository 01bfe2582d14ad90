package archived_test

import (
	"bytes"
	"flag"
	"io"
	"os"
	"testing"
	"time"

	"github.com/Eyevinn/mp4ff/mp4"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/hostile"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// fragmentedClip builds a fragmented MP4 of the test video with mp4ff: one fragment per second
// (10 frames at 10 fps, timescale 1000).
func fragmentedClip(t testing.TB) []byte {
	t.Helper()
	video, err := os.ReadFile("testdata/testsrc-64x48-10fps-4s.h264")
	if err != nil {
		t.Fatal(err)
	}
	aus, _ := media.NewAccessUnitReader(bytes.NewReader(video), media.CodecH264)
	var frames [][]byte
	var keys []bool
	for {
		au, key, err := aus.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lp, err := mkv.AppendLengthPrefixed(nil, au)
		if err != nil {
			t.Fatal(err)
		}
		frames, keys = append(frames, lp), append(keys, key)
	}
	cfg, err := mkv.ParseH264AnnexB(video)
	if err != nil {
		t.Fatal(err)
	}
	init := mp4.CreateEmptyInit()
	trak := init.AddEmptyTrack(1000, "video", "und")
	if err := trak.SetAVCDescriptor("avc1", cfg.SPS, cfg.PPS, true); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := init.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(frames); i += 10 {
		frag, _ := mp4.CreateFragment(uint32(i/10+1), 1)
		for j := i; j < min(i+10, len(frames)); j++ {
			flags := mp4.NonSyncSampleFlags
			if keys[j] {
				flags = mp4.SyncSampleFlags
			}
			frag.AddFullSample(mp4.FullSample{Sample: mp4.Sample{Flags: flags, Dur: 100, Size: uint32(len(frames[j]))},
				DecodeTime: uint64(5000 + j*100), Data: frames[j]})
		}
		if err := frag.Encode(&buf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestParseClipFragmented(t *testing.T) {
	clip, err := archived.ParseClip(bytes.NewReader(fragmentedClip(t)))
	if err != nil {
		t.Fatal(err)
	}
	v := clip.Tracks[0]
	if len(clip.Tracks) != 1 || v.Codec != "avc1" || v.Width != 64 || v.Height != 48 || v.Handler != "vide" || len(v.Samples) != 40 ||
		clip.Duration != 4*time.Second || v.Samples[1].DecodeTime != 100*time.Millisecond || !v.Samples[10].Keyframe || v.Samples[11].Keyframe {
		t.Fatalf("clip %v: %+v", clip.Duration, v.Samples[:2])
	}
	if _, err := mkv.ParseAVCDecoderConfig(v.DecoderConfig); err != nil {
		t.Fatalf("decoder config: %v", err)
	}
}

func TestParseClipRefusesGarbage(t *testing.T) {
	for _, in := range [][]byte{nil, []byte("not an mp4 file at all"), fragmentedClip(t)[:100]} {
		if _, err := archived.ParseClip(bytes.NewReader(in)); err == nil {
			t.Errorf("ParseClip(%q) succeeded", in)
		}
	}
}

// fuzzing reports whether the test binary runs with -test.fuzz.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// FuzzParseClip checks that ParseClip fails cleanly on any input, and that every sample it
// returns lies within the input.
func FuzzParseClip(f *testing.F) {
	clip := fragmentedClip(f)
	f.Add(clip)
	f.Add(clip[:len(clip)/2])
	// Box trees that once overflowed the stack (1e6 nested trak boxes) or took seconds
	// (4e4) in the decoder, and one of the most boxes allowed. Those of megabytes run as seeds
	// only: the fuzzing engine crawls on inputs that large, so it mutates smaller ones.
	if fuzzing() {
		f.Add(hostile.NestedBoxes(2_000, "trak"))
		f.Add(hostile.ManyBoxes(2_000, "free"))
	} else {
		f.Add(hostile.NestedBoxes(1_000_000, "trak"))
		f.Add(hostile.NestedBoxes(40_000, "trak"))
		f.Add(hostile.ManyBoxes(archived.MaxClipBoxes, "free"))
	}
	f.Add(withMoovChild(f, clip, nestedBox(1_000, "udta")))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 16<<20 {
			return
		}
		c, err := archived.ParseClip(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, tr := range c.Tracks {
			for _, s := range tr.Samples {
				if len(s.Data) > len(data) {
					t.Fatalf("a sample of %d bytes from %d bytes of input", len(s.Data), len(data))
				}
			}
		}
	})
}
