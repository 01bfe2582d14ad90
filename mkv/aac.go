package mkv

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// CodecIDAAC is the Matroska codec ID of AAC audio; its CodecPrivate is
// the AudioSpecificConfig.
const CodecIDAAC = "A_AAC"

// AACSamplesPerFrame is the number of samples per channel in one AAC frame.
const AACSamplesPerFrame = 1024

// aacRates maps a sampling frequency index to a rate in Hz.
var aacRates = [...]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

// AACConfig is the core of an AAC AudioSpecificConfig. ObjectType and
// SampleRate are what mp4ff's InitSegment/SetAACDescriptor take.
type AACConfig struct {
	// ObjectType is the audio object type: 1 Main, 2 LC, 3 SSR, 4 LTP,
	// 5 SBR (HE-AAC)...
	ObjectType uint8
	// SampleRate is the (core) sampling frequency in Hz.
	SampleRate int
	// ChannelConfig is the channel configuration, 1 to 7 (7 means 8
	// channels).
	ChannelConfig uint8
}

// Channels returns the number of channels of the channel configuration.
func (c AACConfig) Channels() int {
	if c.ChannelConfig == 7 {
		return 8
	}
	return int(c.ChannelConfig)
}

// FrameDuration is the duration of one AAC frame (1024 samples).
func (c AACConfig) FrameDuration() time.Duration {
	if c.SampleRate <= 0 {
		return 0
	}
	return AACSamplesPerFrame * time.Second / time.Duration(c.SampleRate)
}

// ErrNotADTS means data does not start with an ADTS sync word.
var ErrNotADTS = errors.New("mkv: not an ADTS frame (no sync word)")

// NextADTSFrame reads the ADTS frame at the start of b and returns its
// configuration, the raw AAC frame inside it (what a Matroska block
// stores) and the bytes after it. Data that does not begin with a sync
// word gives ErrNotADTS, a frame longer than b io.ErrUnexpectedEOF. ADTS
// frames with more than one raw data block are not supported.
func NextADTSFrame(b []byte) (cfg AACConfig, frame, rest []byte, err error) {
	if len(b) < 2 || b[0] != 0xFF || b[1]&0xF0 != 0xF0 {
		return cfg, nil, b, ErrNotADTS
	}
	if len(b) < 7 {
		return cfg, nil, b, io.ErrUnexpectedEOF
	}
	if b[1]&0x06 != 0 {
		return cfg, nil, b, errors.New("mkv: ADTS layer is not 0")
	}
	hlen := 7
	if b[1]&0x01 == 0 { // protection_absent == 0: a CRC follows
		hlen = 9
	}
	cfg.ObjectType = b[2]>>6 + 1
	idx := int(b[2] >> 2 & 0x0F)
	cfg.ChannelConfig = b[2]&0x01<<2 | b[3]>>6
	length := int(b[3]&0x03)<<11 | int(b[4])<<3 | int(b[5]>>5)
	blocks := b[6]&0x03 + 1
	switch {
	case idx >= len(aacRates):
		return cfg, nil, b, fmt.Errorf("mkv: ADTS sampling frequency index %d", idx)
	case cfg.ChannelConfig == 0:
		return cfg, nil, b, errors.New("mkv: ADTS channel configuration 0 (program config element) is not supported")
	case blocks != 1:
		return cfg, nil, b, fmt.Errorf("mkv: ADTS frame with %d raw data blocks is not supported", blocks)
	case length < hlen:
		return cfg, nil, b, fmt.Errorf("mkv: ADTS frame length %d shorter than its header", length)
	case length > len(b):
		return cfg, nil, b, io.ErrUnexpectedEOF
	}
	cfg.SampleRate = aacRates[idx]
	return cfg, b[hlen:length], b[length:], nil
}

// AudioSpecificConfig encodes the configuration as an AudioSpecificConfig
// (ISO/IEC 14496-3) with a GASpecificConfig of 1024-sample frames, the
// CodecPrivate of an A_AAC track.
func (c AACConfig) AudioSpecificConfig() ([]byte, error) {
	if c.ObjectType == 0 || c.ObjectType > 30 {
		return nil, invalidf("AAC object type %d", c.ObjectType)
	}
	if c.ChannelConfig == 0 || c.ChannelConfig > 7 {
		return nil, invalidf("AAC channel configuration %d", c.ChannelConfig)
	}
	if c.SampleRate <= 0 || c.SampleRate >= 1<<24 {
		return nil, invalidf("AAC sample rate %d", c.SampleRate)
	}
	var w bitWriter
	w.write(uint64(c.ObjectType), 5)
	idx := 15
	for i, r := range aacRates {
		if r == c.SampleRate {
			idx = i
		}
	}
	w.write(uint64(idx), 4)
	if idx == 15 {
		w.write(uint64(c.SampleRate), 24)
	}
	w.write(uint64(c.ChannelConfig), 4)
	w.write(0, 3) // frameLengthFlag, dependsOnCoreCoder, extensionFlag
	return w.bytes(), nil
}

// ParseAudioSpecificConfig reads the core configuration from an
// AudioSpecificConfig (the CodecPrivate of an A_AAC track): the object
// type, the sampling frequency and the channel configuration. For HE-AAC
// signalled explicitly (object type 5 or 29 first), ObjectType is that
// first type and SampleRate the core rate; what follows is not read.
func ParseAudioSpecificConfig(asc []byte) (AACConfig, error) {
	r := bitReader{b: asc}
	ot := r.read(5)
	if ot == 31 {
		ot = 32 + r.read(6)
	}
	rate := r.read(4)
	if rate == 15 {
		rate = r.read(24)
	} else if int(rate) < len(aacRates) {
		rate = uint64(aacRates[rate])
	} else {
		return AACConfig{}, fmt.Errorf("mkv: AudioSpecificConfig: sampling frequency index %d", rate)
	}
	ch := r.read(4)
	switch {
	case r.short:
		return AACConfig{}, fmt.Errorf("mkv: AudioSpecificConfig of %d bytes is truncated", len(asc))
	case ot == 0 || ot > 255:
		return AACConfig{}, fmt.Errorf("mkv: AudioSpecificConfig: object type %d", ot)
	case rate == 0:
		return AACConfig{}, errors.New("mkv: AudioSpecificConfig: sampling frequency 0")
	}
	return AACConfig{ObjectType: uint8(ot), SampleRate: int(rate), ChannelConfig: uint8(ch)}, nil
}

// TrackEntry describes an A_AAC audio track with this configuration.
func (c AACConfig) TrackEntry(number uint64) (TrackEntry, error) {
	asc, err := c.AudioSpecificConfig()
	if err != nil {
		return TrackEntry{}, err
	}
	return TrackEntry{
		Number:       number,
		Type:         TrackAudio,
		CodecID:      CodecIDAAC,
		CodecPrivate: asc,
		Audio:        AudioSettings{SamplingFrequency: float64(c.SampleRate), Channels: uint64(c.Channels())},
	}, nil
}

// AACTrack describes an AAC audio track from the stream's first ADTS frame.
func AACTrack(number uint64, adts []byte) (TrackEntry, error) {
	cfg, _, _, err := NextADTSFrame(adts)
	if err != nil {
		return TrackEntry{}, err
	}
	return cfg.TrackEntry(number)
}

// bitWriter packs big-endian bit fields.
type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) write(v uint64, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | v>>uint(i)&1
		if w.nbits++; w.nbits == 8 {
			w.buf = append(w.buf, byte(w.acc))
			w.acc, w.nbits = 0, 0
		}
	}
}

// bitReader reads big-endian bit fields; reading past the end sets short
// and yields zeros.
type bitReader struct {
	b     []byte
	pos   int // in bits
	short bool
}

func (r *bitReader) read(n int) uint64 {
	var v uint64
	for range n {
		if r.pos >= 8*len(r.b) {
			r.short = true
			return 0
		}
		v = v<<1 | uint64(r.b[r.pos/8]>>(7-r.pos%8)&1)
		r.pos++
	}
	return v
}

// bytes returns the bits written, the last byte padded with zeros.
func (w *bitWriter) bytes() []byte {
	if w.nbits > 0 {
		return append(w.buf, byte(w.acc<<(8-w.nbits)))
	}
	return w.buf
}
