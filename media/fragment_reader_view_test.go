package media_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"unsafe"

	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// readOwned reads every fragment of data without ReuseBuffers.
func readOwned(t *testing.T, data []byte) []*media.Fragment {
	t.Helper()
	fr := media.NewFragmentReader(bytes.NewReader(data))
	var all []*media.Fragment
	for {
		f, err := fr.Next()
		if err == io.EOF {
			return all
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, f)
	}
}

func sameFrames(got, want *media.Fragment) bool {
	if len(got.Frames) != len(want.Frames) {
		return false
	}
	for i, f := range got.Frames {
		w := want.Frames[i]
		if f.Track != w.Track || f.Timestamp != w.Timestamp || f.Keyframe != w.Keyframe || !bytes.Equal(f.Data, w.Data) {
			return false
		}
	}
	return true
}

// TestReuseBuffersLifetime checks the lifetime ReuseBuffers documents, on the 1080p GetMedia
// stream read whole and in uneven pieces: each fragment Next returns is intact until the next
// call (every frame, the first one read included, equals the owned reading); the frames are a
// view of the input as read, not copies: between one frame's bytes and the next lie the few
// bytes of the next block's header, and a frame's capacity ends with it; and the views of an
// earlier fragment kept past their lifetime see later input.
func TestReuseBuffersLifetime(t *testing.T) {
	data := getMedia1080p(t)
	want := readOwned(t, data)
	for name, src := range map[string]func() io.Reader{
		"whole":  func() io.Reader { return bytes.NewReader(data) },
		"halves": func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
	} {
		t.Run(name, func(t *testing.T) {
			fr := media.NewFragmentReader(src(), func(o *media.FragmentReaderOptions) { o.ReuseBuffers = true })
			var stale [][]media.Frame // the frames of each fragment, kept past their lifetime
			for i := range want {
				f, err := fr.Next()
				if err != nil {
					t.Fatal(err)
				}
				if !sameFrames(f, want[i]) {
					t.Fatalf("fragment %d differs from the owned reading before the next call", i)
				}
				if views := inputViews(f.Frames); views < len(f.Frames)*9/10 {
					t.Fatalf("fragment %d: %d of %d frames lie in the input as read", i, views, len(f.Frames))
				}
				stale = append(stale, append([]media.Frame(nil), f.Frames...))
			}
			if _, err := fr.Next(); err != io.EOF {
				t.Fatalf("end: %v", err)
			}
			overwritten := false
			for i, frames := range stale[:len(stale)-1] {
				overwritten = overwritten || !sameFrames(&media.Fragment{Frames: frames}, want[i])
			}
			if !overwritten {
				t.Error("no frame of an earlier fragment changed: the frames are copies, not views of the reader's buffers")
			}
		})
	}
}

// inputViews counts the frames whose bytes are followed, after a SimpleBlock header (5 to 12
// bytes), by the next frame's, and whose capacity ends with their bytes.
func inputViews(frames []media.Frame) int {
	n := 0
	for i := 0; i+1 < len(frames); i++ {
		a, b := frames[i].Data, frames[i+1].Data
		if len(a) == 0 || len(b) == 0 || cap(a) != len(a) {
			continue
		}
		gap := uintptr(unsafe.Pointer(&b[0])) - uintptr(unsafe.Pointer(&a[len(a)-1])) - 1
		if gap >= 5 && gap <= 12 {
			n++
		}
	}
	return n + 1 // the last frame, which has no next
}

// TestOwnedFramesAreNotAliased checks that without ReuseBuffers the fragments belong to the
// caller: after the reader has read the stream to its end and then another stream, and the
// input itself has been overwritten, every fragment still holds what was read.
func TestOwnedFramesAreNotAliased(t *testing.T) {
	data := getMedia1080p(t)
	want := readOwned(t, data)
	input := bytes.Clone(data)
	fr := media.NewFragmentReader(bytes.NewReader(input))
	var got []*media.Fragment
	for {
		f, err := fr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, f)
	}
	fr.Reset(bytes.NewReader(getMedia1080p(t)))
	for {
		if _, err := fr.Next(); err != nil {
			break
		}
	}
	clear(input)
	for i := range want {
		if !sameFrames(got[i], want[i]) {
			t.Fatalf("fragment %d changed after it was returned", i)
		}
	}
}

// TestReuseBuffersBoundsTheInputHeld checks that the input buffers a fragment's frames lie in
// count against MaxElementSize with ReuseBuffers: one-byte frames each followed by a skipped
// 300 KB element would otherwise hold a buffer per byte of frames. Owned reading copies the
// frames and reads the fragment.
func TestReuseBuffersBoundsTheInputHeld(t *testing.T) {
	doc, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ = mkv.AppendClusterStart(doc, 0, mkv.UnknownSize)
	const void = 300_000
	for i := range 64 {
		doc, _ = mkv.AppendSimpleBlock(doc, 0, mkv.Frame{Track: 1, Timecode: int64(i), Keyframe: true, Data: []byte{byte(i)}})
		doc = append(doc, 0xEC, 0x01, 0, 0, 0, 0, void>>16, void>>8&0xff, void&0xff) // Void, 8-octet size
		doc = append(doc, make([]byte, void)...)
	}
	limits := mkv.Limits{MaxElementSize: 4 << 20}
	owned := media.NewFragmentReader(bytes.NewReader(doc), func(o *media.FragmentReaderOptions) { o.Limits = limits })
	if f, err := owned.Next(); err != nil || len(f.Frames) != 64 {
		t.Fatalf("owned: %v", err)
	}
	view := media.NewFragmentReader(bytes.NewReader(doc), func(o *media.FragmentReaderOptions) {
		o.Limits, o.ReuseBuffers = limits, true
	})
	f, err := view.Next()
	var se *mkv.SyntaxError
	if !errors.Is(err, mkv.ErrTooLarge) || !errors.As(err, &se) {
		t.Fatalf("ReuseBuffers: %v, want an ErrTooLarge SyntaxError", err)
	}
	if f == nil || len(f.Frames) == 0 || len(f.Frames) >= 64 {
		t.Fatalf("ReuseBuffers: the part read before the bound should come with the error")
	}
}

// FuzzReuseBuffers checks that any input reads the same with ReuseBuffers, in uneven pieces,
// as owned and whole: the same fragments, frames and errors, each view intact when returned.
func FuzzReuseBuffers(f *testing.F) {
	var seed []byte
	for doc := range 2 {
		b, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
		if err != nil {
			f.Fatal(err)
		}
		b, _ = mkv.AppendTags(b, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{{Name: media.TagFragmentNumber, String: string(rune('1' + doc))}}}})
		b, _ = mkv.AppendClusterStart(b, int64(doc)*1000, mkv.UnknownSize)
		for i := range 5 {
			b, _ = mkv.AppendSimpleBlock(b, int64(doc)*1000, mkv.Frame{Track: 1, Timecode: int64(doc*1000 + i*33), Keyframe: i == 0, Data: bytes.Repeat([]byte{byte(i)}, 1+i*700)})
		}
		b, _ = mkv.AppendTags(b, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{{Name: media.TagContinuationToken, String: "t"}}}})
		seed = append(seed, b...)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)-100])
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := func(reuse bool) func(*media.FragmentReaderOptions) {
			return func(o *media.FragmentReaderOptions) {
				o.Limits.MaxElementSize, o.MaxFragmentFrames, o.ReuseBuffers = 1<<20, 100, reuse
			}
		}
		owned := media.NewFragmentReader(bytes.NewReader(data), opts(false))
		view := media.NewFragmentReader(iotest.HalfReader(bytes.NewReader(data)), opts(true))
		for range 1000 {
			want, wantErr := owned.Next()
			got, err := view.Next()
			if (err == nil) != (wantErr == nil) || (got == nil) != (want == nil) {
				t.Fatalf("ReuseBuffers: %v, owned: %v", err, wantErr)
			}
			if got != nil && !sameFrames(got, want) {
				t.Fatal("ReuseBuffers read other frames than owned reading")
			}
			var se *media.StreamError
			if err != nil && !errors.As(err, &se) {
				return
			}
		}
	})
}
