package media_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

func exampleSetup() (*kvstest.Server, *media.Client, func()) {
	srv := kvstest.NewServer(kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 200 * time.Millisecond}))
	control := kvs.NewFromConfig(srv.Config())
	_, _ = control.CreateStream(context.Background(), &kvs.CreateStreamInput{StreamName: "camera-1", DataRetentionInHours: 24})
	return srv, media.New(media.Options{Options: control.Options(), Control: control}), srv.Close
}

// exampleAVCRecord returns the decoder configuration of a 320x240 H.264 Main stream, built from
// its parameter sets.
func exampleAVCRecord() []byte {
	sps := []byte{0x67, 0x4d, 0x40, 0x0d, 0xd9, 0x01, 0x41, 0xfb, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0xa4, 0x80}
	pps := []byte{0x68, 0xeb, 0xcc, 0xb2}
	record, err := (mkv.H264Config{SPS: [][]byte{sps}, PPS: [][]byte{pps}, Profile: 0x4d, Constraints: 0x40, Level: 0x0d}).DecoderConfig()
	if err != nil {
		panic(err)
	}
	return record
}

func ExampleProducer() {
	_, client, done := exampleSetup()
	defer done()
	ctx := context.Background()

	// An H.264 track whose configuration comes from this record (it could also come from the
	// first key frame's SPS and PPS), and frames given as length-prefixed NAL units.
	record := exampleAVCRecord()
	p, err := media.NewProducer(ctx, client, media.ProducerConfig{
		StreamName: "camera-1",
		Tracks:     []media.TrackConfig{{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: record}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	frame := []byte{0, 0, 0, 5, 0x65, 0x88, 0x84, 0x00, 0x33} // one slice
	for i := range 90 {                                       // 3 s at 30 fps
		if err := p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: time.Duration(i) * time.Second / 30, Keyframe: i%60 == 0, Data: frame}); err != nil {
			fmt.Println(err)
			break
		}
	}
	if err := p.Close(ctx); err != nil { // waits until every fragment is PERSISTED
		fmt.Println(err)
		return
	}
	st := p.Stats()
	fmt.Println("fragments persisted:", st.FragmentsPersisted, "frames:", st.FramesWritten)
	// Output:
	// fragments persisted: 2 frames: 90
}

func ExampleConsumer() {
	_, client, done := exampleSetup()
	defer done()
	ctx := context.Background()
	writeExampleStream(ctx, client)

	c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{
		StreamName:  "camera-1",
		Start:       media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest},
		IdleTimeout: time.Second, // stop once the stream is quiet
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	for f, err := range c.Fragments(ctx) { // ends cleanly at IdleTimeout
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(f.ProducerTimestamp.Format(time.RFC3339), len(f.Frames), "frames, token", f.ContinuationToken == f.FragmentNumber)
	}
	// Output:
	// 2026-01-01T00:00:00Z 60 frames, token true
	// 2026-01-01T00:00:02Z 30 frames, token true
}

// writeExampleStream writes 3 s of synthetic video starting at 2026-01-01.
func writeExampleStream(ctx context.Context, client *media.Client) {
	record := exampleAVCRecord()
	p, _ := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: "camera-1",
		StartTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Tracks:    []media.TrackConfig{{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: record}}})
	frame := []byte{0, 0, 0, 5, 0x65, 0x88, 0x84, 0x00, 0x33}
	for i := range 90 {
		_ = p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: time.Duration(i) * time.Second / 30, Keyframe: i%60 == 0, Data: frame})
	}
	_ = p.Close(ctx)
}

func ExampleFragmentReader() {
	// Any GetMedia-format stream: a response body, a file, or this one made by hand.
	doc, _ := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
	doc, _ = mkv.AppendTags(doc, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{
		{Name: media.TagFragmentNumber, String: "91343852333181432392682062607743920146159169392"},
		{Name: media.TagProducerTimestamp, String: "1700000000.000"},
	}}})
	doc, _ = mkv.AppendClusterStart(doc, 0, mkv.UnknownSize)
	doc, _ = mkv.AppendSimpleBlock(doc, 0, mkv.Frame{Track: 1, Timecode: 0, Keyframe: true, Data: []byte("frame")})

	r := media.NewFragmentReader(bytes.NewReader(doc))
	for {
		f, err := r.Next()
		if err != nil {
			break
		}
		fmt.Println(f.FragmentNumber, f.ProducerTimestamp.UTC().Format(time.RFC3339), len(f.Frames))
	}
	// Output:
	// 91343852333181432392682062607743920146159169392 2023-11-14T22:13:20Z 1
}
