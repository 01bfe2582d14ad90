package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

const (
	ffmpegSample   = "media/h264-aac-320x240-10s-ffmpeg.mkv"
	mkvmergeSample = "media/h264-aac-320x240-10s-mkvmerge.mkv"
)

// mkvFrames reads the frames of an MKV file by track, in order.
func mkvFrames(t *testing.T, data []byte) map[uint64][][]byte {
	t.Helper()
	r := mkv.NewReader(bytes.NewReader(data))
	frames := map[uint64][][]byte{}
	for {
		ev, err := r.Next()
		if err == io.EOF {
			return frames
		}
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == mkv.KindFrame {
			frames[ev.Frame.Track] = append(frames[ev.Frame.Track], bytes.Clone(ev.Frame.Data))
		}
	}
}

var putSummaryPattern = regexp.MustCompile(`(?m)^kvs put: (\d+) frames(?: \((\d+) dropped\))?, (\d+)/(\d+) fragments (?:persisted|received), .* in `)

// putSummary reads the summary line of kvs put: frames given and dropped, fragments safe and
// made.
func putSummary(t *testing.T, stderr string) (frames, dropped, safe, produced int) {
	t.Helper()
	m := putSummaryPattern.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("kvs put printed no summary:\n%s", stderr)
	}
	n := make([]int, 4)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	return n[0], n[1], n[2], n[3]
}

// getAll reads a whole stream back with kvs get and returns its MKV output.
func getAll(t *testing.T, cfg *aws.Config, stream string, extra ...string) []byte {
	t.Helper()
	r := kvsRun(t, invocation{cfg: cfg}, append([]string{"get", "--stream", stream, "--start", "earliest", "--idle", "1s", "-q"}, extra...)...).mustSucceed(t)
	return []byte(r.stdout)
}

// TestPutMKV uploads the MKV files of ffmpeg and mkvmerge (H.264 and AAC), reads the stream
// back with kvs get, and checks every fragment and every frame, byte for byte.
func TestPutMKV(t *testing.T) {
	_, cfg := emulator(t)
	for i, sample := range []string{ffmpegSample, mkvmergeSample} {
		t.Run(filepath.Base(sample), func(t *testing.T) {
			path := sharedFile(t, sample)
			stream := fmt.Sprintf("mkv-%d", i)
			r := kvsRun(t, invocation{cfg: cfg}, "put", "--stream", stream, "--create", "-v", path).mustSucceed(t)
			// The first AAC frame (0 ms) comes before the first video key frame (21 ms): it is
			// kept as the pre-roll of the first fragment, so nothing is dropped.
			if want := "770 frames, 5/5 fragments persisted"; !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
			}
			if strings.Contains(r.stderr, "dropped") {
				t.Errorf("stderr reports dropped frames:\n%s", r.stderr)
			}
			if n := strings.Count(r.stderr, "ack PERSISTED fragment 9"); n != 5 {
				t.Errorf("-v printed %d PERSISTED acks, want 5:\n%s", n, r.stderr)
			}

			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := mkvFrames(t, data)
			frags := readFragments(t, getAll(t, cfg, stream))
			if len(frags) != 5 {
				t.Fatalf("got %d fragments, want 5", len(frags))
			}
			got := map[uint64][][]byte{}
			for i, f := range frags {
				if f.FragmentNumber == "" || f.ContinuationToken != f.FragmentNumber || f.ProducerTimestamp.IsZero() || f.ServerTimestamp.IsZero() {
					t.Errorf("fragment %d lacks the service's tags: %+v", i, f.Summary())
				}
				if v := firstVideo(f.Frames); v < 0 || !f.Frames[v].Keyframe {
					t.Fatalf("fragment %d: its first video frame is not a key frame", i)
				}
				if len(f.Frames) > 0 && !f.FrameTime(f.Frames[0]).Equal(f.ProducerTimestamp) {
					t.Errorf("fragment %d starts at %v, its first frame at %v", i, f.ProducerTimestamp, f.FrameTime(f.Frames[0]))
				}
				if i > 0 {
					prev := frags[i-1]
					if d := f.FrameTime(f.Frames[firstVideo(f.Frames)]).Sub(prev.FrameTime(prev.Frames[firstVideo(prev.Frames)])); d != 2*time.Second {
						t.Errorf("fragment %d: its key frame comes %v after the previous one, want 2s", i, d)
					}
				}
				for _, fr := range f.Frames {
					got[fr.Track] = append(got[fr.Track], fr.Data)
				}
			}
			for track, frames := range want {
				if len(got[track]) != len(frames) {
					t.Errorf("track %d: %d frames read back, want %d", track, len(got[track]), len(frames))
					continue
				}
				for j := range frames {
					if !bytes.Equal(got[track][j], frames[j]) {
						t.Errorf("track %d frame %d differs", track, j)
						break
					}
				}
			}
		})
	}
}

// TestPutG711 uploads an MKV of H.264 and G.711 A-law (A_MS/ACM) that ffmpeg muxes from the
// shared elementary streams, and reads both tracks back.
func TestPutG711(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		wiretest.Skip(t, "ffmpeg is not installed")
	}
	path := filepath.Join(t.TempDir(), "h264-alaw.mkv")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-framerate", "30", "-f", "h264", "-i", sharedFile(t, "media/h264-320x240-30fps-10s.h264"),
		"-f", "alaw", "-ar", "8000", "-ac", "1", "-i", sharedFile(t, "media/g711a-8k-mono-10s.alaw"), "-c", "copy", "-f", "matroska", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	_, cfg := emulator(t)
	kvsRun(t, invocation{cfg: cfg}, "put", "--stream", "g711", "--create", path).mustSucceed(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := mkvFrames(t, data)
	frags := readFragments(t, getAll(t, cfg, "g711"))
	got := map[uint64]int{}
	for _, f := range frags {
		if len(f.Tracks) != 2 || f.Tracks[1].CodecID != mkv.CodecIDACM {
			t.Fatalf("tracks %+v", f.Tracks)
		}
		if w, err := mkv.ParseWaveFormat(f.Tracks[1].CodecPrivate); err != nil || w.FormatTag != mkv.WaveFormatALaw || w.SampleRate != 8000 {
			t.Errorf("WAVEFORMATEX %+v, %v", w, err)
		}
		for _, fr := range f.Frames {
			got[fr.Track]++
		}
	}
	if len(frags) != 5 || got[1] != len(want[1]) || got[2] != len(want[2]) {
		t.Errorf("%d fragments, frames %v; want 5 fragments, %d video and %d audio frames", len(frags), got, len(want[1]), len(want[2]))
	}
}

// TestPutAnnexB uploads raw H.264 and H.265 elementary streams, one of them from standard
// input, and checks the fragments, frame count and timing read back.
func TestPutAnnexB(t *testing.T) {
	_, cfg := emulator(t)
	for _, tc := range []struct {
		format, sample string
		stdin          bool
	}{
		{"h264", "media/h264-320x240-30fps-10s.h264", false},
		{"h265", "media/h265-320x240-30fps-10s.h265", true},
	} {
		t.Run(tc.format, func(t *testing.T) {
			path := sharedFile(t, tc.sample)
			stream := "raw-" + tc.format
			createTestStream(t, cfg, stream, 1)
			inv := invocation{cfg: cfg}
			args := []string{"put", "--stream", stream, "--format", tc.format, "--fps", "30", path}
			if tc.stdin {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				inv.stdin, args[len(args)-1] = bytes.NewReader(data), "-"
			}
			r := kvsRun(t, inv, args...).mustSucceed(t)
			if !strings.Contains(r.stderr, "300 frames, 5/5 fragments persisted") {
				t.Errorf("stderr:\n%s", r.stderr)
			}
			frags := readFragments(t, getAll(t, cfg, stream))
			if len(frags) != 5 {
				t.Fatalf("%d fragments, want 5", len(frags))
			}
			codec := map[string]string{"h264": mkv.CodecIDH264, "h265": mkv.CodecIDH265}[tc.format]
			for i, f := range frags {
				if len(f.Frames) != 60 || len(f.Tracks) != 1 || f.Tracks[0].CodecID != codec || !f.Frames[0].Keyframe {
					t.Errorf("fragment %d: %d frames, tracks %+v", i, len(f.Frames), f.Tracks)
				}
			}
			first, last := frags[0].Frames[0], frags[4].Frames[59]
			// 299 frame intervals at 30 fps: 9.9667 s, in milliseconds truncated from the start time.
			if d := last.Timestamp - first.Timestamp; d != 9966*time.Millisecond && d != 9967*time.Millisecond {
				t.Errorf("299 frames at 30 fps span %v, want 9.966s or 9.967s", d)
			}
		})
	}
}

// TestPutRetentionZero uploads to a stream that keeps no media: RECEIVED is the acknowledgement
// that counts.
func TestPutRetentionZero(t *testing.T) {
	_, cfg := emulator(t)
	createTestStream(t, cfg, "live-only", 0)
	r := kvsRun(t, invocation{cfg: cfg}, "put", "--stream", "live-only", sharedFile(t, ffmpegSample)).mustSucceed(t)
	if !strings.Contains(r.stderr, "5/5 fragments received") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestPutErrors checks the failures of kvs put and their messages.
func TestPutErrors(t *testing.T) {
	_, cfg := emulator(t)
	createTestStream(t, cfg, "s", 1)
	inv := func(stdin string) invocation { return invocation{cfg: cfg, stdin: strings.NewReader(stdin)} }
	sample := sharedFile(t, ffmpegSample)
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}

	kvsRun(t, inv(""), "put", "--stream", "missing", sample).mustFail(t, 1,
		`kvs put: stream "missing" does not exist in us-east-1 (give --create to create it)`)
	kvsRun(t, inv(""), "put", "--stream", "s", "absent.mkv").mustFail(t, 1, "kvs put: open absent.mkv: no such file or directory")
	kvsRun(t, inv(""), "put", "--stream", "s").mustFail(t, 1, "kvs put: standard input: the input is empty")
	kvsRun(t, inv("hello"), "put", "--stream", "s").mustFail(t, 1, "the input is not Matroska")
	kvsRun(t, inv("\x00\x00\x00\x01\x67"), "put", "--stream", "s").mustFail(t, 2, "looks like a raw H.264 or H.265 stream: give --format")
	kvsRun(t, inv(""), "put", "--stream", "s", "--format", "h264").mustFail(t, 2, "--fps is required with --format h264")
	kvsRun(t, inv(""), "put", "--stream", "s", "--format", "vp9").mustFail(t, 2, `--format "vp9": want auto, mkv, h264 or h265`)
	kvsRun(t, inv("\x1a\x45\xdf\xa3"), "put", "--stream", "s").mustFail(t, 1, "reading the MKV input")

	vp8, _ := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, Type: mkv.TrackVideo, CodecID: "V_VP8"}})
	kvsRun(t, invocation{cfg: cfg, stdin: bytes.NewReader(vp8)}, "put", "--stream", "s").mustFail(t, 1,
		"MKV track 1: codec V_VP8 is not supported: kvs put takes H.264, H.265, AAC, G.711 and little-endian PCM")

	h264, _ := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
	kvsRun(t, invocation{cfg: cfg, stdin: bytes.NewReader(h264)}, "put", "--stream", "s").mustFail(t, 1, "kvs put: standard input holds no frames")

	// Cut in the middle: the fragments before the cut are still persisted, and the reading error
	// is the failure.
	cut := data[:len(data)/2]
	r := kvsRun(t, invocation{cfg: cfg, stdin: bytes.NewReader(cut)}, "put", "--stream", "s")
	r.mustFail(t, 1, "kvs put: standard input: reading the MKV input: ")
	if !strings.Contains(r.stderr, "/2 fragments persisted") && !strings.Contains(r.stderr, "/3 fragments persisted") {
		t.Errorf("the summary does not show the fragments before the cut:\n%s", r.stderr)
	}
}

// TestPutRejectedFragment checks that a fragment the service rejects for good makes kvs put
// fail, after sending the others.
func TestPutRejectedFragment(t *testing.T) {
	srv, cfg := emulator(t)
	createTestStream(t, cfg, "s", 1)
	srv.AddPutMediaFaults(kvstest.PutMediaFault{ErrorAckID: int(media.AckErrInvalidMKVData), ErrorAfterFragments: 2})
	r := kvsRun(t, invocation{cfg: cfg}, "put", "--stream", "s", sharedFile(t, ffmpegSample))
	r.mustFail(t, 1, "kvs put: the service rejected 1 fragments")
	if !strings.Contains(r.stderr, "INVALID_MKV_DATA") || !strings.Contains(r.stderr, "4/5 fragments persisted") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestPutInterrupt interrupts a real-time upload: kvs put stops reading, waits for the fragments
// already sent and exits with status 130.
func TestPutInterrupt(t *testing.T) {
	_, cfg := emulator(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	r := kvsRun(t, invocation{ctx: ctx, cfg: cfg}, "put", "--stream", "s", "--create", "--realtime", sharedFile(t, ffmpegSample))
	r.mustFail(t, exitInterrupted, "kvs put: interrupted: stopped reading ")
	frames, _, persisted, produced := putSummary(t, r.stderr)
	if produced < 1 || persisted != produced || frames > 400 {
		t.Errorf("after 2.5 s of a 10 s real-time upload: %d frames, %d/%d fragments persisted:\n%s", frames, persisted, produced, r.stderr)
	}
	if got := len(readFragments(t, getAll(t, cfg, "s"))); got != produced {
		t.Errorf("the stream has %d fragments, want the %d sent", got, produced)
	}
}

// TestPutCopiesStream pipes the output of kvs get (one MKV document per fragment) into kvs put:
// the copy holds the same frames.
func TestPutCopiesStream(t *testing.T) {
	_, cfg := emulator(t)
	putSample(t, cfg, "original")
	original := getAll(t, cfg, "original")
	kvsRun(t, invocation{cfg: cfg, stdin: bytes.NewReader(original)}, "put", "--stream", "copy", "--create").mustSucceed(t)
	want, got := readFragments(t, original), readFragments(t, getAll(t, cfg, "copy"))
	if len(got) != len(want) {
		t.Fatalf("the copy has %d fragments, want %d", len(got), len(want))
	}
	for i := range want {
		if len(got[i].Frames) != len(want[i].Frames) {
			t.Errorf("fragment %d: %d frames, want %d", i, len(got[i].Frames), len(want[i].Frames))
			continue
		}
		for j, f := range want[i].Frames {
			if g := got[i].Frames[j]; g.Track != f.Track || !bytes.Equal(g.Data, f.Data) {
				t.Errorf("fragment %d frame %d differs", i, j)
				break
			}
		}
	}

	// A stream whose tracks change midway is refused.
	other, _ := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH265}})
	changed := append(bytes.Clone(original), other...)
	kvsRun(t, invocation{cfg: cfg, stdin: bytes.NewReader(changed)}, "put", "--stream", "copy").mustFail(t, 1,
		"the MKV input changes its tracks midway")
}

// firstVideo returns the index of the first frame of track 1 in frames, or -1.
func firstVideo(frames []media.Frame) int {
	for i, f := range frames {
		if f.Track == 1 {
			return i
		}
	}
	return -1
}

// countingProxy is a reverse proxy to target that counts the requests by path.
type countingProxy struct {
	mu    sync.Mutex
	paths map[string]int
	proxy *httputil.ReverseProxy
}

func (p *countingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.paths[r.URL.Path]++
	p.mu.Unlock()
	// PutMedia streams both ways at once: the acknowledgements come back while the body is still
	// being sent, which Go's HTTP/1 server allows only in full-duplex mode (as real proxies do).
	if err := http.NewResponseController(w).EnableFullDuplex(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	p.proxy.ServeHTTP(w, r)
}

func (p *countingProxy) count(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paths[path]
}

// TestPutAndGetDataEndpoint routes the media of kvs put and kvs get through a proxy with
// --data-endpoint: the proxy sees PutMedia and GetMedia, and the stream reads back whole.
func TestPutAndGetDataEndpoint(t *testing.T) {
	srv, cfg := emulator(t)
	target, err := url.Parse(srv.DataURL)
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{paths: map[string]int{}, proxy: httputil.NewSingleHostReverseProxy(target)}
	p.proxy.FlushInterval = -1 // acknowledgements and media as they come
	proxy := httptest.NewServer(p)
	defer proxy.Close()

	kvsRun(t, invocation{cfg: cfg}, "put", "--stream", "proxied", "--create", "-q", "--data-endpoint", proxy.URL, sharedFile(t, ffmpegSample)).mustSucceed(t)
	if n := p.count("/putMedia"); n == 0 {
		t.Errorf("the proxy saw no PutMedia request")
	}
	frags := readFragments(t, getAll(t, cfg, "proxied", "--data-endpoint", proxy.URL))
	if len(frags) != 5 {
		t.Errorf("read %d fragments through the proxy, want 5", len(frags))
	}
	if n := p.count("/getMedia"); n == 0 {
		t.Errorf("the proxy saw no GetMedia request")
	}

	for _, cmd := range []string{"put", "get"} {
		kvsRun(t, invocation{cfg: cfg}, cmd, "--stream", "proxied", "--data-endpoint", "ftp://x").mustFail(t, 2, `--data-endpoint "ftp://x": want an http:// or https:// URL`)
	}
}
