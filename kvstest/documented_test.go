package kvstest_test

// Behaviour the service documents that the AWS CLI and the AWS SDK's clients once found the
// emulator without: each test goes through one of them.

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestGetMediaSelectorNeedsItsMember checks that GetMedia refuses a start selector that lacks the
// member its type calls for, through the AWS CLI: the service answers InvalidArgumentException
// instead of picking a start. The interop module's test of the same name goes through the AWS
// SDK's client.
func TestGetMediaSelectorNeedsItsMember(t *testing.T) {
	s := start(t)
	must[*kvs.CreateStreamOutput](t)(client(s).CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s", DataRetentionInHours: 1}))
	cli := newAWSCLI(t, s)
	outfile := filepath.Join(t.TempDir(), "media.mkv")
	for _, sel := range []string{"FRAGMENT_NUMBER", "SERVER_TIMESTAMP", "PRODUCER_TIMESTAMP"} {
		_, errOut, ok := cli.runAt(nil, "kinesis-video-media", s.DataURL, "get-media", "--stream-name", "s",
			"--start-selector", "StartSelectorType="+sel, outfile)
		if ok || !strings.Contains(errOut, "(InvalidArgumentException)") {
			t.Errorf("aws kinesis-video-media get-media with %s alone: succeeded %v, printed %q", sel, ok, errOut)
		}
	}
}

// TestEdgeConfigurationStatesThroughCLI checks, through the AWS CLI, that an edge configuration
// is SYNCING after StartEdgeConfigurationUpdate and DELETING after DeleteEdgeConfiguration for
// the delays configured, then IN_SYNC and gone.
func TestEdgeConfigurationStatesThroughCLI(t *testing.T) {
	c := newClock()
	s := start(t, kvstest.WithClock(c.Now), kvstest.WithDelays(kvstest.Delays{EdgeSync: time.Minute, EdgeDelete: time.Minute}))
	cli := newAWSCLI(t, s)
	cl := client(s)
	must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}))
	var started struct{ SyncStatus string }
	cli.json(&started, "start-edge-configuration-update", "--stream-name", "cam", "--edge-config",
		`{"HubDeviceArn":"`+hubARN+`","RecorderConfig":{"MediaSourceConfig":{"MediaUriSecretArn":"arn:aws:secretsmanager:us-east-1:123456789012:secret:cam","MediaUriType":"RTSP_URI"}}}`)
	status := func() string {
		t.Helper()
		var d struct{ SyncStatus string }
		cli.json(&d, "describe-edge-configuration", "--stream-name", "cam")
		return d.SyncStatus
	}
	if got := status(); started.SyncStatus != "SYNCING" || got != "SYNCING" {
		t.Errorf("after start-edge-configuration-update: answered %s, described %s; want SYNCING", started.SyncStatus, got)
	}
	c.Advance(time.Minute) // the rest through our client, to keep the test short
	d := must[*kvs.DescribeEdgeConfigurationOutput](t)(cl.DescribeEdgeConfiguration(ctx, &kvs.DescribeEdgeConfigurationInput{StreamName: "cam"}))
	if d.SyncStatus != kvs.SyncStatusInSync {
		t.Errorf("after the sync delay: %s, want IN_SYNC", d.SyncStatus)
	}
	cli.json(nil, "delete-edge-configuration", "--stream-name", "cam")
	if got := status(); got != "DELETING" {
		t.Errorf("after delete-edge-configuration: %s, want DELETING", got)
	}
	c.Advance(time.Minute)
	_, err := cl.DescribeEdgeConfiguration(ctx, &kvs.DescribeEdgeConfigurationInput{StreamName: "cam"})
	wantCode(t, err, "StreamEdgeConfigurationNotFoundException")
}

// TestDataEndpointsDifferPerAPI checks through the AWS CLI that the media and archived-media API
// names get different data endpoints, as the service gives them, and that each works with the
// AWS CLI's command for it.
func TestDataEndpointsDifferPerAPI(t *testing.T) {
	s := start(t)
	cli := newAWSCLI(t, s)
	must[*kvs.CreateStreamOutput](t)(client(s).CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s", DataRetentionInHours: 1}))
	endpoint := func(api string) string {
		var out struct{ DataEndpoint string }
		cli.json(&out, "get-data-endpoint", "--stream-name", "s", "--api-name", api)
		return out.DataEndpoint
	}
	// Every API name is checked through our client in TestDataEndpoint; one of each family here.
	mediaEP, archivedEP := endpoint("GET_MEDIA"), endpoint("LIST_FRAGMENTS")
	if mediaEP != s.DataURL || archivedEP != s.ArchivedURL || mediaEP == archivedEP {
		t.Fatalf("GET_MEDIA %q, LIST_FRAGMENTS %q; want %q and %q, different", mediaEP, archivedEP, s.DataURL, s.ArchivedURL)
	}
	out, errOut, ok := cli.runAt(nil, "kinesis-video-archived-media", archivedEP, "list-fragments", "--stream-name", "s", "--fragment-selector",
		"FragmentSelectorType=SERVER_TIMESTAMP,TimestampRange={StartTimestamp=2020-01-01T00:00:00Z,EndTimestamp=2030-01-01T00:00:00Z}")
	if !ok || !strings.Contains(out, "Fragments") {
		t.Errorf("list-fragments at %s: %s %s", archivedEP, out, errOut)
	}
}

// hostRecorder is an HTTP client that records the host and path of every request.
type hostRecorder struct {
	mu   sync.Mutex
	seen []string // "host path [API name]"
}

func (h *hostRecorder) Do(r *http.Request) (*http.Response, error) {
	line := r.URL.Host + " " + r.URL.Path
	if r.URL.Path == "/getDataEndpoint" && r.GetBody != nil {
		if b, err := r.GetBody(); err == nil {
			var buf strings.Builder
			_, _ = io.Copy(&buf, b)
			if _, rest, ok := strings.Cut(buf.String(), `"APIName":"`); ok {
				api, _, _ := strings.Cut(rest, `"`)
				line += " " + api
			}
		}
	}
	h.mu.Lock()
	h.seen = append(h.seen, line)
	h.mu.Unlock()
	return http.DefaultClient.Do(r)
}

func (h *hostRecorder) count(line string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, l := range h.seen {
		if l == line {
			n++
		}
	}
	return n
}

// TestDataEndpointCacheIsPerAPI checks that our media and archived clients, sharing one control
// client, look each API's endpoint up once and send each call to its own API's endpoint.
func TestDataEndpointCacheIsPerAPI(t *testing.T) {
	env := newArchivedEnv(t, 1)
	rec := &hostRecorder{}
	control := kvs.New(env.control.Options(), func(o *kvs.Options) { o.HTTPClient = rec })
	m := media.New(media.Options{Options: control.Options(), Control: control})
	a := archived.New(archived.Options{Options: control.Options(), Control: control})
	env.media = m
	start := time.Now().Add(-time.Minute).Truncate(time.Second)
	env.produce(t, start, loadAV(t, 1))
	for range 2 {
		out, err := m.GetMedia(ctx, &media.GetMediaInput{StreamName: env.name, StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
		if err != nil {
			t.Fatal(err)
		}
		out.Payload.Close()
		if _, err := a.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: env.name, FragmentSelector: producerRange(start, start.Add(time.Hour))}); err != nil {
			t.Fatal(err)
		}
	}
	host := func(u string) string { p, _ := url.Parse(u); return p.Host }
	control0 := host(env.srv.URL)
	for _, want := range []struct {
		line string
		n    int
	}{
		{control0 + " /getDataEndpoint GET_MEDIA", 1},
		{control0 + " /getDataEndpoint LIST_FRAGMENTS", 1},
		{host(env.srv.DataURL) + " /getMedia", 2},
		{host(env.srv.ArchivedURL) + " /listFragments", 2},
		{host(env.srv.ArchivedURL) + " /getMedia", 0},
		{host(env.srv.DataURL) + " /listFragments", 0},
	} {
		if got := rec.count(want.line); got != want.n {
			t.Errorf("%q: %d requests, want %d (all: %q)", want.line, got, want.n, rec.seen)
		}
	}
}
