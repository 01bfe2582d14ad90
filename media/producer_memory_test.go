package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"testing"
	"time"
)

func TestBlockListWriteTakeNext(t *testing.T) {
	var pool blockPool
	var l, q blockList
	big := bytes.Repeat([]byte{1, 2, 3}, blockSize) // three blocks' worth
	l.write(&pool, []byte("head"))
	n := q.writeApart(&pool, big)
	if n != 3 || q.size != len(big) {
		t.Fatalf("writeApart: %d blocks, %d bytes; want 3, %d", n, q.size, len(big))
	}
	second := q.writeApart(&pool, []byte("second"))
	l.take(&q, n, len(big))
	l.write(&pool, []byte("tail")) // continues in the last block taken
	if len(q.blocks) != second || q.size != len("second") || string(q.blocks[0]) != "second" {
		t.Errorf("queue after take: %d blocks, %d bytes; want the second frame's", len(q.blocks), q.size)
	}
	var got []byte
	var c blockCursor
	for b := l.next(&c); b != nil; b = l.next(&c) {
		got = append(got, b...)
		c.off += len(b)
	}
	want := append(append([]byte("head"), big...), "tail"...)
	if !bytes.Equal(got, want) || l.size != len(want) {
		t.Fatalf("read back %d bytes (size %d), want the %d written", len(got), l.size, len(want))
	}
	l.free(&pool)
	if l.size != 0 || len(l.blocks) != 0 {
		t.Errorf("after free: %d bytes in %d blocks", l.size, len(l.blocks))
	}
}

// TestProducerQueuedKeyFrameMovesIntact writes an audio and video stream whose key frames (larger
// than apartSize) wait in the reorder queue for the audio to reach them, so that their blocks move
// into the fragment, and checks that the fragments read back hold every frame, byte for byte.
func TestProducerQueuedKeyFrameMovesIntact(t *testing.T) {
	record := sampleDecoderConfig(t)
	p, err := newProducer(context.Background(), New(Options{}), ProducerConfig{StreamName: "s", KeepUntil: AckEventPersisted,
		FragmentTimecodeType: FragmentTimecodeRelative, FragmentDuration: time.Second, Tracks: []TrackConfig{
			{Codec: CodecH264, Format: FormatLengthPrefixed, CodecPrivate: record},
			{Codec: CodecAAC, Format: FormatRaw, SampleRate: 48000, Channels: 1},
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.cancel()
	nal := func(size int, header byte, fill byte) []byte {
		f := bytes.Repeat([]byte{fill}, size)
		binary.BigEndian.PutUint32(f, uint32(size-4))
		f[4] = header
		return f
	}
	written := map[int64][]byte{} // by timecode and track
	waited := 0
	ctx := context.Background()
	for v, a := 0, 0; v < 90; {
		vAt, aAt := time.Duration(v)*time.Second/30, time.Duration(a)*20*time.Millisecond
		f := Frame{Track: 2, Timestamp: aAt, Data: bytes.Repeat([]byte{byte(a)}, 100)}
		if vAt <= aAt {
			f = Frame{Track: 1, Timestamp: vAt, Data: nal(3000, 0x41, byte(v))}
			if v%30 == 0 {
				f.Data = nal(3*blockSize+100, 0x65, byte(v)) // a key frame of four blocks
			}
			v++
		} else {
			a++
		}
		written[f.Timestamp.Milliseconds()*10+int64(f.Track)] = bytes.Clone(f.Data)
		if err := p.WriteFrame(ctx, f); err != nil {
			t.Fatal(err)
		}
		if len(p.w.queues[0].blocks.blocks) > 0 {
			waited++
		}
	}
	if waited == 0 {
		t.Fatal("no key frame waited in blocks of its own: the test does not test the move")
	}
	p.mu.Lock()
	p.drain(true)
	p.sealOpen(false)
	if !p.w.headerReady() {
		t.Fatal("no stream header")
	}
	stream := bytes.Clone(p.w.header)
	for _, f := range p.buf.frags {
		var c blockCursor
		for b := f.data.next(&c); b != nil; b = f.data.next(&c) {
			stream = append(stream, b...)
			c.off += len(b)
		}
	}
	p.mu.Unlock()

	fr := NewFragmentReader(bytes.NewReader(stream))
	frames, keys := 0, 0
	for {
		frag, err := fr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range frag.Frames {
			want, ok := written[f.Timestamp.Milliseconds()*10+int64(f.Track)]
			if !ok || !bytes.Equal(f.Data, want) {
				t.Fatalf("track %d frame at %v: %d bytes read, not the %d written", f.Track, f.Timestamp, len(f.Data), len(want))
			}
			if f.Track == 1 && f.Keyframe {
				keys++
			}
			frames++
		}
	}
	if frames != len(written) || keys != 3 {
		t.Errorf("read %d frames with %d key frames; wrote %d with 3", frames, keys, len(written))
	}
}

func TestEventRingGrowsToItsSizeThenDropsTheOldest(t *testing.T) {
	r := newEventRing(20, New(Options{}).eventLog("producer", "s", ""))
	for i := range 12 {
		r.push(ProducerEvent{Frames: i})
	}
	if len(r.events) != 16 {
		t.Errorf("12 events waiting in a buffer of %d, want 16 (grown by doubling from 8)", len(r.events))
	}
	for i := 12; i < 25; i++ {
		r.push(ProducerEvent{Frames: i})
	}
	if len(r.events) != 20 {
		t.Errorf("buffer of %d, want its size 20", len(r.events))
	}
	for want := 5; want < 25; want++ {
		e, ok := r.pop()
		if !ok || e.Frames != want {
			t.Fatalf("pop = %d, %v; want event %d", e.Frames, ok, want)
		}
		if missed := 5 * btoi(want == 5); e.Missed != missed {
			t.Errorf("event %d: Missed %d, want %d", want, e.Missed, missed)
		}
	}
	if _, ok := r.pop(); ok {
		t.Error("an event after the last one")
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
