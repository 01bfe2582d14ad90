// Fragmented MP4 (CMAF), shared by HLS and DASH: initialization segments and one media segment
// per stored fragment and track.

package pack

import (
	"bytes"
	"fmt"

	"github.com/Eyevinn/mp4ff/mp4"
)

// InitSegment returns the initialization segment (ftyp and moov) of tracks.
func InitSegment(tracks []Track) ([]byte, error) {
	init := mp4.CreateEmptyInit()
	for i := range tracks {
		if _, err := tracks[i].addTrak(init.Moov, true); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := init.Encode(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MediaSegment returns the media segment (moof and mdat) numbered seq that carries samples of
// track t. The segment starts at the first sample's decoding time.
func MediaSegment(seq uint32, t *Track, samples []Sample) ([]byte, error) {
	if len(samples) == 0 {
		return nil, fmt.Errorf("track %d has no Sample in the fragment", t.Number)
	}
	frag, err := mp4.CreateFragment(seq, uint32(t.Number))
	if err != nil {
		return nil, err
	}
	for _, s := range samples {
		fs := fullSample(s)
		fs.Data = nil
		frag.AddFullSample(fs)
		frag.Mdat.AddSampleDataPart(s.Data) // not copied until the segment is encoded
	}
	var buf bytes.Buffer
	buf.Grow(int(frag.Size()))
	if err := frag.Encode(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fullSample converts a sample to mp4ff's form.
func fullSample(s Sample) mp4.FullSample {
	flags := mp4.NonSyncSampleFlags
	if s.Sync {
		flags = mp4.SyncSampleFlags
	}
	return mp4.FullSample{
		Sample:     mp4.Sample{Flags: flags, Dur: s.Dur, Size: uint32(len(s.Data)), CompositionTimeOffset: s.CTO},
		DecodeTime: uint64(max(0, s.DTS)),
		Data:       s.Data,
	}
}
