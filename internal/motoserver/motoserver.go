// Package motoserver starts moto in server mode (a DynamoDB-compatible server, among others)
// on loopback for tests, and stops it when the test ends.
package motoserver

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/kvsgo/sdk/internal/wiretest"
)

// Start runs moto's server on a free port of 127.0.0.1 until the test ends and returns its URL.
// It skips the test when python3 has no moto (fails it under KVSGO_CI).
//
// moto_server serves requests on many threads, and its DynamoDB conditional writes are then not
// atomic: two UpdateItem calls with the same condition can both succeed, which DynamoDB never
// allows (seen in the consumer-group tests, two workers taking one lease at once). So the
// server runs moto's application on one thread, where each request completes before the next.
func Start(t testing.TB) string {
	t.Helper()
	if exec.Command("python3", "-c", "import moto.server").Run() != nil {
		wiretest.Skip(t, "moto is not installed for python3 (pip install 'moto[server]')")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("python3", "-c", serve, strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return url
		}
		select {
		case err := <-exited:
			t.Fatalf("moto_server exited before serving: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer at %s within 30 s: %v", url, err)
		}
	}
}

// serve runs moto's WSGI application as moto_server does, but on one thread (HTTP/1.0, one
// request per connection, so an idle client connection does not hold the server).
const serve = `
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False)
`

// DynamoDB returns a DynamoDB client of the moto server at url.
func DynamoDB(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
}

// Context returns a context for setup calls that ends with the test.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
