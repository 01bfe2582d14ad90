package kvstest_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia/types"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/interop/differential"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// TestArchivedOperationsThroughBothClients runs the six archived-media operations through our
// client and the AWS SDK's kinesisvideoarchivedmedia client against one emulator, and checks
// that they get the same answers: the same fragments, media bytes, clip bytes, working session
// URLs, images and errors.
func TestArchivedOperationsThroughBothClients(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		wiretest.Skip(t, "ffmpeg is not installed: %v", err)
	}
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	srv, control, _ := differential.SampleStream(t, "camera", start)
	env := struct {
		srv    *kvstest.Server
		client *archived.Client
		name   string
	}{srv, archived.New(archived.Options{Options: control.Options(), Control: control}), "camera"}
	theirs := official.NewFromConfig(env.srv.Config(), func(o *official.Options) {
		o.BaseEndpoint, o.RetryMaxAttempts = aws.String(env.srv.DataURL), 1
		o.HTTPClient = differential.KeepRequestBodies(o.HTTPClient)
	})
	sel := archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
		TimestampRange: archived.TimestampRange{StartTimestamp: start, EndTimestamp: start.Add(time.Minute)}}
	var theirSel types.FragmentSelector
	if err := differential.Convert(&theirSel, &sel); err != nil {
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
	ourMedia := wiretest.ReadAll(t, om.Payload)
	theirMedia, err := theirs.GetMediaForFragmentList(ctx, &official.GetMediaForFragmentListInput{StreamName: aws.String(env.name), Fragments: numbers})
	if err != nil {
		t.Fatal(err)
	}
	if b := wiretest.ReadAll(t, theirMedia.Payload); !bytes.Equal(b, ourMedia) || aws.ToString(theirMedia.ContentType) != "video/webm" {
		t.Fatalf("GetMediaForFragmentList: %d bytes (%s) officially, %d ours", len(b), aws.ToString(theirMedia.ContentType), len(ourMedia))
	}

	oc, err := env.client.GetClip(ctx, &archived.GetClipInput{StreamName: env.name, ClipFragmentSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	ourClip := wiretest.ReadAll(t, oc.Payload)
	var clipSel types.ClipFragmentSelector
	if err := differential.Convert(&clipSel, &sel); err != nil {
		t.Fatal(err)
	}
	theirClip, err := theirs.GetClip(ctx, &official.GetClipInput{StreamName: aws.String(env.name), ClipFragmentSelector: &clipSel})
	if err != nil {
		t.Fatal(err)
	}
	if b := wiretest.ReadAll(t, theirClip.Payload); !bytes.Equal(b, ourClip) || aws.ToString(theirClip.ContentType) != "video/mp4" {
		t.Fatalf("GetClip: %d bytes officially, %d ours", len(b), len(ourClip))
	}

	hls, err := theirs.GetHLSStreamingSessionURL(ctx, &official.GetHLSStreamingSessionURLInput{StreamName: aws.String(env.name),
		PlaybackMode: types.HLSPlaybackModeOnDemand, HLSFragmentSelector: &types.HLSFragmentSelector{
			FragmentSelectorType: types.HLSFragmentSelectorTypeProducerTimestamp,
			TimestampRange:       &types.HLSTimestampRange{StartTimestamp: aws.Time(start), EndTimestamp: aws.Time(start.Add(time.Minute))}}})
	if err != nil {
		t.Fatal(err)
	}
	if p := mediaPlaylist(t, env.srv, aws.ToString(hls.HLSStreamingSessionURL)); strings.Count(p, "\n#EXTINF:") != 5 {
		t.Fatalf("HLS session of the official client:\n%s", p)
	}
	dash, err := theirs.GetDASHStreamingSessionURL(ctx, &official.GetDASHStreamingSessionURLInput{StreamName: aws.String(env.name)})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := get(t, env.srv, aws.ToString(dash.DASHStreamingSessionURL)); status != 200 || !bytes.Contains(body, []byte(`type="dynamic"`)) {
		t.Fatalf("DASH session of the official client: HTTP %d %s", status, body)
	}
	ourHLSOut, err := env.client.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: env.name})
	if err != nil {
		t.Fatal(err)
	}
	ourDASHOut, err := env.client.GetDASHStreamingSessionURL(ctx, &archived.GetDASHStreamingSessionURLInput{StreamName: env.name})
	if err != nil {
		t.Fatal(err)
	}
	ourHLS, ourDASH := ourHLSOut.HLSStreamingSessionURL, ourDASHOut.DASHStreamingSessionURL
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
	if err := differential.Convert(&theirIn, imagesIn); err != nil {
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

// get fetches a playback URL without signing it, and returns the HTTP status and the body.
func get(t *testing.T, s *kvstest.Server, u string) (int, []byte) {
	t.Helper()
	resp, err := s.Client().Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, wiretest.ReadAll(t, resp.Body)
}

// mediaPlaylist fetches the media playlist a master playlist names last.
func mediaPlaylist(t *testing.T, s *kvstest.Server, master string) string {
	t.Helper()
	status, body := get(t, s, master)
	if status != http.StatusOK {
		t.Fatalf("master playlist: HTTP %d %s", status, body)
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	base, _ := url.Parse(master)
	ref, _ := url.Parse(lines[len(lines)-1])
	status, body = get(t, s, base.ResolveReference(ref).String())
	if status != http.StatusOK {
		t.Fatalf("media playlist: HTTP %d %s", status, body)
	}
	return string(body)
}
