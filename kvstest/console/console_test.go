package console_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvstest/console"
)

func get(t *testing.T, h http.Handler, method, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// references are the files a page or script names: src and href attributes, ES module imports
// and the vendored libraries loaded on demand.
var references = regexp.MustCompile(`(?:src|href)="(/console/[^"]+)"|from "\./([^"]+)"|loadScript\("(/console/[^"]+)"\)`)

func TestHandlerServesThePageAndEveryFileItNames(t *testing.T) {
	h := console.Handler(console.Options{Region: "eu-west-3"})
	resp, page := get(t, h, http.MethodGet, "/")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(page, `<meta name="kvs-region" content="eu-west-3">`) {
		t.Error("the page does not name the region")
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if strings.Contains(page, "//cdn") || strings.Contains(page, "https://") {
		t.Error("the page loads something from elsewhere")
	}

	seen := map[string]bool{}
	queue := []string{"/"}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		resp, body := get(t, h, http.MethodGet, path)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
			continue
		}
		if strings.HasSuffix(path, ".js") && !strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
			t.Errorf("GET %s: Content-Type %q", path, resp.Header.Get("Content-Type"))
		}
		if strings.Contains(path, "/vendor/") {
			continue
		}
		for _, m := range references.FindAllStringSubmatch(body, -1) {
			ref := m[1] + m[3]
			if m[2] != "" {
				ref = "/console/" + m[2]
			}
			if !seen[ref] {
				seen[ref] = true
				queue = append(queue, ref)
			}
		}
	}
	for _, want := range []string{"/console/app.js", "/console/style.css", "/console/vendor/aws.js", "/console/vendor/hls.js", "/console/vendor/kvs-webrtc.js", "/console/stream.js", "/console/channel.js"} {
		if !seen[want] {
			t.Errorf("nothing names %s", want)
		}
	}
}

func TestHandlerRefusesWhatItDoesNotServe(t *testing.T) {
	h := console.Handler(console.Options{Region: "us-east-1"})
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
		{http.MethodGet, "/console/", http.StatusNotFound},           // no listing
		{http.MethodGet, "/console/vendor/", http.StatusNotFound},    // no listing
		{http.MethodGet, "/console/index.html", http.StatusNotFound}, // the page is at /, with its region
		{http.MethodGet, "/console/missing.js", http.StatusNotFound},
		{http.MethodHead, "/console/app.js", http.StatusOK},
	} {
		if resp, _ := get(t, h, c.method, c.path); resp.StatusCode != c.status {
			t.Errorf("%s %s: HTTP %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
	}
}

func TestURLCarriesTheCredentialsInTheFragment(t *testing.T) {
	u, err := url.Parse(console.URL("http://127.0.0.1:4567/", aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "se/cr+et", SessionToken: "tok&en"}))
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/" || u.RawQuery != "" {
		t.Errorf("the credentials leave the fragment: %s", u)
	}
	v, err := url.ParseQuery(u.EscapedFragment())
	if err != nil {
		t.Fatal(err)
	}
	if v.Get("access-key") != "AKID" || v.Get("secret-key") != "se/cr+et" || v.Get("session-token") != "tok&en" {
		t.Errorf("fragment %q decodes to %v", u.Fragment, v)
	}
	if strings.Contains(console.URL("http://h", aws.Credentials{AccessKeyID: "a", SecretAccessKey: "b"}), "session-token") {
		t.Error("an empty session token is passed")
	}
}

func TestHandlerLetsBrowsersRevalidateFiles(t *testing.T) {
	h := console.Handler(console.Options{Region: "us-east-1"})
	resp, _ := get(t, h, http.MethodGet, "/console/vendor/aws.js")
	tag := resp.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/console/vendor/aws.js", nil)
	req.Header.Set("If-None-Match", tag)
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("revalidation: HTTP %d with %d bytes, want 304 and none", rec.Code, rec.Body.Len())
	}
	if other, _ := get(t, h, http.MethodGet, "/console/app.js"); other.Header.Get("ETag") == tag {
		t.Error("two files share an ETag")
	}
}
