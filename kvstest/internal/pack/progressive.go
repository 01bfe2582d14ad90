// Progressive MP4, for GetClip: ftyp, a moov with the complete sample tables, then one mdat
// holding a chunk per fragment and track, so that the file plays as it downloads.

package pack

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/Eyevinn/mp4ff/mp4"
)

// movieTimescale is the timescale of the movie header and track headers.
const movieTimescale = 1000

// ProgressiveMP4 is a progressive MP4 file ready to be written.
type ProgressiveMP4 struct {
	ftyp   *mp4.FtypBox
	moov   *mp4.MoovBox
	chunks [][][]Sample // by fragment, then track: the order of the media data
	media  uint64       // bytes of media data
}

// NewProgressiveMP4 lays out the samples of tracks, given by fragment then track, with their
// sample tables. Within a track the samples follow each other: a sample lasts until the next
// one starts, or as long as Samples says when the next one does not start later.
func NewProgressiveMP4(tracks []Track, chunks [][][]Sample) (*ProgressiveMP4, error) {
	f := &ProgressiveMP4{ftyp: mp4.NewFtyp("isom", 0x200, []string{"isom", "iso2", "avc1", "mp41"}), moov: mp4.NewMoovBox(), chunks: chunks}
	mvhd := mp4.CreateMvhd()
	mvhd.Timescale = movieTimescale
	f.moov.AddChild(mvhd)
	stcos := make([]*mp4.StcoBox, len(tracks))
	for j := range tracks {
		trak, err := tracks[j].addTrak(f.moov, false)
		if err != nil {
			return nil, err
		}
		var all []Sample
		for i := range chunks {
			all = append(all, chunks[i][j]...)
		}
		for i := 0; i+1 < len(all); i++ {
			if gap := all[i+1].DTS - all[i].DTS; gap > 0 {
				all[i].Dur = uint32(gap)
			}
		}
		units := sampleTables(trak.Mdia.Minf.Stbl, all, chunks, j)
		trak.Mdia.Mdhd.Duration = uint64(units)
		trak.Tkhd.Duration = uint64(units) * movieTimescale / uint64(tracks[j].Timescale)
		mvhd.Duration = max(mvhd.Duration, trak.Tkhd.Duration)
		stcos[j] = trak.Mdia.Minf.Stbl.Stco
		for _, s := range all {
			f.media += uint64(s.Size)
		}
	}
	// The chunk offsets depend on the size of moov, which depends on their number only.
	for i := range chunks {
		for j := range tracks {
			if len(chunks[i][j]) > 0 {
				stcos[j].ChunkOffset = append(stcos[j].ChunkOffset, 0)
			}
		}
	}
	offset := f.ftyp.Size() + f.moov.Size() + mdatHeaderSize(f.media)
	next := make([]int, len(tracks))
	for i := range chunks {
		for j := range tracks {
			if len(chunks[i][j]) == 0 {
				continue
			}
			stcos[j].ChunkOffset[next[j]] = uint32(offset)
			next[j]++
			for _, s := range chunks[i][j] {
				offset += uint64(s.Size)
			}
		}
	}
	return f, nil
}

// sampleTables fills the sample tables of track j (samples all, in chunks by fragment) and
// returns the track's duration in its timescale. The chunk offsets are left to the caller.
func sampleTables(stbl *mp4.StblBox, all []Sample, chunks [][][]Sample, j int) int64 {
	var total int64
	var sync []uint32
	var ctsCounts []uint32
	var ctsOffsets []int32
	hasCTO := false
	for n, s := range all {
		if k := len(stbl.Stts.SampleCount) - 1; k >= 0 && stbl.Stts.SampleTimeDelta[k] == s.Dur {
			stbl.Stts.SampleCount[k]++
		} else {
			stbl.Stts.SampleCount = append(stbl.Stts.SampleCount, 1)
			stbl.Stts.SampleTimeDelta = append(stbl.Stts.SampleTimeDelta, s.Dur)
		}
		stbl.Stsz.SampleSize = append(stbl.Stsz.SampleSize, uint32(s.Size))
		if s.Sync {
			sync = append(sync, uint32(n+1))
		}
		ctsCounts, ctsOffsets = append(ctsCounts, 1), append(ctsOffsets, s.CTO)
		hasCTO = hasCTO || s.CTO != 0
		total += int64(s.Dur)
	}
	stbl.Stsz.SampleNumber = uint32(len(all))
	chunk := uint32(0)
	last := uint32(0)
	for i := range chunks {
		n := uint32(len(chunks[i][j]))
		if n == 0 {
			continue
		}
		chunk++
		if n != last {
			_ = stbl.Stsc.AddEntry(chunk, n, 1)
			last = n
		}
	}
	if len(sync) < len(all) {
		stbl.AddChild(&mp4.StssBox{SampleNumber: sync})
	}
	if hasCTO {
		ctts := &mp4.CttsBox{}
		_ = ctts.AddSampleCountsAndOffset(ctsCounts, ctsOffsets)
		stbl.AddChild(ctts)
	}
	return total
}

// mdatHeaderSize is the size of the header of an mdat box holding n bytes.
func mdatHeaderSize(n uint64) uint64 {
	if n+8 > 1<<32-1 {
		return 16
	}
	return 8
}

// Size returns the size of the file in bytes.
func (f *ProgressiveMP4) Size() int64 {
	return int64(f.ftyp.Size() + f.moov.Size() + mdatHeaderSize(f.media) + f.media)
}

// Write writes the file. The chunks of f need not hold their samples' data: data(i) returns
// the samples of fragment i, by track, with their data, one fragment at a time.
func (f *ProgressiveMP4) Write(w io.Writer, data func(i int) ([][]Sample, error)) error {
	if err := f.ftyp.Encode(w); err != nil {
		return err
	}
	if err := f.moov.Encode(w); err != nil {
		return err
	}
	var hdr []byte
	if mdatHeaderSize(f.media) == 16 {
		hdr = binary.BigEndian.AppendUint32(hdr, 1)
		hdr = append(hdr, "mdat"...)
		hdr = binary.BigEndian.AppendUint64(hdr, f.media+16)
	} else {
		hdr = binary.BigEndian.AppendUint32(hdr, uint32(f.media+8))
		hdr = append(hdr, "mdat"...)
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	for i := range f.chunks {
		chunk, err := data(i)
		if err != nil {
			return err
		}
		for j, laid := range f.chunks[i] {
			if len(chunk[j]) != len(laid) {
				return fmt.Errorf("fragment %d, track %d: %d samples, %d laid out", i, j, len(chunk[j]), len(laid))
			}
			for k, s := range chunk[j] {
				if len(s.Data) != laid[k].Size {
					return fmt.Errorf("fragment %d, track %d, sample %d: %d bytes, %d laid out", i, j, k, len(s.Data), laid[k].Size)
				}
				if _, err := w.Write(s.Data); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
