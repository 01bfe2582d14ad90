package kvs_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/kvsgo/sdk/kvs"
)

func TestMain(m *testing.M) { wiretest.VerifyNoLeaks(m) }

// server is a test server that counts requests and answers with handle.
type server struct {
	*httptest.Server
	requests atomic.Int32
}

func newServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handle(w, r, int(s.requests.Add(1)))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) client(optFns ...func(*kvs.Options)) *kvs.Client {
	return kvs.New(kvs.Options{Region: "us-west-2", BaseEndpoint: s.URL, Credentials: wiretest.Credentials}, optFns...)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("X-Amzn-RequestId", "request-"+code)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"message":"` + msg + `"}`))
}

func TestBadInputFailsBeforeTheNetwork(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {})
	c := srv.client()
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"missing required field", func() error { _, err := c.CreateStream(ctx, &kvs.CreateStreamInput{}); return err },
			"CreateStreamInput.StreamName: missing required value"},
		{"nil input", func() error { _, err := c.CreateStream(ctx, nil); return err },
			"CreateStreamInput.StreamName: missing required value"},
		{"name with a space", func() error {
			_, err := c.DescribeStream(ctx, &kvs.DescribeStreamInput{StreamName: "my stream"})
			return err
		}, `DescribeStreamInput.StreamName: "my stream" does not match the pattern name`},
		{"MaxResults 0", func() error {
			_, err := c.ListStreams(ctx, &kvs.ListStreamsInput{MaxResults: aws.Int32(0)})
			return err
		}, "ListStreamsInput.MaxResults: value 0 is below the minimum 1"},
		{"unknown enum", func() error {
			_, err := c.GetDataEndpoint(ctx, &kvs.GetDataEndpointInput{StreamName: "s", APIName: "PUT_MEDIA_FAST"})
			return err
		}, `GetDataEndpointInput.APIName: "PUT_MEDIA_FAST" is not one of GET_CLIP,`},
		{"nested member", func() error {
			_, err := c.UpdateImageGenerationConfiguration(ctx, &kvs.UpdateImageGenerationConfigurationInput{
				StreamName: "s", ImageGenerationConfiguration: kvs.ImageGenerationConfiguration{Status: kvs.ConfigurationStatusEnabled},
			})
			return err
		}, "ImageGenerationConfiguration.DestinationConfig: missing required value"},
		{"too many tags", func() error {
			tags := map[string]string{}
			for i := range 51 {
				tags[strings.Repeat("k", i+1)] = "v"
			}
			_, err := c.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s", Tags: tags})
			return err
		}, "CreateStreamInput.Tags: count 51 is above the maximum 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ipe smithy.InvalidParamsError
			var oe *smithy.OperationError
			if !errors.As(err, &ipe) || !errors.As(err, &oe) {
				t.Fatalf("err = %v, want an OperationError wrapping InvalidParamsError", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "operation error Kinesis Video: "+oe.OperationName) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
	if n := srv.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// recordingRetryer records the delays asked of a standard retryer.
type recordingRetryer struct {
	aws.RetryerV2
	mu       sync.Mutex
	attempts []int
	errs     []error
}

func (r *recordingRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	r.mu.Lock()
	r.attempts = append(r.attempts, attempt)
	r.errs = append(r.errs, err)
	r.mu.Unlock()
	return r.RetryerV2.RetryDelay(attempt, err)
}

func TestThrottlingIsRetriedWithBackoff(t *testing.T) {
	var attemptHeaders []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		attemptHeaders = append(attemptHeaders, r.Header.Get("Amz-Sdk-Request"))
		if n <= 2 {
			writeError(w, http.StatusBadRequest, "ClientLimitExceededException", "slow down")
			return
		}
		_, _ = w.Write([]byte(`{"StreamInfo":{"StreamName":"s","Status":"ACTIVE"}}`))
	})
	rec := &recordingRetryer{RetryerV2: retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
	})}
	c := srv.client(func(o *kvs.Options) { o.Retryer = rec })
	out, err := c.DescribeStream(context.Background(), &kvs.DescribeStreamInput{StreamName: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if out.StreamInfo.Status != kvs.StatusActive || srv.requests.Load() != 3 {
		t.Fatalf("status %q after %d requests", out.StreamInfo.Status, srv.requests.Load())
	}
	if len(rec.attempts) != 2 || rec.attempts[0] != 1 || rec.attempts[1] != 2 {
		t.Errorf("backoff asked for attempts %v, want [1 2]", rec.attempts)
	}
	var cle *kvs.ClientLimitExceededException
	if !errors.As(rec.errs[0], &cle) {
		t.Errorf("backoff error = %v", rec.errs[0])
	}
	want := []string{"attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"}
	if strings.Join(attemptHeaders, "|") != strings.Join(want, "|") {
		t.Errorf("Amz-Sdk-Request = %q, want %q", attemptHeaders, want)
	}
}

func TestDefaultRetryerRetriesThrottlingCodes(t *testing.T) {
	for _, code := range []string{"ClientLimitExceededException", "ConnectionLimitExceededException"} {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeError(w, http.StatusBadRequest, code, "slow down")
		})
		_, err := srv.client(func(o *kvs.Options) { o.RetryMaxAttempts = 2 }).ListStreams(context.Background(), nil)
		var maxErr *retry.MaxAttemptsError
		if !errors.As(err, &maxErr) || srv.requests.Load() != 2 {
			t.Errorf("%s: %d requests, err %v", code, srv.requests.Load(), err)
		}
	}
}

func TestNonRetryableErrorsAreNotRetried(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(w, http.StatusNotFound, "ResourceNotFoundException", "no such stream")
	})
	_, err := srv.client().DescribeStream(context.Background(), &kvs.DescribeStreamInput{StreamName: "s"})
	var nf *kvs.ResourceNotFoundException
	if !errors.As(err, &nf) || nf.Message != "no such stream" {
		t.Fatalf("err = %v", err)
	}
	if n := srv.requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.ServiceRequestID() != "request-ResourceNotFoundException" || re.HTTPStatusCode() != 404 {
		t.Errorf("response error = %v", re)
	}
}

func TestServerErrorsAreRetried(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	})
	if _, err := srv.client().ListStreams(context.Background(), nil); err != nil || srv.requests.Load() != 2 {
		t.Fatalf("err %v after %d requests", err, srv.requests.Load())
	}
}

func TestCanceledContextStopsImmediately(t *testing.T) {
	t.Run("during the request", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			_, _ = io.Copy(io.Discard, r.Body) // the server notices the disconnect once the body is read
			<-r.Context().Done()
		})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := srv.client().ListStreams(ctx, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("returned after %v", d)
		}
	})
	t.Run("during backoff", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeError(w, http.StatusBadRequest, "ClientLimitExceededException", "slow down")
		})
		slow := retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Hour, nil })
		})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := srv.client(func(o *kvs.Options) { o.Retryer = slow }).ListStreams(ctx, nil)
		if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
			t.Fatalf("err = %v after %v", err, time.Since(start))
		}
		if n := srv.requests.Load(); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("before the request", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := srv.client().ListStreams(ctx, nil); !errors.Is(err, context.Canceled) || srv.requests.Load() != 0 {
			t.Fatalf("err = %v, %d requests", err, srv.requests.Load())
		}
	})
}

func TestErrorCodeSources(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		header  http.Header
		body    string
		code    string
		message string
		typed   bool
		fault   smithy.ErrorFault
	}{
		{"X-Amzn-ErrorType", 400, http.Header{"X-Amzn-Errortype": {"ResourceInUseException:http://x/"}}, `{"message":"busy"}`, "ResourceInUseException", "busy", true, smithy.FaultClient},
		{"x-amz-ErrorType", 400, http.Header{"X-Amz-Errortype": {"VersionMismatchException"}}, `{"Message":"old"}`, "VersionMismatchException", "old", true, smithy.FaultClient},
		{"body __type with namespace", 400, nil, `{"__type":"com.amazonaws.kinesisvideo#InvalidArgumentException","message":"bad"}`, "InvalidArgumentException", "bad", true, smithy.FaultClient},
		{"body code", 400, nil, `{"code":"NotAuthorizedException","message":"no"}`, "NotAuthorizedException", "no", true, smithy.FaultClient},
		{"codes match without case", 400, http.Header{"X-Amzn-Errortype": {"resourcenotfoundexception"}}, `{}`, "ResourceNotFoundException", "", true, smithy.FaultClient},
		{"unknown code", 400, http.Header{"X-Amzn-Errortype": {"BrandNewException"}}, `{"message":"new"}`, "BrandNewException", "new", false, smithy.FaultClient},
		{"status only", 403, nil, ``, "Forbidden", "", false, smithy.FaultClient},
		{"non-JSON body", 502, nil, `<html>bad gateway</html>`, "BadGateway", "non-JSON error body: <html>bad gateway</html>", false, smithy.FaultServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := srv.client(func(o *kvs.Options) { o.RetryMaxAttempts = 1 }).ListStreams(context.Background(), nil)
			var api smithy.APIError
			if !errors.As(err, &api) {
				t.Fatalf("err = %v", err)
			}
			if api.ErrorCode() != tt.code || api.ErrorMessage() != tt.message || api.ErrorFault() != tt.fault {
				t.Errorf("got %s %q %v, want %s %q %v", api.ErrorCode(), api.ErrorMessage(), api.ErrorFault(), tt.code, tt.message, tt.fault)
			}
			var generic *smithy.GenericAPIError
			if isGeneric := errors.As(err, &generic); isGeneric == tt.typed {
				t.Errorf("generic = %v, want typed = %v (%T)", isGeneric, tt.typed, api)
			}
		})
	}
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { got = r.Header.Clone() })
	if _, err := srv.client(func(o *kvs.Options) { o.AppID = "my app" }).ListStreams(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ua := got.Get("User-Agent")
	for _, want := range []string{"kvsgo/", "api/kinesisvideo#", "app/my-app", "lang/go#"} {
		if !strings.Contains(ua, want) {
			t.Errorf("User-Agent %q lacks %q", ua, want)
		}
	}
	if !strings.HasPrefix(got.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || got.Get("X-Amz-Security-Token") != "token" {
		t.Errorf("not signed: %v", got)
	}
}

func TestCredentials(t *testing.T) {
	var auth []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		auth = append(auth, r.Header.Get("Authorization"))
	})
	t.Run("missing", func(t *testing.T) {
		c := kvs.New(kvs.Options{Region: "us-west-2", BaseEndpoint: srv.URL})
		if _, err := c.ListStreams(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "no credentials provider") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("anonymous", func(t *testing.T) {
		auth = nil
		c := kvs.New(kvs.Options{Region: "us-west-2", BaseEndpoint: srv.URL, Credentials: aws.AnonymousCredentials{}})
		if _, err := c.ListStreams(context.Background(), nil); err != nil || auth[0] != "" {
			t.Fatalf("err = %v, Authorization %q", err, auth)
		}
	})
	t.Run("refreshed when expired", func(t *testing.T) {
		var calls atomic.Int32
		provider := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			n := calls.Add(1)
			return aws.Credentials{AccessKeyID: "AKID" + string(rune('0'+n)), SecretAccessKey: "s",
				CanExpire: true, Expires: time.Now().Add(-time.Second)}, nil
		})
		auth = nil
		c := kvs.New(kvs.Options{Region: "us-west-2", BaseEndpoint: srv.URL, Credentials: provider})
		for range 2 {
			if _, err := c.ListStreams(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
		}
		if calls.Load() != 2 || !strings.Contains(auth[0], "AKID1/") || !strings.Contains(auth[1], "AKID2/") {
			t.Errorf("provider called %d times, Authorization %q", calls.Load(), auth)
		}
	})
}

func TestNewFromConfig(t *testing.T) {
	var got *http.Request
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { got = r })
	cfg := aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL), Credentials: wiretest.Credentials, AppID: "cfg-app", RetryMaxAttempts: 1}
	c := kvs.NewFromConfig(cfg)
	if _, err := c.ListStreams(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Header.Get("Authorization"), "/eu-west-1/kinesisvideo/aws4_request") || !strings.Contains(got.Header.Get("User-Agent"), "app/cfg-app") {
		t.Errorf("headers %v", got.Header)
	}
	if o := c.Options(); o.Region != "eu-west-1" || o.RetryMaxAttempts != 1 {
		t.Errorf("options %+v", o)
	}
}

func TestConfigurationErrors(t *testing.T) {
	_, err := kvs.New(kvs.Options{Credentials: wiretest.Credentials}).ListStreams(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "operation error Kinesis Video: ListStreams") || !strings.Contains(err.Error(), "no region") {
		t.Errorf("err = %v", err)
	}
	_, err = kvs.New(kvs.Options{Region: "us-east-1", BaseEndpoint: "http://x", UseFIPSEndpoint: true, Credentials: wiretest.Credentials}).ListStreams(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "FIPS") {
		t.Errorf("err = %v", err)
	}
}

func TestPerCallOptions(t *testing.T) {
	var regions []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		regions = append(regions, r.Header.Get("Authorization"))
	})
	c := srv.client()
	if _, err := c.ListStreams(context.Background(), nil, func(o *kvs.Options) { o.Region = "ap-south-1" }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListStreams(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(regions[0], "/ap-south-1/") || !strings.Contains(regions[1], "/us-west-2/") {
		t.Errorf("per-call region not applied, or leaked: %q", regions)
	}
}
