package kvstest_test

// The official KVS C producer (built from ../shared/peers by .ci/build-cproducer, found through
// KVSGO_CPRODUCER_DIR) runs its sample programs, unchanged, against the emulator over TLS; every
// stream is read back with media.Consumer.

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// cproducerDir returns the directory of the C producer's build (bin/, lib/, samples/), skipping
// the test when there is none, or failing it under KVSGO_CI=1.
func cproducerDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KVSGO_CPRODUCER_DIR")
	if dir == "" {
		if os.Getenv("KVSGO_CI") == "1" {
			t.Fatal("KVSGO_CPRODUCER_DIR is not set: .ci/run builds the C producer with .ci/build-cproducer and sets it")
		}
		t.Skip("the C producer is not built: run `export KVSGO_CPRODUCER_DIR=$(.ci/build-cproducer)`")
	}
	if _, err := os.Stat(filepath.Join(dir, "bin", "kvsAudioVideoStreamingSample")); err != nil {
		t.Fatalf("KVSGO_CPRODUCER_DIR=%s has no C producer build: %v", dir, err)
	}
	return dir
}

// cpeer is an emulator over TLS that the C producer trusts.
type cpeer struct {
	srv    *kvstest.Server
	dir    string // the C producer build
	caFile string
}

func newCPeer(t *testing.T, opts ...kvstest.Option) *cpeer {
	t.Helper()
	dir := cproducerDir(t)
	srv := start(t, append([]kvstest.Option{kvstest.WithTLS(), kvstest.WithPutMediaCapture(64 << 20)}, opts...)...)
	caFile := filepath.Join(t.TempDir(), "kvslocal-ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, ca, 0o644); err != nil {
		t.Fatal(err)
	}
	return &cpeer{srv: srv, dir: dir, caFile: caFile}
}

// run runs a sample program to its end and returns its output.
func (p *cpeer) run(t *testing.T, sample string, args ...string) string {
	t.Helper()
	creds := p.srv.Credentials()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(p.dir, "bin", sample), args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID="+creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_DEFAULT_REGION="+p.srv.Region,
		"CONTROL_PLANE_URI="+p.srv.URL,
		"AWS_KVS_CACERT_PATH="+p.caFile,
		"AWS_KVS_LOG_LEVEL=3", // INFO
		"LD_LIBRARY_PATH="+filepath.Join(p.dir, "lib"),
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", sample, strings.Join(args, " "), err, tail(out, 60))
	}
	// The producer logs the request ID of every answer it finds one in, by a case-sensitive
	// look-up of x-amzn-RequestId.
	if !requestIDLog.Match(out) {
		t.Errorf("the C producer saw no request ID:\n%s", tail(out, 30))
	}
	return string(out)
}

var requestIDLog = regexp.MustCompile(`RequestId: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)

func tail(b []byte, lines int) string {
	ls := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(ls[max(0, len(ls)-lines):], "\n")
}

// sentFrame is a frame as a PutMedia body carried it.
type sentFrame struct {
	track    uint64
	timecode int64 // absolute, in milliseconds
	key      bool
	data     []byte
}

// sentStream is what the PutMedia connections of one stream carried: their frames (a frame sent
// again on a later connection counted once), clusters and tags.
type sentStream struct {
	tracks   []mkv.TrackEntry
	frames   []sentFrame
	clusters map[int64]bool
	tags     [][]mkv.Tag // the Tags elements, in order
}

func parseSent(t *testing.T, conns []kvstest.PutMediaConnection, stream string) sentStream {
	t.Helper()
	out := sentStream{clusters: map[int64]bool{}}
	seen := map[[2]int64]bool{}
	for _, c := range conns {
		if c.StreamName != stream {
			continue
		}
		if int64(len(c.Body)) != c.Bytes {
			t.Fatalf("captured %d of the %d bytes of a PutMedia body", len(c.Body), c.Bytes)
		}
		r := mkv.NewReader(bytes.NewReader(c.Body))
		for {
			ev, err := r.Next()
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				break // a body cut short by the producer
			}
			if err != nil {
				t.Fatalf("a PutMedia body of the C producer: %v", err)
			}
			switch ev.Kind {
			case mkv.KindTracks:
				out.tracks = ev.Tracks
			case mkv.KindClusterStart:
				out.clusters[ev.Cluster.Timecode] = true
			case mkv.KindTags:
				out.tags = append(out.tags, ev.Tags)
			case mkv.KindFrame:
				k := [2]int64{int64(ev.Frame.Track), ev.Frame.Timecode}
				if !seen[k] {
					seen[k] = true
					out.frames = append(out.frames, sentFrame{ev.Frame.Track, ev.Frame.Timecode, ev.Frame.Keyframe, bytes.Clone(ev.Frame.Data)})
				}
			}
		}
	}
	return out
}

// sampleFigures are the figures of one sample run.
type sampleFigures struct {
	framesPut, framesBack int
	fragments, persisted  int
	connections           int
	maxWait               time.Duration // headers to first body byte
	images, notifications int
}

func (f sampleFigures) String() string {
	return fmt.Sprintf("frames put/back %d/%d, fragments %d (PERSISTED %d), connections %d, longest wait before the body %v, images %d, notifications %d",
		f.framesPut, f.framesBack, f.fragments, f.persisted, f.connections, f.maxWait.Round(time.Millisecond), f.images, f.notifications)
}

// checkStream checks what the C producer sent to stream: no ERROR acknowledgement, every
// fragment PERSISTED, no client waiting for a 100 Continue, and every frame read back by a
// Consumer, byte for byte.
func (p *cpeer) checkStream(t *testing.T, stream string) sampleFigures {
	t.Helper()
	conns := p.srv.PutMediaConnections()
	sent := parseSent(t, conns, stream)
	var fig sampleFigures
	persisted := map[int64]bool{}
	for _, c := range conns {
		if c.StreamName != stream {
			continue
		}
		fig.connections++
		fig.maxWait = max(fig.maxWait, c.WaitBeforeBody())
		if got := c.Header.Get("Expect"); got != "100-continue" {
			t.Errorf("the C producer's PutMedia has Expect %q; the stall check needs 100-continue", got)
		}
		for _, a := range c.Acks {
			switch a.EventType {
			case media.AckEventError:
				t.Errorf("ERROR acknowledgement: %+v", a)
			case media.AckEventPersisted:
				persisted[a.FragmentTimecode] = true
			}
		}
	}
	fig.fragments, fig.persisted, fig.framesPut = len(sent.clusters), len(persisted), len(sent.frames)
	for tc := range sent.clusters {
		if !persisted[tc] {
			t.Errorf("the fragment at timecode %d was never PERSISTED", tc)
		}
	}
	// libcurl waits 1 s for a 100 Continue before sending the body anyway.
	if fig.maxWait >= 500*time.Millisecond {
		t.Errorf("a PutMedia body came %v after its headers: the client waited for 100 Continue", fig.maxWait)
	}
	if fig.fragments == 0 || fig.framesPut == 0 {
		t.Fatalf("the C producer sent %d fragments, %d frames", fig.fragments, fig.framesPut)
	}

	client := media.NewFromConfig(p.srv.Config())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cons, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: stream, Start: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	var back []sentFrame
	for n := 0; n < fig.fragments; n++ {
		f, err := cons.Next(ctx)
		if err != nil {
			t.Fatalf("reading fragment %d of %d back: %v", n+1, fig.fragments, err)
		}
		for _, fr := range f.Frames {
			back = append(back, sentFrame{fr.Track, (fr.Timestamp).Milliseconds(), fr.Keyframe, fr.Data})
		}
	}
	fig.framesBack = len(back)
	if len(back) != len(sent.frames) {
		t.Errorf("%d frames read back, %d put", len(back), len(sent.frames))
	}
	for i := range min(len(back), len(sent.frames)) {
		b, s := back[i], sent.frames[i]
		if b.track != s.track || !bytes.Equal(b.data, s.data) {
			t.Fatalf("frame %d read back (track %d, %d bytes) is not the frame put (track %d, %d bytes)", i, b.track, len(b.data), s.track, len(s.data))
		}
	}
	return fig
}

// checkSampleFrames checks that the video frames put are the sample's frame files, in order from
// the first, each converted from Annex-B to length-prefixed NAL units, with none missing.
func checkSampleFrames(t *testing.T, dir, codec string, sent sentStream, track uint64) {
	t.Helper()
	i := 0
	for _, f := range sent.frames {
		if f.track != track {
			continue
		}
		file := filepath.Join(dir, "samples", codec+"SampleFrames", fmt.Sprintf("frame-%03d.%s", i%403+1, codec))
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if want := annexBToLengthPrefixed(raw); !bytes.Equal(f.data, want) && !bytes.Equal(f.data, raw) {
			t.Fatalf("video frame %d (%d bytes) is not %s (%d bytes)", i, len(f.data), filepath.Base(file), len(raw))
		}
		i++
	}
	if i == 0 {
		t.Fatal("no video frame was put")
	}
}

// annexBToLengthPrefixed rewrites Annex-B start codes as 4-byte NAL unit lengths.
func annexBToLengthPrefixed(b []byte) []byte {
	var out []byte
	for _, nal := range splitAnnexB(b) {
		out = append(out, byte(len(nal)>>24), byte(len(nal)>>16), byte(len(nal)>>8), byte(len(nal)))
		out = append(out, nal...)
	}
	return out
}

func splitAnnexB(b []byte) [][]byte {
	var nals [][]byte
	start := -1
	for i := 0; i+2 < len(b); {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				end := i
				for end > start && b[end-1] == 0 {
					end--
				}
				nals = append(nals, b[start:end])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 && start < len(b) {
		nals = append(nals, b[start:])
	}
	return nals
}

func TestCProducerSamples(t *testing.T) {
	p := newCPeer(t, kvstest.WithDelays(kvstest.Delays{StreamCreate: 300 * time.Millisecond}))
	samples := p.dir
	tests := []struct {
		name, sample string
		args         []string
		codec        string
	}{
		{"video-only H.264", "kvsVideoOnlyRealtimeStreamingSample", []string{"h264", "4", samples + "/samples"}, "h264"},
		// The offline sample reads the H.265 frame files unless told "h265", yet declares H.264
		// then (its default codec name and codec ID disagree): it is run with "h265".
		{"offline H.265", "kvsVideoOnlyOfflineStreamingSample", []string{"h265", "4", samples + "/samples"}, "h265"},
		{"audio+video H.264/AAC", "kvsAudioVideoStreamingSample", []string{"4", samples + "/samples", "aac", "h264", "0"}, "h264"},
		{"H.265 + G.711", "kvsAudioVideoStreamingSample", []string{"4", samples + "/samples", "alaw", "h265", "0"}, "h265"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := fmt.Sprintf("cproducer-%d", i)
			p.run(t, tt.sample, append([]string{stream}, tt.args...)...)
			fig := p.checkStream(t, stream)
			sent := parseSent(t, p.srv.PutMediaConnections(), stream)
			checkSampleFrames(t, p.dir, tt.codec, sent, 1)
			t.Logf("%s: %v", tt.name, fig)
		})
	}
}

// TestCProducerEvents runs the audio+video sample with events on: it marks a fragment for a
// notification and image generation, which the stream's configurations turn into a
// notification and images.
func TestCProducerEvents(t *testing.T) {
	p := newCPeer(t)
	control := kvs.NewFromConfig(p.srv.Config(), func(o *kvs.Options) { o.HTTPClient = p.srv.Client() })
	const stream = "cproducer-events"
	if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: stream, DataRetentionInHours: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := control.UpdateNotificationConfiguration(ctx, &kvs.UpdateNotificationConfigurationInput{StreamName: stream,
		NotificationConfiguration: kvs.NotificationConfiguration{Status: kvs.ConfigurationStatusEnabled,
			DestinationConfig: kvs.NotificationDestinationConfig{Uri: "arn:aws:sns:" + p.srv.Region + ":" + p.srv.AccountID + ":kvs-events"}}}); err != nil {
		t.Fatal(err)
	}
	width := int32(160)
	if _, err := control.UpdateImageGenerationConfiguration(ctx, &kvs.UpdateImageGenerationConfigurationInput{StreamName: stream,
		ImageGenerationConfiguration: kvs.ImageGenerationConfiguration{Status: kvs.ConfigurationStatusEnabled,
			ImageSelectorType: kvs.ImageSelectorTypeProducerTimestamp, SamplingInterval: 500, Format: kvs.FormatJPEG,
			FormatConfig: map[kvs.FormatConfigKey]string{kvs.FormatConfigKeyJPEGQuality: "80"}, WidthPixels: &width,
			DestinationConfig: kvs.ImageGenerationDestinationConfig{Uri: "s3://kvs-images/cam", DestinationRegion: p.srv.Region}}}); err != nil {
		t.Fatal(err)
	}
	p.run(t, "kvsAudioVideoStreamingSample", stream, "5", p.dir+"/samples", "aac", "h264", "1")
	fig := p.checkStream(t, stream)
	sent := parseSent(t, p.srv.PutMediaConnections(), stream)
	checkSampleFrames(t, p.dir, "h264", sent, 1)

	marked := map[string]int{}
	for _, tags := range sent.tags {
		for _, tag := range tags {
			for _, st := range tag.SimpleTags {
				marked[st.Name]++
			}
		}
	}
	if marked["AWS_KINESISVIDEO_NOTIFICATION"] != 1 || marked["AWS_KINESISVIDEO_IMAGE_GENERATION"] != 1 {
		t.Errorf("the C producer sent the tags %v, want one AWS_KINESISVIDEO_NOTIFICATION and one AWS_KINESISVIDEO_IMAGE_GENERATION", marked)
	}
	checkEventTagsCapture(t, p.srv.PutMediaConnections(), stream)
	notes := p.srv.Notifications(stream)
	images := p.srv.GeneratedImages(stream)
	fig.notifications, fig.images = len(notes), len(images)
	if len(notes) != 1 || notes[0].NotificationType != kvstest.NotificationTypePersisted || notes[0].FragmentNumber == "" {
		t.Errorf("notifications %+v, want one of the marked fragment", notes)
	}
	if len(images) == 0 {
		t.Fatal("no image was generated")
	}
	for _, img := range images {
		if img.Error != "" && !strings.Contains(img.Error, "ffmpeg is not installed") {
			t.Errorf("image at %v: %s", img.Timestamp, img.Error)
		}
		if img.Error == "" && !bytes.HasPrefix(img.Data, []byte{0xff, 0xd8}) {
			t.Errorf("image at %v is not a JPEG", img.Timestamp)
		}
		if len(notes) == 1 && img.FragmentNumber != notes[0].FragmentNumber {
			t.Errorf("image of fragment %s, notification of %s", img.FragmentNumber, notes[0].FragmentNumber)
		}
	}
	t.Logf("A/V with events: %v", fig)
}

var updateCProducer = flag.Bool("update-cproducer", false, "rewrite the captures of the C producer's output kept as testdata")

// eventTagsCapture holds the bytes the C producer wrote for putKinesisVideoEventMetadata
// (NOTIFICATION | IMAGE_GENERATION, no pairs): media's tests check that media.Producer writes
// the same bytes.
const eventTagsCapture = "../media/testdata/cproducer/event-tags-notification-image.bin"

// checkEventTagsCapture finds the Tags elements the C producer wrote for its events in the
// captured PutMedia body and compares them with the capture kept as testdata (rewritten with
// -update-cproducer).
func checkEventTagsCapture(t *testing.T, conns []kvstest.PutMediaConnection, stream string) {
	t.Helper()
	var got []byte
	for _, c := range conns {
		if c.StreamName != stream {
			continue
		}
		r := mkv.NewReader(bytes.NewReader(c.Body))
		start := int64(-1)
		for {
			ev, err := r.Next()
			if err != nil {
				break
			}
			if start >= 0 {
				got = append(got, c.Body[start:ev.Offset]...)
				start = -1
			}
			if ev.Kind == mkv.KindTags && len(ev.Tags) > 0 && len(ev.Tags[0].SimpleTags) > 0 &&
				(ev.Tags[0].SimpleTags[0].Name == "AWS_KINESISVIDEO_NOTIFICATION" || ev.Tags[0].SimpleTags[0].Name == "AWS_KINESISVIDEO_IMAGE_GENERATION") {
				start = ev.Offset
			}
		}
	}
	if len(got) == 0 {
		t.Fatal("no event Tags in the C producer's PutMedia body")
	}
	if *updateCProducer {
		if err := os.MkdirAll(filepath.Dir(eventTagsCapture), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(eventTagsCapture, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(eventTagsCapture)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the C producer's event Tags changed:\n got %x\nwant %x", got, want)
	}
}

// TestCProducerREADME checks that the README's C producer block sets the environment the tests
// run the samples with, so that it stays a recipe that works.
func TestCProducerREADME(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "<!-- cproducer -->\n```sh\n")
	block, _, _ = strings.Cut(block, "```")
	if !ok || block == "" {
		t.Fatal("the README has no C producer block")
	}
	for _, want := range []string{"kvslocal -tls", ".ci/build-cproducer", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=us-east-1", "CONTROL_PLANE_URI=https://127.0.0.1:4567", "AWS_KVS_CACERT_PATH=", "LD_LIBRARY_PATH=$dir/lib",
		"kvsAudioVideoStreamingSample my-stream 10 $dir/samples aac h264 1"} {
		if !strings.Contains(block, want) {
			t.Errorf("the README's C producer block lacks %q", want)
		}
	}
	if kvstest.DefaultAccessKey != "test" || kvstest.DefaultSecretKey != "test" || kvstest.DefaultRegion != "us-east-1" {
		t.Error("the README's credentials are not kvslocal's defaults")
	}

	// Run the block's sample command as written, against an emulator over TLS at the address
	// and with the CA file of this test (kvslocal's own start-up is cmd/kvslocal's to test).
	p := newCPeer(t)
	lines := strings.Split(strings.ReplaceAll(block, "\\\n", " "), "\n")
	var command string
	for _, l := range lines {
		if strings.HasPrefix(l, "AWS_ACCESS_KEY_ID=") {
			command = l
		}
	}
	if command == "" {
		t.Fatal("no sample command in the README's C producer block")
	}
	host := strings.TrimPrefix(p.srv.URL, "https://")
	command = strings.NewReplacer("127.0.0.1:4567", host, "/path/to/kvslocal-ca.pem", p.caFile).Replace(command)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -e; dir="+p.dir+"; cd "+t.TempDir()+"; "+command)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the README's command: %v\n%s", err, tail(out, 40))
	}
	fig := p.checkStream(t, "my-stream")
	t.Logf("the README's command: %v", fig)
}
