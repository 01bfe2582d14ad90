package kvstest_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	official "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"github.com/kvsgo/sdk/kvs"
)

// TestThrottle checks that the official client sees a throttled call's error as the service
// sends it (kvstest's own test of the same name checks that the kvs client retries it).
func TestThrottle(t *testing.T) {
	s := start(t)
	must[*kvs.CreateStreamOutput](t)(client(s).CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"}))
	// The official client sees the throttling error as the service sends it.
	s.Throttle("DescribeStream", 1)
	theirs := official.NewFromConfig(s.Config(), func(o *official.Options) { o.RetryMaxAttempts = 1 })
	_, err := theirs.DescribeStream(ctx, &official.DescribeStreamInput{StreamName: aws.String("s")})
	wantCode(t, err, http.StatusBadRequest, "ClientLimitExceededException")
}
