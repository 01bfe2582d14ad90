package kvstest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/kvsgo/sdk/kvs"
)

// resetWithSeeds empties the server's state and creates a stream "s" and a channel "c", so that
// every run of the fuzz function starts from the same state.
func resetWithSeeds(t *testing.T, s *Server) {
	now := s.state.Lock()
	defer s.state.Unlock()
	s.state.Reset()
	_, e := s.state.CreateStream(now, &kvs.CreateStreamInput{StreamName: "s", DataRetentionInHours: 1})
	if e == nil {
		_, e = s.state.CreateSignalingChannel(now, &kvs.CreateSignalingChannelInput{ChannelName: "c"})
	}
	if e != nil {
		t.Fatal(e)
	}
}

// FuzzControlPlane sends arbitrary bodies, correctly signed, to every control-plane operation:
// the answer is never a server error, and a success carries JSON or nothing.
func FuzzControlPlane(f *testing.F) {
	s := NewServer()
	f.Cleanup(s.Close)
	var paths []string
	for p := range routes[controlPlane] {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for i := range paths {
		f.Add(uint8(i), []byte(`{"StreamName":"s","ChannelName":"c","DataRetentionInHours":1}`))
	}
	f.Add(uint8(0), []byte(`{"Tags":{"a":"b"},"TagKeyList":["a"],"StreamARN":"arn:aws:kinesisvideo:us-east-1:123456789012:stream/s/1"}`))
	f.Add(uint8(3), []byte(`{"EdgeConfig":{"HubDeviceArn":"x","RecorderConfig":{}}}`))
	f.Add(uint8(5), []byte(`[[[[{"a":`))
	handler := s.handler(controlPlane)
	signer := v4.NewSigner()
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		if len(body) > 512 {
			return // large bodies are tested elsewhere; here they would only slow minimization down
		}
		resetWithSeeds(t, s)
		path := paths[int(op)%len(paths)]
		req := httptest.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(string(body)))
		if err := signer.SignHTTP(context.Background(), s.Credentials(), req, hexSum(body), "kinesisvideo", s.Region, time.Now()); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 || rec.Code == 0 {
			t.Fatalf("%s %q: HTTP %d %s", path, body, rec.Code, rec.Body)
		}
		if rec.Code == 200 && rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: invalid JSON %s", path, body, rec.Body)
		}
	})
}
