package kvstest_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia/types"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// TestArchivedOperationsThroughBothClients runs the six archived-media operations through our
// client and the AWS SDK's kinesisvideoarchivedmedia client against one emulator, and checks
// that they get the same answers: the same fragments, media bytes, clip bytes, working session
// URLs, images and errors.
func TestArchivedOperationsThroughBothClients(t *testing.T) {
	needTool(t, "ffmpeg")
	env, start := imagesEnv(t)
	theirs := official.NewFromConfig(env.srv.Config(), func(o *official.Options) {
		o.BaseEndpoint, o.RetryMaxAttempts = aws.String(env.srv.DataURL), 1
		o.HTTPClient = wiretest.KeepRequestBodies(o.HTTPClient)
	})
	sel := producerRange(start, start.Add(time.Minute))
	var theirSel types.FragmentSelector
	if err := wiretest.Convert(&theirSel, &sel); err != nil {
		t.Fatal(err)
	}

	ours, err := env.client.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: env.name, FragmentSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	listed, err := theirs.ListFragments(ctx, &official.ListFragmentsInput{StreamName: aws.String(env.name), FragmentSelector: &theirSel})
	if err != nil {
		t.Fatal(err)
	}
	var numbers, theirNumbers []string
	for i := range ours.Fragments {
		numbers = append(numbers, ours.Fragments[i].FragmentNumber)
		theirNumbers = append(theirNumbers, aws.ToString(listed.Fragments[i].FragmentNumber))
	}
	slices.SortFunc(numbers, media.CompareFragmentNumbers)
	slices.SortFunc(theirNumbers, media.CompareFragmentNumbers)
	if len(numbers) != 5 || !slices.Equal(numbers, theirNumbers) {
		t.Fatalf("ListFragments: ours %v, official %v", numbers, theirNumbers)
	}

	om, err := env.client.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: env.name, Fragments: numbers})
	if err != nil {
		t.Fatal(err)
	}
	ourMedia := readAll(t, om.Payload)
	theirMedia, err := theirs.GetMediaForFragmentList(ctx, &official.GetMediaForFragmentListInput{StreamName: aws.String(env.name), Fragments: numbers})
	if err != nil {
		t.Fatal(err)
	}
	if b := readAll(t, theirMedia.Payload); !bytes.Equal(b, ourMedia) || aws.ToString(theirMedia.ContentType) != "video/webm" {
		t.Fatalf("GetMediaForFragmentList: %d bytes (%s) officially, %d ours", len(b), aws.ToString(theirMedia.ContentType), len(ourMedia))
	}

	oc, err := env.client.GetClip(ctx, &archived.GetClipInput{StreamName: env.name, ClipFragmentSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	ourClip := readAll(t, oc.Payload)
	var clipSel types.ClipFragmentSelector
	if err := wiretest.Convert(&clipSel, &sel); err != nil {
		t.Fatal(err)
	}
	theirClip, err := theirs.GetClip(ctx, &official.GetClipInput{StreamName: aws.String(env.name), ClipFragmentSelector: &clipSel})
	if err != nil {
		t.Fatal(err)
	}
	if b := readAll(t, theirClip.Payload); !bytes.Equal(b, ourClip) || aws.ToString(theirClip.ContentType) != "video/mp4" {
		t.Fatalf("GetClip: %d bytes officially, %d ours", len(b), len(ourClip))
	}

	hls, err := theirs.GetHLSStreamingSessionURL(ctx, &official.GetHLSStreamingSessionURLInput{StreamName: aws.String(env.name),
		PlaybackMode: types.HLSPlaybackModeOnDemand, HLSFragmentSelector: &types.HLSFragmentSelector{
			FragmentSelectorType: types.HLSFragmentSelectorTypeProducerTimestamp,
			TimestampRange:       &types.HLSTimestampRange{StartTimestamp: aws.Time(start), EndTimestamp: aws.Time(start.Add(time.Minute))}}})
	if err != nil {
		t.Fatal(err)
	}
	if p := mediaPlaylist(t, env.srv, aws.ToString(hls.HLSStreamingSessionURL)); len(tags(p, "#EXTINF:")) != 5 {
		t.Fatalf("HLS session of the official client:\n%s", p)
	}
	dash, err := theirs.GetDASHStreamingSessionURL(ctx, &official.GetDASHStreamingSessionURLInput{StreamName: aws.String(env.name)})
	if err != nil {
		t.Fatal(err)
	}
	if r := get(t, env.srv, aws.ToString(dash.DASHStreamingSessionURL)); r.status != 200 || !bytes.Contains(r.body, []byte(`type="dynamic"`)) {
		t.Fatalf("DASH session of the official client: HTTP %d %s", r.status, r.body)
	}
	ourHLS := hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{})
	ourDASH, _ := dashManifest(t, env, &archived.GetDASHStreamingSessionURLInput{})
	if prefix := func(u string) string { return u[:strings.Index(u, "SessionToken=")] }; prefix(ourHLS) != prefix(aws.ToString(hls.HLSStreamingSessionURL)) ||
		prefix(ourDASH) != prefix(aws.ToString(dash.DASHStreamingSessionURL)) {
		t.Fatalf("session URLs: ours %s and %s, official %s and %s", ourHLS, ourDASH, *hls.HLSStreamingSessionURL, *dash.DASHStreamingSessionURL)
	}

	imagesIn := &archived.GetImagesInput{StreamName: env.name, ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		StartTimestamp: start.Add(time.Second), EndTimestamp: start.Add(11 * time.Second), SamplingInterval: aws.Int32(5000),
		Format: archived.ImageFormatJPEG}
	ourImages, err := env.client.GetImages(ctx, imagesIn)
	if err != nil {
		t.Fatal(err)
	}
	var theirIn official.GetImagesInput
	if err := wiretest.Convert(&theirIn, imagesIn); err != nil {
		t.Fatal(err)
	}
	theirImages, err := theirs.GetImages(ctx, &theirIn)
	if err != nil {
		t.Fatal(err)
	}
	if len(ourImages.Images) != 3 || len(theirImages.Images) != 3 {
		t.Fatalf("GetImages: %d ours, %d official", len(ourImages.Images), len(theirImages.Images))
	}
	for i, img := range theirImages.Images {
		o := ourImages.Images[i]
		if aws.ToString(img.ImageContent) != o.ImageContent || string(img.Error) != string(o.Error) || !img.TimeStamp.Equal(o.TimeStamp) {
			t.Fatalf("image %d: official %s at %v, ours %s at %v", i, img.Error, img.TimeStamp, o.Error, o.TimeStamp)
		}
	}
	if o := ourImages.Images; o[0].ImageContent == "" || o[1].ImageContent == "" || o[2].Error != archived.ImageErrorNoMedia {
		t.Fatalf("images: %s %s %s", o[0].Error, o[1].Error, o[2].Error)
	}

	_, err = theirs.ListFragments(ctx, &official.ListFragmentsInput{StreamName: aws.String("nope"), FragmentSelector: &theirSel})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("official ListFragments of a missing stream: %v", err)
	}
	for _, op := range []kvstest.Operation{kvstest.OpListFragments, kvstest.OpGetMediaForFragmentList, kvstest.OpGetClip,
		kvstest.OpGetHLSStreamingSessionURL, kvstest.OpGetDASHStreamingSessionURL, kvstest.OpGetImages} {
		if n := env.srv.Calls(op); n < 2 {
			t.Errorf("%s was called %d times", op, n)
		}
	}
}

func readAll(t *testing.T, r io.ReadCloser) []byte {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
