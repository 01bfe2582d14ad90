package media

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/kvsgo/sdk/internal/wiretest"
)

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := wiretest.ReadShared(filepath.Join("media", name))
	if err != nil {
		wiretest.Skip(t, "sample %s: %v", name, err)
	}
	return data
}

func accessUnits(t testing.TB, r io.Reader, codec Codec) (units [][]byte, keys []int) {
	t.Helper()
	ar, err := NewAccessUnitReader(r, codec)
	if err != nil {
		t.Fatal(err)
	}
	for {
		au, key, err := ar.Next()
		if err == io.EOF {
			return units, keys
		}
		if err != nil {
			t.Fatal(err)
		}
		if key {
			keys = append(keys, len(units))
		}
		units = append(units, bytes.Clone(au))
	}
}

func TestAccessUnitReader(t *testing.T) {
	for _, tt := range []struct {
		file  string
		codec Codec
	}{{"h264-320x240-30fps-10s.h264", CodecH264}, {"h265-320x240-30fps-10s.h265", CodecH265}} {
		t.Run(tt.file, func(t *testing.T) {
			data := readSample(t, tt.file)
			for _, name := range []string{"whole", "one byte at a time"} {
				var r io.Reader = bytes.NewReader(data)
				if name != "whole" {
					r = iotest.OneByteReader(r)
				}
				units, keys := accessUnits(t, r, tt.codec)
				// The samples hold 10 s at 30 fps with a key frame every 60 frames.
				if len(units) != 300 || len(keys) != 5 || keys[1] != 60 || keys[4] != 240 {
					t.Fatalf("%s: %d access units, key frames at %v", name, len(units), keys)
				}
				if got := bytes.Join(units, nil); !bytes.Equal(got, data) {
					t.Fatalf("%s: the access units do not add up to the stream", name)
				}
			}
		})
	}
}

func TestAccessUnitReaderErrors(t *testing.T) {
	if _, err := NewAccessUnitReader(bytes.NewReader(nil), CodecAAC); err == nil {
		t.Error("AAC accepted")
	}
	boom := errors.New("read failed")
	ar, _ := NewAccessUnitReader(iotest.ErrReader(boom), CodecH264)
	if _, _, err := ar.Next(); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	ar, _ = NewAccessUnitReader(bytes.NewReader(nil), CodecH264)
	if _, _, err := ar.Next(); err != io.EOF {
		t.Errorf("empty stream: %v", err)
	}
}

func FuzzAccessUnitReader(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x01\x67\x42\x00\x1e\x00\x00\x01\x65\x88\x84\x00\x00\x01\x41\x9a"), true)
	f.Add([]byte("\x00\x00\x01\x40\x01\x0c\x00\x00\x01\x26\x01\xaf\x00\x00\x01\x02\x01\xd0"), false)
	f.Fuzz(func(t *testing.T, data []byte, h264 bool) {
		codec := CodecH265
		if h264 {
			codec = CodecH264
		}
		ar, _ := NewAccessUnitReader(bytes.NewReader(data), codec)
		var total []byte
		for {
			au, _, err := ar.Next()
			if err != nil {
				break
			}
			total = append(total, au...)
		}
		if !bytes.Equal(total, data) && len(bytes.TrimLeft(data[len(total):], "\x00")) != 0 {
			t.Fatalf("access units lost data: %d of %d bytes", len(total), len(data))
		}
	})
}
