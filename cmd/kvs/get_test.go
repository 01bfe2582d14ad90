package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// putSample uploads the ffmpeg sample (5 fragments) into a new stream.
func putSample(t *testing.T, cfg *aws.Config, stream string) {
	t.Helper()
	kvsRun(t, invocation{cfg: cfg}, "put", "--stream", stream, "--create", "-q", sharedFile(t, ffmpegSample)).mustSucceed(t)
}

func TestParseStart(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 500e6, time.UTC)
	for _, tc := range []struct {
		in   string
		want media.StartSelector
	}{
		{"now", media.StartSelector{StartSelectorType: media.StartSelectorTypeNow}},
		{"earliest", media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}},
		{"fragment:91343852333181432392682062607743920146159169392", media.StartSelector{StartSelectorType: media.StartSelectorTypeFragmentNumber, AfterFragmentNumber: "91343852333181432392682062607743920146159169392"}},
		{"server:2024-05-01T12:00:00.5Z", media.StartSelector{StartSelectorType: media.StartSelectorTypeServerTimestamp, StartTimestamp: at}},
		{"producer:2024-05-01T14:00:00.5+02:00", media.StartSelector{StartSelectorType: media.StartSelectorTypeProducerTimestamp, StartTimestamp: at}},
		{"token:abc:def", media.StartSelector{StartSelectorType: media.StartSelectorTypeContinuationToken, ContinuationToken: "abc:def"}},
	} {
		got, err := parseStart(tc.in)
		if err != nil || !got.StartTimestamp.Equal(tc.want.StartTimestamp) {
			t.Errorf("%q: %+v, %v", tc.in, got, err)
		}
		got.StartTimestamp, tc.want.StartTimestamp = time.Time{}, time.Time{}
		if got != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, says string }{
		{"yesterday", "unknown selector"},
		{"NOW", "unknown selector"},
		{"now:1", "now takes no value"},
		{"fragment:", "up to 128 decimal digits"},
		{"fragment:12a", "up to 128 decimal digits"},
		{"server:2024-05-01", "must be RFC 3339"},
		{"producer:1714564800", "must be RFC 3339"},
		{"token:", "continuation token is missing"},
	} {
		r := kvsRun(t, invocation{}, "get", "--stream", "s", "--start", tc.in)
		r.mustFail(t, 2, "kvs get: --start "+`"`+tc.in+`": `)
		if !strings.Contains(r.stderr, tc.says) {
			t.Errorf("--start %q: stderr lacks %q:\n%s", tc.in, tc.says, r.stderr)
		}
	}
}

// TestGetSelectors reads a stream of 5 fragments from each kind of start.
func TestGetSelectors(t *testing.T) {
	_, cfg := emulator(t)
	putSample(t, cfg, "s")
	all := readFragments(t, getAll(t, cfg, "s"))
	if len(all) != 5 {
		t.Fatalf("earliest: %d fragments, want 5", len(all))
	}
	numbers := func(frags []*media.Fragment) []string {
		var n []string
		for _, f := range frags {
			n = append(n, f.FragmentNumber)
		}
		return n
	}
	for _, tc := range []struct {
		start string
		want  []*media.Fragment
	}{
		{"fragment:" + all[1].FragmentNumber, all[2:]},
		{"token:" + all[3].ContinuationToken, all[4:]},
		{"producer:" + all[2].ProducerTimestamp.Format(time.RFC3339Nano), all[2:]},
		{"server:" + all[0].ServerTimestamp.Add(-time.Minute).Format(time.RFC3339Nano), all},
	} {
		r := kvsRun(t, invocation{cfg: cfg}, "get", "--stream", "s", "--start", tc.start, "--idle", "1s").mustSucceed(t)
		if diff := wiretest.Diff(numbers(tc.want), numbers(readFragments(t, []byte(r.stdout)))); diff != "" {
			t.Errorf("--start %s: fragments:\n%s", tc.start, diff)
		}
		if want := "resume with --start token:" + all[4].ContinuationToken; !strings.Contains(r.stderr, want) {
			t.Errorf("--start %s: stderr lacks %q:\n%s", tc.start, want, r.stderr)
		}
	}
}

// TestGetDump is the pipeline kvs get | kvs dump in-process: one line per fragment, with every
// member the service sends, and the frames of both tracks.
func TestGetDump(t *testing.T) {
	_, cfg := emulator(t)
	putSample(t, cfg, "s")
	r := kvsRun(t, invocation{stdin: bytes.NewReader(getAll(t, cfg, "s"))}, "dump").mustSucceed(t)
	list := summaries(t, r.stdout)
	if len(list) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(list), r.stdout)
	}
	for i, s := range list {
		if s.FragmentNumber == "" || s.ContinuationToken != s.FragmentNumber || s.MillisBehindNow == nil || s.Error != nil ||
			!strings.HasSuffix(s.ServerTimestamp, "Z") || len(s.ProducerTimestamp) != len("2006-01-02T15:04:05.000Z") || s.Frames["1"] != 60 {
			t.Errorf("line %d: %+v", i, s)
		}
	}
	if got := frameTotals(list); got["1"] != 300 || got["2"] != 470 {
		t.Errorf("frames %v, want 300 video and 470 audio", got)
	}
}

// TestGetOutputFile writes to a file that ffprobe and mkvinfo read (the first document), and
// checks that a failed get leaves no empty file behind.
func TestGetOutputFile(t *testing.T) {
	_, cfg := emulator(t)
	putSample(t, cfg, "s")
	dir := t.TempDir()
	path := filepath.Join(dir, "out.mkv")
	r := kvsRun(t, invocation{cfg: cfg}, "get", "--stream", "s", "--start", "earliest", "--idle", "1s", "-o", path).mustSucceed(t)
	if r.stdout != "" || !strings.Contains(r.stderr, "kvs get: 5 fragments, 770 frames") {
		t.Errorf("stdout %q, stderr:\n%s", r.stdout, r.stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(readFragments(t, data)); n != 5 {
		t.Errorf("the file holds %d fragments, want 5", n)
	}
	for _, tc := range []struct {
		tool []string
		says []string
	}{
		{[]string{"ffprobe", "-v", "error", "-show_streams", path}, []string{"codec_name=h264", "codec_name=aac"}},
		{[]string{"mkvinfo", path}, []string{"Codec ID: V_MPEG4/ISO/AVC", "Codec ID: A_AAC", "AWS_KINESISVIDEO_FRAGMENT_NUMBER"}},
	} {
		if _, err := exec.LookPath(tc.tool[0]); err != nil {
			wiretest.Skip(t, "%s is not installed", tc.tool[0])
		}
		out, err := exec.Command(tc.tool[0], tc.tool[1:]...).CombinedOutput()
		for _, want := range tc.says {
			if err != nil || !strings.Contains(string(out), want) {
				t.Errorf("%s: %v; output lacks %q:\n%s", tc.tool[0], err, want, out)
			}
		}
	}

	missing := filepath.Join(dir, "missing.mkv")
	kvsRun(t, invocation{cfg: cfg}, "get", "--stream", "nope", "-o", missing).mustFail(t, 1, `kvs get: stream "nope" does not exist`)
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed get left %s: %v", missing, err)
	}
	kvsRun(t, invocation{cfg: cfg}, "get", "--stream", "s", "-o", filepath.Join(dir, "no", "such", "dir.mkv")).mustFail(t, 1, "no such file or directory")
}

// TestGetInBandError starts after a fragment that does not exist: the service says so inside
// the stream, kvs get writes that document, and exits with status 1 at the end.
func TestGetInBandError(t *testing.T) {
	_, cfg := emulator(t)
	putSample(t, cfg, "s")
	r := kvsRun(t, invocation{cfg: cfg}, "get", "--stream", "s", "--start", "fragment:123", "--idle", "1s")
	r.mustFail(t, 1, "kvs get: the service reported errors in 1 fragments")
	if !strings.Contains(r.stderr, "media: the service reported error 4000") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	d := kvsRun(t, invocation{stdin: strings.NewReader(r.stdout)}, "dump").mustSucceed(t)
	if want := `{"fragmentNumber":"123","frames":{},"error":{"id":4000,"code":"Requested fragment is not found"}}` + "\n"; d.stdout != want {
		t.Errorf("dump printed %s, want %s", d.stdout, want)
	}
}

// TestGetResumesAfterCuts cuts two GetMedia responses in the middle of fragments: the output
// still holds every fragment once, with all its frames.
func TestGetResumesAfterCuts(t *testing.T) {
	srv, cfg := emulator(t)
	putSample(t, cfg, "s")
	want := readFragments(t, getAll(t, cfg, "s"))
	srv.AddGetMediaFaults(kvstest.GetMediaFault{CutAfterBytes: 100_000}, kvstest.GetMediaFault{CutAfterBytes: 150_000})
	got := readFragments(t, getAll(t, cfg, "s"))
	if srv.Calls("GetMedia") < 4 {
		t.Errorf("%d GetMedia calls: the cuts did not happen", srv.Calls("GetMedia"))
	}
	if len(got) != len(want) {
		t.Fatalf("%d fragments after cuts, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].FragmentNumber != want[i].FragmentNumber || len(got[i].Frames) != len(want[i].Frames) {
			t.Errorf("fragment %d: %s with %d frames, want %s with %d", i, got[i].FragmentNumber, len(got[i].Frames), want[i].FragmentNumber, len(want[i].Frames))
		}
		for j := range want[i].Frames {
			if !bytes.Equal(got[i].Frames[j].Data, want[i].Frames[j].Data) {
				t.Errorf("fragment %d frame %d differs", i, j)
				break
			}
		}
	}
}

// TestGetInterruptAndResume interrupts a get that follows the stream (as SIGINT does) after two
// fragments, then resumes with the token it printed: together the two runs hold every fragment
// once.
func TestGetInterruptAndResume(t *testing.T) {
	_, cfg := emulator(t)
	putSample(t, cfg, "s")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan result, 1)
	go func() {
		done <- kvsRun(t, invocation{ctx: ctx, cfg: cfg, stdout: pw}, "get", "--stream", "s", "--start", "earliest", "--idle", "0", "-q")
		pw.Close()
	}()
	// Our own reader ends a fragment when the next one starts: after two, interrupt.
	fr := media.NewFragmentReader(pr)
	var first []string
	for len(first) < 2 {
		f, err := fr.Next()
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, f.FragmentNumber)
	}
	cancel()
	// The first run may end inside a fragment; its complete fragments end with a token.
	for {
		f, err := fr.Next()
		if err != nil {
			break
		}
		if f.ContinuationToken != "" {
			first = append(first, f.FragmentNumber)
		}
	}
	_, _ = io.Copy(io.Discard, pr)
	r := <-done
	r.mustSucceed(t)
	_, token, found := strings.Cut(r.stderr, "resume with --start token:")
	token = strings.TrimSpace(token)
	if !strings.Contains(r.stderr, "kvs get: interrupted after ") || !found || token == "" {
		t.Fatalf("stderr:\n%s", r.stderr)
	}
	if first[len(first)-1] != token {
		t.Errorf("the token %s is not the last complete fragment of %v", token, first)
	}
	second := readFragments(t, getAll(t, cfg, "s", "--start", "token:"+token))
	all := readFragments(t, getAll(t, cfg, "s"))
	var got, want []string
	got = append(got, first...)
	for _, f := range second {
		got = append(got, f.FragmentNumber)
	}
	for _, f := range all {
		want = append(want, f.FragmentNumber)
	}
	if diff := wiretest.Diff(want, got); diff != "" {
		t.Errorf("fragments of the interrupted and the resumed runs:\n%s", diff)
	}
}

// TestGetFollowsNow starts a get at NOW, then uploads: the get follows the new fragments as they
// arrive, across the end of a response, until interrupted. Every step waits for an event: the
// upload begins once the get's first GetMedia response is open (the emulator has placed NOW
// then), and the first response ends, as the service ends one after a while without fragments,
// once the get wrote the fifth fragment. The emulator ends no response by itself (its
// GetMediaIdle is a hang guard), so that a slow upload cannot end one before its first fragment
// and move NOW past it.
func TestGetFollowsNow(t *testing.T) {
	const hang = time.Minute // only a test that hangs waits that long for an event
	srv, cfg := emulator(t, kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: hang}))
	createTestStream(t, cfg, "live", 1)
	watch := &getMediaWatch{next: srv.Client(), opened: make(chan struct{}, 16), endFirst: make(chan struct{})}
	getCfg := cfg.Copy()
	getCfg.HTTPClient = watch
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan result, 1)
	go func() {
		done <- kvsRun(t, invocation{ctx: ctx, cfg: &getCfg, stdout: pw}, "get", "--stream", "live", "-v")
		pw.Close()
	}()
	awaitResponse := func(what string) {
		t.Helper()
		select {
		case <-watch.opened:
		case r := <-done:
			t.Fatalf("kvs get ended %s: exit status %d, stderr:\n%s", what, r.code, r.stderr)
		case <-time.After(hang):
			t.Fatalf("no GetMedia response %s after %v", what, hang)
		}
	}
	awaitResponse("at first") // NOW is placed: every fragment uploaded from here on is new
	kvsRun(t, invocation{cfg: cfg}, "put", "--stream", "live", "-q", sharedFile(t, ffmpegSample)).mustSucceed(t)
	read := make(chan error, 1)
	fifth := make(chan struct{})
	go func() { // read the output as it comes, so that kvs get never waits for us
		fr := media.NewFragmentReader(pr)
		n := 0
		for ; ; n++ {
			if n == 5 {
				close(fifth)
			}
			if _, err := fr.Next(); err != nil {
				_, _ = io.Copy(io.Discard, pr)
				if n != 5 || err != io.EOF {
					read <- fmt.Errorf("read %d fragments, then %v", n, err)
				}
				close(read)
				return
			}
		}
	}()
	select {
	case <-fifth:
	case err := <-read:
		t.Fatalf("before the fifth fragment: %v", err)
	case <-time.After(hang):
		t.Fatalf("kvs get wrote no fifth fragment in %v", hang)
	}
	close(watch.endFirst)
	awaitResponse("after the first ended") // it follows on
	cancel()
	if err := <-read; err != nil {
		t.Error(err)
	}
	r := (<-done).mustSucceed(t)
	if n := strings.Count(r.stderr, "kvs get: fragment "); n != 5 || !strings.Contains(r.stderr, "interrupted after 5 fragments") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// getMediaWatch is an HTTP client that reports every GetMedia response it opens on opened (the
// service has placed the call's start selector by then), and ends the first one cleanly once
// endFirst is closed.
type getMediaWatch struct {
	next     aws.HTTPClient
	opened   chan struct{} // a value per response opened, while there is room
	endFirst chan struct{}
	n        atomic.Int32
}

func (w *getMediaWatch) Do(r *http.Request) (*http.Response, error) {
	resp, err := w.next.Do(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/getMedia") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	if w.n.Add(1) == 1 {
		resp.Body = newEndingBody(resp.Body, w.endFirst)
	}
	select {
	case w.opened <- struct{}{}:
	default:
	}
	return resp, nil
}

// endingBody is a response body that ends (io.EOF) once end is closed, as a response the
// service ends between fragments.
type endingBody struct {
	io.ReadCloser
	end  <-chan struct{}
	done chan struct{}
	once sync.Once
}

func newEndingBody(body io.ReadCloser, end <-chan struct{}) *endingBody {
	b := &endingBody{ReadCloser: body, end: end, done: make(chan struct{})}
	go func() {
		select {
		case <-end:
			_ = body.Close() // a pending Read returns
		case <-b.done:
		}
	}()
	return b
}

func (b *endingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	select {
	case <-b.end:
		return n, io.EOF
	default:
		return n, err
	}
}

func (b *endingBody) Close() error {
	b.once.Do(func() { close(b.done) })
	return b.ReadCloser.Close()
}

// TestDocWriterKeepsSummaries re-encodes the real captures chunk by chunk as kvs get writes
// them: kvs dump of the result must match the golden summaries line for line.
func TestDocWriterKeepsSummaries(t *testing.T) {
	for _, name := range captureNames {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(sharedFile(t, filepath.Join("kvs-captures", name)))
			if err != nil {
				t.Fatal(err)
			}
			fr := media.NewFragmentReader(bytes.NewReader(data))
			var w docWriter
			var out bytes.Buffer
			for {
				c, err := fr.ReadChunk()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				b, err := w.chunk(c)
				if err != nil {
					t.Fatal(err)
				}
				out.Write(b)
			}
			var got bytes.Buffer
			for _, f := range readFragments(t, out.Bytes()) {
				line, _ := json.Marshal(f.Summary())
				got.Write(append(line, '\n'))
			}
			if diff := wiretest.Diff(goldenSummary(t, name), got.String()); diff != "" {
				t.Errorf("summaries of the re-encoded capture:\n%s", diff)
			}
		})
	}
}

// TestGetSplit writes one file per fragment: each holds its fragment's frames, as ffprobe counts
// them, mkvinfo reads it, and the files together hold the stream.
func TestGetSplit(t *testing.T) {
	_, cfg := emulator(t)
	putSample(t, cfg, "s")
	dir := filepath.Join(t.TempDir(), "frags")
	kvsRun(t, invocation{cfg: cfg}, "get", "--stream", "s", "--start", "earliest", "--idle", "1s", "--split", dir).mustSucceed(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 {
		t.Fatalf("%d files, want 5: %v", len(entries), entries)
	}
	totals := map[string]int{}
	for i, e := range entries {
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		frags := readFragments(t, data)
		if len(frags) != 1 || !strings.HasPrefix(e.Name(), fmt.Sprintf("%06d-%s", i+1, frags[0].FragmentNumber)) {
			t.Fatalf("%s holds %d fragments", e.Name(), len(frags))
		}
		perTrack := map[uint64]int{}
		for _, fr := range frags[0].Frames {
			perTrack[fr.Track]++
			totals[fmt.Sprint(fr.Track)]++
		}
		for _, tool := range []string{"ffprobe", "mkvinfo"} {
			if _, err := exec.LookPath(tool); err != nil {
				wiretest.Skip(t, "%s is not installed", tool)
			}
		}
		out, err := exec.Command("ffprobe", "-v", "error", "-count_packets", "-show_entries", "stream=index,nb_read_packets", "-of", "csv=p=0", path).CombinedOutput()
		if want := fmt.Sprintf("0,%d\n1,%d\n", perTrack[1], perTrack[2]); err != nil || string(out) != want {
			t.Errorf("ffprobe %s: %v: %q, want %q", e.Name(), err, out, want)
		}
		if out, err := exec.Command("mkvinfo", path).CombinedOutput(); err != nil || !strings.Contains(string(out), "Codec ID: V_MPEG4/ISO/AVC") {
			t.Errorf("mkvinfo %s: %v\n%s", e.Name(), err, out)
		}
	}
	if totals["1"] != 300 || totals["2"] != 470 {
		t.Errorf("frames %v, want 300 video and 470 audio", totals)
	}
	kvsRun(t, invocation{cfg: cfg}, "get", "--stream", "s", "--split", dir, "-o", "x.mkv").mustFail(t, 2, "exclude each other")
}
