package media

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/mkv"
)

// tool returns the path of a program the test needs (skipped without it, failed under KVSGO_CI).
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		wiretest.Skip(t, "%s: %v", name, err)
	}
	return path
}

// probePackets runs ffprobe on a file and returns its packets per stream, in stream order.
func probePackets(t *testing.T, file string) []int {
	t.Helper()
	out, err := exec.Command(tool(t, "ffprobe"), "-v", "error", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", file, err, out)
	}
	var n []int
	for _, line := range strings.Fields(string(out)) {
		v, err := strconv.Atoi(strings.TrimSuffix(line, ","))
		if err != nil {
			t.Fatalf("ffprobe output %q", out)
		}
		n = append(n, v)
	}
	return n
}

// mkvinfoAccepts runs mkvinfo on a file and fails on any error or warning it prints.
func mkvinfoAccepts(t *testing.T, file string) {
	t.Helper()
	out, err := exec.Command(tool(t, "mkvinfo"), file).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("Error")) || bytes.Contains(out, []byte("Warning")) {
		t.Fatalf("mkvinfo %s: %v\n%s", file, err, out)
	}
}

// TestFragmentFiles saves each fragment of a real GetMedia capture as its own file and all of
// them as one file: ffprobe finds every frame, mkvinfo accepts the files, and FragmentReader
// reads back the same fragments.
func TestFragmentFiles(t *testing.T) {
	frags := readAll(t, bytes.NewReader(readCapture(t, "output_get_media.mkv")))
	dir := t.TempDir()
	whole, err := os.Create(filepath.Join(dir, "range.mkv"))
	if err != nil {
		t.Fatal(err)
	}
	fw := NewFragmentWriter(whole)
	total := 0
	for i, f := range frags {
		var one bytes.Buffer
		if err := WriteFragmentFile(&one, f); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, strconv.Itoa(i)+".mkv")
		if err := os.WriteFile(name, one.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := probePackets(t, name); len(got) != 1 || got[0] != len(f.Frames) {
			t.Errorf("fragment %d: ffprobe counts %v packets, want %d", i, got, len(f.Frames))
		}
		mkvinfoAccepts(t, name)
		back := readAll(t, bytes.NewReader(one.Bytes()))
		if len(back) != 1 {
			t.Fatalf("fragment %d read back as %d", i, len(back))
		}
		sameFragment(t, back[0], f)
		if err := fw.WriteFragment(f); err != nil {
			t.Fatal(err)
		}
		total += len(f.Frames)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	whole.Close()
	if got := probePackets(t, whole.Name()); len(got) != 1 || got[0] != total {
		t.Errorf("range: ffprobe counts %v packets, want %d", got, total)
	}
	mkvinfoAccepts(t, whole.Name())
	data, _ := os.ReadFile(whole.Name())
	back := readAll(t, bytes.NewReader(data))
	if len(back) != len(frags) {
		t.Fatalf("range read back as %d fragments, want %d", len(back), len(frags))
	}
	for i := range frags {
		sameFragment(t, back[i], frags[i])
	}
}

func sameFragment(t *testing.T, got, want *Fragment) {
	t.Helper()
	if got.FragmentNumber != want.FragmentNumber || got.ContinuationToken != want.ContinuationToken || !got.ProducerTimestamp.Equal(want.ProducerTimestamp) ||
		!got.ServerTimestamp.Equal(want.ServerTimestamp) || got.MillisBehindNow != want.MillisBehindNow || got.Timecode != want.Timecode ||
		len(got.Frames) != len(want.Frames) || !sameTracks(got.Tracks, want.Tracks) {
		t.Fatalf("read back %s (%d frames), want %s (%d frames)", got.FragmentNumber, len(got.Frames), want.FragmentNumber, len(want.Frames))
	}
	for i := range want.Frames {
		g, w := got.Frames[i], want.Frames[i]
		if g.Track != w.Track || g.Timestamp != w.Timestamp || g.Keyframe != w.Keyframe || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("fragment %s frame %d differs", want.FragmentNumber, i)
		}
	}
	if diff := wiretest.Diff(want.Tags, got.Tags); diff != "" {
		t.Fatalf("fragment %s tags:\n%s", want.FragmentNumber, diff)
	}
}

func TestFragmentWriterRefusesChangedTracks(t *testing.T) {
	frags := readAll(t, bytes.NewReader(readCapture(t, "output_get_media.mkv")))
	fw := NewFragmentWriter(io.Discard)
	if err := fw.WriteFragment(frags[0]); err != nil {
		t.Fatal(err)
	}
	changed := *frags[1]
	changed.Tracks = []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH265}}
	if err := fw.WriteFragment(&changed); !errors.Is(err, ErrTracksChanged) {
		t.Fatalf("err = %v", err)
	}
	if err := fw.WriteFragment(frags[1]); err != nil {
		t.Fatalf("after a refused fragment: %v", err)
	}
	if err := WriteFragmentFile(io.Discard, &Fragment{FragmentNumber: "1"}); err == nil {
		t.Error("a fragment without tracks was written")
	}
}
