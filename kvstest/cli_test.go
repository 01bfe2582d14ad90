package kvstest_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvstest"
)

// awsCLI runs the installed AWS CLI against an emulator.
type awsCLI struct {
	t   *testing.T
	s   *kvstest.Server
	env []string
}

func newAWSCLI(t *testing.T, s *kvstest.Server) *awsCLI {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		wiretest.Skip(t, "the AWS CLI is not installed: %v", err)
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	c := s.Credentials()
	env = append(env, "AWS_ACCESS_KEY_ID="+c.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey,
		"AWS_DEFAULT_REGION="+s.Region, "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+empty, "AWS_SHARED_CREDENTIALS_FILE="+empty, "AWS_PAGER=")
	return &awsCLI{t: t, s: s, env: env}
}

// run runs "aws kinesisvideo args… --endpoint-url URL" with extra environment variables, and
// returns its standard output and error and whether it succeeded.
func (a *awsCLI) run(extraEnv []string, args ...string) (stdout, stderr string, ok bool) {
	a.t.Helper()
	return a.runAt(extraEnv, "kinesisvideo", a.s.URL, args...)
}

// runAt runs "aws service args… --endpoint-url endpoint", as run does.
func (a *awsCLI) runAt(extraEnv []string, service, endpoint string, args ...string) (stdout, stderr string, ok bool) {
	a.t.Helper()
	cmd := exec.Command("aws", append(append([]string{service}, args...), "--endpoint-url", endpoint, "--output", "json")...)
	cmd.Env = append(append([]string(nil), a.env...), extraEnv...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err == nil
}

// json runs a command that must succeed and decodes its output into v.
func (a *awsCLI) json(v any, args ...string) {
	a.t.Helper()
	out, errOut, ok := a.run(nil, args...)
	if !ok {
		a.t.Fatalf("aws kinesisvideo %s: %s", strings.Join(args, " "), errOut)
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		a.t.Fatalf("aws kinesisvideo %s printed %q: %v", strings.Join(args, " "), out, err)
	}
}

// fails runs a command that must fail with the error code and message fragment given.
func (a *awsCLI) fails(extraEnv []string, code, about string, args ...string) {
	a.t.Helper()
	_, errOut, ok := a.run(extraEnv, args...)
	if ok || !strings.Contains(errOut, "("+code+")") || !strings.Contains(errOut, about) {
		a.t.Fatalf("aws kinesisvideo %s: succeeded %v, printed %q; want (%s) about %q", strings.Join(args, " "), ok, errOut, code, about)
	}
}

type cliStreamInfo struct {
	StreamName, StreamARN, Status, Version, DeviceName, MediaType string
	DataRetentionInHours                                          int
	CreationTime                                                  float64
}

// TestAWSCLI runs the AWS CLI's kinesisvideo commands for streams, channels, tags, retention and
// data endpoints against the emulator and checks what they print.
func TestAWSCLI(t *testing.T) {
	s := start(t)
	aws := newAWSCLI(t, s)

	var created struct{ StreamARN string }
	aws.json(&created, "create-stream", "--stream-name", "s", "--data-retention-in-hours", "24", "--media-type", "video/h264")
	if !strings.HasPrefix(created.StreamARN, "arn:aws:kinesisvideo:us-east-1:123456789012:stream/s/") {
		t.Fatalf("StreamARN %q", created.StreamARN)
	}
	var described struct{ StreamInfo cliStreamInfo }
	aws.json(&described, "describe-stream", "--stream-name", "s")
	if d := described.StreamInfo; d.StreamARN != created.StreamARN || d.Status != "ACTIVE" || d.DataRetentionInHours != 24 ||
		d.MediaType != "video/h264" || d.CreationTime < 1.7e9 {
		t.Fatalf("describe-stream: %+v", d)
	}
	aws.fails(nil, "ResourceInUseException", "already exists", "create-stream", "--stream-name", "s")

	aws.json(nil, "update-data-retention", "--stream-name", "s", "--current-version", described.StreamInfo.Version,
		"--operation", "INCREASE_DATA_RETENTION", "--data-retention-change-in-hours", "12")
	aws.fails(nil, "VersionMismatchException", "latest version", "update-stream", "--stream-name", "s",
		"--current-version", described.StreamInfo.Version, "--device-name", "cam")
	aws.json(&described, "describe-stream", "--stream-arn", created.StreamARN)
	if described.StreamInfo.DataRetentionInHours != 36 {
		t.Fatalf("retention %d after update-data-retention", described.StreamInfo.DataRetentionInHours)
	}
	aws.json(nil, "update-stream", "--stream-name", "s", "--current-version", described.StreamInfo.Version, "--device-name", "cam")

	// The CLI pages through list-streams with our tokens.
	aws.json(nil, "create-stream", "--stream-name", "s2")
	aws.json(nil, "create-stream", "--stream-name", "t")
	var listed struct{ StreamInfoList []cliStreamInfo }
	aws.json(&listed, "list-streams", "--page-size", "1", "--stream-name-condition", "ComparisonOperator=BEGINS_WITH,ComparisonValue=s")
	if len(listed.StreamInfoList) != 2 || listed.StreamInfoList[0].StreamName != "s" || listed.StreamInfoList[0].DeviceName != "cam" ||
		listed.StreamInfoList[1].StreamName != "s2" {
		t.Fatalf("list-streams: %+v", listed.StreamInfoList)
	}

	var tags struct{ Tags map[string]string }
	aws.json(nil, "tag-stream", "--stream-name", "s", "--tags", "team=video,site=lab")
	aws.json(nil, "untag-stream", "--stream-arn", created.StreamARN, "--tag-key-list", "site")
	aws.json(&tags, "list-tags-for-stream", "--stream-name", "s")
	if len(tags.Tags) != 1 || tags.Tags["team"] != "video" {
		t.Fatalf("list-tags-for-stream: %v", tags.Tags)
	}

	var endpoint struct{ DataEndpoint string }
	aws.json(&endpoint, "get-data-endpoint", "--stream-name", "s", "--api-name", "GET_MEDIA")
	if endpoint.DataEndpoint != s.DataURL {
		t.Fatalf("get-data-endpoint: %q, want %q", endpoint.DataEndpoint, s.DataURL)
	}

	var channel struct{ ChannelARN string }
	aws.json(&channel, "create-signaling-channel", "--channel-name", "door", "--single-master-configuration", "MessageTtlSeconds=30")
	aws.json(nil, "tag-resource", "--resource-arn", channel.ChannelARN, "--tags", "Key=room,Value=hall")
	var channelTags struct{ Tags map[string]string }
	aws.json(&channelTags, "list-tags-for-resource", "--resource-arn", channel.ChannelARN)
	if len(channelTags.Tags) != 1 || channelTags.Tags["room"] != "hall" {
		t.Fatalf("list-tags-for-resource: %v", channelTags.Tags)
	}
	var channelInfo struct {
		ChannelInfo struct {
			ChannelName, ChannelStatus, ChannelType string
			SingleMasterConfiguration               struct{ MessageTtlSeconds int }
		}
	}
	aws.json(&channelInfo, "describe-signaling-channel", "--channel-name", "door")
	if c := channelInfo.ChannelInfo; c.ChannelStatus != "ACTIVE" || c.ChannelType != "SINGLE_MASTER" || c.SingleMasterConfiguration.MessageTtlSeconds != 30 {
		t.Fatalf("describe-signaling-channel: %+v", c)
	}
	var endpoints struct {
		ResourceEndpointList []struct{ Protocol, ResourceEndpoint string }
	}
	aws.json(&endpoints, "get-signaling-channel-endpoint", "--channel-arn", channel.ChannelARN,
		"--single-master-channel-endpoint-configuration", "Protocols=WSS,HTTPS,Role=MASTER")
	if e := endpoints.ResourceEndpointList; len(e) != 2 || e[0].ResourceEndpoint != s.SignalingWebSocketURL || e[1].ResourceEndpoint != s.SignalingURL {
		t.Fatalf("get-signaling-channel-endpoint: %+v", e)
	}
	var channels struct {
		ChannelInfoList []struct{ ChannelName string }
	}
	aws.json(&channels, "list-signaling-channels")
	if len(channels.ChannelInfoList) != 1 {
		t.Fatalf("list-signaling-channels: %+v", channels)
	}
	aws.json(nil, "delete-signaling-channel", "--channel-arn", channel.ChannelARN)

	aws.json(nil, "delete-stream", "--stream-arn", created.StreamARN)
	aws.fails(nil, "ResourceNotFoundException", "The requested stream is not found or not active.", "describe-stream", "--stream-name", "s")

	// Bad input and bad credentials are refused with the service's errors.
	aws.fails(nil, "InvalidArgumentException", "validation error", "create-stream", "--stream-name", "bad name")
	aws.fails([]string{"AWS_SECRET_ACCESS_KEY=wrong"}, "InvalidSignatureException", "signature we calculated does not match", "list-streams")
	aws.fails([]string{"AWS_ACCESS_KEY_ID=AKIDOTHER"}, "UnrecognizedClientException", "security token included in the request is invalid", "list-streams")
	aws.fails([]string{"AWS_DEFAULT_REGION=eu-west-1"}, "InvalidSignatureException", "scoped to a valid region", "list-streams")
}
