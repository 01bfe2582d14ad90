package mkv

import (
	"bytes"
	"testing"
)

func TestSizeEncoding(t *testing.T) {
	tests := []struct {
		size int64
		want []byte
	}{
		{0, []byte{0x80}},
		{1, []byte{0x81}},
		{126, []byte{0xFE}},
		{127, []byte{0x40, 0x7F}}, // 0xFF would read as "unknown"
		{16382, []byte{0x7F, 0xFE}},
		{16383, []byte{0x20, 0x3F, 0xFF}},
		{1<<21 - 2, []byte{0x3F, 0xFF, 0xFE}},
		{1<<21 - 1, []byte{0x10, 0x1F, 0xFF, 0xFF}},
		{maxKnownSize, []byte{0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}},
		{UnknownSize, []byte{0xFF}},
	}
	for _, tt := range tests {
		got := appendSize(nil, tt.size)
		if !bytes.Equal(got, tt.want) {
			t.Errorf("appendSize(%d) = % X, want % X", tt.size, got, tt.want)
		}
		head := append([]byte{0xEC}, got...)
		id, size, hlen, need, err := parseHead(head)
		if err != nil || need != 0 || id != idVoid || size != tt.size || hlen != len(head) {
			t.Errorf("parseHead(% X) = %x, %d, %d, %d, %v", head, id, size, hlen, need, err)
		}
	}
}

func TestUnknownSizeOfEveryLength(t *testing.T) {
	for l := 1; l <= 8; l++ {
		b := []byte{0x1F, 0x43, 0xB6, 0x75, byte(0xFF >> (l - 1))}
		for i := 1; i < l; i++ {
			b = append(b, 0xFF)
		}
		_, size, hlen, _, err := parseHead(b)
		if err != nil || size != UnknownSize || hlen != 4+l {
			t.Errorf("length %d: size %d hlen %d err %v", l, size, hlen, err)
		}
	}
}

func TestParseHeadAsksOnlyForTheHeader(t *testing.T) {
	full := []byte{0x1A, 0x45, 0xDF, 0xA3, 0x10, 0x00, 0x00, 0x01}
	wantNeed := []int{1, 5, 5, 5, 5, 8, 8, 8}
	for n := 0; n < len(full); n++ {
		_, _, _, need, err := parseHead(full[:n])
		if err != nil || need != wantNeed[n] {
			t.Errorf("parseHead of %d bytes: need %d err %v, want need %d", n, need, err, wantNeed[n])
		}
	}
	id, size, hlen, need, err := parseHead(full)
	if err != nil || need != 0 || id != idEBML || size != 1 || hlen != 8 {
		t.Errorf("full header: %x %d %d %d %v", id, size, hlen, need, err)
	}
}

func TestParseHeadRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"zero first octet", []byte{0x00, 0x81}, errIDOctet},
		{"five-octet ID", []byte{0x08, 0, 0, 0, 1, 0x81}, errIDOctet},
		{"reserved one-octet ID", []byte{0xFF, 0x81}, errReservedID},
		{"reserved two-octet ID", []byte{0x7F, 0xFF, 0x81}, errReservedID},
		{"size longer than 8", []byte{0xEC, 0x00}, errSizeVint},
	}
	for _, tt := range tests {
		if _, _, _, _, err := parseHead(tt.in); err != tt.want {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestAppendUintAndFloat(t *testing.T) {
	tests := []struct {
		got, want []byte
	}{
		{appendUint(nil, idTrackNumber, 0), []byte{0xD7, 0x81, 0x00}},
		{appendUint(nil, idTrackNumber, 255), []byte{0xD7, 0x81, 0xFF}},
		{appendUint(nil, idTrackNumber, 256), []byte{0xD7, 0x82, 0x01, 0x00}},
		{appendUint(nil, idTimecodeScale, 1_000_000), []byte{0x2A, 0xD7, 0xB1, 0x83, 0x0F, 0x42, 0x40}},
		{appendUint(nil, idTrackUID, 1<<63), []byte{0x73, 0xC5, 0x88, 0x80, 0, 0, 0, 0, 0, 0, 0}},
		{appendFloat(nil, idSamplingFrequency, 48000), []byte{0xB5, 0x84, 0x47, 0x3B, 0x80, 0x00}},
		{appendFloat(nil, idSamplingFrequency, 0.1), []byte{0xB5, 0x88, 0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A}},
	}
	for i, tt := range tests {
		if !bytes.Equal(tt.got, tt.want) {
			t.Errorf("case %d: % X, want % X", i, tt.got, tt.want)
		}
	}
}

// TestMasterShrinksItsSize checks that a master element's size field takes
// the shortest form on both sides of the one/two octet boundary.
func TestMasterShrinksItsSize(t *testing.T) {
	for _, n := range []int{0, 1, 126, 127, 128, 16382, 16383} {
		b, mark := masterStart([]byte{0xAA}, idTags)
		b = append(b, bytes.Repeat([]byte{7}, n)...)
		b = masterEnd(b, mark)
		want := appendHead([]byte{0xAA}, idTags, int64(n))
		want = append(want, bytes.Repeat([]byte{7}, n)...)
		if !bytes.Equal(b, want) {
			t.Errorf("body %d: got %d bytes, want %d (head % X vs % X)", n, len(b), len(want), b[:min(len(b), 8)], want[:min(len(want), 8)])
		}
	}
}
