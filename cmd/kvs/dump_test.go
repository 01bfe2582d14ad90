package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// captureNames are the real GetMedia captures of the shared material, each with a golden
// summary in media/testdata/captures made by the same FragmentSummary.
var captureNames = []string{
	"output_get_media.mkv", "output_get_media_sparse_fragments.mkv", "test_mixed_tags.mkv",
	"empty-mkv-with-tags.mkv", "test_tags_empty_cluster.mkv",
}

// goldenSummary returns the golden summary lines of a capture.
func goldenSummary(t *testing.T, capture string) string {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("..", "..", "media", "testdata", "captures", strings.TrimSuffix(capture, ".mkv")+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return string(want)
}

// TestDumpCaptures dumps the real captures, from a file and from standard input, and compares
// with the golden summaries line for line.
func TestDumpCaptures(t *testing.T) {
	for _, name := range captureNames {
		t.Run(name, func(t *testing.T) {
			path := sharedFile(t, filepath.Join("kvs-captures", name))
			want := goldenSummary(t, name)
			r := kvsRun(t, invocation{}, "dump", path).mustSucceed(t)
			if diff := wiretest.Diff(want, r.stdout); diff != "" {
				t.Errorf("kvs dump %s differs from the golden summary:\n%s", name, diff)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			r = kvsRun(t, invocation{stdin: bytes.NewReader(data)}, "dump", "-").mustSucceed(t)
			if r.stdout != want {
				t.Errorf("kvs dump - (standard input) differs from kvs dump FILE")
			}
		})
	}
	// Several files in turn.
	a, b := sharedFile(t, "kvs-captures/test_mixed_tags.mkv"), sharedFile(t, "kvs-captures/output_get_media.mkv")
	r := kvsRun(t, invocation{}, "dump", a, b).mustSucceed(t)
	if want := goldenSummary(t, "test_mixed_tags.mkv") + goldenSummary(t, "output_get_media.mkv"); r.stdout != want {
		t.Errorf("kvs dump of two files:\n%s\nwant\n%s", r.stdout, want)
	}
}

// TestDumpInBandError checks that an error the service reports inside the stream becomes the
// error member of its fragment's line, and that reading goes on after it.
func TestDumpInBandError(t *testing.T) {
	var stream []byte
	track := []mkv.TrackEntry{{Number: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}}
	stream, _ = mkv.AppendHeader(stream, mkv.Info{}, track)
	stream, _ = mkv.AppendTags(stream, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{
		{Name: media.TagFragmentNumber, String: "123"}, {Name: media.TagErrorCode, String: "FRAGMENT_NOT_FOUND"}, {Name: media.TagErrorID, String: "3000"},
	}}})
	stream, _ = mkv.AppendHeader(stream, mkv.Info{}, track)
	stream, _ = mkv.AppendTags(stream, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{{Name: media.TagFragmentNumber, String: "124"}}}})
	stream, _ = mkv.AppendClusterStart(stream, 1000, mkv.UnknownSize)
	stream, _ = mkv.AppendSimpleBlock(stream, 1000, mkv.Frame{Track: 1, Timecode: 1000, Keyframe: true, Data: []byte{0, 0, 0, 1, 0x65}})
	r := kvsRun(t, invocation{stdin: bytes.NewReader(stream)}, "dump").mustSucceed(t)
	want := `{"fragmentNumber":"123","frames":{},"error":{"id":3000,"code":"FRAGMENT_NOT_FOUND"}}` + "\n" +
		`{"fragmentNumber":"124","frames":{"1":1}}` + "\n"
	if r.stdout != want {
		t.Errorf("printed\n%s\nwant\n%s", r.stdout, want)
	}
}

// TestDumpMalformed checks that a malformed stream prints the fragments before the fault, then
// a message naming the input and the fault, with status 1.
func TestDumpMalformed(t *testing.T) {
	data, err := os.ReadFile(sharedFile(t, "kvs-captures/output_get_media.mkv"))
	if err != nil {
		t.Fatal(err)
	}
	frags := readFragments(t, data)
	// Corrupt the ID of an element inside the third document: a zero byte cannot start an ID.
	third := nthDocument(t, data, 2)
	bad := bytes.Clone(data)
	bad[third+4+12] = 0 // inside the Segment, past its ID and size
	r := kvsRun(t, invocation{stdin: bytes.NewReader(bad)}, "dump")
	r.mustFail(t, 1, "kvs dump: standard input: malformed stream after 2 fragments: ")
	if got := summaries(t, r.stdout); len(got) != 2 || got[1].FragmentNumber != frags[1].FragmentNumber {
		t.Errorf("printed %d summaries before the fault, want the first 2:\n%s", len(got), r.stdout)
	}

	// Truncated in the middle of a fragment: what was read is printed, then the error.
	cut := data[:nthDocument(t, data, 1)+200_000] // inside its cluster
	dir := t.TempDir()
	path := filepath.Join(dir, "cut.mkv")
	if err := os.WriteFile(path, cut, 0o644); err != nil {
		t.Fatal(err)
	}
	r = kvsRun(t, invocation{}, "dump", path)
	r.mustFail(t, 1, "kvs dump: "+path+": malformed stream after 1 fragments: ")
	got := summaries(t, r.stdout)
	if len(got) != 2 || got[0].Incomplete != "" || got[1].FragmentNumber != frags[1].FragmentNumber || got[1].Incomplete == "" ||
		got[1].Frames["1"] == 0 || got[1].Frames["1"] >= len(frags[1].Frames) {
		t.Errorf("printed %+v, want the first fragment and the readable part of the second", got)
	}

	kvsRun(t, invocation{stdin: strings.NewReader("this is not Matroska")}, "dump").mustFail(t, 1, "malformed stream after 0 fragments")
	kvsRun(t, invocation{}, "dump", filepath.Join(dir, "absent.mkv")).mustFail(t, 1, "absent.mkv: no such file or directory")
	if r := kvsRun(t, invocation{}, "dump").mustSucceed(t); r.stdout != "" {
		t.Errorf("dump of empty input printed %q", r.stdout)
	}
}

// nthDocument returns the offset of the EBML header of document n (from 0) of a stream.
func nthDocument(t *testing.T, data []byte, n int) int {
	t.Helper()
	off := 0
	for i := 0; ; i++ {
		j := bytes.Index(data[off:], ebmlMagic)
		if j < 0 {
			t.Fatalf("the stream has %d documents, not %d", i, n+1)
		}
		if i == n {
			return off + j
		}
		off += j + len(ebmlMagic)
	}
}
