package mkv_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/at-wat/ebml-go"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/mkv"
)

// Structures for decoding with github.com/at-wat/ebml-go, an independent
// EBML implementation used as a test oracle.
type (
	egHeader struct {
		DocType        string `ebml:"EBMLDocType"`
		DocTypeVersion uint64 `ebml:"EBMLDocTypeVersion"`
	}
	egSimpleTag struct {
		TagName   string        `ebml:"TagName"`
		TagString string        `ebml:"TagString"`
		TagBinary []byte        `ebml:"TagBinary"`
		SimpleTag []egSimpleTag `ebml:"SimpleTag"`
	}
	egTag struct {
		SimpleTag []egSimpleTag `ebml:"SimpleTag"`
	}
	egTags struct {
		Tag []egTag `ebml:"Tag"`
	}
	egTrackEntry struct {
		TrackNumber  uint64 `ebml:"TrackNumber"`
		TrackUID     uint64 `ebml:"TrackUID"`
		TrackType    uint64 `ebml:"TrackType"`
		CodecID      string `ebml:"CodecID"`
		CodecPrivate []byte `ebml:"CodecPrivate"`
	}
	egBlockGroup struct {
		ReferenceBlock []int64    `ebml:"ReferenceBlock"`
		Block          ebml.Block `ebml:"Block"`
	}
	egCluster struct {
		Timecode    uint64         `ebml:"Timecode"`
		SimpleBlock []ebml.Block   `ebml:"SimpleBlock"`
		BlockGroup  []egBlockGroup `ebml:"BlockGroup"`
	}
	egSegment struct {
		Info struct {
			TimecodeScale uint64 `ebml:"TimecodeScale"`
			MuxingApp     string `ebml:"MuxingApp"`
		} `ebml:"Info"`
		Tracks struct {
			TrackEntry []egTrackEntry `ebml:"TrackEntry"`
		} `ebml:"Tracks"`
		Tags    []egTags    `ebml:"Tags"`
		Cluster []egCluster `ebml:"Cluster"`
	}
	egStream struct {
		Header  []egHeader  `ebml:"EBML"`
		Segment []egSegment `ebml:"Segment"`
	}
)

// ebmlGoDigest decodes data with ebml-go and renders what both decoders
// must agree on: documents, tracks, tags (in document order of Tags
// elements) and frames with absolute timecodes. ebml-go reads a second
// EBML header inside an unknown-size Segment as a child of it, so a
// GetMedia stream is fed to it one document at a time, cut at the offsets
// where our reader saw documents start (mkvinfo confirms those cuts in
// TestCapturesAgainstMkvinfo).
func ebmlGoDigest(t *testing.T, data []byte) string {
	t.Helper()
	var s egStream
	for i, piece := range splitDocuments(t, data) {
		var doc egStream
		if err := ebml.Unmarshal(bytes.NewReader(piece), &doc, ebml.WithIgnoreUnknown(true)); err != nil {
			t.Fatalf("ebml-go, document %d: %v", i, err)
		}
		s.Header = append(s.Header, doc.Header...)
		s.Segment = append(s.Segment, doc.Segment...)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "docs %d %d\n", len(s.Header), len(s.Segment))
	for _, seg := range s.Segment {
		if seg.Info.TimecodeScale != 0 { // no Info element
			fmt.Fprintf(&b, "scale %d\n", seg.Info.TimecodeScale)
		}
		for _, tr := range seg.Tracks.TrackEntry {
			fmt.Fprintf(&b, "track %d %d %s %x\n", tr.TrackNumber, tr.TrackType, tr.CodecID, tr.CodecPrivate)
		}
		for _, tags := range seg.Tags {
			for _, tag := range tags.Tag {
				writeEgSimpleTags(&b, tag.SimpleTag)
			}
		}
		for _, c := range seg.Cluster {
			fmt.Fprintf(&b, "cluster %d\n", c.Timecode)
			for _, blk := range c.SimpleBlock {
				for _, d := range blk.Data {
					fmt.Fprintf(&b, "frame %d %d %v %x\n", blk.TrackNumber, int64(c.Timecode)+int64(blk.Timecode), blk.Keyframe, d)
				}
			}
			for _, g := range c.BlockGroup {
				for _, d := range g.Block.Data {
					fmt.Fprintf(&b, "frame %d %d %v %x\n", g.Block.TrackNumber, int64(c.Timecode)+int64(g.Block.Timecode), len(g.ReferenceBlock) == 0, d)
				}
			}
		}
	}
	return b.String()
}

func writeEgSimpleTags(b *bytes.Buffer, sts []egSimpleTag) {
	for _, st := range sts {
		fmt.Fprintf(b, "tag %s=%q %x\n", st.TagName, st.TagString, st.TagBinary)
		writeEgSimpleTags(b, st.SimpleTag)
	}
}

// ourDigest renders our decoding of data the same way, grouping per
// document as ebml-go's structures do (tags before clusters).
func ourDigest(t *testing.T, data []byte) string {
	t.Helper()
	evs, err := events(data)
	if err != nil {
		t.Fatal(err)
	}
	var b, tags, clusters bytes.Buffer
	var docs int
	flush := func() {
		b.Write(tags.Bytes())
		b.Write(clusters.Bytes())
		tags.Reset()
		clusters.Reset()
	}
	for _, ev := range evs {
		switch ev.Kind {
		case mkv.KindDocumentStart:
			docs++
		case mkv.KindInfo:
			fmt.Fprintf(&b, "scale %d\n", ev.Info.TimecodeScale)
		case mkv.KindTracks:
			for _, tr := range ev.Tracks {
				fmt.Fprintf(&b, "track %d %d %s %x\n", tr.Number, tr.Type, tr.CodecID, tr.CodecPrivate)
			}
		case mkv.KindTags:
			for _, tag := range ev.Tags {
				writeOurSimpleTags(&tags, tag.SimpleTags)
			}
		case mkv.KindClusterStart:
			fmt.Fprintf(&clusters, "cluster %d\n", ev.Cluster.Timecode)
		case mkv.KindFrame:
			f := ev.Frame
			fmt.Fprintf(&clusters, "frame %d %d %v %x\n", f.Track, f.Timecode, f.Keyframe, f.Data)
		case mkv.KindDocumentEnd:
			flush()
		}
	}
	return fmt.Sprintf("docs %d %d\n", docs, docs) + b.String()
}

func writeOurSimpleTags(b *bytes.Buffer, sts []mkv.SimpleTag) {
	for _, st := range sts {
		fmt.Fprintf(b, "tag %s=%q %x\n", st.Name, st.String, st.Binary)
		writeOurSimpleTags(b, st.Nested)
	}
}

// TestEbmlGoAgrees decodes our own output, the golden stream and the
// sample MKVs with both decoders and compares everything both report.
func TestEbmlGoAgrees(t *testing.T) {
	inputs := map[string][]byte{
		"golden":       readFile(t, "../../mkv/testdata/golden/stream.mkv"),
		"codec sample": readFile(t, "../../mkv/testdata/h265-main10-176x144.mkv"),
	}
	for _, name := range []string{"empty-mkv-with-tags.mkv", "output_get_media.mkv", "output_get_media_sparse_fragments.mkv",
		"test_mixed_tags.mkv", "test_tags_empty_cluster.mkv"} {
		if data, err := wiretest.ReadShared(filepath.Join("kvs-captures", name)); err == nil {
			inputs[name] = data
		}
	}
	for _, name := range []string{"h264-aac-320x240-10s-ffmpeg.mkv", "h264-aac-320x240-10s-mkvmerge.mkv"} {
		data, err := wiretest.ReadShared(filepath.Join("media", name))
		if err != nil {
			t.Fatal(err)
		}
		inputs[name] = data
	}
	sample := inputs["h264-aac-320x240-10s-ffmpeg.mkv"]
	inputs["sample stream"] = rewrite(t, sample, false)
	inputs["known-size clusters"] = rewrite(t, sample, true)
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			if ours, theirs := ourDigest(t, data), ebmlGoDigest(t, data); ours != theirs {
				t.Errorf("decoders disagree (%d vs %d bytes of digest)\nours:\n%.2000s\nebml-go:\n%.2000s", len(ours), len(theirs), ours, theirs)
			}
		})
	}
}
