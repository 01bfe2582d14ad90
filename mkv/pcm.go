package mkv

import (
	"encoding/binary"
	"fmt"
)

// Codec IDs of uncompressed and G.711 audio.
const (
	// CodecIDACM carries audio described by a Windows WAVEFORMATEX in
	// CodecPrivate; KVS uses it for G.711 A-law and µ-law.
	CodecIDACM = "A_MS/ACM"
	// CodecIDPCMLittle and CodecIDPCMBig are integer PCM, little- and
	// big-endian.
	CodecIDPCMLittle = "A_PCM/INT/LIT"
	CodecIDPCMBig    = "A_PCM/INT/BIG"
)

// WAVE format tags (WAVEFORMATEX wFormatTag).
const (
	WaveFormatPCM   uint16 = 1
	WaveFormatALaw  uint16 = 6
	WaveFormatMuLaw uint16 = 7
)

// WaveFormatSize is the size of an encoded WAVEFORMATEX without extra bytes.
const WaveFormatSize = 18

// WaveFormat is a WAVEFORMATEX structure, the CodecPrivate of an A_MS/ACM
// track.
type WaveFormat struct {
	FormatTag      uint16 // WaveFormatALaw, WaveFormatMuLaw...
	Channels       uint16 // number of channels
	SampleRate     uint32 // samples per second
	AvgBytesPerSec uint32 // bytes per second
	BlockAlign     uint16 // bytes per sample frame (all channels)
	BitsPerSample  uint16 // bits per sample of one channel
}

// Marshal encodes the structure in its 18-byte little-endian form with no
// extra bytes (cbSize 0).
func (w WaveFormat) Marshal() []byte {
	b := make([]byte, 0, WaveFormatSize)
	b = binary.LittleEndian.AppendUint16(b, w.FormatTag)
	b = binary.LittleEndian.AppendUint16(b, w.Channels)
	b = binary.LittleEndian.AppendUint32(b, w.SampleRate)
	b = binary.LittleEndian.AppendUint32(b, w.AvgBytesPerSec)
	b = binary.LittleEndian.AppendUint16(b, w.BlockAlign)
	b = binary.LittleEndian.AppendUint16(b, w.BitsPerSample)
	return binary.LittleEndian.AppendUint16(b, 0)
}

// ParseWaveFormat decodes a WAVEFORMATEX (at least the 16 bytes before
// cbSize; when cbSize is present, its extra bytes must be there too).
func ParseWaveFormat(b []byte) (WaveFormat, error) {
	if len(b) < 16 {
		return WaveFormat{}, fmt.Errorf("mkv: WAVEFORMATEX of %d bytes, want at least 16", len(b))
	}
	w := WaveFormat{
		FormatTag:      binary.LittleEndian.Uint16(b),
		Channels:       binary.LittleEndian.Uint16(b[2:]),
		SampleRate:     binary.LittleEndian.Uint32(b[4:]),
		AvgBytesPerSec: binary.LittleEndian.Uint32(b[8:]),
		BlockAlign:     binary.LittleEndian.Uint16(b[12:]),
		BitsPerSample:  binary.LittleEndian.Uint16(b[14:]),
	}
	if len(b) >= WaveFormatSize {
		if extra := int(binary.LittleEndian.Uint16(b[16:])); extra > len(b)-WaveFormatSize {
			return w, fmt.Errorf("mkv: WAVEFORMATEX cbSize %d overruns the %d bytes left", extra, len(b)-WaveFormatSize)
		}
	}
	return w, nil
}

// checkAudio validates the parameters of an uncompressed audio track.
func checkAudio(sampleRate, channels int) error {
	if sampleRate <= 0 || sampleRate > 768000 {
		return invalidf("sample rate %d", sampleRate)
	}
	if channels <= 0 || channels > 255 {
		return invalidf("%d channels", channels)
	}
	return nil
}

// G711Track describes a G.711 track (formatTag WaveFormatALaw or
// WaveFormatMuLaw) as KVS expects it: codec A_MS/ACM with a WAVEFORMATEX
// of 8-bit samples. The KVS producer SDK leaves wBitsPerSample at 0 and
// computes nAvgBytesPerSec as if samples were one bit; this writes the
// values the structure defines (8 bits, one byte per sample and channel).
func G711Track(number uint64, formatTag uint16, sampleRate, channels int) (TrackEntry, error) {
	if formatTag != WaveFormatALaw && formatTag != WaveFormatMuLaw {
		return TrackEntry{}, invalidf("G.711 format tag %d, want %d or %d", formatTag, WaveFormatALaw, WaveFormatMuLaw)
	}
	if err := checkAudio(sampleRate, channels); err != nil {
		return TrackEntry{}, err
	}
	wf := WaveFormat{
		FormatTag:      formatTag,
		Channels:       uint16(channels),
		SampleRate:     uint32(sampleRate),
		AvgBytesPerSec: uint32(sampleRate * channels),
		BlockAlign:     uint16(channels),
		BitsPerSample:  8,
	}
	return TrackEntry{
		Number:       number,
		Type:         TrackAudio,
		CodecID:      CodecIDACM,
		CodecPrivate: wf.Marshal(),
		Audio:        AudioSettings{SamplingFrequency: float64(sampleRate), Channels: uint64(channels), BitDepth: 8},
	}, nil
}

// PCMTrack describes an integer PCM track (A_PCM/INT/LIT, or A_PCM/INT/BIG
// when bigEndian) with bitDepth bits per sample (8 to 32, a multiple of 8).
func PCMTrack(number uint64, sampleRate, channels, bitDepth int, bigEndian bool) (TrackEntry, error) {
	if err := checkAudio(sampleRate, channels); err != nil {
		return TrackEntry{}, err
	}
	if bitDepth < 8 || bitDepth > 32 || bitDepth%8 != 0 {
		return TrackEntry{}, invalidf("PCM bit depth %d", bitDepth)
	}
	id := CodecIDPCMLittle
	if bigEndian {
		id = CodecIDPCMBig
	}
	return TrackEntry{
		Number:  number,
		Type:    TrackAudio,
		CodecID: id,
		Audio:   AudioSettings{SamplingFrequency: float64(sampleRate), Channels: uint64(channels), BitDepth: uint64(bitDepth)},
	}, nil
}
