package mediaapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/mediatest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// TestFrameChunkCopies: each copy is byte-exact, capped at its own length (appending to one
// cannot reach the next), left unchanged by the copies after it, and frames share chunks: 1 KiB
// frames take one allocation per chunk, not one per frame; a frame larger than the largest chunk
// gets its own.
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
	if allocs > 50 {
		t.Errorf("%.0f allocations for 1000 frames of 1 KiB, want at most one per chunk (19 chunks) and the list of chunks", allocs)
	}
}

// TestFramesLargerThanTheFirstChunksShareChunks: frames of 4 Mbit/s video at 30 fps (16.7 KB,
// larger than the first chunks) go into chunks of the size that holds them and on, not into an
// allocation each, and a fragment after a recycled one takes its chunks from the pool.
func TestFramesLargerThanTheFirstChunksShareChunks(t *testing.T) {
	frame := make([]byte, 16_667)
	allocs := testing.AllocsPerRun(10, func() {
		var c frameChunk
		for range 60 { // one 2 s fragment: 1 MB in a chunk of 32 KiB, then chunks of 64 KiB
			c.copy(frame)
		}
	})
	if allocs > 30 {
		t.Errorf("%.0f allocations for 60 frames of 16.7 KB, want one per chunk (17) and the growth of the list of chunks, not one per frame", allocs)
	}
	pool := newChunkPool()
	fill := func() *Fragment {
		f, c := &Fragment{}, frameChunk{pool: pool}
		for range 60 {
			f.Frames = append(f.Frames, Frame{Data: c.copy(frame)})
		}
		f.unkept(c)
		return f
	}
	fill()
	allocs = testing.AllocsPerRun(10, func() { fill() })
	if allocs > 20 {
		t.Errorf("%.0f allocations for a fragment after a recycled one, want none for its chunks (only the fragment and the growth of its lists)", allocs)
	}
}

// TestChunksReusedOnlyWhenNoOneHolds: the chunks of a fragment not kept go back to the pool only
// when the ingest is done with it and the last GetMedia reader sending it is done; until then
// its frames are intact, and once they went back the fragment shows no frames.
func TestChunksReusedOnlyWhenNoOneHolds(t *testing.T) {
	pool := newChunkPool()
	c := frameChunk{pool: pool}
	f := &Fragment{}
	want := make([]byte, 3000)
	for i := range want {
		want[i] = byte(i)
	}
	for range 10 {
		f.Frames = append(f.Frames, Frame{Data: c.copy(want)})
	}
	f.hold() // two readers
	f.hold()
	f.unkept(c)
	f.unhold()
	if f.Frames == nil || f.chunks == nil {
		t.Fatal("chunks given back while a reader still sends the fragment")
	}
	// Drain the pools, so that a chunk given back too early would show as reused below.
	other := frameChunk{pool: pool}
	junk := make([]byte, 3000)
	for i := range junk {
		junk[i] = 0xee
	}
	for range 40 {
		other.copy(junk)
	}
	for i, fr := range f.Frames {
		if !bytes.Equal(fr.Data, want) {
			t.Fatalf("frame %d changed while a reader held the fragment", i)
		}
	}
	f.unhold()
	if f.Frames != nil || f.chunks != nil {
		t.Fatal("the last reader is done and the fragment is not kept, but its chunks did not go back")
	}
	kept := &Fragment{}
	k := frameChunk{pool: pool}
	kept.Frames = append(kept.Frames, Frame{Data: k.copy(want)})
	kept.hold()
	kept.unhold() // a kept fragment (never unkept) keeps its chunks: the store may hold its frames
	if kept.Frames == nil {
		t.Fatal("a kept fragment's frames went back to the pool")
	}
}

// liveHeld reports whether the fragment m receives is fragment i of
// TestUnkeptChunksServedByteExact and a reader is sending it.
func liveHeld(m *Media, i int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.live != nil && m.live.holders > 0 && len(m.live.Frames) > 0 && int(m.live.Frames[0].Data[0]) == i
}

// TestUnkeptChunksServedByteExact: on a stream that keeps nothing, the chunks of each fragment
// are reused for the fragments after it; a live reader opened before PutMedia gets every frame of
// every fragment byte-exact and in order (each frame's bytes name its fragment and place, so a
// frame served from a reused chunk would show). PutMedia sends fragment i+1 only once the reader
// is sending fragment i, so the reader misses none, and the chunks of the fragments it is done
// with are reused while the next ones are being read.
func TestUnkeptChunksServedByteExact(t *testing.T) {
	s, url := newService(t, 0, Config{})
	s.cfg.Limits.GetMediaIdle = time.Second // the reader ends a second after the last fragment
	cam := s.cfg.State.Streams.ByName["cam"].Media
	const fragments, perFragment = 20, 30
	frame := func(i, j int) []byte {
		d := make([]byte, 500+(i*perFragment+j)%7*1500) // 0.5 to 9.5 KB: chunks of every size
		for k := range d {
			d[k] = byte(i*31 + j*7 + k)
		}
		d[0], d[1] = byte(i), byte(j)
		return d
	}
	header, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: "V_MPEG4/ISO/AVC"}})
	if err != nil {
		t.Fatal(err)
	}
	cluster := func(i int) []byte {
		tc := int64(mediatest.Start + 1000*i)
		b, _ := mkv.AppendClusterStart(nil, tc, mkv.UnknownSize)
		for j := range perFragment {
			b, _ = mkv.AppendSimpleBlock(b, tc, mkv.Frame{Track: 1, Timecode: tc + int64(j), Keyframe: j == 0, Data: frame(i, j)})
		}
		return b
	}
	in, _ := json.Marshal(media.GetMediaInput{StreamName: "cam", StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeNow}})
	resp, err := http.Post(url+"/getMedia", "application/json", bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan [][][]byte, 1)
	go func() {
		defer resp.Body.Close()
		r := media.NewFragmentReader(resp.Body)
		var got [][][]byte
		for {
			f, err := r.Next()
			if err != nil {
				break
			}
			var frames [][]byte
			for _, fr := range f.Frames {
				frames = append(frames, fr.Data)
			}
			got = append(got, frames)
		}
		out <- got
	}()
	body, w := io.Pipe()
	go func() {
		defer w.Close()
		if _, err := w.Write(header); err != nil {
			return
		}
		for i := range fragments {
			if _, err := w.Write(cluster(i)); err != nil {
				return
			}
			// Fragment i+1 completes fragment i: send it only once the reader holds fragment i
			// (a fragment not kept that completed before a reader reached it is not served).
			deadline := time.Now().Add(30 * time.Second) // a hang guard
			for !liveHeld(cam, i) {
				if time.Now().After(deadline) {
					w.CloseWithError(fmt.Errorf("no reader took fragment %d", i))
					return
				}
				runtime.Gosched()
			}
		}
	}()
	acks := mediatest.PutFrom(t, url+"/putMedia", "cam", body)
	if n := len(mediatest.Numbers(acks, media.AckEventReceived)); n != fragments {
		t.Fatalf("%d RECEIVED, want %d", n, fragments)
	}
	got := <-out
	if len(got) != fragments {
		first := -1
		if len(got) > 0 {
			first = int(got[0][0][0])
		}
		t.Fatalf("the live reader got %d of %d fragments, the first %d", len(got), fragments, first)
	}
	for n, frames := range got {
		if len(frames) != perFragment || len(frames[0]) < 2 {
			t.Fatalf("fragment %d served with %d frames", n, len(frames))
		}
		if i := int(frames[0][0]); i != n {
			t.Fatalf("fragment %d served is fragment %d sent", n, i)
		}
		for j, d := range frames {
			if !bytes.Equal(d, frame(n, j)) {
				t.Fatalf("fragment %d frame %d served with other bytes", n, j)
			}
		}
	}
}
