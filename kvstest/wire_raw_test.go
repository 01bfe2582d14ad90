package kvstest_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest"
)

// rawRequest sends a signed request's headers on a raw connection, asking for 100-continue, and
// returns the connection and a reader of the answer; the body is not sent.
func rawRequest(t *testing.T, s *kvstest.Server, base, path string, header http.Header, bodyHash string, contentLength int) (net.Conn, *bufio.Reader) {
	t.Helper()
	u, err := url.Parse(base + path)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, u.String(), nil)
	req.Header = header
	if err := v4.NewSigner().SignHTTP(ctx, s.Credentials(), req, bodyHash, "kinesisvideo", s.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: %s\r\n", path, u.Host)
	for k, vs := range req.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	if contentLength >= 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", contentLength)
	} else {
		b.WriteString("Transfer-Encoding: chunked\r\n")
	}
	b.WriteString("Expect: 100-continue\r\n\r\n")
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	return conn, bufio.NewReader(conn)
}

// readHead reads a status line and headers, raw.
func readHead(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var head strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the answer: %v (so far %q)", err, head.String())
		}
		head.WriteString(line)
		if line == "\r\n" {
			return head.String()
		}
	}
}

// TestExpectContinue checks that a request asking for 100-continue gets a bare "100 Continue"
// before anything else, without sending its body first: PutMedia (whose response starts before
// its body is read) and a JSON operation.
func TestExpectContinue(t *testing.T) {
	s := start(t)
	if _, err := client(s).CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "cam", DataRetentionInHours: 1}); err != nil {
		t.Fatal(err)
	}
	t.Run("PutMedia", func(t *testing.T) {
		h := http.Header{"X-Amzn-Stream-Name": {"cam"}, "X-Amzn-Fragment-Timecode-Type": {"ABSOLUTE"},
			"X-Amzn-Producer-Start-Timestamp": {"1700000000.000"}, "X-Amzn-Fragment-Acknowledgment-Required": {"1"}}
		conn, r := rawRequest(t, s, s.DataURL, "/putMedia", h, emptyHash, -1)
		if head := readHead(t, r); head != "HTTP/1.1 100 Continue\r\n\r\n" {
			t.Fatalf("first answer %q, want a bare 100 Continue", head)
		}
		body := newBody(t, videoTrack).cluster(t0, [2]int64{1, 0}).b
		fmt.Fprintf(conn, "%x\r\n%s\r\n0\r\n\r\n", len(body), body)
		head := readHead(t, r)
		if !strings.HasPrefix(head, "HTTP/1.1 200 ") || !strings.Contains(head, "\r\nx-amzn-RequestId: ") {
			t.Fatalf("answer %q, want 200 with x-amzn-RequestId spelled so", head)
		}
	})
	t.Run("JSON operation", func(t *testing.T) {
		body := `{"StreamName":"cam"}`
		h := http.Header{"Content-Type": {"application/json"}}
		conn, r := rawRequest(t, s, s.URL, "/describeStream", h, payloadHash(body), len(body))
		if head := readHead(t, r); head != "HTTP/1.1 100 Continue\r\n\r\n" {
			t.Fatalf("first answer %q, want a bare 100 Continue", head)
		}
		fmt.Fprint(conn, body)
		if head := readHead(t, r); !strings.HasPrefix(head, "HTTP/1.1 200 ") || !strings.Contains(head, "\r\nx-amzn-RequestId: ") {
			t.Fatalf("answer %q", head)
		}
	})
	t.Run("refused PutMedia gets no 100 Continue", func(t *testing.T) {
		h := http.Header{"X-Amzn-Stream-Name": {"nosuch"}, "X-Amzn-Fragment-Timecode-Type": {"ABSOLUTE"}}
		_, r := rawRequest(t, s, s.DataURL, "/putMedia", h, emptyHash, -1)
		head := readHead(t, r)
		if !strings.HasPrefix(head, "HTTP/1.1 404 ") || !strings.Contains(head, "\r\nx-amzn-ErrorType: ResourceNotFoundException:") ||
			!strings.Contains(head, "\r\nx-amzn-RequestId: ") {
			t.Fatalf("answer %q, want 404 with x-amzn-ErrorType and x-amzn-RequestId spelled so", head)
		}
	})
}

const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
