package jspeer

import (
	"encoding/json"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/signaling"
)

// TestPresignMatchesTheJSSDK signs the same connection URLs with the WebRTC JS SDK's default
// signer and with signaling.PresignURL: the URLs must be identical, byte for byte.
func TestPresignMatchesTheJSSDK(t *testing.T) {
	node := needNode(t)
	type jsCase struct {
		Endpoint        string            `json:"endpoint"`
		Query           map[string]string `json:"query"`
		Region          string            `json:"region"`
		AccessKeyID     string            `json:"accessKeyId"`
		SecretAccessKey string            `json:"secretAccessKey"`
		SessionToken    string            `json:"sessionToken,omitempty"`
		Date            string            `json:"date"`
	}
	arn := "arn:aws:kinesisvideo:us-west-2:123456789012:channel/front-door/1234567890123"
	cases := []jsCase{
		{Endpoint: "wss://v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com", Query: map[string]string{signaling.QueryChannelARN: arn},
			Region: "us-west-2", AccessKeyID: "AKIA4F7WJQR7FMMWMNXI", SecretAccessKey: "FakeSecretKey", Date: "2019-12-01T00:00:00Z"},
		{Endpoint: "wss://v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com", Query: map[string]string{signaling.QueryChannelARN: arn, signaling.QueryClientID: "viewer-1_a.b"},
			Region: "us-west-2", AccessKeyID: "AKIA4F7WJQR7FMMWMNXI", SecretAccessKey: "FakeSecretKey", Date: "2026-12-02T03:04:05Z"},
		{Endpoint: "wss://127.0.0.1:44321/", Query: map[string]string{signaling.QueryChannelARN: arn, signaling.QueryClientID: "v"},
			Region: "eu-central-1", AccessKeyID: "ASIAKVSLOCALTEMP", SecretAccessKey: "s3cr/t+key=",
			SessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVz+LWVhc3QtMSJGMEQCIA==", Date: "2026-02-28T23:59:59Z"},
		{Endpoint: "wss://kvs.example.com/signaling/v1", Query: map[string]string{signaling.QueryChannelARN: arn},
			Region: "cn-north-1", AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Date: "2030-01-01T12:00:00Z"},
	}
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "presign.js")
	cmd.Dir = "testdata"
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("presign.js: %v\n%s", err, stderr.String())
	}
	var jsURLs []string
	if err := json.Unmarshal(out, &jsURLs); err != nil || len(jsURLs) != len(cases) {
		t.Fatalf("presign.js printed %s: %v", out, err)
	}
	for i, c := range cases {
		q := url.Values{}
		for k, v := range c.Query {
			q.Set(k, v)
		}
		when, err := time.Parse(time.RFC3339, c.Date)
		if err != nil {
			t.Fatal(err)
		}
		got, err := signaling.PresignURL(ctx, c.Endpoint, q, aws.Credentials{AccessKeyID: c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, c.Region, when)
		if err != nil {
			t.Fatal(err)
		}
		if got != jsURLs[i] {
			t.Errorf("case %d (%s):\n  ours   %s\n  JS SDK %s", i, c.Endpoint, got, jsURLs[i])
		}
	}
}
