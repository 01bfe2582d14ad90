package archived_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// exampleStart is the producer time of the examples' media.
var exampleStart = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// exampleStream starts an emulator with a stream "camera" holding 4 seconds of H.264 video (two
// fragments, from exampleStart) and returns its archived-media client and a function that stops
// it. The video was made with:
//
//	ffmpeg -f lavfi -i testsrc2=size=64x48:rate=10 -t 4 -c:v libx264 -profile:v main -g 10 -bf 0 \
//	  -b:v 50k -f h264 testdata/testsrc-64x48-10fps-4s.h264
func exampleStream() (*archived.Client, func()) {
	srv := kvstest.NewServer()
	ctx := context.Background()
	control := kvs.NewFromConfig(srv.Config())
	if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "camera", DataRetentionInHours: 24}); err != nil {
		log.Fatal(err)
	}
	video, err := os.ReadFile("testdata/testsrc-64x48-10fps-4s.h264")
	if err != nil {
		log.Fatal(err)
	}
	mc := media.New(media.Options{Options: control.Options(), Control: control})
	p, err := media.NewProducer(ctx, mc, media.ProducerConfig{StreamName: "camera",
		Tracks: []media.TrackConfig{{Codec: media.CodecH264}}, StartTime: exampleStart})
	if err != nil {
		log.Fatal(err)
	}
	aus, _ := media.NewAccessUnitReader(bytes.NewReader(video), media.CodecH264)
	for i := 0; ; i++ {
		au, key, err := aus.Next()
		if err == io.EOF {
			break
		}
		if err := p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: time.Duration(i) * 100 * time.Millisecond, Keyframe: key, Data: au}); err != nil {
			log.Fatal(err)
		}
	}
	if err := p.Close(ctx); err != nil {
		log.Fatal(err)
	}
	return archived.New(archived.Options{Options: control.Options(), Control: control}), srv.Close
}

// List the fragments of a time range, in order of their producer timestamps. The client finds
// the stream's data endpoint for LIST_FRAGMENTS itself.
func ExampleClient_FragmentsInRange() {
	client, stop := exampleStream()
	defer stop()
	frags, err := client.FragmentsInRange(context.Background(), archived.FragmentRange{
		StreamName: "camera",
		Selector: archived.FragmentSelector{
			FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
			TimestampRange:       archived.TimestampRange{StartTimestamp: exampleStart, EndTimestamp: exampleStart.Add(time.Hour)},
		},
		Deduplicate: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range frags {
		fmt.Printf("fragment at +%v, %d ms\n", f.ProducerTimestamp.Sub(exampleStart), f.FragmentLengthInMilliseconds)
	}
	// Output:
	// fragment at +0s, 2000 ms
	// fragment at +2s, 2000 ms
}

// Download a clip of a time range as an MP4 file, and read its tracks and samples.
func ExampleClient_GetClip() {
	client, stop := exampleStream()
	defer stop()
	out, err := client.GetClip(context.Background(), &archived.GetClipInput{
		StreamName: "camera",
		ClipFragmentSelector: archived.FragmentSelector{
			FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
			TimestampRange:       archived.TimestampRange{StartTimestamp: exampleStart, EndTimestamp: exampleStart.Add(10 * time.Second)},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer out.Payload.Close()
	clip, err := archived.ParseClip(out.Payload) // or io.Copy(file, out.Payload)
	if err != nil {
		log.Fatal(err)
	}
	v := clip.Tracks[0]
	fmt.Printf("%s: %s %dx%d, %d samples, %v\n", out.ContentType, v.Codec, v.Width, v.Height, len(v.Samples), v.Duration)
	// Output:
	// video/mp4: avc1 64x48, 40 samples, 4s
}

// Get the URL of an HLS session to hand to a player, such as ffplay or a browser.
func ExampleClient_GetHLSStreamingSessionURL() {
	client, stop := exampleStream()
	defer stop()
	out, err := client.GetHLSStreamingSessionURL(context.Background(), &archived.GetHLSStreamingSessionURLInput{
		StreamName:   "camera",
		PlaybackMode: archived.PlaybackModeOnDemand,
		HLSFragmentSelector: archived.StreamingFragmentSelector{
			FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
			TimestampRange:       archived.StreamingTimestampRange{StartTimestamp: exampleStart, EndTimestamp: exampleStart.Add(time.Minute)},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	u, _ := url.Parse(out.HLSStreamingSessionURL)
	fmt.Println(u.Path, u.Query().Has("SessionToken"))
	// Output:
	// /hls/v1/getHLSMasterPlaylist.m3u8 true
}

// Walk the images of a range, one a second. Each comes decoded, or with the reason it is
// missing: NO_MEDIA where the stream has no video.
func ExampleClient_Images() {
	client, stop := exampleStream()
	defer stop()
	ms := int32(1500)
	images := client.Images(context.Background(), &archived.GetImagesInput{
		StreamName:        "camera",
		ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		StartTimestamp:    exampleStart,
		EndTimestamp:      exampleStart.Add(5 * time.Second),
		SamplingInterval:  &ms,
		Format:            archived.ImageFormatJPEG,
	})
	for img, err := range images {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("+%v: media %v\n", img.Time.Sub(exampleStart), img.Err != archived.ImageErrorNoMedia)
	}
	// Output:
	// +0s: media true
	// +1.5s: media true
	// +3s: media true
	// +4.5s: media false
}
