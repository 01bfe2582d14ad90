package mkv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzLimits keep the memory a fuzz input can claim small.
var fuzzLimits = Limits{MaxElementSize: 1 << 20, MaxCodecPrivate: 64 << 10, MaxTagName: 256, MaxTags: 256, MaxTracks: 16}

// seedFiles adds the files matching the patterns (in testdata, or in a
// shared folder when present) to the corpus, skipping large ones.
func seedFiles(f *testing.F, patterns ...string) {
	for _, pat := range patterns {
		if dir, rest, ok := strings.Cut(pat, ":"); ok {
			if dir = sharedDirOrEmpty(dir); dir == "" {
				continue
			}
			pat = filepath.Join(dir, rest)
		} else {
			pat = filepath.Join("testdata", pat)
		}
		files, _ := filepath.Glob(pat)
		for _, file := range files {
			if b := readFile(f, file); len(b) <= 64<<10 {
				f.Add(b)
			}
		}
	}
}

// seedStreams adds streams built by the tests: the golden stream, a
// known-size variant and small structures covering lacing and groups.
func seedStreams(f *testing.F) {
	f.Add(goldenStream(f))
	f.Add(join(ebmlHead, el(idSegment, el(idInfo, u(idTimecodeScale, 1000)), el(idCluster, u(idTimecode, 10), sblock(5, 0x80, 0xAA)))))
	f.Add(join(ebmlHead, unk(idSegment, el(idTracks, el(idTrackEntry, u(idTrackNumber, 1), u(idTrackType, 1), str(idCodecID, "V_X"))),
		unk(idCluster, u(idTimecode, 0),
			el(idSimpleBlock, []byte{0x81, 0, 0, 0x82, 2, 1, 2}, []byte{0xA, 0xB, 0xB, 0xC, 0xC, 0xC}),
			el(idSimpleBlock, []byte{0x81, 0, 0, 0x06, 3, 0x83, 0xC0, 0xBD}, []byte{1, 1, 1, 2, 2, 2, 2, 3, 3, 4}),
			el(idSimpleBlock, []byte{0x81, 0, 0, 0x84, 1, 7, 7, 8, 8}),
			el(idBlockGroup, u(idReferenceBlock, 0xFF), el(idBlock, []byte{0x81, 0, 40, 0, 2}))))))
}

// FuzzReader feeds arbitrary bytes to the Reader: it must never panic,
// must stop with io.EOF, a *SyntaxError or ErrTooLarge, must keep its
// buffer within the limits, and must emit balanced, ordered events.
func FuzzReader(f *testing.F) {
	seedStreams(f)
	seedFiles(f, "*.mkv", "golden/*.mkv", "kvs-captures:*.mkv")
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), func(o *ReaderOptions) { o.Limits = fuzzLimits })
		var inDoc, inCluster bool
		last := int64(0)
		for {
			ev, err := r.Next()
			if err == io.EOF {
				if inDoc || inCluster {
					t.Fatal("io.EOF with a document or cluster still open")
				}
				return
			}
			if err != nil {
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
				}
				return
			}
			if cap(r.in.buf) > int(fuzzLimits.MaxElementSize)+16 {
				t.Fatalf("buffer grew to %d bytes", cap(r.in.buf))
			}
			if ev.Offset < last || ev.Offset > int64(len(data)) {
				t.Fatalf("%v at offset %d after %d (input %d bytes)", ev.Kind, ev.Offset, last, len(data))
			}
			last = ev.Offset
			switch ev.Kind {
			case KindDocumentStart:
				if inDoc {
					t.Fatal("document started twice")
				}
				inDoc = true
			case KindDocumentEnd:
				if !inDoc || inCluster {
					t.Fatal("unbalanced document end")
				}
				inDoc = false
			case KindClusterStart:
				if !inDoc || inCluster {
					t.Fatal("cluster outside a document or inside a cluster")
				}
				inCluster = true
			case KindClusterEnd:
				if !inCluster {
					t.Fatal("unbalanced cluster end")
				}
				inCluster = false
			case KindFrame:
				if !inCluster {
					t.Fatal("frame outside a cluster")
				}
			default:
				if !inDoc || inCluster {
					t.Fatalf("%v outside a document or inside a cluster", ev.Kind)
				}
			}
		}
	})
}

// FuzzRoundTrip decodes an input, encodes what it found with the Append
// functions (when the writer can express it), decodes that again and
// checks that nothing was lost and that encoding is then a fixed point.
func FuzzRoundTrip(f *testing.F) {
	seedStreams(f)
	seedFiles(f, "*.mkv", "golden/*.mkv", "kvs-captures:*.mkv")
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, err := decodeAll(data, ReaderOptions{Limits: fuzzLimits})
		if err != nil {
			return
		}
		first, ok := encodeEvents(evs)
		if !ok {
			return
		}
		evs2, err := decodeAll(first, ReaderOptions{Limits: fuzzLimits})
		if err != nil {
			t.Fatalf("our own encoding does not decode: %v", err)
		}
		if a, b := contentDigest(evs), contentDigest(evs2); a != b {
			t.Fatalf("content changed by the round trip:\n%s\n---\n%s", a, b)
		}
		second, ok := encodeEvents(evs2)
		if !ok || !bytes.Equal(first, second) {
			t.Fatalf("re-encoding differs (ok=%v, %d vs %d bytes)", ok, len(first), len(second))
		}
	})
}

// encodeEvents writes decoded events back with the Append functions: per
// document the header (its Info and Tracks, which must come once each),
// then Tags and clusters in their order. ok is false when the writer
// cannot express the input (no tracks, invalid fields...).
func encodeEvents(evs []Event) (out []byte, ok bool) {
	var cluster int64
	for i := 0; i < len(evs); i++ {
		if evs[i].Kind != KindDocumentStart {
			return nil, false
		}
		var info *Info
		var tracks []TrackEntry
		j := i + 1
		for ; evs[j].Kind != KindDocumentEnd; j++ {
			switch evs[j].Kind {
			case KindInfo:
				if info != nil {
					return nil, false
				}
				info = evs[j].Info
			case KindTracks:
				if tracks != nil {
					return nil, false
				}
				tracks = evs[j].Tracks
			}
		}
		if info == nil {
			info = &Info{}
		}
		var err error
		if out, err = AppendHeader(out, *info, tracks); err != nil {
			return nil, false
		}
		for _, ev := range evs[i+1 : j] {
			switch ev.Kind {
			case KindTags:
				if out, err = AppendTags(out, ev.Tags); err != nil {
					return nil, false
				}
			case KindClusterStart:
				cluster = ev.Cluster.Timecode
				out, _ = AppendClusterStart(out, cluster, UnknownSize)
			case KindFrame:
				if out, err = AppendSimpleBlock(out, cluster, ev.Frame); err != nil {
					return nil, false
				}
			}
		}
		i = j
	}
	return out, true
}

// contentDigest renders what a round trip must keep: per document the
// timecode scale and tracks (a missing Info reads as the defaults, a zero
// UID as the track number), then tags with their positions, clusters and
// frames in stream order. Tags placed before Info come out after Tracks,
// where the writer puts them.
func contentDigest(evs []Event) string {
	var b, body strings.Builder
	info := &Info{TimecodeScale: DefaultTimecodeScale}
	var tracks []TrackEntry
	for _, ev := range evs {
		switch ev.Kind {
		case KindInfo:
			info = ev.Info
		case KindTracks:
			tracks = ev.Tracks
		case KindTags:
			fmt.Fprintf(&body, "tags %v\n", ev.TagsPosition)
			for _, tag := range ev.Tags {
				fmt.Fprintf(&body, " targets %+v\n", tag.Targets)
				digestSimpleTags(&body, tag.SimpleTags, " ")
			}
		case KindClusterStart:
			fmt.Fprintf(&body, "cluster %d\n", ev.Cluster.Timecode)
		case KindFrame:
			fr := ev.Frame
			fmt.Fprintf(&body, "frame %d %d %v %v %v %x\n", fr.Track, fr.Timecode, fr.Keyframe, fr.Invisible, fr.Discardable, fr.Data)
		case KindDocumentEnd:
			fmt.Fprintf(&b, "document: info %d %q %v\n", info.TimecodeScale, info.Title, info.Duration)
			for _, tr := range tracks {
				if tr.UID == 0 {
					tr.UID = tr.Number
				}
				fmt.Fprintf(&b, "track %+v\n", tr)
			}
			b.WriteString(body.String())
			body.Reset()
			info, tracks = &Info{TimecodeScale: DefaultTimecodeScale}, nil
		}
	}
	return b.String()
}

func digestSimpleTags(b *strings.Builder, sts []SimpleTag, indent string) {
	for _, st := range sts {
		if st.Binary != nil {
			fmt.Fprintf(b, "%s%q %q binary %x\n", indent, st.Name, st.Language, st.Binary)
		} else {
			fmt.Fprintf(b, "%s%q %q string %q\n", indent, st.Name, st.Language, st.String)
		}
		digestSimpleTags(b, st.Nested, indent+" ")
	}
}

// FuzzH264 parses Annex-B access units: configurations that parse must
// build a record that parses back to the same configuration, and the
// Annex-B and length-prefixed conversions must be stable.
func FuzzH264(f *testing.F) {
	seedFiles(f, "*.h264", "media:h264-*.h264")
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = IsH264KeyFrame(data)
		checkNALConversions(t, data)
		c, err := ParseH264AnnexB(data)
		if err != nil {
			return
		}
		rec, err := c.DecoderConfig()
		if err != nil {
			return // parameter sets too many or too large for a record
		}
		back, err := ParseAVCDecoderConfig(rec)
		if err != nil || !equalJSON(back, c) {
			t.Fatalf("record does not parse back: %v\n%+v\n%+v", err, back, c)
		}
	})
}

// FuzzAVCDecoderConfig parses arbitrary records.
func FuzzAVCDecoderConfig(f *testing.F) {
	for _, name := range []string{"h264-high-176x144", "h264-high10-176x144", "h264-high422-176x100"} {
		f.Add(trackOf(f, filepath.Join("testdata", name+".mkv"), 1).CodecPrivate)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseAVCDecoderConfig(data)
		if err != nil {
			return
		}
		if rec, err := c.DecoderConfig(); err != nil {
			t.Fatalf("a parsed configuration does not encode: %v", err)
		} else if back, err := ParseAVCDecoderConfig(rec); err != nil || !equalJSON(back, c) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzH265 is FuzzH264 for H.265.
func FuzzH265(f *testing.F) {
	seedFiles(f, "*.h265", "media:h265-*.h265")
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = IsH265KeyFrame(data)
		c, err := ParseH265AnnexB(data)
		if err != nil {
			return
		}
		rec, err := c.DecoderConfig()
		if err != nil {
			return
		}
		back, err := ParseHEVCDecoderConfig(rec)
		if err != nil || !equalJSON(back, c) {
			t.Fatalf("record does not parse back: %v\n%+v\n%+v", err, back, c)
		}
	})
}

// FuzzHEVCDecoderConfig parses arbitrary records.
func FuzzHEVCDecoderConfig(f *testing.F) {
	for _, name := range []string{"h265-main10-176x144", "h265-main422-10-176x100"} {
		f.Add(trackOf(f, filepath.Join("testdata", name+".mkv"), 1).CodecPrivate)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseHEVCDecoderConfig(data)
		if err != nil {
			return
		}
		if rec, err := c.DecoderConfig(); err == nil {
			if back, err := ParseHEVCDecoderConfig(rec); err != nil || !equalJSON(back, c) {
				t.Fatalf("round trip: %v", err)
			}
		}
	})
}

// FuzzADTS splits arbitrary bytes into ADTS frames; each configuration
// found must encode to an AudioSpecificConfig that parses back.
func FuzzADTS(f *testing.F) {
	seedFiles(f, "*.aac")
	f.Add([]byte{0xFF, 0xF1, 0x50, 0x80, 0x01, 0x1F, 0xFC, 0xAA})
	f.Fuzz(func(t *testing.T, data []byte) {
		for len(data) > 0 {
			cfg, frame, rest, err := NextADTSFrame(data)
			if err != nil {
				if !bytes.Equal(rest, data) {
					t.Fatal("rest changed on error")
				}
				return
			}
			if len(rest) >= len(data) || len(frame) > len(data) {
				t.Fatal("no progress")
			}
			asc, err := cfg.AudioSpecificConfig()
			if err != nil {
				t.Fatalf("ADTS configuration %+v does not encode: %v", cfg, err)
			}
			if back, err := ParseAudioSpecificConfig(asc); err != nil || back != cfg {
				t.Fatalf("AudioSpecificConfig round trip: %+v %v", back, err)
			}
			data = rest
		}
	})
}

// FuzzAudioSpecificConfig parses arbitrary AudioSpecificConfigs.
func FuzzAudioSpecificConfig(f *testing.F) {
	f.Add([]byte{0x11, 0x88})
	f.Add([]byte{0x12, 0x10, 0x56, 0xE5, 0x00})
	f.Add([]byte{0x17, 0x80, 0x2A, 0xF8, 0x10})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseAudioSpecificConfig(data)
	})
}

// FuzzWaveFormat parses arbitrary WAVEFORMATEX structures.
func FuzzWaveFormat(f *testing.F) {
	f.Add([]byte{7, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x40, 0x1F, 0, 0, 1, 0, 8, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWaveFormat(data)
		if err != nil {
			return
		}
		if back, err := ParseWaveFormat(w.Marshal()); err != nil || back != w {
			t.Fatalf("round trip %+v %v", back, err)
		}
	})
}

// checkNALConversions converts Annex-B to length-prefixed and back: after
// one conversion the result must be stable.
func checkNALConversions(t *testing.T, data []byte) {
	lp, err := AppendLengthPrefixed(nil, data)
	if err != nil {
		return
	}
	annexB, err := AppendAnnexB(nil, lp)
	if err != nil {
		t.Fatalf("length-prefixed output does not convert back: %v", err)
	}
	if again, err := AppendLengthPrefixed(nil, annexB); err != nil && len(lp) > 0 || !bytes.Equal(again, lp) {
		t.Fatalf("conversion not stable: %v", err)
	}
}
