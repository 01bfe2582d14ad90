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

// Start runs moto_server on a free port of 127.0.0.1 until the test ends and returns its URL.
// It runs moto_server, or python3 -m moto.server when only the module is installed, and skips
// the test when neither is (fails it under KVSGO_CI).
func Start(t testing.TB) string {
	t.Helper()
	command := func(port int) *exec.Cmd {
		return exec.Command("moto_server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	}
	if _, err := exec.LookPath("moto_server"); err != nil {
		if exec.Command("python3", "-c", "import moto.server").Run() != nil {
			wiretest.Skip(t, "moto is not installed (pip install 'moto[server]')")
		}
		command = func(port int) *exec.Cmd {
			return exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := command(port)
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
