package mkv_test

// mkv's comparisons with github.com/at-wat/ebml-go, an independent EBML implementation used as
// a test oracle and a benchmark baseline: they live in the interop module so that ebml-go stays
// out of the SDK's go.mod. They use mkv's exported API only.

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/kvsgo/sdk/mkv"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// events reads every event of data, copying frame data so that events stay valid.
func events(data []byte) ([]mkv.Event, error) {
	r := mkv.NewReader(bytes.NewReader(data))
	var evs []mkv.Event
	for {
		ev, err := r.Next()
		if err == io.EOF {
			return evs, nil
		}
		if err != nil {
			return evs, err
		}
		if ev.Kind == mkv.KindFrame {
			ev.Frame.Data = bytes.Clone(ev.Frame.Data)
		}
		evs = append(evs, ev)
	}
}

// splitDocuments cuts a stream where our reader saw documents start.
func splitDocuments(t testing.TB, data []byte) [][]byte {
	t.Helper()
	evs, err := events(data)
	if err != nil {
		t.Fatal(err)
	}
	var starts []int64
	for _, ev := range evs {
		if ev.Kind == mkv.KindDocumentStart {
			starts = append(starts, ev.Offset)
		}
	}
	var docs [][]byte
	for i, s := range starts {
		end := int64(len(data))
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		docs = append(docs, data[s:end])
	}
	return docs
}

// rewrite writes the tracks and frames of an MKV file again with mkv's Writer, with clusters
// of known or unknown size: one fragment per key frame of the first track, each preceded by a
// Tags element (frames before the first key frame are left out).
func rewrite(t testing.TB, data []byte, known bool) []byte {
	t.Helper()
	evs, err := events(data)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var w *mkv.Writer
	fragment := 0
	for _, ev := range evs {
		switch {
		case ev.Kind == mkv.KindTracks && w == nil:
			if w, err = mkv.NewWriter(&buf, mkv.WriterOptions{Tracks: ev.Tracks, KnownSizeClusters: known}); err != nil {
				t.Fatal(err)
			}
		case ev.Kind == mkv.KindFrame && w != nil:
			f := ev.Frame
			if f.Track == 1 && f.Keyframe {
				if err := w.WriteTags([]mkv.Tag{{SimpleTags: []mkv.SimpleTag{{Name: "FRAGMENT", String: strconv.Itoa(fragment)}}}}); err != nil {
					t.Fatal(err)
				}
				if err := w.StartCluster(f.Timecode); err != nil {
					t.Fatal(err)
				}
				fragment++
			}
			if fragment == 0 { // frames before the first key frame have no cluster
				continue
			}
			if err := w.WriteFrame(mkv.Frame{Track: f.Track, Timecode: f.Timecode, Keyframe: f.Keyframe, Data: f.Data}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if w == nil || fragment == 0 {
		t.Fatal("no tracks or no key frame to rewrite")
	}
	if err := w.EndFragment(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
