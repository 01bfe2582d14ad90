// Package mediatest helps the tests of the internal packages produce media without a
// kvstest.Server: an MKV stream of small H.264 fragments, and a PutMedia call that returns the
// acknowledgements.
package mediatest

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// Start is the producer timecode (Unix milliseconds) of a Stream's first fragment.
const Start = 1_700_000_000_000

// Stream returns a PutMedia body of n fragments, one second apart from Start, each of two frames
// of one H.264 track (a key frame, then one 500 ms later) with valid codec private data, each
// fragment preceded by tags when given.
func Stream(t testing.TB, n int, tags ...mkv.Tag) []byte {
	t.Helper()
	sps := []byte{0x67, 0x4d, 0x40, 0x0d, 0xd9, 0x01, 0x41, 0xfb, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0xa4, 0x80}
	avc, err := (mkv.H264Config{SPS: [][]byte{sps}, PPS: [][]byte{{0x68, 0xeb, 0xcc, 0xb2}}, Profile: 0x4d, Constraints: 0x40, Level: 0x0d}).DecoderConfig()
	if err != nil {
		t.Fatal(err)
	}
	b, err := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264, CodecPrivate: avc}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		tc := int64(Start + 1000*i)
		if len(tags) > 0 {
			if b, err = mkv.AppendTags(b, tags); err != nil {
				t.Fatal(err)
			}
		}
		b, _ = mkv.AppendClusterStart(b, tc, mkv.UnknownSize)
		b, _ = mkv.AppendSimpleBlock(b, tc, mkv.Frame{Track: 1, Timecode: tc, Keyframe: true, Data: []byte{0, 0, 0, 2, 0x65, byte(i)}})
		b, _ = mkv.AppendSimpleBlock(b, tc, mkv.Frame{Track: 1, Timecode: tc + 500, Data: []byte{0, 0, 0, 2, 0x41, byte(i)}})
	}
	return b
}

// Put sends body to the PutMedia handler at url for the stream, with ABSOLUTE timecodes, and
// returns the acknowledgements up to the end of the response.
func Put(t testing.TB, url, stream string, body []byte) []media.Ack {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amzn-Stream-Name", stream)
	req.Header.Set("X-Amzn-Fragment-Timecode-Type", "ABSOLUTE")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		t.Fatalf("PutMedia: HTTP %d", resp.StatusCode)
	}
	r := media.NewAckReader(resp.Body)
	defer r.Close()
	var acks []media.Ack
	for {
		a, err := r.Next()
		if errors.Is(err, io.EOF) {
			return acks
		}
		if err != nil {
			t.Fatal(err)
		}
		acks = append(acks, a)
	}
}

// Numbers returns the fragment numbers of the acknowledgements of kind, in order.
func Numbers(acks []media.Ack, kind media.AckEventType) []string {
	var out []string
	for _, a := range acks {
		if a.EventType == kind {
			out = append(out, a.FragmentNumber)
		}
	}
	return out
}
