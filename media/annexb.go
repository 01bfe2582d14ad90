package media

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/kvsgo/sdk/mkv"
)

// AccessUnitReader splits an H.264 or H.265 Annex-B elementary stream (such as ffmpeg's -f h264
// or -f hevc output, or a camera's byte stream) into access units, one coded picture each with
// the parameter sets and SEI that precede it: what Producer.WriteFrame takes as one frame.
type AccessUnitReader struct {
	r     io.Reader
	codec Codec
	buf   []byte
	eof   bool
	err   error
	max   int
}

// MaxAccessUnit bounds an access unit (and so the reader's buffer): 16 MiB.
const MaxAccessUnit = 16 << 20

// NewAccessUnitReader returns a reader of the access units of r, coded with codec (CodecH264
// or CodecH265).
func NewAccessUnitReader(r io.Reader, codec Codec) (*AccessUnitReader, error) {
	if codec != CodecH264 && codec != CodecH265 {
		return nil, fmt.Errorf("media: access units of %q are not supported (H264 or H265)", codec)
	}
	return &AccessUnitReader{r: r, codec: codec, max: MaxAccessUnit}, nil
}

// Next returns the next access unit and whether it is a key frame (IDR, or IRAP for H.265).
// The returned slice is valid until the next call. At the end of the stream it returns io.EOF.
func (a *AccessUnitReader) Next() (au []byte, keyframe bool, err error) {
	if a.err != nil {
		return nil, false, a.err
	}
	for {
		if end := a.boundary(); end > 0 {
			au = a.buf[:end]
			a.buf = a.buf[end:]
			return au, a.isKey(au), nil
		}
		if a.eof {
			if len(bytes.TrimLeft(a.buf, "\x00")) == 0 {
				a.err = io.EOF
				return nil, false, io.EOF
			}
			au, a.buf = a.buf, nil
			return au, a.isKey(au), nil
		}
		if len(a.buf) > a.max {
			a.err = fmt.Errorf("media: access unit larger than %d bytes", a.max)
			return nil, false, a.err
		}
		a.fill()
		if a.err != nil {
			return nil, false, a.err
		}
	}
}

func (a *AccessUnitReader) fill() {
	if cap(a.buf)-len(a.buf) < 64<<10 {
		nb := make([]byte, len(a.buf), 2*cap(a.buf)+128<<10)
		copy(nb, a.buf)
		a.buf = nb
	}
	n, err := a.r.Read(a.buf[len(a.buf):cap(a.buf)])
	a.buf = a.buf[:len(a.buf)+n]
	if errors.Is(err, io.EOF) {
		a.eof = true
	} else if err != nil {
		a.err = err
	}
}

func (a *AccessUnitReader) isKey(au []byte) bool {
	if a.codec == CodecH264 {
		return mkv.IsH264KeyFrame(au)
	}
	return mkv.IsH265KeyFrame(au)
}

// boundary returns where the second access unit in the buffer starts, or 0 when the buffer does
// not hold a whole access unit yet. A NAL unit is only judged once the next start code shows
// it is complete.
func (a *AccessUnitReader) boundary() int {
	sawPicture := false
	for pos := 0; ; {
		start, hdr := nextStartCode(a.buf, pos)
		if start < 0 {
			return 0
		}
		if next, _ := nextStartCode(a.buf, hdr); next < 0 && !a.eof {
			return 0 // the NAL unit may be incomplete
		}
		if hdr+2 >= len(a.buf) {
			return 0
		}
		opens, picture := a.classify(a.buf[hdr:])
		if sawPicture && opens {
			return start
		}
		sawPicture = sawPicture || picture
		pos = hdr
	}
}

// classify says whether a NAL unit opens a new access unit after a picture (a parameter set,
// SEI, delimiter, or the first slice of a picture) and whether it carries a picture (a slice).
func (a *AccessUnitReader) classify(nal []byte) (opens, picture bool) {
	if a.codec == CodecH264 {
		switch t := nal[0] & 0x1F; {
		case t == 1 || t == 5:
			return nal[1]&0x80 != 0, true // first_mb_in_slice == 0
		case t == 6 || t == 7 || t == 8 || t == 9 || (t >= 14 && t <= 18):
			return true, false
		}
		return false, false
	}
	switch t := nal[0] >> 1 & 0x3F; {
	case t <= 31:
		return nal[2]&0x80 != 0, true // first_slice_segment_in_pic_flag
	case t >= 32 && t <= 35, t == 39, t >= 41 && t <= 44, t >= 48 && t <= 55:
		return true, false
	}
	return false, false
}

// nextStartCode finds the start code at or after pos: it returns where the start code begins
// (including a leading zero byte of a 4-byte code) and where the NAL unit after it begins, or
// -1, -1.
func nextStartCode(b []byte, pos int) (start, nal int) {
	for i := pos; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			s := i
			if s > pos && b[s-1] == 0 {
				s--
			}
			return s, i + 3
		}
	}
	return -1, -1
}
