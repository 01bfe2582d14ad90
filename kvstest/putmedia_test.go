package kvstest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/bits"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/kvstest/internal/mediatest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

const t0 = 1_700_000_000_000 // a cluster timecode (Unix milliseconds)

// mediaSetup starts an emulator with a stream and returns a media client and the stream name.
func mediaSetup(t *testing.T, retention int32, opts ...kvstest.Option) (*kvstest.Server, *media.Client, *kvs.Client, string) {
	t.Helper()
	srv := kvstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	control := kvs.NewFromConfig(srv.Config())
	if _, err := control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: retention}); err != nil {
		t.Fatal(err)
	}
	return srv, media.New(media.Options{Options: control.Options(), Control: control}), control, "cam"
}

var videoTrack = mkv.TrackEntry{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264, CodecPrivate: []byte{1, 0x64, 0, 0x1f, 0xff, 0xe0, 0}}
var audioTrack = mkv.TrackEntry{Number: 2, UID: 2, Type: mkv.TrackAudio, CodecID: mkv.CodecIDAAC, CodecPrivate: []byte{0x11, 0x88}}

// body builds a PutMedia body: a header, then each cluster's frames, as (track, offset ms) pairs.
type body struct {
	b []byte
}

func newBody(t testing.TB, tracks ...mkv.TrackEntry) *body {
	b, err := mkv.AppendHeader(nil, mkv.Info{}, tracks)
	if err != nil {
		t.Fatal(err)
	}
	return &body{b: b}
}

func (b *body) cluster(tc int64, frames ...[2]int64) *body {
	b.b, _ = mkv.AppendClusterStart(b.b, tc, mkv.UnknownSize)
	for i, f := range frames {
		b.b, _ = mkv.AppendSimpleBlock(b.b, tc, mkv.Frame{Track: uint64(f[0]), Timecode: tc + f[1], Keyframe: i == 0, Data: []byte("frame-data")})
	}
	return b
}

func (b *body) tags(names ...string) *body {
	var st []mkv.SimpleTag
	for _, n := range names {
		st = append(st, mkv.SimpleTag{Name: n, String: "value"})
	}
	b.b, _ = mkv.AppendTags(b.b, []mkv.Tag{{SimpleTags: st}})
	return b
}

// put sends a body and returns every acknowledgement until the response ends.
func put(t *testing.T, client *media.Client, name string, r io.Reader) ([]media.Ack, error) {
	t.Helper()
	out, err := client.PutMedia(context.Background(), &media.PutMediaInput{StreamName: name, Body: r})
	if err != nil {
		return nil, err
	}
	defer out.Acks.Close()
	var acks []media.Ack
	for {
		a, err := out.Acks.Next()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return acks, err
		}
		acks = append(acks, a)
	}
}

func kinds(acks []media.Ack) string { return mediatest.Kinds(acks) }

func TestPutMediaAcknowledgesEachFragment(t *testing.T) {
	_, client, _, name := mediaSetup(t, 24)
	b := newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}, [2]int64{1, 33}).cluster(t0+1000, [2]int64{1, 0})
	acks, err := put(t, client, name, bytes.NewReader(b.b))
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(acks); got != "BUFFERING RECEIVED PERSISTED BUFFERING RECEIVED PERSISTED" {
		t.Fatalf("acks %s", got)
	}
	if acks[0].FragmentTimecode != t0 || acks[3].FragmentTimecode != t0+1000 || acks[0].FragmentNumber == "" ||
		media.CompareFragmentNumbers(acks[0].FragmentNumber, acks[3].FragmentNumber) >= 0 || len(acks[0].FragmentNumber) != 47 {
		t.Errorf("acks %+v", acks)
	}
}

func TestPutMediaWithoutRetentionIsNeverPersisted(t *testing.T) {
	_, client, _, name := mediaSetup(t, 0)
	acks, err := put(t, client, name, bytes.NewReader(newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}).b))
	if err != nil || kinds(acks) != "BUFFERING RECEIVED" {
		t.Fatalf("acks %s, %v", kinds(acks), err)
	}
}

// TestPutMediaErrorAcks sends a body breaking each documented rule and checks the error id; the
// service ends the request after an error.
func TestPutMediaErrorAcks(t *testing.T) {
	limits := kvstest.WithMediaLimits(kvstest.MediaLimits{MaxFragmentSize: 100, MaxFragmentDuration: 2 * time.Second, MaxFragmentMetadata: 2, PutMediaCallsPerSecond: -1})
	_, client, _, name := mediaSetup(t, 24, limits)
	twoHeaders := append(newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}).b, newBody(t, videoTrack).b...)
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"fragment too large", newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}, [2]int64{1, 1}, [2]int64{1, 2}, [2]int64{1, 3}, [2]int64{1, 4}, [2]int64{1, 5}, [2]int64{1, 6}, [2]int64{1, 7}, [2]int64{1, 8}, [2]int64{1, 9}, [2]int64{1, 10}).b,
			"BUFFERING ERROR:MAX_FRAGMENT_SIZE_REACHED"},
		{"fragment too long", newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}, [2]int64{1, 2500}).b, "BUFFERING ERROR:MAX_FRAGMENT_DURATION_REACHED"},
		{"timecode going back", newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}).cluster(t0-1000, [2]int64{1, 0}).b,
			"BUFFERING RECEIVED PERSISTED ERROR:FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"},
		{"not MKV", []byte("this is not a Matroska stream at all"), "ERROR:INVALID_MKV_DATA"},
		{"a second segment", twoHeaders, "BUFFERING RECEIVED PERSISTED ERROR:INVALID_MKV_DATA"},
		{"too much metadata", newBody(t, videoTrack).tags("a", "b", "c").cluster(t0, [2]int64{1, 0}).b, "ERROR:FRAGMENT_METADATA_LIMIT_REACHED"},
		{"reserved metadata name", newBody(t, videoTrack).tags("AWS_MINE").cluster(t0, [2]int64{1, 0}).b, "ERROR:INVALID_FRAGMENT_METADATA"},
		{"unknown track", newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}, [2]int64{3, 10}).b, "BUFFERING ERROR:TRACK_NUMBER_MISMATCH"},
		{"a track without frames", newBody(t, videoTrack, audioTrack).cluster(t0, [2]int64{1, 0}).cluster(t0+1000, [2]int64{1, 0}).b,
			"BUFFERING ERROR:FRAMES_MISSING_FOR_TRACK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acks, err := put(t, client, name, bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(acks); got != tt.want {
				t.Fatalf("acks %s, want %s", got, tt.want)
			}
			if last := acks[len(acks)-1]; last.ErrorID.Retriable() {
				t.Errorf("%s is retriable", last.ErrorID)
			}
		})
	}
	t.Run("four tracks", func(t *testing.T) { // a header larger than the small limits above allow
		_, client, _, name := mediaSetup(t, 24)
		acks, err := put(t, client, name, bytes.NewReader(fourTracks(t)))
		if got, want := kinds(acks), "ERROR:MORE_THAN_ALLOWED_TRACKS_FOUND"; err != nil || got != want {
			t.Fatalf("acks %s (%v), want %s", got, err, want)
		}
	})
}

// fourTracks returns a header with four tracks, one more than KVS allows (and than mkv writes):
// the header of three, with a fourth TrackEntry added to its Tracks element.
func fourTracks(t *testing.T) []byte {
	t.Helper()
	third := audioTrack
	third.Number, third.UID = 3, 3
	b := newBody(t, videoTrack, audioTrack, third).b
	id := []byte{0x16, 0x54, 0xAE, 0x6B} // Tracks
	at := bytes.Index(b, id)
	if at < 0 {
		t.Fatal("no Tracks element in the header")
	}
	sizeAt := at + len(id)
	width := bits.LeadingZeros8(b[sizeAt]) + 1
	size := uint64(b[sizeAt]) & (0xFF >> width)
	for _, c := range b[sizeAt+1 : sizeAt+width] {
		size = size<<8 | uint64(c)
	}
	entry := []byte{0xAE, 0x8D, 0xD7, 0x81, 0x04, 0x73, 0xC5, 0x81, 0x04, 0x83, 0x81, 0x02, 0x86, 0x81, 'A'} // track 4, audio
	size += uint64(len(entry))
	end := sizeAt + width + int(size) - len(entry)
	out := append([]byte(nil), b[:sizeAt]...)
	out = append(out, 0x01, byte(size>>48), byte(size>>40), byte(size>>32), byte(size>>24), byte(size>>16), byte(size>>8), byte(size))
	out = append(out, b[sizeAt+width:end]...)
	out = append(out, entry...)
	return append(out, b[end:]...)
}

func TestPutMediaRefusals(t *testing.T) {
	srv, client, _, name := mediaSetup(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{PutMediaCallsPerSecond: 3}))
	ctx := context.Background()
	var nf *media.ResourceNotFoundException
	if _, err := client.PutMedia(ctx, &media.PutMediaInput{StreamName: "missing", Body: http.NoBody}); !errors.As(err, &nf) {
		t.Errorf("unknown stream: %v", err)
	}
	// One connection per stream: a second one waits for the first to end.
	pr, pw := io.Pipe()
	defer pw.Close()
	first, err := client.PutMedia(ctx, &media.PutMediaInput{StreamName: name, Body: pr})
	if err != nil {
		t.Fatal(err)
	}
	var cle *media.ConnectionLimitExceededException
	if _, err := client.PutMedia(ctx, &media.PutMediaInput{StreamName: name, Body: http.NoBody}); !errors.As(err, &cle) {
		t.Errorf("second connection: %v", err)
	}
	pw.Close()
	first.Acks.Close()
	// The call rate is limited per stream (3 per second here).
	var throttled *media.ClientLimitExceededException
	for i := 0; i < 5 && !errors.As(err, &throttled); i++ {
		_, err = put(t, client, name, bytes.NewReader(newBody(t, videoTrack).b))
	}
	if !errors.As(err, &throttled) {
		t.Errorf("rate limit not applied: %v", err)
	}
	if srv.Calls("PutMedia") < 4 {
		t.Errorf("calls %d", srv.Calls("PutMedia"))
	}
	// Headers are checked (the requests are signed with the headers as sent).
	for _, h := range []struct{ key, value, want string }{
		{"X-Amzn-Fragment-Timecode-Type", "SOMETIMES", "ABSOLUTE or RELATIVE"},
		{"X-Amzn-Producer-Start-Timestamp", "yesterday", "not a number of seconds"},
		{"X-Amzn-Stream-Arn", "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/1", "Exactly one of"},
	} {
		time.Sleep(time.Second) // stay under the call rate
		req := newRequest(t, srv.DataURL, "/putMedia", "")
		req.Header.Set("X-Amzn-Stream-Name", name)
		req.Header.Set("X-Amzn-Fragment-Timecode-Type", "ABSOLUTE")
		req.Header.Set(h.key, h.value)
		sign(t, req, srv.Credentials(), srv.Region, time.Now(), "")
		if r := send(t, srv, req); r.status != http.StatusBadRequest || r.code != "InvalidArgumentException" || !strings.Contains(r.message, h.want) {
			t.Errorf("%s=%s: HTTP %d %s %q", h.key, h.value, r.status, r.code, r.message)
		}
	}
}

func TestPutMediaStreamDeletedWhileWriting(t *testing.T) {
	_, client, control, name := mediaSetup(t, 24)
	pr, pw := io.Pipe()
	defer pw.Close()
	out, err := client.PutMedia(context.Background(), &media.PutMediaInput{StreamName: name, Body: pr})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Acks.Close()
	go pw.Write(newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}).b) //nolint:errcheck // the reader ends it
	if a, _ := out.Acks.Next(); a.EventType != media.AckEventBuffering {
		t.Fatalf("first ack %+v", a)
	}
	desc, _ := control.DescribeStream(context.Background(), &kvs.DescribeStreamInput{StreamName: name})
	if _, err := control.DeleteStream(context.Background(), &kvs.DeleteStreamInput{StreamARN: desc.StreamInfo.StreamARN}); err != nil {
		t.Fatal(err)
	}
	go pw.Write(newBody(t, videoTrack).cluster(t0+1000, [2]int64{1, 0}).b[len(newBody(t, videoTrack).b):]) //nolint:errcheck
	a, err := out.Acks.Next()
	if err != nil || a.EventType != media.AckEventError || a.ErrorID != media.AckErrStreamNotActive {
		t.Fatalf("after deletion: %+v, %v", a, err)
	}
}

func TestPutMediaIdleAcksAndTimeouts(t *testing.T) {
	t.Run("idle acknowledgements, then the request ends", func(t *testing.T) {
		_, client, _, name := mediaSetup(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{IdleAckInterval: 50 * time.Millisecond, IdleTimeout: 400 * time.Millisecond}))
		pr, pw := io.Pipe()
		defer pw.Close()
		go pw.Write(newBody(t, videoTrack).b) //nolint:errcheck // then silence
		begin := time.Now()
		acks, err := put(t, client, name, pr)
		if err != nil {
			t.Fatal(err)
		}
		idle := strings.Count(kinds(acks), "IDLE")
		if idle < 3 || time.Since(begin) < 400*time.Millisecond {
			t.Errorf("%d IDLE acks, ended after %v", idle, time.Since(begin))
		}
	})
	t.Run("maximum connection duration", func(t *testing.T) {
		_, client, _, name := mediaSetup(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{MaxConnectionDuration: 300 * time.Millisecond}))
		pr, pw := io.Pipe()
		defer pw.Close()
		go pw.Write(newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}).b) //nolint:errcheck
		acks, err := put(t, client, name, pr)
		if err != nil || !strings.HasSuffix(kinds(acks), "ERROR:MAX_CONNECTION_DURATION_REACHED") || !acks[len(acks)-1].ErrorID.Retriable() {
			t.Fatalf("acks %s, %v", kinds(acks), err)
		}
	})
}
