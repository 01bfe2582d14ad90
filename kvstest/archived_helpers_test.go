package kvstest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// avFrame is one frame of the shared H.264 and AAC sample: video (track 1) length-prefixed,
// audio (track 2) raw.
type avFrame struct {
	track uint64
	at    time.Duration
	key   bool
	data  []byte
}

// avSample is the shared 10-second H.264 + AAC Matroska file, read once.
type avSample struct {
	frames []avFrame
	tracks []mkv.TrackEntry
}

// loadAV reads the shared H.264 + AAC sample (10 s, 30 fps, 48 kHz) and repeats it times times,
// each copy starting where the one before ends: after its audio, which lasts 470 AAC frames
// (10.027 s), so that no audio overlaps.
func loadAV(t testing.TB, times int) avSample {
	t.Helper()
	data, err := wiretest.ReadShared(filepath.Join("media", "h264-aac-320x240-10s-ffmpeg.mkv"))
	if err != nil {
		wiretest.Skip(t, "samples: %v", err)
	}
	r := mkv.NewReader(bytes.NewReader(data))
	var one avSample
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
			one.tracks = ev.Tracks
		case mkv.KindFrame:
			f := ev.Frame
			one.frames = append(one.frames, avFrame{track: f.Track, at: mkv.Timestamp(f.Timecode, r.TimecodeScale()),
				key: f.Keyframe || f.Track == 2, data: bytes.Clone(f.Data)})
		}
	}
	const length = 10027 * time.Millisecond
	out := avSample{tracks: one.tracks}
	for i := range times {
		for _, f := range one.frames {
			f.at += time.Duration(i) * length
			out.frames = append(out.frames, f)
		}
	}
	return out
}

// count returns how many frames of track the sample has.
func (s avSample) count(track uint64) int {
	n := 0
	for _, f := range s.frames {
		if f.track == track {
			n++
		}
	}
	return n
}

// archivedEnv is an emulator with one stream that keeps data, and the clients to use it.
type archivedEnv struct {
	srv     *kvstest.Server
	control *kvs.Client
	media   *media.Client
	client  *archived.Client
	name    string
}

func newArchivedEnv(t *testing.T, retention int32, opts ...kvstest.Option) *archivedEnv {
	t.Helper()
	srv := start(t, opts...)
	control := client(srv)
	name := "camera"
	must[*kvs.CreateStreamOutput](t)(control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: retention}))
	return &archivedEnv{srv: srv, control: control, name: name,
		media:  media.New(media.Options{Options: control.Options(), Control: control}),
		client: archived.New(archived.Options{Options: control.Options(), Control: control})}
}

// produce writes the sample's frames from producer time start, through a Producer.
func (e *archivedEnv) produce(t *testing.T, start time.Time, s avSample) {
	t.Helper()
	tracks := make([]media.TrackConfig, len(s.tracks))
	for i, tr := range s.tracks {
		tracks[i] = media.TrackConfig{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: tr.CodecPrivate}
		if tr.CodecID == mkv.CodecIDAAC {
			tracks[i] = media.TrackConfig{Codec: media.CodecAAC, Format: media.FormatRaw, CodecPrivate: tr.CodecPrivate}
		}
	}
	e.produceFrames(t, start, tracks, s.frames)
}

// produceFrames writes frames of the tracks from producer time start, through a Producer.
func (e *archivedEnv) produceFrames(t *testing.T, start time.Time, tracks []media.TrackConfig, frames []avFrame) {
	t.Helper()
	p, err := media.NewProducer(ctx, e.media, media.ProducerConfig{StreamName: e.name, Tracks: tracks, StartTime: start})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := p.WriteFrame(ctx, media.Frame{Track: f.track, Timestamp: f.at, Keyframe: f.key, Data: f.data}); err != nil {
			t.Fatal(err)
		}
	}
	closeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.Close(closeCtx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// producerRange is a producer-timestamp selector of [from, to].
func producerRange(from, to time.Time) archived.FragmentSelector {
	return archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		TimestampRange: archived.TimestampRange{StartTimestamp: from, EndTimestamp: to}}
}

// needTool returns the path of an installed tool, or skips the test.
func needTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		wiretest.Skip(t, "%s is not installed: %v", name, err)
	}
	return path
}

// decodedFrames runs "ffmpeg -i input -map 0 -f null -" and returns how many frames ffmpeg
// says it decoded of each media type ("video", "audio").
func decodedFrames(t *testing.T, input string) map[string]int {
	t.Helper()
	cmd := exec.Command(needTool(t, "ffmpeg"), "-nostdin", "-v", "verbose", "-i", input, "-map", "0", "-f", "null", "-")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg -i %s: %v\n%s", input, err, out)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		// "  Input stream #0:1 (video): 1800 packets read (2218434 bytes); 1800 frames decoded; "
		var in, stream, packets, bytes, frames int
		var kind string
		if _, err := fmt.Sscanf(strings.TrimSpace(line), "Input stream #%d:%d %s %d packets read (%d bytes); %d frames decoded",
			&in, &stream, &kind, &packets, &bytes, &frames); err == nil {
			counts[strings.Trim(kind, "():")] += frames
		}
		if strings.Contains(line, "rror") {
			t.Logf("ffmpeg: %s", line)
		}
	}
	return counts
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// probe runs ffprobe on input and returns the value of one -show_entries entry per stream.
func probe(t *testing.T, input, entries string, extra ...string) []string {
	t.Helper()
	args := append([]string{"-v", "error"}, extra...)
	args = append(args, "-show_entries", entries, "-of", "csv=p=0", input)
	out, err := exec.Command(needTool(t, "ffprobe"), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", input, err, out)
	}
	return strings.Fields(strings.TrimSpace(string(out)))
}

// teeTo returns r, copying what is read from it to w, and closing r at its end.
func teeTo(r io.ReadCloser, w io.Writer) io.Reader {
	return io.TeeReader(readCloser{r}, w)
}

type readCloser struct{ io.ReadCloser }

func (r readCloser) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err == io.EOF {
		r.Close()
	}
	return n, err
}

// mustFragments reads every fragment of the first minute from start back with
// GetMediaForFragmentList, in fragment-number order.
func mustFragments(t *testing.T, e *archivedEnv, start time.Time) []*media.Fragment {
	t.Helper()
	list, err := e.client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: e.name, Selector: producerRange(start, start.Add(time.Minute))})
	if err != nil {
		t.Fatal(err)
	}
	numbers := make([]string, len(list))
	for i, f := range list {
		numbers[i] = f.FragmentNumber
	}
	return readFragments(t, e, numbers)
}

// readFragments reads fragments with GetMediaForFragmentList.
func readFragments(t *testing.T, e *archivedEnv, numbers []string) []*media.Fragment {
	t.Helper()
	out, err := e.client.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: e.name, Fragments: numbers})
	if err != nil {
		t.Fatal(err)
	}
	var frags []*media.Fragment
	for f, err := range out.Fragments() {
		if err != nil {
			t.Fatal(err)
		}
		frags = append(frags, f)
	}
	return frags
}

// mustRetentionDecrease returns the update that brings the stream's retention of 24 hours to 0.
func mustRetentionDecrease(t *testing.T, e *archivedEnv) *kvs.UpdateDataRetentionInput {
	t.Helper()
	d := must[*kvs.DescribeStreamOutput](t)(e.control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: e.name}))
	return &kvs.UpdateDataRetentionInput{StreamName: e.name, CurrentVersion: d.StreamInfo.Version,
		Operation: kvs.UpdateDataRetentionOperationDecreaseDataRetention, DataRetentionChangeInHours: d.StreamInfo.DataRetentionInHours}
}

// epoch formats a time as the JSON of a timestamp: epoch seconds.
func epoch(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

// postData sends a correctly signed JSON request to the data plane.
func postData(t *testing.T, s *kvstest.Server, path, body string) response {
	t.Helper()
	req := newRequest(t, s.DataURL, path, body)
	sign(t, req, s.Credentials(), s.Region, time.Now(), body)
	return send(t, s, req)
}

// captureHeader returns an option that records the header name of the responses of a call.
func captureHeader(name string, dst *string) func(*archived.Options) {
	return func(o *archived.Options) {
		base := o.HTTPClient
		if base == nil {
			base = http.DefaultClient
		}
		o.HTTPClient = headerRecorder{base: base, name: name, dst: dst}
	}
}

type headerRecorder struct {
	base kvs.HTTPClient
	name string
	dst  *string
}

func (h headerRecorder) Do(r *http.Request) (*http.Response, error) {
	resp, err := h.base.Do(r)
	if err == nil {
		*h.dst = resp.Header.Get(h.name)
	}
	return resp, err
}
