package store

import (
	"reflect"
	"testing"

	"github.com/kvsgo/sdk/mkv"
)

func TestEBMLSizeLength(t *testing.T) {
	for n, want := range map[int64]int64{0: 1, 126: 1, 127: 2, 16382: 2, 16383: 3, 1 << 30: 5} {
		if got := ebmlSizeLength(n); got != want {
			t.Errorf("ebmlSizeLength(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestStatsCountTracks checks the figures of a fragment with two tracks, frames out of
// timecode order, and a frame of a track the fragment does not declare.
func TestStatsCountTracks(t *testing.T) {
	f := &Fragment{Tracks: []mkv.TrackEntry{{Number: 1}, {Number: 2}}, Frames: []Frame{
		{Track: 1, Timecode: 10, Data: make([]byte, 100)},
		{Track: 2, Timecode: 5, Data: make([]byte, 200)},
		{Track: 1, Timecode: 40, Data: make([]byte, 123)}, // a 127-byte block body: a 2-byte size
		{Track: 9, Timecode: 50, Data: nil},
	}}
	want := Stats{Frames: 4, First: 5, Last: 50,
		Tracks:     []TrackStats{{Frames: 2, First: 10, Last: 40}, {Frames: 1, First: 5, Last: 5}},
		BlockBytes: (1 + 1 + 104) + (1 + 2 + 204) + (1 + 2 + 127) + (1 + 1 + 4)}
	if got := statsOf(f); !reflect.DeepEqual(got, want) {
		t.Fatalf("stats %+v, want %+v", got, want)
	}
	if st := want.Track(5); st != (TrackStats{}) {
		t.Fatalf("a track out of range has stats %+v", st)
	}
}
