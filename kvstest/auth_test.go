package kvstest_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// presign returns a request for path whose signature is in its query, valid for expires seconds
// from at.
func presign(t *testing.T, s *kvstest.Server, path, body string, creds aws.Credentials, at time.Time, expires string) *http.Request {
	t.Helper()
	req := newRequest(t, s.URL, path+"?X-Amz-Expires="+expires, body)
	u, hdr, err := v4.NewSigner().PresignHTTP(ctx, creds, req, payloadHash(body), "kinesisvideo", s.Region, at)
	if err != nil {
		t.Fatal(err)
	}
	out := newRequest(t, u, "", body)
	for k, v := range hdr {
		out.Header[k] = v
	}
	return out
}

// TestSignatureMatrix sends ListStreams signed in every way the service distinguishes, and
// checks that only the correctly signed ones succeed and that each refusal says why.
func TestSignatureMatrix(t *testing.T) {
	s := start(t)
	good := s.Credentials()
	const body = `{}`
	now := time.Now()
	signedWith := func(creds aws.Credentials, region string, at time.Time) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			req := newRequest(t, s.URL, "/listStreams", body)
			sign(t, req, creds, region, at, body)
			return req
		}
	}
	withCreds := func(change func(*aws.Credentials)) aws.Credentials {
		c := good
		change(&c)
		return c
	}
	// tampered signs a correct request, then changes it with change.
	tampered := func(change func(r *http.Request)) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			req := signedWith(good, s.Region, now)(t)
			change(req)
			return req
		}
	}
	tests := []struct {
		name        string
		request     func(t *testing.T) *http.Request
		status      int
		code, about string
	}{
		{"correct", signedWith(good, s.Region, now), 200, "", ""},
		{"signed 4 minutes ago", signedWith(good, s.Region, now.Add(-4*time.Minute)), 200, "", ""},
		{"unsigned header added", tampered(func(r *http.Request) { r.Header.Set("X-Extra", "1") }), 200, "", ""},
		{"presigned", func(t *testing.T) *http.Request { return presign(t, s, "/listStreams", body, good, now, "60") }, 200, "", ""},

		{"unsigned", func(t *testing.T) *http.Request { return newRequest(t, s.URL, "/listStreams", body) },
			403, "MissingAuthenticationTokenException", "Missing Authentication Token"},
		{"unknown access key", signedWith(withCreds(func(c *aws.Credentials) { c.AccessKeyID = "AKIDUNKNOWN" }), s.Region, now),
			403, "UnrecognizedClientException", "security token included in the request is invalid"},
		{"unexpected session token", signedWith(withCreds(func(c *aws.Credentials) { c.SessionToken = "token" }), s.Region, now),
			403, "UnrecognizedClientException", "security token included in the request is invalid"},
		{"wrong secret", signedWith(withCreds(func(c *aws.Credentials) { c.SecretAccessKey = "wrong" }), s.Region, now),
			403, "InvalidSignatureException", "signature we calculated does not match"},
		{"other region", signedWith(good, "us-west-2", now),
			403, "InvalidSignatureException", "scoped to a valid region, not 'us-west-2'"},
		{"other service", func(t *testing.T) *http.Request {
			req := newRequest(t, s.URL, "/listStreams", body)
			if err := v4.NewSigner().SignHTTP(ctx, good, req, payloadHash(body), "kinesis", s.Region, now); err != nil {
				t.Fatal(err)
			}
			return req
		}, 403, "InvalidSignatureException", "scoped to correct service: 'kinesisvideo'"},
		{"signed 6 minutes ago", signedWith(good, s.Region, now.Add(-6*time.Minute)),
			403, "InvalidSignatureException", "Signature expired"},
		{"signed 6 minutes ahead", signedWith(good, s.Region, now.Add(6*time.Minute)),
			403, "InvalidSignatureException", "Signature not yet current"},
		{"body changed, same length", func(t *testing.T) *http.Request {
			req := newRequest(t, s.URL, "/listStreams", `{"MaxResults":1}`)
			sign(t, req, good, s.Region, now, `{"MaxResults":1}`)
			req.Body = io.NopCloser(strings.NewReader(`{"MaxResults":2}`))
			return req
		}, 403, "InvalidSignatureException", "does not match"},
		{"signed header changed", tampered(func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }),
			403, "InvalidSignatureException", "does not match"},
		{"query added", tampered(func(r *http.Request) { r.URL.RawQuery = "a=b" }),
			403, "InvalidSignatureException", "does not match"},
		{"path changed", tampered(func(r *http.Request) { r.URL.Path = "/listSignalingChannels" }),
			403, "InvalidSignatureException", "does not match"},
		{"no date", tampered(func(r *http.Request) { r.Header.Del("X-Amz-Date") }),
			403, "IncompleteSignatureException", "'X-Amz-Date' or a 'Date' header"},
		{"no signature parameter", tampered(func(r *http.Request) {
			auth, _, _ := strings.Cut(r.Header.Get("Authorization"), ", Signature=")
			r.Header.Set("Authorization", auth)
		}), 403, "IncompleteSignatureException", "requires 'Signature' parameter"},
		{"other algorithm", tampered(func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1))
		}), 403, "IncompleteSignatureException", "Unsupported signing algorithm"},
		{"scope date differs", tampered(func(r *http.Request) {
			day := now.UTC().Format("20060102")
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/"+day+"/", "/20200101/", 1))
		}), 403, "InvalidSignatureException", "Date in Credential scope does not match"},
		{"host not signed", tampered(func(r *http.Request) {
			auth := r.Header.Get("Authorization")
			r.Header.Set("Authorization", strings.Replace(auth, "SignedHeaders=content-length;content-type;host;x-amz-date",
				"SignedHeaders=content-length;content-type;x-amz-date", 1))
		}), 403, "InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader'"},
		{"presigned and expired", func(t *testing.T) *http.Request {
			return presign(t, s, "/listStreams", body, good, now.Add(-2*time.Minute), "60")
		}, 403, "InvalidSignatureException", "Signature expired"},
		{"presigned with a wrong secret", func(t *testing.T) *http.Request {
			return presign(t, s, "/listStreams", body, withCreds(func(c *aws.Credentials) { c.SecretAccessKey = "wrong" }), now, "60")
		}, 403, "InvalidSignatureException", "does not match"},
		{"presigned and changed", func(t *testing.T) *http.Request {
			req := presign(t, s, "/listStreams", body, good, now, "60")
			req.URL.RawQuery = strings.Replace(req.URL.RawQuery, "X-Amz-Expires=60", "X-Amz-Expires=600", 1)
			return req
		}, 403, "InvalidSignatureException", "does not match"},
		{"presigned without signature", func(t *testing.T) *http.Request {
			req := presign(t, s, "/listStreams", body, good, now, "60")
			q := req.URL.Query()
			q.Del("X-Amz-Signature")
			req.URL.RawQuery = q.Encode()
			return req
		}, 403, "IncompleteSignatureException", "query-string parameters must include"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, s, tt.request(t))
			if r.status != tt.status || r.code != tt.code || !strings.Contains(r.message, tt.about) {
				t.Fatalf("HTTP %d %q %q, want HTTP %d %q about %q", r.status, r.code, r.message, tt.status, tt.code, tt.about)
			}
			if r.header.Get("X-Amzn-Requestid") == "" {
				t.Error("no request ID")
			}
			if tt.code != "" && !strings.HasSuffix(r.header.Get("X-Amzn-Errortype"), ":http://internal.amazon.com/coral/com.amazon.coral.service/") {
				t.Errorf("X-Amzn-ErrorType %q lacks the front end's namespace", r.header.Get("X-Amzn-Errortype"))
			}
		})
	}
	if n := s.Calls(kvstest.AnyOperation); n != 4 {
		t.Errorf("%d calls reached operations, want the 4 correct ones", n)
	}
}

// TestWrongSecretThroughClients checks that our client and a wrongly configured one are told why.
func TestWrongSecretThroughClients(t *testing.T) {
	s := start(t)
	cfg := s.Config()
	cfg.Credentials = aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		c := s.Credentials()
		c.SecretAccessKey = "not-the-secret"
		return c, nil
	})
	_, err := kvs.NewFromConfig(cfg).ListStreams(ctx, nil)
	wantCode(t, err, "InvalidSignatureException")
	if httpStatus(err) != 403 || !strings.Contains(err.Error(), "Check your AWS Secret Access Key") {
		t.Errorf("err = %v", err)
	}
}

func TestCredentialOptions(t *testing.T) {
	signed := func(s *kvstest.Server, creds aws.Credentials) response {
		req := newRequest(t, s.URL, "/listStreams", "{}")
		sign(t, req, creds, s.Region, time.Now(), "{}")
		return send(t, s, req)
	}
	t.Run("WithCredentials", func(t *testing.T) {
		s := start(t, kvstest.WithCredentials("AKIDEXAMPLE", "secret"))
		if c := s.Credentials(); c.AccessKeyID != "AKIDEXAMPLE" || c.SecretAccessKey != "secret" {
			t.Fatalf("credentials %+v", c)
		}
		if r := signed(s, s.Credentials()); r.status != 200 {
			t.Errorf("own credentials: %d %s", r.status, r.code)
		}
		if r := signed(s, aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}); r.code != "UnrecognizedClientException" {
			t.Errorf("default credentials: %d %s", r.status, r.code)
		}
	})
	t.Run("WithSessionToken", func(t *testing.T) {
		s := start(t, kvstest.WithSessionToken("session"))
		if r := signed(s, s.Credentials()); r.status != 200 {
			t.Errorf("with the token: %d %s", r.status, r.code)
		}
		c := s.Credentials()
		c.SessionToken = ""
		if r := signed(s, c); r.code != "UnrecognizedClientException" {
			t.Errorf("without the token: %d %s", r.status, r.code)
		}
		c.SessionToken = "other"
		if r := signed(s, c); r.code != "UnrecognizedClientException" {
			t.Errorf("with another token: %d %s", r.status, r.code)
		}
		if _, err := client(s).ListStreams(ctx, nil); err != nil {
			t.Errorf("Config does not carry the token: %v", err)
		}
	})
	t.Run("WithAnyCredentials", func(t *testing.T) {
		s := start(t, kvstest.WithAnyCredentials())
		c := s.Credentials()
		c.AccessKeyID, c.SessionToken = "AKIDANYTHING", "any-token"
		if r := signed(s, c); r.status != 200 {
			t.Errorf("any key: %d %s %s", r.status, r.code, r.message)
		}
		c.SecretAccessKey = "wrong"
		if r := signed(s, c); r.code != "InvalidSignatureException" {
			t.Errorf("wrong secret: %d %s", r.status, r.code)
		}
	})
}

// TestClockSkew checks the 5-minute window against the server's own clock.
func TestClockSkew(t *testing.T) {
	c := newClock()
	s := start(t, kvstest.WithClock(c.Now))
	cl := client(s)
	if _, err := cl.ListStreams(ctx, nil); err != nil {
		t.Fatal(err)
	}
	c.Advance(6 * time.Minute)
	_, err := cl.ListStreams(ctx, nil)
	wantCode(t, err, "InvalidSignatureException")
	if httpStatus(err) != 403 || !strings.Contains(err.Error(), "Signature expired") || !strings.Contains(err.Error(), "- 5 min.") {
		t.Errorf("err = %v", err)
	}
	c.Advance(-12 * time.Minute)
	_, err = cl.ListStreams(ctx, nil)
	if !strings.Contains(err.Error(), "Signature not yet current") {
		t.Errorf("err = %v", err)
	}
}

// TestCanonicalQueryEncoding checks query parameters that need encoding.
func TestCanonicalQueryEncoding(t *testing.T) {
	s := start(t)
	q := url.Values{"b": {"x y", "a+b"}, "a": {"~-._*/"}, "empty": {""}}
	req := newRequest(t, s.URL, "/listStreams?"+q.Encode(), "{}")
	sign(t, req, s.Credentials(), s.Region, time.Now(), "{}")
	if r := send(t, s, req); r.status != 200 {
		t.Fatalf("HTTP %d %s %s", r.status, r.code, r.message)
	}
}
