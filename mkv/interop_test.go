package mkv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sampleFrame is one frame of the interop stream, with its timecode in ms.
type sampleFrame struct {
	track uint64
	tc    int64
	key   bool
	data  []byte
}

// sampleStream turns the shared H.264, AAC and G.711 samples into three
// tracks of frames ordered by timecode: video at 30 fps (length-prefixed
// NAL units), AAC frames of 1024 samples, and A-law in 20 ms frames.
func sampleStream(t testing.TB) ([]TrackEntry, []sampleFrame) {
	dir := sharedDir(t, "media")
	aus := splitAccessUnits(t, readFile(t, filepath.Join(dir, "h264-320x240-30fps-10s.h264")), h264VCL)
	video, err := H264Track(1, aus[0])
	if err != nil {
		t.Fatal(err)
	}
	var frames []sampleFrame
	for i, au := range aus {
		lp, err := AppendLengthPrefixed(nil, au)
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, sampleFrame{1, int64(i) * 1000 / 30, IsH264KeyFrame(au), lp})
	}
	aacFrames, cfg := splitADTS(t, readFile(t, filepath.Join(dir, "aac-48k-mono-10s.aac")))
	audio, err := cfg.TrackEntry(2)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range aacFrames {
		frames = append(frames, sampleFrame{2, int64(i) * AACSamplesPerFrame * 1000 / int64(cfg.SampleRate), true, f})
	}
	alaw := readFile(t, filepath.Join(dir, "g711a-8k-mono-10s.alaw"))
	g711, err := G711Track(3, WaveFormatALaw, 8000, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i*160 < len(alaw); i++ {
		frames = append(frames, sampleFrame{3, int64(i) * 20, true, alaw[i*160 : min(len(alaw), i*160+160)]})
	}
	slices.SortStableFunc(frames, func(a, b sampleFrame) int { return int(a.tc - b.tc) })
	return []TrackEntry{video, audio, g711}, frames
}

// writeSampleStream writes frames with a Writer, one fragment per video
// key frame, each preceded by a Tags element, and ends the last fragment.
func writeSampleStream(t testing.TB, tracks []TrackEntry, frames []sampleFrame, known bool) []byte {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, WriterOptions{Tracks: tracks, KnownSizeClusters: known})
	if err != nil {
		t.Fatal(err)
	}
	fragment := 0
	for _, f := range frames {
		if f.track == 1 && f.key {
			tags := []Tag{{SimpleTags: []SimpleTag{{Name: "FRAGMENT", String: strconv.Itoa(fragment)}}}}
			if err := w.WriteTags(tags); err != nil {
				t.Fatal(err)
			}
			if err := w.StartCluster(f.tc); err != nil {
				t.Fatal(err)
			}
			fragment++
		}
		if err := w.WriteFrame(Frame{Track: f.track, Timecode: f.tc, Keyframe: f.key, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.EndFragment(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeTemp writes data to a file in a test folder.
func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func TestInteropFFprobe(t *testing.T) {
	ffprobe := needTool(t, "ffprobe")
	tracks, frames := sampleStream(t)
	for _, known := range []bool{false, true} {
		t.Run(fmt.Sprintf("known-size=%v", known), func(t *testing.T) {
			path := writeTemp(t, "out.mkv", writeSampleStream(t, tracks, frames, known))
			out := run(t, ffprobe, "-v", "error", "-count_frames", "-count_packets", "-show_entries",
				"stream=index,codec_name,width,height,sample_rate,channels,nb_read_frames,nb_read_packets", "-of", "csv=p=0", path)
			want := "0,h264,320,240,300,300\n1,aac,48000,1,470,470\n2,pcm_alaw,8000,1,500,500\n"
			if out != want {
				t.Errorf("ffprobe streams\n%s\nwant\n%s", out, want)
			}
			// Every packet's timestamp is the one we gave, in ms.
			out = run(t, ffprobe, "-v", "error", "-show_entries", "packet=stream_index,pts_time,flags", "-of", "csv=p=0", path)
			var got, wantTS []string
			for _, line := range strings.Fields(out) {
				got = append(got, line)
			}
			byTrack := map[uint64][]sampleFrame{}
			for _, f := range frames {
				byTrack[f.track] = append(byTrack[f.track], f)
			}
			for _, f := range frames {
				flag := "_"
				if f.key {
					flag = "K"
				}
				wantTS = append(wantTS, fmt.Sprintf("%d,%.6f,%s_", f.track-1, float64(f.tc)/1000, flag))
			}
			slices.Sort(got)
			slices.Sort(wantTS)
			if !slices.Equal(got, wantTS) {
				t.Errorf("packets differ: %d from ffprobe, %d written; first %v vs %v", len(got), len(wantTS), got[:3], wantTS[:3])
			}
		})
	}
}

func TestInteropMkvinfo(t *testing.T) {
	mkvinfo := needTool(t, "mkvinfo")
	tracks, frames := sampleStream(t)
	path := writeTemp(t, "out.mkv", writeSampleStream(t, tracks, frames, false))
	out := run(t, mkvinfo, "-a", path)
	for _, want := range []string{"Codec ID: V_MPEG4/ISO/AVC", "Codec ID: A_AAC", "Codec ID: A_MS/ACM",
		"Pixel width: 320", "Pixel height: 240", "Sampling frequency: 48000", "Sampling frequency: 8000",
		"Multiplexing application: kvsgo", "Name: AWS_KINESISVIDEO_END_OF_FRAGMENT"} {
		if !strings.Contains(out, want) {
			t.Errorf("mkvinfo does not show %q", want)
		}
	}
	blocks := regexp.MustCompile(`Simple block: (key, )?track number (\d), 1 frame\(s\), timestamp (\d\d):(\d\d):(\d\d)\.(\d{9})`)
	var got []string
	for _, m := range blocks.FindAllStringSubmatch(out, -1) {
		h, _ := strconv.Atoi(m[3])
		mi, _ := strconv.Atoi(m[4])
		s, _ := strconv.Atoi(m[5])
		ns, _ := strconv.Atoi(m[6])
		ms := int64(h*3600+mi*60+s)*1000 + int64(ns/1_000_000)
		got = append(got, fmt.Sprintf("%s@%d%v", m[2], ms, m[1] != ""))
	}
	var want []string
	for _, f := range frames {
		want = append(want, fmt.Sprintf("%d@%d%v", f.track, f.tc, f.key))
	}
	if !slices.Equal(got, want) {
		t.Errorf("mkvinfo lists %d blocks, we wrote %d (or they differ)", len(got), len(want))
	}
	if n := strings.Count(out, "|+ Cluster"); n != 5 {
		t.Errorf("%d clusters, want 5", n)
	}
}

// TestInteropFFmpegDecodes has ffmpeg decode every frame of streams we
// wrote, failing on the first decoding error.
func TestInteropFFmpegDecodes(t *testing.T) {
	ffmpeg := needTool(t, "ffmpeg")
	tracks, frames := sampleStream(t)
	inputs := map[string][]byte{"h264-aac-g711.mkv": writeSampleStream(t, tracks, frames, false)}

	aus := splitAccessUnits(t, readFile(t, filepath.Join(sharedDir(t, "media"), "h265-320x240-30fps-10s.h265")), h265VCL)
	inputs["h265.mkv"] = videoOnlyStream(t, aus, h265Codec)
	for name, codec := range map[string]videoCodec{"h264-high10-176x144": h264Codec, "h264-high422-176x100": h264Codec,
		"h265-main10-176x144": h265Codec, "h265-main422-10-176x100": h265Codec} {
		aus := splitAccessUnits(t, readFile(t, filepath.Join("testdata", name+codec.ext)), codec.vcl)
		inputs[name+".mkv"] = videoOnlyStream(t, aus, codec)
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			path := writeTemp(t, name, data)
			run(t, ffmpeg, "-nostdin", "-v", "error", "-xerror", "-i", path, "-f", "null", "-")
		})
	}
}

// videoOnlyStream writes one video track, a cluster per key frame.
func videoOnlyStream(t *testing.T, aus [][]byte, codec videoCodec) []byte {
	tr, err := codec.track(1, aus[0])
	if err != nil {
		t.Fatal(err)
	}
	var frames []sampleFrame
	for i, au := range aus {
		lp, _ := AppendLengthPrefixed(nil, au)
		frames = append(frames, sampleFrame{1, int64(i) * 1000 / 30, codec.key(au), lp})
	}
	return writeSampleStream(t, []TrackEntry{tr}, frames, false)
}
