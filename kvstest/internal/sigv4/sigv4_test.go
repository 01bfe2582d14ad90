package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestPublishedPresignVectors verifies the presigned signaling URLs of the JS SDK's published
// test vectors (see DESIGN.md, signaling): the verifier computes the same signatures as an
// independent implementation.
func TestPublishedPresignVectors(t *testing.T) {
	for _, tc := range []struct {
		token, signature string
	}{
		{"FakeSessionToken", "fc268038be276315822b4f73eafd28ee3a5632a2a35fdb0a88db9a42b13d6c92"},
		{"", "be1e78950d956a8a9a1997417099ddbd7455619f3d08c4ad20e1e272179ca695"},
	} {
		query := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA4F7WJQR7FMMWMNXI%2F20191201%2Fus-west-2%2Fkinesisvideo%2Faws4_request" +
			"&X-Amz-Date=20191201T000000Z&X-Amz-Expires=299"
		if tc.token != "" {
			query += "&X-Amz-Security-Token=" + tc.token
		}
		query += "&X-Amz-SignedHeaders=host&X-Amz-TestParam=test-param-value&X-Amz-Signature=" + tc.signature
		r, err := http.NewRequest(http.MethodGet, "wss://kvs.awsamazon.com/?"+query, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := Verifier{AccessKey: "AKIA4F7WJQR7FMMWMNXI", SecretKey: "FakeSecretKey", SessionToken: tc.token, Region: "us-west-2",
			Now: func() time.Time { return time.Date(2019, 12, 1, 0, 4, 0, 0, time.UTC) }}
		if key, e := v.Verify(r, []string{EmptyPayloadHash}); e != nil || key != "AKIA4F7WJQR7FMMWMNXI" {
			t.Errorf("token %q: %v", tc.token, e)
		}
		v.Now = func() time.Time { return time.Date(2019, 12, 1, 0, 5, 0, 0, time.UTC) } // 300 s later: expired
		if _, e := v.Verify(r, []string{EmptyPayloadHash}); e == nil || !strings.Contains(e.Message, "Signature expired") {
			t.Errorf("token %q, after X-Amz-Expires: %v", tc.token, e)
		}
	}
}

// TestVerifyAuthorization checks a request signed by the AWS SDK's signer, then changed or
// unsigned, against the answers the service gives.
func TestVerifyAuthorization(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	v := Verifier{AccessKey: "test", SecretKey: "test", Region: "us-west-2", Now: func() time.Time { return at }}
	body := `{"StreamName":"s"}`
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	signed := func() *http.Request {
		r, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/describeStream", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("X-Test", "1")
		creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hash, "kinesisvideo", "us-west-2", at); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if key, e := v.Verify(signed(), []string{hash}); e != nil || key != "test" {
		t.Fatalf("signed request: %q, %v", key, e)
	}
	changed := signed()
	changed.Header.Set("X-Amz-Date", at.Add(time.Second).Format(sigV4TimeFormat))
	if _, e := v.Verify(changed, []string{hash}); e == nil || e.Code != "InvalidSignatureException" {
		t.Errorf("changed request: %v", e)
	}
	unsigned := signed()
	unsigned.Header.Del("Authorization")
	if _, e := v.Verify(unsigned, []string{hash}); e == nil || e.Code != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned request: %v", e)
	}
	if _, e := v.Verify(signed(), []string{EmptyPayloadHash}); e == nil || e.Code != "InvalidSignatureException" {
		t.Errorf("other payload hash: %v", e)
	}
}
