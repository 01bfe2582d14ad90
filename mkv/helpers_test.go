package mkv

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/kvsgo/sdk/internal/testmedia"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// locateShared returns a folder of the project's shared reference
// material: $KVSGO_SHARED/sub, or else <repo root>/../shared/sub, where
// the repo root is the nearest folder above holding go.mod. It fails when
// the folder is absent.
func locateShared(sub string) (string, error) {
	base := os.Getenv("KVSGO_SHARED")
	if base == "" {
		dir, err := os.Getwd()
		if err != nil {
			return "", err
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return "", errors.New("no go.mod above the test folder, cannot locate ../shared; set KVSGO_SHARED")
			}
			dir = parent
		}
		base = filepath.Join(dir, "..", "shared")
	}
	p := filepath.Join(base, sub)
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		if sub == "media" {
			// The tree carries its own copy of the media samples.
			if own, err := testmedia.Dir(); err == nil {
				return own, nil
			}
		}
		return "", fmt.Errorf("shared reference folder %s is absent (set KVSGO_SHARED to the shared/ folder to run this test)", p)
	}
	return p, nil
}

// sharedDir is locateShared for a test that needs the folder: it skips
// the test when the folder is absent.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	p, err := locateShared(sub)
	if err != nil {
		t.Skip(err)
	}
	return p
}

// sharedDirOrEmpty is locateShared for optional inputs: "" when absent.
func sharedDirOrEmpty(sub string) string {
	p, _ := locateShared(sub)
	return p
}

// needTool skips the test when an external program is not installed.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (apt-get install ffmpeg mkvtoolnix)", name)
	}
	return p
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := readFile(t, path)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("output differs from %s (%d bytes, want %d); run go test -update to accept", path, len(got), len(want))
	}
}

// decodeAll reads every event of data, copying frame data so that events
// stay valid.
func decodeAll(data []byte, opts ReaderOptions) ([]Event, error) {
	return decodeFrom(NewReader(bytes.NewReader(data), func(o *ReaderOptions) { *o = opts }))
}

func decodeFrom(r *Reader) ([]Event, error) {
	var evs []Event
	for {
		ev, err := r.Next()
		if err == io.EOF {
			return evs, nil
		}
		if err != nil {
			return evs, err
		}
		if ev.Kind == KindFrame {
			ev.Frame.Data = append([]byte(nil), ev.Frame.Data...)
		}
		evs = append(evs, ev)
	}
}

// splitDocuments cuts a stream where our reader saw documents start.
func splitDocuments(t testing.TB, data []byte) [][]byte {
	t.Helper()
	evs, err := decodeAll(data, ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var starts []int64
	for _, ev := range evs {
		if ev.Kind == KindDocumentStart {
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

// trackOf returns the track numbered n of the first Tracks in a file.
func trackOf(t testing.TB, path string, n uint64) TrackEntry {
	t.Helper()
	evs, err := decodeAll(readFile(t, path), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		for _, tr := range ev.Tracks {
			if tr.Number == n {
				return tr
			}
		}
	}
	t.Fatalf("%s has no track %d", path, n)
	return TrackEntry{}
}

// counts tallies a decoded stream.
type counts struct {
	Documents, Infos, TracksElems, Clusters, Frames, KeyFrames int
	Tags, TagsBefore, TagsAfter, SimpleTags                    int
}

func tally(evs []Event) counts {
	var c counts
	for _, ev := range evs {
		switch ev.Kind {
		case KindDocumentStart:
			c.Documents++
		case KindInfo:
			c.Infos++
		case KindTracks:
			c.TracksElems++
		case KindClusterStart:
			c.Clusters++
		case KindFrame:
			c.Frames++
			if ev.Frame.Keyframe {
				c.KeyFrames++
			}
		case KindTags:
			c.Tags++
			if ev.TagsPosition == AfterCluster {
				c.TagsAfter++
			} else {
				c.TagsBefore++
			}
			for _, tag := range ev.Tags {
				c.SimpleTags += countSimpleTags(tag.SimpleTags)
			}
		}
	}
	return c
}

func countSimpleTags(sts []SimpleTag) int {
	n := len(sts)
	for _, st := range sts {
		n += countSimpleTags(st.Nested)
	}
	return n
}

// wantSyntaxError checks that err is a *SyntaxError wrapping target (when
// target is not nil).
func wantSyntaxError(t *testing.T, err error, target error) *SyntaxError {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T), want *SyntaxError", err, err)
	}
	if target != nil && !errors.Is(err, target) {
		t.Fatalf("error %v, want one wrapping %v", err, target)
	}
	return se
}

func toJSON(v any) string {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func equalJSON(a, b any) bool { return toJSON(a) == toJSON(b) }
