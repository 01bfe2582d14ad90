package kvstest_test

import (
	"testing"

	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"github.com/kvsgo/sdk/kvstest"
)

// TestTLS checks that the official client trusts a TLS server through its Config (kvstest's own
// test of the same name checks the URLs, the certificate and our client).
func TestTLS(t *testing.T) {
	s := start(t, kvstest.WithTLS())
	if _, err := official.NewFromConfig(s.Config()).ListStreams(ctx, &official.ListStreamsInput{}); err != nil {
		t.Error(err)
	}
}
