// MPEG-2 transport stream segments, for HLS sessions of ContainerFormat MPEG_TS: each segment
// carries one stored fragment with all its tracks, starting with the program tables, the video
// in Annex-B form with its parameter sets before every key frame, and AAC in ADTS frames.

package pack

import (
	"encoding/binary"

	"github.com/Eyevinn/mp4ff/aac"

	"github.com/kvsgo/sdk/mkv"
)

const (
	tsPacketSize = 188
	tsPMTPID     = 0x1000
	tsFirstPID   = 0x100
	tsClock      = 90000 // PES timestamps count 90 kHz ticks
)

// tsMuxer writes the packets of one segment.
type tsMuxer struct {
	out        []byte
	continuity map[uint16]uint8
}

// TSSegment returns the transport stream of one fragment: samples[i] are the samples of
// tracks[i], interleaved by decoding time. The PCR is carried by the video track (the first
// track when there is none).
func TSSegment(tracks []Track, samples [][]Sample) []byte {
	m := &tsMuxer{continuity: map[uint16]uint8{}}
	pcrTrack := 0
	for i := range tracks {
		if tracks[i].Video() {
			pcrTrack = i
			break
		}
	}
	m.tables(tracks, pcrTrack)
	next := make([]int, len(tracks))
	for {
		best := -1
		for i := range tracks {
			if next[i] < len(samples[i]) && (best < 0 || ticks(&tracks[i], samples[i][next[i]].DTS) < ticks(&tracks[best], samples[best][next[best]].DTS)) {
				best = i
			}
		}
		if best < 0 {
			return m.out
		}
		m.pes(&tracks[best], tsFirstPID+uint16(best), samples[best][next[best]], best == pcrTrack)
		next[best]++
	}
}

// ticks converts a time of track t to 90 kHz ticks, within the 33 bits of PES timestamps.
func ticks(t *Track, units int64) uint64 {
	return uint64(max(0, units)*tsClock/int64(t.Timescale)) & (1<<33 - 1)
}

// tables writes the program association and program map tables.
func (m *tsMuxer) tables(tracks []Track, pcrTrack int) {
	pat := []byte{0x00, 0xB0, 0, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xE0 | tsPMTPID>>8, tsPMTPID & 0xFF}
	m.section(0, pat)
	pmt := []byte{0x02, 0xB0, 0, 0x00, 0x01, 0xC1, 0x00, 0x00,
		0xE0 | byte((tsFirstPID+pcrTrack)>>8), byte(tsFirstPID + pcrTrack), 0xF0, 0x00}
	for i := range tracks {
		pid := tsFirstPID + i
		pmt = append(pmt, streamType(&tracks[i]), 0xE0|byte(pid>>8), byte(pid), 0xF0, 0x00)
	}
	m.section(tsPMTPID, pmt)
}

// streamType is the PMT stream type of a track's codec.
func streamType(t *Track) byte {
	switch t.Codec {
	case CodecH264:
		return 0x1B
	case CodecH265:
		return 0x24
	}
	return 0x0F // AAC in ADTS
}

// section writes a table section (without its CRC) in one packet of pid, with its length and
// CRC filled in.
func (m *tsMuxer) section(pid uint16, sec []byte) {
	length := len(sec) - 3 + 4 // after the length field, with the CRC
	sec[1] = sec[1]&0xF0 | byte(length>>8)
	sec[2] = byte(length)
	sec = binary.BigEndian.AppendUint32(sec, crc32MPEG(sec))
	m.packets(pid, append([]byte{0}, sec...), true, nil) // pointer_field 0
}

// pes writes one Sample as a PES packet.
func (m *tsMuxer) pes(t *Track, pid uint16, s Sample, pcr bool) {
	var payload []byte
	streamID := byte(0xC0)
	if t.Video() {
		streamID = 0xE0
		payload = AnnexBAccessUnit(t, s)
	} else {
		h, _ := aac.NewADTSHeader(t.aac.SampleRate, t.aac.ChannelConfig, t.aac.ObjectType, uint16(len(s.Data)))
		payload = append(h.Encode(), s.Data...)
	}
	dts, pts := ticks(t, s.DTS), ticks(t, s.PTS())
	hdr := []byte{0x00, 0x00, 0x01, streamID, 0, 0, 0x80, 0x80, 5}
	if dts != pts {
		hdr[7], hdr[8] = 0xC0, 10
		hdr = appendTimestamp(hdr, 0x3, pts)
		hdr = appendTimestamp(hdr, 0x1, dts)
	} else {
		hdr = appendTimestamp(hdr, 0x2, pts)
	}
	if n := len(hdr) - 6 + len(payload); n <= 0xFFFF && !t.Video() {
		binary.BigEndian.PutUint16(hdr[4:], uint16(n))
	}
	var adaptation []byte
	if pcr {
		adaptation = appendPCR([]byte{0x10}, dts)
	}
	if s.Sync && t.Video() {
		if adaptation == nil {
			adaptation = []byte{0x00}
		}
		adaptation[0] |= 0x40 // random access indicator
	}
	m.packets(pid, append(hdr, payload...), true, adaptation)
}

// AnnexBAccessUnit returns a video Sample in Annex-B form: an access unit delimiter, the
// parameter sets before a key frame, then the NAL units.
func AnnexBAccessUnit(t *Track, s Sample) []byte {
	start := []byte{0, 0, 0, 1}
	var au []byte
	var sets [][]byte
	if t.Codec == CodecH264 {
		au = append(au, 0, 0, 0, 1, 0x09, 0xF0)
		sets = append(append(sets, t.h264.SPS...), t.h264.PPS...)
	} else {
		au = append(au, 0, 0, 0, 1, 0x46, 0x01, 0x50)
		sets = append(append(append(sets, t.h265.VPS...), t.h265.SPS...), t.h265.PPS...)
	}
	if s.Sync {
		for _, ps := range sets {
			au = append(append(au, start...), ps...)
		}
	}
	au, _ = mkv.AppendAnnexB(au, s.Data)
	return au
}

// appendTimestamp appends a 33-bit PES timestamp with its 4-bit prefix.
func appendTimestamp(b []byte, prefix byte, ts uint64) []byte {
	return append(b, prefix<<4|byte(ts>>29)&0x0E|1, byte(ts>>22), byte(ts>>14)|1, byte(ts>>7), byte(ts<<1)|1)
}

// appendPCR appends a program clock reference of ts (90 kHz) to adaptation-field flags.
func appendPCR(flags []byte, ts uint64) []byte {
	return append(flags, byte(ts>>25), byte(ts>>17), byte(ts>>9), byte(ts>>1), byte(ts<<7)|0x7E, 0x00)
}

// packets splits data into transport packets of pid. The first packet starts the payload unit
// and carries the adaptation field (flags and their data), if any; the last is padded with
// adaptation-field stuffing.
func (m *tsMuxer) packets(pid uint16, data []byte, start bool, adaptation []byte) {
	for first := true; first || len(data) > 0; first = false {
		var af []byte
		if first && adaptation != nil {
			af = adaptation
		}
		room := tsPacketSize - 4
		if af != nil {
			room -= 1 + len(af)
		}
		if len(data) < room { // stuff the adaptation field so that the payload fills the packet
			if af == nil {
				af = []byte{}
				room--
				if room > len(data) {
					af = append(af, 0x00)
					room--
				}
			}
			for room > len(data) {
				af = append(af, 0xFF)
				room--
			}
		}
		pkt := make([]byte, 4, tsPacketSize)
		pkt[0] = 0x47
		pkt[1] = byte(pid >> 8 & 0x1F)
		if first && start {
			pkt[1] |= 0x40
		}
		pkt[2] = byte(pid)
		pkt[3] = 0x10 | m.continuity[pid]&0x0F
		m.continuity[pid]++
		if af != nil {
			pkt[3] |= 0x20
			pkt = append(append(pkt, byte(len(af))), af...)
		}
		n := min(len(data), tsPacketSize-len(pkt))
		pkt = append(pkt, data[:n]...)
		data = data[n:]
		m.out = append(m.out, pkt...)
	}
}

// crc32MPEG is the CRC of MPEG-2 table sections (polynomial 0x04C11DB7, not reflected).
func crc32MPEG(b []byte) uint32 {
	crc := uint32(0xFFFFFFFF)
	for _, c := range b {
		crc ^= uint32(c) << 24
		for range 8 {
			if crc&0x80000000 != 0 {
				crc = crc<<1 ^ 0x04C11DB7
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
