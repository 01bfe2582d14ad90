package endpoints_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"
	avtypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia"
	mtypes "github.com/aws/aws-sdk-go-v2/service/kinesisvideomedia/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideosignaling"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/signaling"
)

// capture is an HTTP transport that records the URL of every request and answers it itself with
// a canned response, so that nothing leaves the process whatever endpoint a client resolves.
type capture struct {
	mu   sync.Mutex
	urls []string
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	c.mu.Lock()
	c.urls = append(c.urls, r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
	c.mu.Unlock()
	body := `{}`
	switch r.URL.Path {
	case "/getDataEndpoint":
		body = `{"DataEndpoint":"http://127.0.0.1:9/looked-up"}`
	case "/getSignalingChannelEndpoint":
		body = `{"ResourceEndpointList":[{"Protocol":"HTTPS","ResourceEndpoint":"http://127.0.0.1:9/looked-up"},{"Protocol":"WSS","ResourceEndpoint":"ws://127.0.0.1:9"}]}`
	}
	return &http.Response{
		StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: r,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
	}, nil
}

// first returns the first URL recorded since the last call, and forgets them all.
func (c *capture) first() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.urls) == 0 {
		return "(no request)"
	}
	u := c.urls[0]
	c.urls = nil
	return u
}

// endpointEnv lists the variables that may steer an endpoint or the HTTP client (AWS_CA_BUNDLE);
// each case starts with all of them unset.
var endpointEnv = []string{
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KINESIS_VIDEO", "AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA",
	"AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA", "AWS_ENDPOINT_URL_KINESIS_VIDEO_SIGNALING",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CA_BUNDLE", "AWS_SESSION_TOKEN",
}

// loadConfig loads an aws.Config as an application would, from env and a temporary shared config
// file holding sharedConfig, with requests going to c.
func loadConfig(t *testing.T, env map[string]string, sharedConfig string, c *capture, opts ...func(*config.LoadOptions) error) aws.Config {
	t.Helper()
	for _, k := range endpointEnv {
		t.Setenv(k, "x") // registers the restore of the original value
		if err := os.Unsetenv(k); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfgFile, []byte(sharedConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	t.Setenv("AWS_REGION", "us-west-2")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for k, v := range env {
		t.Setenv(k, v)
	}
	opts = append(opts, config.WithHTTPClient(&http.Client{Transport: c}), config.WithRetryMaxAttempts(1))
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

const (
	local  = "http://127.0.0.1:4567"
	local2 = "http://127.0.0.1:4568"
)

// profile is a shared config file whose default profile uses a services section.
func profile(profileLines, services string) string {
	return "[default]\n" + profileLines + "services = local\n\n[services local]\n" + services
}

type endpointCase struct {
	name   string
	env    map[string]string
	shared string
	opts   []func(*config.LoadOptions) error
}

// TestConfiguredEndpointsMatchTheAWSSDK runs the AWS SDK's kinesisvideo client and ours under the
// same environment and shared config file and checks that their first request goes to the same
// URL: service-specific endpoints, the global endpoint, their precedence, and
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS.
func TestConfiguredEndpointsMatchTheAWSSDK(t *testing.T) {
	cases := []endpointCase{
		{name: "nothing configured"},
		{name: "service env", env: map[string]string{"AWS_ENDPOINT_URL_KINESIS_VIDEO": local}},
		{name: "global env", env: map[string]string{"AWS_ENDPOINT_URL": local}},
		{name: "service env over global env", env: map[string]string{"AWS_ENDPOINT_URL": local2, "AWS_ENDPOINT_URL_KINESIS_VIDEO": local}},
		{name: "services section", shared: profile("", "kinesis_video =\n  endpoint_url = "+local+"\n")},
		{name: "profile endpoint_url", shared: "[default]\nendpoint_url = " + local + "\n"},
		{name: "services section over profile endpoint_url", shared: profile("endpoint_url = "+local2+"\n", "kinesis_video =\n  endpoint_url = "+local+"\n")},
		{name: "global env over services section", env: map[string]string{"AWS_ENDPOINT_URL": local2}, shared: profile("", "kinesis_video =\n  endpoint_url = "+local+"\n")},
		{name: "service env over services section", env: map[string]string{"AWS_ENDPOINT_URL_KINESIS_VIDEO": local}, shared: profile("", "kinesis_video =\n  endpoint_url = "+local2+"\n")},
		{name: "another service's section", shared: profile("", "kinesis_video_media =\n  endpoint_url = "+local+"\n")},
		{name: "ignored by env", env: map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL_KINESIS_VIDEO": local, "AWS_ENDPOINT_URL": local2}},
		{name: "ignored by shared config", shared: profile("ignore_configured_endpoint_urls = true\nendpoint_url = "+local2+"\n", "kinesis_video =\n  endpoint_url = "+local+"\n")},
		{name: "not ignored when false", env: map[string]string{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false", "AWS_ENDPOINT_URL_KINESIS_VIDEO": local}},
		{name: "load option", opts: []func(*config.LoadOptions) error{config.WithBaseEndpoint(local)}},
		{name: "service env over load option", env: map[string]string{"AWS_ENDPOINT_URL_KINESIS_VIDEO": local}, opts: []func(*config.LoadOptions) error{config.WithBaseEndpoint(local2)}},
		{name: "dual-stack", env: map[string]string{"AWS_USE_DUALSTACK_ENDPOINT": "true"}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &capture{}
			cfg := loadConfig(t, tc.env, tc.shared, c, tc.opts...)
			_, _ = kinesisvideo.NewFromConfig(cfg).ListStreams(ctx, &kinesisvideo.ListStreamsInput{})
			want := c.first()
			if _, err := kvs.NewFromConfig(cfg).ListStreams(ctx, &kvs.ListStreamsInput{}); err != nil {
				t.Fatalf("kvs ListStreams: %v", err)
			}
			if got := c.first(); got != want {
				t.Errorf("kvs sent ListStreams to %s, the AWS SDK to %s", got, want)
			}
		})
	}
}

// TestDataPlaneEndpointsMatchTheAWSSDK does the same for the media, archived-media and signaling
// clients: where the configuration names the family's own endpoint, ours send there as the AWS
// SDK's clients do, without looking one up.
func TestDataPlaneEndpointsMatchTheAWSSDK(t *testing.T) {
	ctx := context.Background()
	families := []struct {
		name, env, section string
		official, ours     func(aws.Config)
	}{
		{"media", "AWS_ENDPOINT_URL_KINESIS_VIDEO_MEDIA", "kinesis_video_media",
			func(cfg aws.Config) {
				_, _ = kinesisvideomedia.NewFromConfig(cfg).GetMedia(ctx, &kinesisvideomedia.GetMediaInput{
					StreamName: aws.String("s"), StartSelector: &mtypes.StartSelector{StartSelectorType: mtypes.StartSelectorTypeNow}})
			},
			func(cfg aws.Config) {
				out, err := media.NewFromConfig(cfg).GetMedia(ctx, &media.GetMediaInput{
					StreamName: "s", StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeNow}})
				if err == nil {
					_ = out.Payload.Close()
				}
			}},
		{"archived", "AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA", "kinesis_video_archived_media",
			func(cfg aws.Config) {
				_, _ = kinesisvideoarchivedmedia.NewFromConfig(cfg).ListFragments(ctx, &kinesisvideoarchivedmedia.ListFragmentsInput{
					StreamName: aws.String("s"), FragmentSelector: &avtypes.FragmentSelector{
						FragmentSelectorType: avtypes.FragmentSelectorTypeServerTimestamp,
						TimestampRange:       &avtypes.TimestampRange{StartTimestamp: aws.Time(time.Unix(1, 0)), EndTimestamp: aws.Time(time.Unix(2, 0))}}})
			},
			func(cfg aws.Config) {
				_, _ = archived.NewFromConfig(cfg).ListFragments(ctx, &archived.ListFragmentsInput{StreamName: "s", FragmentSelector: archived.FragmentSelector{
					FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
					TimestampRange:       archived.TimestampRange{StartTimestamp: time.Unix(1, 0), EndTimestamp: time.Unix(2, 0)}}})
			}},
		{"signaling", "AWS_ENDPOINT_URL_KINESIS_VIDEO_SIGNALING", "kinesis_video_signaling",
			func(cfg aws.Config) {
				_, _ = kinesisvideosignaling.NewFromConfig(cfg).GetIceServerConfig(ctx, &kinesisvideosignaling.GetIceServerConfigInput{
					ChannelARN: aws.String("arn:aws:kinesisvideo:us-west-2:123456789012:channel/c/1")})
			},
			func(cfg aws.Config) {
				_, _ = signaling.NewFromConfig(cfg).GetIceServerConfig(ctx, &signaling.GetIceServerConfigInput{
					ChannelARN: "arn:aws:kinesisvideo:us-west-2:123456789012:channel/c/1", Role: signaling.RoleViewer, ClientId: "v"})
			}},
	}
	for _, f := range families {
		cases := []endpointCase{
			{name: "service env", env: map[string]string{f.env: local}},
			{name: "service env over global env", env: map[string]string{f.env: local, "AWS_ENDPOINT_URL": local2}},
			{name: "services section", shared: profile("", f.section+" =\n  endpoint_url = "+local+"\n")},
		}
		for _, tc := range cases {
			t.Run(f.name+"/"+tc.name, func(t *testing.T) {
				c := &capture{}
				cfg := loadConfig(t, tc.env, tc.shared, c)
				f.official(cfg)
				want := c.first()
				if !strings.HasPrefix(want, local+"/") {
					t.Fatalf("the AWS SDK sent to %s, want the configured %s", want, local)
				}
				f.ours(cfg)
				if got := c.first(); got != want {
					t.Errorf("ours sent to %s, the AWS SDK to %s", got, want)
				}
			})
		}
		t.Run(f.name+"/ignored", func(t *testing.T) {
			c := &capture{}
			cfg := loadConfig(t, map[string]string{f.env: local, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, "", c)
			f.ours(cfg)
			if got := c.first(); strings.HasPrefix(got, local) {
				t.Errorf("with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ours sent to the configured %s", got)
			}
		})
	}
}
