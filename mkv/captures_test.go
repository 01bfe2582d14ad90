package mkv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// captureCounts are the exact contents of the real GetMedia captures,
// counted by reading the files and confirmed, document by document, with
// mkvinfo (TestCapturesAgainstMkvinfo).
var captureCounts = map[string]counts{
	"output_get_media.mkv": {Documents: 5, Infos: 5, TracksElems: 5, Clusters: 5, Frames: 300, KeyFrames: 5,
		Tags: 15, TagsBefore: 10, TagsAfter: 5, SimpleTags: 60},
	"output_get_media_sparse_fragments.mkv": {Documents: 3, Infos: 3, TracksElems: 3, Clusters: 3, Frames: 180, KeyFrames: 3,
		Tags: 9, TagsBefore: 6, TagsAfter: 3, SimpleTags: 36},
	"test_mixed_tags.mkv": {Documents: 10, Infos: 10, TracksElems: 10, Clusters: 10, Frames: 100, KeyFrames: 10,
		Tags: 75, TagsBefore: 15, TagsAfter: 60, SimpleTags: 105},
	"empty-mkv-with-tags.mkv": {Documents: 1, Infos: 1, TracksElems: 1, Tags: 1, TagsBefore: 1, SimpleTags: 3},
	// The README calls it "a Cluster that holds no blocks"; the file holds
	// no Cluster at all: an EBML header, a Segment and five Tags.
	"test_tags_empty_cluster.mkv": {Documents: 1, Tags: 5, TagsBefore: 5, SimpleTags: 5},
}

func TestCaptures(t *testing.T) {
	dir := sharedDir(t, "kvs-captures")
	files, _ := filepath.Glob(filepath.Join(dir, "*.mkv"))
	if len(files) != len(captureCounts) {
		t.Errorf("%d captures in %s, want %d", len(files), dir, len(captureCounts))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data := readFile(t, f)
			evs, err := decodeAll(data, ReaderOptions{})
			if err != nil {
				t.Fatalf("after %d events: %v", len(evs), err)
			}
			if got, want := tally(evs), captureCounts[name]; got != want {
				t.Errorf("counts\n got %+v\nwant %+v", got, want)
			}
			// The same events come out when the bytes trickle in one at a
			// time, as from a slow connection.
			slow, err := decodeFrom(NewReader(iotest.OneByteReader(bytes.NewReader(data))))
			if err != nil || !equalJSON(slow, evs) {
				t.Errorf("one byte at a time: err %v, %d events vs %d", err, len(slow), len(evs))
			}
		})
	}
}

// simpleTagValue returns the string value of the first SimpleTag named
// name in tags.
func simpleTagValue(tags []Tag, name string) (string, bool) {
	for _, tag := range tags {
		for _, st := range tag.SimpleTags {
			if st.Name == name {
				return st.String, true
			}
		}
	}
	return "", false
}

// TestCaptureGetMediaDetails checks values a GetMedia consumer relies on.
func TestCaptureGetMediaDetails(t *testing.T) {
	data := readFile(t, filepath.Join(sharedDir(t, "kvs-captures"), "output_get_media.mkv"))
	evs, err := decodeAll(data, ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var layout []string
	var fragment, clusterTCs []string
	for _, ev := range evs {
		switch ev.Kind {
		case KindTags:
			if v, ok := simpleTagValue(ev.Tags, "AWS_KINESISVIDEO_FRAGMENT_NUMBER"); ok {
				if ev.TagsPosition != BeforeCluster {
					t.Errorf("FRAGMENT_NUMBER %v", ev.TagsPosition)
				}
				fragment = append(fragment, v)
			}
			if v, ok := simpleTagValue(ev.Tags, "AWS_KINESISVIDEO_CONTINUATION_TOKEN"); ok {
				if ev.TagsPosition != AfterCluster || v != fragment[len(fragment)-1] {
					t.Errorf("CONTINUATION_TOKEN %s %v after fragment %s", v, ev.TagsPosition, fragment[len(fragment)-1])
				}
			}
		case KindClusterStart:
			clusterTCs = append(clusterTCs, strconv.FormatInt(ev.Cluster.Timecode, 10))
		case KindTracks:
			tr := ev.Tracks[0]
			if len(ev.Tracks) != 1 || tr.CodecID != CodecIDH264 || tr.Video.PixelWidth != 640 || tr.Video.PixelHeight != 360 {
				t.Errorf("tracks %+v", ev.Tracks)
			}
			if _, err := ParseAVCDecoderConfig(tr.CodecPrivate); err != nil {
				t.Errorf("CodecPrivate: %v", err)
			}
		}
		if len(layout) < 12 && ev.Kind != KindFrame {
			layout = append(layout, ev.Kind.String())
		}
	}
	if got := strings.Join(layout, " "); got != "DocumentStart Info Tracks Tags Tags ClusterStart ClusterEnd Tags DocumentEnd DocumentStart Info Tracks" {
		t.Errorf("layout %s", got)
	}
	if fragment[0] != "91343852333181432392682062607743920146159169392" || len(fragment) != 5 {
		t.Errorf("fragment numbers %v", fragment)
	}
	first := evs[4] // the KVS tags of the first fragment
	if v, _ := simpleTagValue(first.Tags, "AWS_KINESISVIDEO_SERVER_TIMESTAMP"); v != "1511852109.126" {
		t.Errorf("server timestamp %q", v)
	}
	if v, _ := simpleTagValue(first.Tags, "AWS_KINESISVIDEO_PRODUCER_TIMESTAMP"); v != "1511852108.513" {
		t.Errorf("producer timestamp %q", v)
	}
	if got := strings.Join(clusterTCs, " "); got != "0 2000 4000 6000 8000" {
		t.Errorf("cluster timecodes %s", got)
	}
}

// TestCaptureMixedTags checks the C-producer stream: user tags before Info
// in the first fragment, after the cluster in every fragment.
func TestCaptureMixedTags(t *testing.T) {
	data := readFile(t, filepath.Join(sharedDir(t, "kvs-captures"), "test_mixed_tags.mkv"))
	evs, err := decodeAll(data, ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var first []string
	for _, ev := range evs[:9] {
		first = append(first, summary([]Event{ev}))
	}
	want := "Doc Tags(B:testTag_0) Tags(B:testTag_1) Tags(B:testTag_2) Tags(B:testTag_3) Tags(B:testTag_4) Info(1000000) Tracks(1) Tags(B:AWS_KINESISVIDEO_FRAGMENT_NUMBER)"
	if got := strings.Join(first, " "); got != want {
		t.Errorf("first document\n got %s\nwant %s", got, want)
	}
	for _, ev := range evs {
		if ev.Kind == KindClusterStart && ev.Cluster.Size != UnknownSize {
			t.Errorf("cluster of size %d, want unknown", ev.Cluster.Size)
		}
		if ev.Kind == KindTracks && ev.Tracks[0].CodecID != "V_MS/VFW/FOURCC" {
			t.Errorf("codec %s", ev.Tracks[0].CodecID)
		}
	}
}

// TestCapturesAgainstMkvinfo splits each capture where our reader saw a
// document start and has mkvinfo count each piece: mkvinfo reads only the
// first document of a stream, so one document at a time it is an
// independent check of our counts.
func TestCapturesAgainstMkvinfo(t *testing.T) {
	mkvinfo := needTool(t, "mkvinfo")
	dir := sharedDir(t, "kvs-captures")
	files, _ := filepath.Glob(filepath.Join(dir, "*.mkv"))
	tmp := t.TempDir()
	pattern := map[string]*regexp.Regexp{
		"tags":     regexp.MustCompile(`(?m)^\|\+ Tags$`),
		"simple":   regexp.MustCompile(`(?m)^\|\s*\+ Simple$`),
		"clusters": regexp.MustCompile(`(?m)^\|\+ Cluster$`),
		"blocks":   regexp.MustCompile(`Simple block:`),
		"keys":     regexp.MustCompile(`Simple block: key`),
	}
	for _, f := range files {
		data := readFile(t, f)
		evs, err := decodeAll(data, ReaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for i, doc := range splitDocuments(t, data) {
			piece := filepath.Join(tmp, "doc.mkv")
			if err := os.WriteFile(piece, doc, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(mkvinfo, "-a", piece).CombinedOutput()
			if err != nil || bytes.Contains(out, []byte("Warning")) {
				t.Fatalf("mkvinfo on document %d of %s: %v\n%s", i, f, err, out)
			}
			for k, re := range pattern {
				got[k] += len(re.FindAll(out, -1))
			}
		}
		c := tally(evs)
		want := map[string]int{"tags": c.Tags, "simple": c.SimpleTags, "clusters": c.Clusters, "blocks": c.Frames, "keys": c.KeyFrames}
		if !equalJSON(got, want) {
			t.Errorf("%s: mkvinfo counts %v, ours %v", filepath.Base(f), got, want)
		}
	}
}

// mediaCounts are the contents of the sample Matroska files (one
// document each); frame counts per track agree with ffprobe
// -count_packets (TestMediaFilesAgainstFFprobe).
var mediaCounts = map[string]struct {
	c      counts
	frames map[uint64]int
}{
	"h264-aac-320x240-10s-ffmpeg.mkv": {counts{Documents: 1, Infos: 1, TracksElems: 1, Clusters: 6, Frames: 770, KeyFrames: 475,
		Tags: 1, TagsBefore: 1, SimpleTags: 5}, map[uint64]int{1: 300, 2: 470}},
	"h264-aac-320x240-10s-mkvmerge.mkv": {counts{Documents: 1, Infos: 1, TracksElems: 1, Clusters: 6, Frames: 770, KeyFrames: 475,
		Tags: 1, TagsAfter: 1, SimpleTags: 17}, map[uint64]int{1: 300, 2: 470}},
}

func TestMediaFiles(t *testing.T) {
	dir := sharedDir(t, "media")
	for name, want := range mediaCounts {
		evs, err := decodeAll(readFile(t, filepath.Join(dir, name)), ReaderOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		frames := map[uint64]int{}
		for _, ev := range evs {
			if ev.Kind == KindFrame {
				frames[ev.Frame.Track]++
			}
		}
		if got := tally(evs); got != want.c || !equalJSON(frames, want.frames) {
			t.Errorf("%s:\n got %+v %v\nwant %+v %v", name, got, frames, want.c, want.frames)
		}
	}
}

func TestMediaFilesAgainstFFprobe(t *testing.T) {
	ffprobe := needTool(t, "ffprobe")
	dir := sharedDir(t, "media")
	for name, want := range mediaCounts {
		out, err := exec.Command(ffprobe, "-v", "error", "-count_packets", "-show_entries", "stream=index,nb_read_packets",
			"-of", "csv=p=0", filepath.Join(dir, name)).Output()
		if err != nil {
			t.Fatal(err)
		}
		got := map[uint64]int{}
		for _, line := range strings.Fields(string(out)) {
			parts := strings.Split(line, ",")
			idx, _ := strconv.Atoi(parts[0])
			n, _ := strconv.Atoi(parts[1])
			got[uint64(idx+1)] = n
		}
		if !equalJSON(got, want.frames) {
			t.Errorf("%s: ffprobe counts %v, ours %v", name, got, want.frames)
		}
	}
}
