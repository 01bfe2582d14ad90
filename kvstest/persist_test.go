package kvstest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/kvstest/internal/mediatest"
	"github.com/kvsgo/sdk/media"
)

// envOn returns the clients of an archived environment on srv, for the stream name.
func envOn(t *testing.T, srv *kvstest.Server, name string) *archivedEnv {
	control := client(srv)
	return &archivedEnv{srv: srv, control: control, name: name,
		media:  media.New(media.Options{Options: control.Options(), Control: control}),
		client: archived.New(archived.Options{Options: control.Options(), Control: control})}
}

// archiveView is what the archive serves of a stream: every read path, as bytes.
type archiveView struct {
	fragments []archived.Fragment
	list      []byte   // GetMediaForFragmentList of every fragment
	getMedia  []string // GetMedia from EARLIEST: a digest of each stored fragment
	clip      []byte
	hls       []byte // the first media segment of an on-demand HLS session
	images    [][]byte
}

func viewArchive(t *testing.T, env *archivedEnv, from, to time.Time) archiveView {
	t.Helper()
	var v archiveView
	frags, err := env.client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: env.name, Selector: producerRange(from, to)})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(frags, func(a, b archived.Fragment) int {
		return media.CompareFragmentNumbers(a.FragmentNumber, b.FragmentNumber)
	})
	v.fragments = frags
	var numbers []string
	for _, f := range frags {
		numbers = append(numbers, f.FragmentNumber)
	}
	list, err := env.client.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: env.name, Fragments: numbers})
	if err != nil {
		t.Fatal(err)
	}
	v.list = wiretest.ReadAll(t, list.Payload)

	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	gm, err := env.media.GetMedia(gctx, &media.GetMediaInput{StreamName: env.name, StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
	if err != nil {
		t.Fatal(err)
	}
	fr := media.NewFragmentReader(gm.Payload)
	for range frags {
		f, err := fr.Next()
		if err != nil {
			t.Fatalf("GetMedia: %v", err)
		}
		v.getMedia = append(v.getMedia, digest(f))
	}
	gm.Payload.Close()

	clip, err := env.client.GetClip(ctx, &archived.GetClipInput{StreamName: env.name, ClipFragmentSelector: producerRange(from, to)})
	if err != nil {
		t.Fatal(err)
	}
	v.clip = wiretest.ReadAll(t, clip.Payload)

	master := hlsURL(t, env, &archived.GetHLSStreamingSessionURLInput{PlaybackMode: archived.PlaybackModeOnDemand,
		HLSFragmentSelector: onDemandSelector(archived.FragmentSelectorTypeProducerTimestamp, from, to)})
	playlist := mediaPlaylist(t, env.srv, master)
	for _, line := range strings.Split(playlist, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			base, _ := url.Parse(master)
			ref, _ := url.Parse(line)
			r := get(t, env.srv, base.ResolveReference(ref).String())
			if r.status != 200 {
				t.Fatalf("HLS segment: HTTP %d %s", r.status, r.code)
			}
			v.hls = r.body
			break
		}
	}
	if _, err := exec.LookPath("ffmpeg"); err == nil {
		out, err := env.client.GetImages(ctx, &archived.GetImagesInput{StreamName: env.name, ImageSelectorType: archived.FragmentSelectorTypeProducerTimestamp,
			StartTimestamp: from.Add(500 * time.Millisecond), EndTimestamp: from.Add(4500 * time.Millisecond), SamplingInterval: aws.Int32(1000), Format: archived.ImageFormatJPEG})
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range out.Images {
			v.images = append(v.images, []byte(im.ImageContent))
		}
	}
	return v
}

// digest sums up a fragment GetMedia read: everything but how far behind now it was read.
func digest(f *media.Fragment) string {
	h := sha256.New()
	tags := maps.Clone(f.ServiceTags)
	delete(tags, media.TagMillisBehindNow)
	fmt.Fprintf(h, "%s %v %v %s %d %d %+v %+v %v\n", f.FragmentNumber, f.ServerTimestamp, f.ProducerTimestamp, f.ContinuationToken,
		f.TimecodeScale, f.Timecode, f.Tracks, f.Tags, tags)
	for _, fr := range f.Frames {
		fmt.Fprintf(h, "%d %v %v %x\n", fr.Track, fr.Timestamp, fr.Keyframe, fr.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestDataDirSurvivesRestart stores media and control-plane state in a data directory, closes
// the server, starts another on the directory and checks that every read path serves the same
// bytes, that the control plane is as it was, and that new fragments number above the old.
func TestDataDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env := newArchivedEnv(t, 24, kvstest.WithDataDir(dir), kvstest.WithClock(clk.Now))
	env.produce(t, start, loadAV(t, 1))
	must[*kvs.TagStreamOutput](t)(env.control.TagStream(ctx, &kvs.TagStreamInput{StreamName: env.name, Tags: map[string]string{"site": "lab"}}))
	must[*kvs.CreateSignalingChannelOutput](t)(env.control.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{ChannelName: "door"}))
	d := must[*kvs.DescribeStreamOutput](t)(env.control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: env.name}))
	must[*kvs.UpdateDataRetentionOutput](t)(env.control.UpdateDataRetention(ctx, &kvs.UpdateDataRetentionInput{StreamName: env.name,
		CurrentVersion: d.StreamInfo.Version, Operation: kvs.UpdateDataRetentionOperationIncreaseDataRetention, DataRetentionChangeInHours: 24}))
	beforeStream := must[*kvs.DescribeStreamOutput](t)(env.control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: env.name}))
	beforeChannel := must[*kvs.DescribeSignalingChannelOutput](t)(env.control.DescribeSignalingChannel(ctx, &kvs.DescribeSignalingChannelInput{ChannelName: "door"}))
	before := viewArchive(t, env, start, start.Add(time.Minute))
	if len(before.fragments) == 0 || len(before.hls) == 0 {
		t.Fatalf("nothing stored: %d fragments", len(before.fragments))
	}
	env.srv.Close()

	srv := start2(t, kvstest.WithDataDir(dir), kvstest.WithClock(clk.Now))
	env2 := envOn(t, srv, env.name)
	afterStream := must[*kvs.DescribeStreamOutput](t)(env2.control.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: env.name}))
	if diff := wiretest.Diff(beforeStream.StreamInfo, afterStream.StreamInfo); diff != "" {
		t.Errorf("DescribeStream after the restart (want: before, got: after):\n%s", diff)
	}
	afterChannel := must[*kvs.DescribeSignalingChannelOutput](t)(env2.control.DescribeSignalingChannel(ctx, &kvs.DescribeSignalingChannelInput{ChannelName: "door"}))
	if diff := wiretest.Diff(beforeChannel.ChannelInfo, afterChannel.ChannelInfo); diff != "" {
		t.Errorf("DescribeSignalingChannel after the restart (want: before, got: after):\n%s", diff)
	}
	tags := must[*kvs.ListTagsForStreamOutput](t)(env2.control.ListTagsForStream(ctx, &kvs.ListTagsForStreamInput{StreamName: env.name}))
	if tags.Tags["site"] != "lab" {
		t.Errorf("tags after the restart: %v", tags.Tags)
	}
	after := viewArchive(t, env2, start, start.Add(time.Minute))
	if diff := wiretest.Diff(before.fragments, after.fragments); diff != "" {
		t.Errorf("ListFragments after the restart (want: before, got: after):\n%s", diff)
	}
	for _, c := range []struct {
		what          string
		before, after []byte
	}{{"GetMediaForFragmentList", before.list, after.list},
		{"GetClip", before.clip, after.clip}, {"HLS segment", before.hls, after.hls}} {
		if !bytes.Equal(c.before, c.after) {
			t.Errorf("%s serves %d bytes after the restart, %d different ones before", c.what, len(c.after), len(c.before))
		}
	}
	if diff := wiretest.Diff(before.getMedia, after.getMedia); diff != "" {
		t.Errorf("GetMedia EARLIEST after the restart (want: before, got: after):\n%s", diff)
	}
	if len(before.images) != len(after.images) {
		t.Errorf("GetImages: %d images after the restart, %d before", len(after.images), len(before.images))
	}
	for i := range min(len(before.images), len(after.images)) {
		if !bytes.Equal(before.images[i], after.images[i]) {
			t.Errorf("GetImages: image %d differs after the restart", i)
		}
	}

	// Fragments produced after the restart number above the stored ones.
	clk.Advance(time.Minute)
	env2.produce(t, start.Add(time.Hour), loadAV(t, 1))
	frags, err := env2.client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: env.name, Selector: producerRange(start.Add(time.Hour), start.Add(2*time.Hour))})
	if err != nil || len(frags) == 0 {
		t.Fatalf("fragments after the restart: %d, %v", len(frags), err)
	}
	newest := before.fragments[len(before.fragments)-1].FragmentNumber
	for _, f := range frags {
		if media.CompareFragmentNumbers(f.FragmentNumber, newest) <= 0 {
			t.Fatalf("fragment %s produced after the restart does not number above %s", f.FragmentNumber, newest)
		}
	}
}

// start2 starts a server that the test closes at its end.
func start2(t *testing.T, opts ...kvstest.Option) *kvstest.Server {
	t.Helper()
	srv, err := kvstest.Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// TestDataDirInUse checks that a second server cannot open a data directory in use.
func TestDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	start2(t, kvstest.WithDataDir(dir))
	if _, err := kvstest.Start(kvstest.WithDataDir(dir)); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("a second server on the same data directory: %v", err)
	}
}

// TestDataDirDamagedWhileStopped damages a stored fragment on disk while the server is stopped.
// A server started again on the directory restores from the fragment index, not the frames, so
// it starts and lists every fragment; it finds the damage when it serves the fragment:
// GetMedia and GetMediaForFragmentList answer it with the in-band error 5000 and serve the
// others whole. (Damage found by a running server, and the log: internal/mediaapi and
// internal/archive.)
func TestDataDirDamagedWhileStopped(t *testing.T) {
	dir := t.TempDir()
	srv := start2(t, kvstest.WithDataDir(dir))
	env := envOn(t, srv, "cam")
	must[*kvs.CreateStreamOutput](t)(env.control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}))
	acks, err := put(t, env.media, "cam", bytes.NewReader(mediatest.Stream(t, 3)))
	if err != nil {
		t.Fatal(err)
	}
	stored := mediatest.Numbers(acks, media.AckEventPersisted)
	if len(stored) != 3 {
		t.Fatalf("%d fragments persisted: %v", len(stored), acks)
	}
	srv.Close()
	mediatest.DamageMiddle(t, dir)

	env = envOn(t, start2(t, kvstest.WithDataDir(dir)), "cam")
	frags, err := env.client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: "cam",
		Selector: producerRange(time.UnixMilli(mediatest.Start), time.UnixMilli(mediatest.Start+10_000))})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, f := range frags {
		listed = append(listed, f.FragmentNumber)
	}
	slices.SortFunc(listed, media.CompareFragmentNumbers)
	if !slices.Equal(listed, stored) {
		t.Fatalf("the restarted server lists %q, want %q", listed, stored)
	}

	const internalError = 5000 // the in-band error of a fragment the service cannot read
	want := []string{stored[0], fmt.Sprintf("error %d %s", internalError, stored[1]), stored[2]}
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	gm, err := env.media.GetMedia(gctx, &media.GetMediaInput{StreamName: "cam", StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
	if err != nil {
		t.Fatal(err)
	}
	defer gm.Payload.Close()
	if got := mediatest.Served(t, gm.Payload, len(want)); !slices.Equal(got, want) {
		t.Errorf("GetMedia served %q, want %q", got, want)
	}
	list, err := env.client.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: "cam", Fragments: stored})
	if err != nil {
		t.Fatal(err)
	}
	defer list.Payload.Close()
	if got := mediatest.Served(t, list.Payload, len(want)); !slices.Equal(got, want) {
		t.Errorf("GetMediaForFragmentList served %q, want %q", got, want)
	}
}
