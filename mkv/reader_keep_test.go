package mkv

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
)

// keepStream is one document of n frames of varied sizes (up to 40 KB, so that buffers switch
// inside frames), then a fixed-laced block of two frames.
func keepStream(n int) (data []byte, frames [][]byte) {
	var blocks [][]byte
	for i := range n {
		f := bytes.Repeat([]byte{byte(i + 1)}, 1+(i*7919)%40_000)
		frames = append(frames, f)
		blocks = append(blocks, sblock(int16(i%30000), 0x80, f...))
	}
	blocks = append(blocks, el(idSimpleBlock, []byte{0x81, 0, 0, 0x84, 1, 7, 7, 8, 8}))
	frames = append(frames, []byte{7, 7}, []byte{8, 8})
	return join(ebmlHead, unk(idSegment, unk(idCluster, append([][]byte{u(idTimecode, 0)}, blocks...)...))), frames
}

// TestReaderKeep reads frames in batches, calling Keep before each: every frame of a batch is
// intact at the end of the batch, whatever the chunking of the input, including the frame
// decoded last before Keep and the second frame of a laced block split across a Keep; and the
// buffers held stay about the size of a batch's input.
func TestReaderKeep(t *testing.T) {
	data, want := keepStream(120)
	sources := map[string]func() io.Reader{
		"whole":   func() io.Reader { return bytes.NewReader(data) },
		"halves":  func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		"7000":    func() io.Reader { return &chunkReader{data: data, n: 7000} },
		"onebyte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
	}
	for name, src := range sources {
		t.Run(name, func(t *testing.T) {
			r := NewReader(src())
			r.Keep()
			var batch [][]byte
			first := 0 // index in want of batch[0]
			check := func() {
				for i, f := range batch {
					if !bytes.Equal(f, want[first+i]) {
						t.Fatalf("frame %d (batch from %d) overwritten before the next Keep", first+i, first)
					}
				}
			}
			for n := 0; ; {
				ev, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if ev.Kind != KindFrame {
					continue
				}
				batch = append(batch, ev.Frame.Data)
				n++
				if n%9 == 0 || n == len(want)-1 { // the last Keep falls between the laced frames
					check()
					if held := r.KeptBytes(); held > 2*int64(keepBuffer)+9*40_000 {
						t.Fatalf("%d bytes held for a batch of 9 frames", held)
					}
					r.Keep()
					// The frame returned just before Keep stays valid through the next batch.
					batch, first = batch[len(batch)-1:], n-1
				}
			}
			check()
			if first+len(batch) != len(want) {
				t.Fatalf("%d frames, want %d", first+len(batch), len(want))
			}
			r.Reset(bytes.NewReader(data))
			if r.KeptBytes() != 0 {
				t.Errorf("KeptBytes after Reset = %d", r.KeptBytes())
			}
		})
	}
}

// TestReaderKeepReusesBuffers checks that a Reader kept batch after batch reuses the buffers of
// the batch before last instead of allocating: once they exist, reading the stream again
// allocates no more than reading it without Keep.
func TestReaderKeepReusesBuffers(t *testing.T) {
	data, _ := keepStream(120)
	pass := func(keep bool) func() {
		r := NewReader(nil)
		read := func() {
			r.Reset(bytes.NewReader(data))
			for n := 0; ; {
				ev, err := r.Next()
				if err != nil {
					return
				}
				if ev.Kind == KindFrame {
					if n++; keep && n%20 == 0 {
						r.Keep()
					}
				}
			}
		}
		read()
		return read
	}
	plain, kept := testing.AllocsPerRun(3, pass(false)), testing.AllocsPerRun(3, pass(true))
	if kept > plain {
		t.Errorf("%.1f allocations per pass over %d bytes with Keep, %.1f without", kept, len(data), plain)
	}
}

// chunkReader returns data n bytes at a time.
type chunkReader struct {
	data []byte
	n    int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.data)
	c.data = c.data[k:]
	return k, nil
}

// TestReaderKeepsTheLastFrame places the end of a frame at the end of the Reader's first buffer,
// so that the next header needs room at once: the frame, decoded before Keep, must survive it.
func TestReaderKeepsTheLastFrame(t *testing.T) {
	var data, first []byte
	for d := minBuffer - 100; len(data) != minBuffer; d++ {
		if d > minBuffer {
			t.Fatal("no frame size ends the first buffer")
		}
		first = bytes.Repeat([]byte{1}, d)
		data = join(ebmlHead, unk(idSegment, unk(idCluster, u(idTimecode, 0), sblock(0, 0x80, first...))))
	}
	data = append(data, sblock(1, 0x80, bytes.Repeat([]byte{2}, 1000)...)...)
	r := NewReader(bytes.NewReader(data))
	var got []byte
	for got == nil {
		ev, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == KindFrame {
			got = ev.Frame.Data
		}
	}
	r.Keep()
	for {
		ev, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == KindFrame {
			break
		}
	}
	if !bytes.Equal(got, first) {
		t.Error("the frame decoded before Keep was overwritten by the next read")
	}
}
