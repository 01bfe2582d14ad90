package rpc

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

func TestSanitizeErrorCode(t *testing.T) {
	for in, want := range map[string]string{
		"ResourceNotFoundException":                                      "ResourceNotFoundException",
		"ResourceNotFoundException:http://internal.amazon.com/coral/x/":  "ResourceNotFoundException",
		"com.amazonaws.kinesisvideo#InvalidArgumentException":            "InvalidArgumentException",
		"aws.protocoltests#FooError:http://internal.amazon.com/coral/x/": "FooError",
		" Spaced ": "Spaced",
		"":         "",
	} {
		if got := SanitizeErrorCode(in); got != want {
			t.Errorf("SanitizeErrorCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorTableIgnoresCase(t *testing.T) {
	type custom struct{ error }
	table := NewErrorTable(map[string]func(string) error{"FooException": func(m string) error { return custom{errors.New(m)} }})
	if err := table.New("fooexception", "boom"); err == nil || err.Error() != "boom" {
		t.Errorf("lower case: %v", err)
	}
	if err := table.New("BarException", "x"); err != nil {
		t.Errorf("unknown code: %v", err)
	}
}

func TestUserAgent(t *testing.T) {
	ua := userAgent("kinesisvideo", "my app/1 (x)")
	if !regexp.MustCompile(`^kvsgo/\S+ os/\S+ lang/go#\S+ md/GOARCH#\S+ api/kinesisvideo#\S+ app/my-app-1--x-$`).MatchString(ua) {
		t.Errorf("User-Agent %q", ua)
	}
	if strings.Contains(userAgent("", ""), "api/") {
		t.Errorf("no API name: %q", userAgent("", ""))
	}
}

func TestInvocationIDsAreVersion4UUIDs(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id := newInvocationID()
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("invocation ID %q", id)
		}
		seen[id] = true
	}
}

type codeErr string

func (c codeErr) Error() string     { return string(c) }
func (c codeErr) ErrorCode() string { return string(c) }

func TestRetryersRetryThrottlingCodes(t *testing.T) {
	for name, r := range map[string]aws.RetryerV2{
		"standard":     NewRetryer(aws.RetryModeStandard, 0),
		"adaptive":     NewRetryer(aws.RetryModeAdaptive, 0),
		"caller's":     buildRetryer(retry.NewStandard(), "", 0),
		"caller's v1":  buildRetryer(aws.NopRetryer{}, "", 2),
		"max attempts": NewRetryer(aws.RetryModeStandard, 7),
	} {
		for _, code := range ThrottleCodes {
			if name != "caller's v1" && !r.IsErrorRetryable(codeErr(code)) {
				t.Errorf("%s retryer does not retry %s", name, code)
			}
		}
		if r.IsErrorRetryable(codeErr("ValidationException")) {
			t.Errorf("%s retryer retries a validation error", name)
		}
	}
	if n := NewRetryer(aws.RetryModeStandard, 7).MaxAttempts(); n != 7 {
		t.Errorf("max attempts %d", n)
	}
	if n := buildRetryer(aws.NopRetryer{}, "", 2).MaxAttempts(); n != 2 {
		t.Errorf("caller's retryer max attempts %d", n)
	}
}

func TestClientOptionsBuild(t *testing.T) {
	c, err := ClientOptions{Region: "eu-west-1", AppID: "a"}.Build("Svc", "api", nil)
	if err != nil || c.Endpoint != "https://kinesisvideo.eu-west-1.amazonaws.com" || c.HTTPClient == nil || c.Retryer == nil {
		t.Fatalf("%+v, %v", c, err)
	}
	if _, err := (ClientOptions{}).Build("Svc", "api", nil); err == nil {
		t.Error("no region accepted")
	}
	if got := c.WithEndpoint("https://data.example.com/").Endpoint; got != "https://data.example.com" {
		t.Errorf("WithEndpoint = %q", got)
	}
}
