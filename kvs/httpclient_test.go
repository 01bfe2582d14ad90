package kvs_test

import (
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/kvsgo/sdk/kvs"
)

// TestEachClientHasItsOwnHTTPClient checks that clients built without an HTTPClient get one each,
// as aws-sdk-go-v2's clients do, and that one given is kept.
func TestEachClientHasItsOwnHTTPClient(t *testing.T) {
	a, b := kvs.New(kvs.Options{Region: "us-west-2"}), kvs.New(kvs.Options{Region: "us-west-2"})
	ha, hb := a.Options().HTTPClient, b.Options().HTTPClient
	if _, ok := ha.(*awshttp.BuildableClient); !ok {
		t.Fatalf("default HTTPClient is %T, want *awshttp.BuildableClient", ha)
	}
	if ha == hb {
		t.Error("two clients share one default HTTP client")
	}
	mine := awshttp.NewBuildableClient()
	if got := kvs.New(kvs.Options{HTTPClient: mine}).Options().HTTPClient; got != mine {
		t.Errorf("HTTPClient %v replaced by %v", mine, got)
	}
}
