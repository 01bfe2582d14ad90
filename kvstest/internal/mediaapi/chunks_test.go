package mediaapi

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/kvsgo/sdk/kvstest/internal/mediatest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// TestFrameChunkCopies: each copy is byte-exact, capped at its own length (appending to one
// cannot reach the next), left unchanged by the copies after it, and frames share chunks: 1 KiB
// frames take one allocation per chunk, not one per frame; a frame larger than a chunk gets its
// own.
func TestFrameChunkCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var c frameChunk
	var src, got [][]byte
	for i := range 300 {
		n := 1 + rng.IntN(3000)
		if i%97 == 0 {
			n = maxChunk + rng.IntN(4096) // larger than any chunk
		}
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		d := c.copy(b)
		if len(d) != n || cap(d) != n {
			t.Fatalf("frame %d: copy of len %d cap %d, want %d", i, len(d), cap(d), n)
		}
		clear(b) // the reader reuses its buffer: the copy must not follow it
		src, got = append(src, append([]byte(nil), d...)), append(got, d)
	}
	for i := range got {
		if !bytes.Equal(got[i], src[i]) {
			t.Fatalf("frame %d changed after later copies", i)
		}
	}
	frame := make([]byte, 1024)
	allocs := testing.AllocsPerRun(10, func() {
		var c frameChunk
		for range 1000 { // 1000 KiB: chunks of 4, 8, 16, 32, then 64 KiB
			c.copy(frame)
		}
	})
	if allocs > 20 {
		t.Errorf("%.0f allocations for 1000 frames of 1 KiB, want one per chunk (at most 20)", allocs)
	}
}

// chunkedStream is a PutMedia body of three fragments whose frames are of many sizes, among them
// frames larger than a chunk and frames that end a chunk exactly, with random contents.
func chunkedStream(t *testing.T) ([]byte, [][]byte) {
	t.Helper()
	b, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: "V_MPEG4/ISO/AVC"}})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := []int{4 << 10, 1, 8<<10 - 1, 100_000, 16 << 10, 3000, maxChunk, maxChunk + 1, 0, 700, 20_000, 64, 5000}
	var frames [][]byte
	for i := range 3 {
		tc := int64(mediatest.Start + 1000*i)
		b, _ = mkv.AppendClusterStart(b, tc, mkv.UnknownSize)
		for j, n := range sizes {
			d := make([]byte, n)
			for k := range d {
				d[k] = byte(rng.Uint32())
			}
			frames = append(frames, d)
			b, _ = mkv.AppendSimpleBlock(b, tc, mkv.Frame{Track: 1, Timecode: tc + int64(10*j), Keyframe: j == 0, Data: d})
		}
	}
	return b, frames
}

// readFrames reads the frames of n fragments of a GetMedia response from start.
func readFrames(t *testing.T, url string, start media.StartSelectorType, n int) <-chan [][]byte {
	t.Helper()
	in, _ := json.Marshal(media.GetMediaInput{StreamName: "cam", StartSelector: media.StartSelector{StartSelectorType: start}})
	resp, err := http.Post(url+"/getMedia", "application/json", bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan [][]byte, 1)
	go func() {
		defer resp.Body.Close()
		r := media.NewFragmentReader(resp.Body)
		var got [][]byte
		for range n {
			f, err := r.Next()
			if err != nil {
				break
			}
			for _, fr := range f.Frames {
				got = append(got, fr.Data)
			}
		}
		out <- got
	}()
	return out
}

// TestChunkedFramesServedByteExact: frames copied into shared chunks come out byte-exact, in
// order, to a GetMedia reader opened before PutMedia (NOW: the first fragment, at least, it
// reads live as its frames arrive; what it falls behind on, from the store, which holds the
// frames in their chunks), and from the store afterwards (EARLIEST).
func TestChunkedFramesServedByteExact(t *testing.T) {
	for _, retention := range []int32{1} {
		s, url := newService(t, retention, Config{})
		s.cfg.Limits.GetMediaIdle = s.cfg.Limits.IdleTimeout // the live reader waits for the producer
		body, want := chunkedStream(t)
		live := readFrames(t, url, media.StartSelectorTypeNow, 3) // its handler is registered once the headers arrive
		acks := mediatest.Put(t, url+"/putMedia", "cam", body)
		if n := len(mediatest.Numbers(acks, media.AckEventReceived)); n != 3 {
			t.Fatalf("retention %d: acknowledgements %+v, want three RECEIVED", retention, acks)
		}
		check := func(what string, got [][]byte) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("retention %d, %s: %d frames served, want %d", retention, what, len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("retention %d, %s: frame %d (%d bytes) served as %d different bytes", retention, what, i, len(want[i]), len(got[i]))
				}
			}
		}
		check("live", <-live)
		if retention > 0 {
			check("stored", <-readFrames(t, url, media.StartSelectorTypeEarliest, 3))
		}
	}
}
