package archived_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

var ctx = context.Background()

func TestBadInputFailsBeforeTheNetwork(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	c := wireClient(srv)
	t0 := wiretest.SampleTime
	rng := func(from, to time.Time) archived.FragmentSelector {
		return archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
			TimestampRange: archived.TimestampRange{StartTimestamp: from, EndTimestamp: to}}
	}
	session := func(from, to time.Time) archived.StreamingFragmentSelector {
		return archived.StreamingFragmentSelector{TimestampRange: archived.StreamingTimestampRange{StartTimestamp: from, EndTimestamp: to}}
	}
	images := func(change func(*archived.GetImagesInput)) error {
		in := &archived.GetImagesInput{StreamName: "s", ImageSelectorType: archived.FragmentSelectorTypeServerTimestamp,
			StartTimestamp: t0, EndTimestamp: t0.Add(time.Minute), Format: archived.ImageFormatPNG}
		change(in)
		_, err := c.GetImages(ctx, in)
		return err
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"no stream", func() error {
			_, err := c.ListFragments(ctx, &archived.ListFragmentsInput{NextToken: "dG9r"})
			return err
		}(),
			"ListFragmentsInput.StreamName: set StreamName or StreamARN"},
		{"nil input", func() error { _, err := c.GetClip(ctx, nil); return err }(), "GetClipInput.ClipFragmentSelector: missing required value"},
		{"MaxResults 1001", func() error {
			_, err := c.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: "s", NextToken: "dG9r", MaxResults: aws.Int64(1001)})
			return err
		}(), "ListFragmentsInput.MaxResults: value 1001 is above the maximum 1000"},
		{"token not base64", func() error {
			_, err := c.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: "s", NextToken: "a-b"})
			return err
		}(), "does not match the pattern base64Token"},
		{"clip end before start", func() error {
			_, err := c.GetClip(ctx, &archived.GetClipInput{StreamName: "s", ClipFragmentSelector: rng(t0, t0.Add(-time.Second))})
			return err
		}(), "ClipFragmentSelector.TimestampRange.EndTimestamp: must be later than StartTimestamp"},
		{"clip over 24 hours", func() error {
			_, err := c.GetClip(ctx, &archived.GetClipInput{StreamName: "s", ClipFragmentSelector: rng(t0, t0.Add(25*time.Hour))})
			return err
		}(), "must be within 24h0m0s of StartTimestamp"},
		{"fragment number", func() error {
			_, err := c.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: "s", Fragments: []string{"12a"}})
			return err
		}(), "GetMediaForFragmentListInput.Fragments[0]"},
		{"no fragments", func() error {
			_, err := c.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: "s"})
			return err
		}(), "GetMediaForFragmentListInput.Fragments: missing required value"},
		{"LIVE with a range", func() error {
			_, err := c.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: "s", HLSFragmentSelector: session(t0, time.Time{})})
			return err
		}(), "HLSFragmentSelector.TimestampRange: must not be set when PlaybackMode is LIVE"},
		{"ON_DEMAND without an end", func() error {
			_, err := c.GetDASHStreamingSessionURL(ctx, &archived.GetDASHStreamingSessionURLInput{StreamName: "s",
				PlaybackMode: archived.PlaybackModeOnDemand, DASHFragmentSelector: session(t0, time.Time{})})
			return err
		}(), "needs StartTimestamp and EndTimestamp when PlaybackMode is ON_DEMAND"},
		{"LIVE_REPLAY without a start", func() error {
			_, err := c.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: "s", PlaybackMode: archived.PlaybackModeLiveReplay})
			return err
		}(), "HLSFragmentSelector.TimestampRange.StartTimestamp: missing required value when PlaybackMode is LIVE_REPLAY"},
		{"session over 24 hours", func() error {
			_, err := c.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: "s",
				PlaybackMode: archived.PlaybackModeOnDemand, HLSFragmentSelector: session(t0, t0.Add(25*time.Hour))})
			return err
		}(), "must be within 24h0m0s"},
		{"Expires 299", func() error {
			_, err := c.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: "s", Expires: aws.Int32(299)})
			return err
		}(), "GetHLSStreamingSessionURLInput.Expires: value 299 is below the minimum 300"},
		{"Expires 43201", func() error {
			_, err := c.GetDASHStreamingSessionURL(ctx, &archived.GetDASHStreamingSessionURLInput{StreamName: "s", Expires: aws.Int32(43201)})
			return err
		}(), "value 43201 is above the maximum 43200"},
		{"unknown container", func() error {
			_, err := c.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: "s", ContainerFormat: "MP3"})
			return err
		}(), `"MP3" is not one of FRAGMENTED_MP4, MPEG_TS`},
		{"images over 300 s", images(func(in *archived.GetImagesInput) { in.EndTimestamp = t0.Add(301 * time.Second) }),
			"GetImagesInput.EndTimestamp: must be within 5m0s of StartTimestamp"},
		{"images end before start", images(func(in *archived.GetImagesInput) { in.EndTimestamp = t0.Add(-time.Second) }),
			"must not be before StartTimestamp"},
		{"sampling 199 ms", images(func(in *archived.GetImagesInput) { in.SamplingInterval = aws.Int32(199) }),
			"SamplingInterval: value 199 is below the minimum 200 ms"},
		{"JPEG quality 101", images(func(in *archived.GetImagesInput) {
			in.FormatConfig = map[archived.FormatConfigKey]string{archived.FormatConfigKeyJPEGQuality: "101"}
		}), `"101" is not an integer from 1 to 100`},
		{"image width 3841", images(func(in *archived.GetImagesInput) { in.WidthPixels = aws.Int32(3841) }),
			"WidthPixels: value 3841 is above the maximum 3840"},
		{"images MaxResults 101", images(func(in *archived.GetImagesInput) { in.MaxResults = aws.Int64(101) }),
			"MaxResults: value 101 is above the maximum 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
				t.Fatalf("error %v, want one about %q", tc.err, tc.want)
			}
		})
	}
	if n := len(srv.Take()); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
}

// TestDataEndpointsPerAPI checks that the client looks a stream's data endpoint up once per
// API, and again after the service says the endpoint is not the right one.
func TestDataEndpointsPerAPI(t *testing.T) {
	srv := kvstest.NewServer()
	defer srv.Close()
	control := kvs.NewFromConfig(srv.Config())
	if _, err := control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s", DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var apis []string
	srv.OnCall(func(op kvstest.Operation, r *http.Request) error {
		if op == "GetDataEndpoint" {
			var in struct{ APIName string }
			_ = json.NewDecoder(r.Body).Decode(&in)
			mu.Lock()
			apis = append(apis, in.APIName)
			mu.Unlock()
		}
		return nil
	})
	c := archived.NewFromConfig(srv.Config())
	sel := archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
		TimestampRange: archived.TimestampRange{StartTimestamp: time.Now().Add(-time.Hour), EndTimestamp: time.Now()}}
	for range 2 {
		if _, err := c.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: "s", FragmentSelector: sel}); err != nil {
			t.Fatal(err)
		}
		out, err := c.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: "s", Fragments: []string{"1"}})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, out.Payload)
		out.Payload.Close()
	}
	srv.FailNext("ListFragments", 1, kvstest.Error{Code: "InvalidEndpointException", Message: "wrong endpoint"})
	_, err := c.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: "s", FragmentSelector: sel})
	if err == nil {
		t.Fatal("the injected failure did not come")
	}
	if _, err := c.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: "s", FragmentSelector: sel}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"LIST_FRAGMENTS", "GET_MEDIA_FOR_FRAGMENT_LIST", "LIST_FRAGMENTS"}
	if strings.Join(apis, " ") != strings.Join(want, " ") {
		t.Fatalf("GetDataEndpoint calls %v, want %v", apis, want)
	}
}

func TestSortAndDeduplicateFragments(t *testing.T) {
	at := func(s int) time.Time { return wiretest.SampleTime.Add(time.Duration(s) * time.Second) }
	frags := []archived.Fragment{
		{FragmentNumber: "30", ProducerTimestamp: at(2), ServerTimestamp: at(10)},
		{FragmentNumber: "4", ProducerTimestamp: at(0), ServerTimestamp: at(11)},
		{FragmentNumber: "100", ProducerTimestamp: at(0), ServerTimestamp: at(12)},
		{FragmentNumber: "9", ProducerTimestamp: at(2), ServerTimestamp: at(9)},
	}
	numbers := func(f []archived.Fragment) string {
		var s []string
		for _, x := range f {
			s = append(s, x.FragmentNumber)
		}
		return strings.Join(s, " ")
	}
	archived.SortFragments(frags, archived.FragmentSelectorTypeProducerTimestamp)
	if got := numbers(frags); got != "4 100 9 30" {
		t.Errorf("by producer time: %s", got)
	}
	archived.SortFragments(frags, archived.FragmentSelectorTypeServerTimestamp)
	if got := numbers(frags); got != "9 30 4 100" {
		t.Errorf("by server time: %s", got)
	}
	if got := numbers(archived.DeduplicateFragments(frags)); got != "30 100" {
		t.Errorf("deduplicated: %s", got)
	}
}

// TestImagesStopsOnBadContent serves an image whose content is not base64: the walk yields
// the first image, then the error, and stops.
func TestImagesStopsOnBadContent(t *testing.T) {
	srv := wiretest.NewServer()
	defer srv.Close()
	c := wireClient(srv)
	srv.Respond(wiretest.Response{Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"Images":[{"TimeStamp":1,"ImageContent":"aGk="},{"TimeStamp":2,"Error":"NO_MEDIA"},{"TimeStamp":3,"ImageContent":"!!"}],"NextToken":"bmV4dA=="}`)})
	var got []string
	var walkErr error
	for img, err := range c.Images(ctx, &archived.GetImagesInput{StreamName: "s", ImageSelectorType: archived.FragmentSelectorTypeServerTimestamp,
		StartTimestamp: time.Unix(1, 0), EndTimestamp: time.Unix(3, 0), Format: archived.ImageFormatJPEG}) {
		if err != nil {
			walkErr = err
			continue
		}
		got = append(got, string(img.Data)+string(img.Err))
	}
	if strings.Join(got, ",") != "hi,NO_MEDIA" || walkErr == nil || len(srv.Take()) != 1 {
		t.Fatalf("images %q, error %v", got, walkErr)
	}
	var ae interface{ ErrorCode() string }
	if errors.As(walkErr, &ae) {
		t.Fatalf("a decoding failure reported as an API error: %v", walkErr)
	}
}

// wireClient returns an archived client aimed at srv as the data endpoint, which does not retry.
func wireClient(srv *wiretest.Server) *archived.Client {
	return archived.New(archived.Options{Options: kvs.Options{Region: "us-west-2", Credentials: wiretest.Credentials, RetryMaxAttempts: 1},
		Endpoint: srv.URL})
}
