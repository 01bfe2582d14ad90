package kvs_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"github.com/kvsgo/sdk/internal/wiretest"
	"github.com/kvsgo/sdk/kvs"
)

const describeStreamBody = `{"StreamInfo":{"CreationTime":1.700000000123E9,"DataRetentionInHours":24,"DeviceName":"camera-1",` +
	`"KmsKeyId":"arn:aws:kms:us-west-2:123456789012:alias/aws/kinesisvideo","MediaType":"video/h264",` +
	`"Status":"ACTIVE","StreamARN":"arn:aws:kinesisvideo:us-west-2:123456789012:stream/camera-1/1700000000123",` +
	`"StreamName":"camera-1","Version":"abcdef0123456789"}}`

func listStreamsBody(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = strings.Replace(describeStreamBody[len(`{"StreamInfo":`):len(describeStreamBody)-1], "camera-1", fmt.Sprintf("camera-%d", i), 2)
	}
	return `{"StreamInfoList":[` + strings.Join(items, ",") + `],"NextToken":"bmV4dA=="}`
}

// benchServer answers DescribeStream and ListStreams with fixed bodies.
func benchServer(b *testing.B) *httptest.Server {
	list := listStreamsBody(10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-RequestId", "4f5e4e1a-0000-0000-0000-000000000000")
		if r.URL.Path == "/listStreams" {
			_, _ = w.Write([]byte(list))
			return
		}
		_, _ = w.Write([]byte(describeStreamBody))
	}))
	b.Cleanup(srv.Close)
	return srv
}

func BenchmarkDescribeStream(b *testing.B) {
	srv := benchServer(b)
	b.Run("impl=kvsgo", func(b *testing.B) {
		c := kvs.New(kvs.Options{Region: "us-west-2", BaseEndpoint: srv.URL, Credentials: wiretest.Credentials, HTTPClient: srv.Client()})
		in := &kvs.DescribeStreamInput{StreamName: "camera-1"}
		b.ReportAllocs()
		for b.Loop() {
			if out, err := c.DescribeStream(context.Background(), in); err != nil || out.StreamInfo.Status != kvs.StatusActive {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=official", func(b *testing.B) {
		c := official.New(official.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: wiretest.Credentials, HTTPClient: srv.Client()})
		in := &official.DescribeStreamInput{StreamName: aws.String("camera-1")}
		b.ReportAllocs()
		for b.Loop() {
			if out, err := c.DescribeStream(context.Background(), in); err != nil || out.StreamInfo.Status != "ACTIVE" {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkListStreams(b *testing.B) {
	srv := benchServer(b)
	b.Run("impl=kvsgo", func(b *testing.B) {
		c := kvs.New(kvs.Options{Region: "us-west-2", BaseEndpoint: srv.URL, Credentials: wiretest.Credentials, HTTPClient: srv.Client()})
		in := &kvs.ListStreamsInput{MaxResults: aws.Int32(10)}
		b.ReportAllocs()
		for b.Loop() {
			if out, err := c.ListStreams(context.Background(), in); err != nil || len(out.StreamInfoList) != 10 {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=official", func(b *testing.B) {
		c := official.New(official.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: wiretest.Credentials, HTTPClient: srv.Client()})
		in := &official.ListStreamsInput{MaxResults: aws.Int32(10)}
		b.ReportAllocs()
		for b.Loop() {
			if out, err := c.ListStreams(context.Background(), in); err != nil || len(out.StreamInfoList) != 10 {
				b.Fatal(err)
			}
		}
	})
}
