// Package mediatest helps the tests of the internal packages produce media without a
// kvstest.Server: an MKV stream of small H.264 fragments, a PutMedia call that returns the
// acknowledgements, a disk store in a test's directory, a clock the test sets, and a read hook
// that runs code when a chosen fragment's frames are read.
package mediatest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/store"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// Start is the producer timecode (Unix milliseconds) of a Stream's first fragment.
const Start = 1_700_000_000_000

// Stream returns a PutMedia body of n fragments, one second apart from Start, each of two frames
// of one H.264 track (a key frame, then one 500 ms later) with valid codec private data, each
// fragment preceded by tags when given.
func Stream(t testing.TB, n int, tags ...mkv.Tag) []byte {
	t.Helper()
	sps := []byte{0x67, 0x4d, 0x40, 0x0d, 0xd9, 0x01, 0x41, 0xfb, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0xa4, 0x80}
	avc, err := (mkv.H264Config{SPS: [][]byte{sps}, PPS: [][]byte{{0x68, 0xeb, 0xcc, 0xb2}}, Profile: 0x4d, Constraints: 0x40, Level: 0x0d}).DecoderConfig()
	if err != nil {
		t.Fatal(err)
	}
	b, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264, CodecPrivate: avc}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		tc := int64(Start + 1000*i)
		if len(tags) > 0 {
			if b, err = mkv.AppendTags(b, tags); err != nil {
				t.Fatal(err)
			}
		}
		b, _ = mkv.AppendClusterStart(b, tc, mkv.UnknownSize)
		b, _ = mkv.AppendSimpleBlock(b, tc, mkv.Frame{Track: 1, Timecode: tc, Keyframe: true, Data: []byte{0, 0, 0, 2, 0x65, byte(i)}})
		b, _ = mkv.AppendSimpleBlock(b, tc, mkv.Frame{Track: 1, Timecode: tc + 500, Data: []byte{0, 0, 0, 2, 0x41, byte(i)}})
	}
	return b
}

// Put sends body to the PutMedia handler at url for the stream, with ABSOLUTE timecodes, and
// returns the acknowledgements up to the end of the response.
func Put(t testing.TB, url, stream string, body []byte) []media.Ack {
	t.Helper()
	return PutFrom(t, url, stream, bytes.NewReader(body))
}

// PutFrom is Put with the body read from body as the request goes (a pipe lets the caller pace
// it).
func PutFrom(t testing.TB, url, stream string, body io.Reader) []media.Ack {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amzn-Stream-Name", stream)
	req.Header.Set("X-Amzn-Fragment-Timecode-Type", "ABSOLUTE")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("PutMedia: HTTP %d", resp.StatusCode)
	}
	r := media.NewAckReader(resp.Body)
	defer r.Close()
	var acks []media.Ack
	for {
		a, err := r.Next()
		if errors.Is(err, io.EOF) {
			return acks
		}
		if err != nil {
			t.Fatal(err)
		}
		acks = append(acks, a)
	}
}

// Numbers returns the fragment numbers of the acknowledgements of kind, in order.
func Numbers(acks []media.Ack, kind media.AckEventType) []string {
	var out []string
	for _, a := range acks {
		if a.EventType == kind {
			out = append(out, a.FragmentNumber)
		}
	}
	return out
}

// Kinds returns the kinds of the acknowledgements, space-separated, an ERROR with its ID
// ("ERROR:ARCHIVAL_ERROR").
func Kinds(acks []media.Ack) string {
	var s []string
	for _, a := range acks {
		k := string(a.EventType)
		if a.EventType == media.AckEventError {
			k += ":" + a.ErrorID.String()
		}
		s = append(s, k)
	}
	return strings.Join(s, " ")
}

// Served reads n MKV documents of GetMedia or GetMediaForFragmentList from body (all of them
// until the body ends when n < 0) and returns what they served: each fragment's number, or
// "error <id> <number>" for an in-band error document. Each fragment must have the two frames
// of a Stream's.
func Served(t testing.TB, body io.Reader, n int) []string {
	t.Helper()
	r := media.NewFragmentReader(body)
	var got []string
	for n < 0 || len(got) < n {
		f, err := r.Next()
		var se *media.StreamError
		switch {
		case errors.As(err, &se):
			got = append(got, fmt.Sprintf("error %d %s", se.ID, se.FragmentNumber))
		case err != nil && n < 0:
			return got
		case err != nil:
			t.Fatalf("after %q: %v", got, err)
		case len(f.Frames) != 2:
			t.Fatalf("fragment %s served with %d frames, want 2", f.FragmentNumber, len(f.Frames))
		default:
			got = append(got, f.FragmentNumber)
		}
	}
	return got
}

// OpenDisk opens a disk store in dir with opts, closed when the test ends.
func OpenDisk(t testing.TB, dir string, opts store.DiskOptions) *store.Disk {
	t.Helper()
	d, err := store.OpenDisk(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// DamageMiddle flips a byte in the middle of the only segment file of the disk store in dir:
// in the middle fragment of three stored alike.
func DamageMiddle(t testing.TB, dir string) {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "media", "*", "*.seg"))
	if len(segs) != 1 {
		t.Fatalf("%d segments in %s, want 1", len(segs), dir)
	}
	b, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(segs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Clock is a server clock that stands still until the test sets it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the time the clock was last set to.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set sets the clock.
func (c *Clock) Set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// ReadTrigger runs a function the first time the frames of a chosen fragment are read from a
// disk store: its OnRead is the store's DiskOptions.OnRead.
type ReadTrigger struct {
	mu     sync.Mutex
	number string
	run    func()
}

// Arm makes the next read of fragment number's frames run run, once.
func (r *ReadTrigger) Arm(number string, run func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.number, r.run = number, run
}

// OnRead is the store's read hook: it runs the armed function when the armed fragment is read.
func (r *ReadTrigger) OnRead(_, number string) {
	r.mu.Lock()
	run := r.run
	if number != r.number || run == nil {
		r.mu.Unlock()
		return
	}
	r.number, r.run = "", nil
	r.mu.Unlock()
	run()
}

// Log records log lines, for the Logf of a service.
type Log struct {
	mu    sync.Mutex
	lines []string
}

// Logf records a line.
func (l *Log) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// Lines returns the lines recorded so far.
func (l *Log) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}
