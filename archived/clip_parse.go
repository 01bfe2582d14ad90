package archived

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/Eyevinn/mp4ff/bits"
	"github.com/Eyevinn/mp4ff/mp4"
)

// MaxClipSize bounds what ParseClip reads: the service cuts clips at 100 MB of media, and the
// rest is headroom for the MP4 structure.
const MaxClipSize = 128 << 20

// Clip is a parsed MP4 clip: its tracks and their samples.
type Clip struct {
	// Duration is the length of the longest track.
	Duration time.Duration
	// Tracks are the clip's tracks in file order.
	Tracks []ClipTrack
}

// ClipTrack is one track of a clip.
type ClipTrack struct {
	// ID is the MP4 track ID.
	ID uint32
	// Handler is the track's handler type: "vide" or "soun".
	Handler string
	// Codec is the sample entry type, such as "avc1", "hvc1", "mp4a", "alaw" or "ulaw".
	Codec string
	// DecoderConfig is the decoder configuration: the payload of the avcC or hvcC box, or the
	// AAC AudioSpecificConfig; nil for other codecs.
	DecoderConfig []byte
	// Timescale is the track's time unit, in units per second.
	Timescale uint32
	// Width and Height are the picture size of a video track.
	Width, Height int
	// SampleRate and Channels describe an audio track.
	SampleRate, Channels int
	// Duration is the sum of the samples' durations.
	Duration time.Duration
	// Samples are the track's samples in decoding order.
	Samples []ClipSample
}

// ClipSample is one sample (a video frame, or a block of audio) of a clip track.
type ClipSample struct {
	// DecodeTime and PresentationTime count from the start of the track.
	DecodeTime, PresentationTime time.Duration
	// Duration is how long the sample lasts.
	Duration time.Duration
	// Keyframe marks a sync sample, which decodes on its own.
	Keyframe bool
	// Data is the sample: length-prefixed NAL units for video, raw frames for audio.
	Data []byte
}

// ParseClip reads a whole MP4 clip from r (at most MaxClipSize bytes) and returns its tracks
// and samples. Progressive files, as GetClip returns, and fragmented ones are both read.
//
// Before decoding, ParseClip checks the box tree in one linear pass: every box it decodes must
// lie within its parent, there may be at most MaxClipBoxes of them, and boxes it does not read
// (user data, edit lists, encryption and other metadata) are skipped unread, so no input can
// make the decoder recurse deeper than the few levels of a track's sample table.
func ParseClip(r io.Reader) (clip *Clip, err error) {
	// mp4ff panics on some malformed files (FuzzParseClip finds them): they are errors here.
	defer func() {
		if p := recover(); p != nil {
			clip, err = nil, fmt.Errorf("archived: malformed clip: %v", p)
		}
	}()
	data, err := io.ReadAll(io.LimitReader(r, MaxClipSize+1))
	if err != nil {
		return nil, fmt.Errorf("archived: reading the clip: %w", err)
	}
	if len(data) > MaxClipSize {
		return nil, fmt.Errorf("archived: the clip is larger than %d bytes", MaxClipSize)
	}
	codecs, err := scanClip(data)
	if err != nil {
		return nil, err
	}
	f, err := mp4.DecodeFileSR(bits.NewFixedSliceReader(data))
	if err != nil {
		return nil, fmt.Errorf("archived: decoding the clip: %w", err)
	}
	moov := f.Moov
	if f.Init != nil {
		moov = f.Init.Moov
	}
	if moov == nil {
		return nil, errors.New("archived: the clip has no moov box")
	}
	clip = &Clip{}
	if len(moov.Traks) == 0 {
		return nil, errors.New("archived: the clip has no tracks")
	}
	if len(moov.Traks) != len(codecs) {
		return nil, fmt.Errorf("archived: the moov box has %d tracks, %d were decoded", len(codecs), len(moov.Traks))
	}
	for i, trak := range moov.Traks {
		t, err := describeTrack(trak, codecs[i])
		if err != nil {
			return nil, err
		}
		if f.IsFragmented() {
			err = t.fragmentedSamples(f, moov)
		} else {
			err = t.progressiveSamples(trak, data)
		}
		if err != nil {
			return nil, fmt.Errorf("archived: track %d: %w", t.ID, err)
		}
		clip.Duration = max(clip.Duration, t.Duration)
		clip.Tracks = append(clip.Tracks, *t)
	}
	return clip, nil
}

// describeTrack reads a track's header and sample description; codec is the type of its first
// sample entry.
func describeTrack(trak *mp4.TrakBox, codec string) (*ClipTrack, error) {
	if trak.Mdia == nil || trak.Mdia.Mdhd == nil || trak.Mdia.Minf == nil || trak.Mdia.Minf.Stbl == nil ||
		trak.Mdia.Minf.Stbl.Stsd == nil || len(trak.Mdia.Minf.Stbl.Stsd.Children) == 0 || trak.Tkhd == nil {
		return nil, errors.New("archived: a clip track lacks its headers or sample description")
	}
	t := &ClipTrack{ID: trak.Tkhd.TrackID, Timescale: trak.Mdia.Mdhd.Timescale}
	if t.Timescale == 0 {
		return nil, fmt.Errorf("archived: track %d has a timescale of 0", t.ID)
	}
	if trak.Mdia.Hdlr != nil {
		t.Handler = trak.Mdia.Hdlr.HandlerType
	}
	entry := trak.Mdia.Minf.Stbl.Stsd.Children[0]
	t.Codec = codec
	var buf bytes.Buffer
	switch e := entry.(type) {
	case *mp4.VisualSampleEntryBox:
		t.Width, t.Height = int(e.Width), int(e.Height)
		switch {
		case e.AvcC != nil:
			_ = e.AvcC.DecConfRec.Encode(&buf)
			t.DecoderConfig = buf.Bytes()
		case e.HvcC != nil:
			_ = e.HvcC.DecConfRec.Encode(&buf)
			t.DecoderConfig = buf.Bytes()
		}
	case *mp4.AudioSampleEntryBox:
		t.SampleRate, t.Channels = int(e.SampleRate), int(e.ChannelCount)
		if e.Esds != nil && e.Esds.DecConfigDescriptor != nil && e.Esds.DecConfigDescriptor.DecSpecificInfo != nil {
			t.DecoderConfig = e.Esds.DecConfigDescriptor.DecSpecificInfo.DecConfig
		}
	}
	return t, nil
}

// duration converts a count of units of the track's timescale.
func (t *ClipTrack) duration(units int64) time.Duration {
	return time.Duration(units * int64(time.Second) / int64(t.Timescale))
}

// add appends a sample that starts at decode time dts (in timescale units).
func (t *ClipTrack) add(dts int64, s mp4.Sample, data []byte) {
	t.Samples = append(t.Samples, ClipSample{
		DecodeTime:       t.duration(dts),
		PresentationTime: t.duration(dts + int64(s.CompositionTimeOffset)),
		Duration:         t.duration(int64(s.Dur)),
		Keyframe:         !mp4.DecodeSampleFlags(s.Flags).SampleIsNonSync,
		Data:             data,
	})
	t.Duration = t.duration(dts + int64(s.Dur))
}

// progressiveSamples reads the samples of a track from the sample tables of a progressive file.
func (t *ClipTrack) progressiveSamples(trak *mp4.TrakBox, file []byte) error {
	n := trak.GetNrSamples()
	if n == 0 {
		return nil
	}
	// Every sample takes a byte of the file at least (or its size in the sample table): more
	// samples than that is a corrupt table, which would only make this allocate.
	if uniform := uint64(trak.Mdia.Minf.Stbl.Stsz.SampleUniformSize); uint64(n) > uint64(len(file)) || uint64(n)*uniform > uint64(len(file)) {
		return fmt.Errorf("%d samples in a file of %d bytes", n, len(file))
	}
	samples, err := trak.GetSampleData(1, n)
	if err != nil {
		return err
	}
	ranges, err := trak.GetRangesForSampleInterval(1, n)
	if err != nil {
		return err
	}
	var dts int64
	i := 0
	for _, r := range ranges {
		pos, end := r.Offset, r.Offset+r.Size
		for ; i < len(samples) && pos < end; i++ {
			size := uint64(samples[i].Size)
			if pos+size > end || pos+size > uint64(len(file)) {
				return fmt.Errorf("sample %d lies outside its chunk", i+1)
			}
			t.add(dts, samples[i], file[pos:pos+size:pos+size])
			dts += int64(samples[i].Dur)
			pos += size
		}
	}
	if i != len(samples) {
		return fmt.Errorf("%d samples, %d found in the chunks", len(samples), i)
	}
	return nil
}

// fragmentedSamples reads the samples of a track from the fragments of a fragmented file.
func (t *ClipTrack) fragmentedSamples(f *mp4.File, moov *mp4.MoovBox) error {
	var trex *mp4.TrexBox
	if moov.Mvex != nil {
		for _, x := range moov.Mvex.Trexs {
			if x.TrackID == t.ID {
				trex = x
			}
		}
	}
	var origin int64 = -1
	for _, seg := range f.Segments {
		for _, frag := range seg.Fragments {
			if frag.Moof.Traf == nil || !hasTrack(frag.Moof, t.ID) {
				continue
			}
			full, err := frag.GetFullSamples(trex)
			if err != nil {
				return err
			}
			for _, s := range full {
				if origin < 0 {
					origin = int64(s.DecodeTime)
				}
				t.add(int64(s.DecodeTime)-origin, s.Sample, s.Data)
			}
		}
	}
	return nil
}

func hasTrack(moof *mp4.MoofBox, id uint32) bool {
	for _, traf := range moof.Trafs {
		if traf.Tfhd.TrackID == id {
			return true
		}
	}
	return false
}
