package kvs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/kvs"
)

// exampleServer stands in for the service in the examples.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/createStream":
			fmt.Fprint(w, `{"StreamARN":"arn:aws:kinesisvideo:us-east-1:123456789012:stream/camera-1/1700000000000"}`)
		case "/describeStream":
			fmt.Fprint(w, `{"StreamInfo":{"StreamName":"camera-1","Status":"ACTIVE","DataRetentionInHours":24}}`)
		case "/listStreams":
			fmt.Fprint(w, `{"StreamInfoList":[{"StreamName":"camera-1"},{"StreamName":"camera-2"}]}`)
		default:
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"The requested stream is not found or not active."}`)
		}
	}))
}

func exampleCredentials() aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
	})
}

func Example() {
	srv := exampleServer()
	defer srv.Close()
	ctx := context.Background()
	client := kvs.New(kvs.Options{Region: "us-east-1", BaseEndpoint: srv.URL, Credentials: exampleCredentials()})

	created, err := client.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "camera-1", DataRetentionInHours: 24, MediaType: "video/h264"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(created.StreamARN)

	// Wait until the stream accepts media.
	active, err := kvs.NewStreamActiveWaiter(client).WaitForOutput(ctx, &kvs.DescribeStreamInput{StreamName: "camera-1"}, time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(active.StreamInfo.Status, active.StreamInfo.DataRetentionInHours)
	// Output:
	// arn:aws:kinesisvideo:us-east-1:123456789012:stream/camera-1/1700000000000
	// ACTIVE 24
}

func ExampleNewListStreamsPaginator() {
	srv := exampleServer()
	defer srv.Close()
	client := kvs.New(kvs.Options{Region: "us-east-1", BaseEndpoint: srv.URL, Credentials: exampleCredentials()})

	for stream, err := range kvs.NewListStreamsPaginator(client, &kvs.ListStreamsInput{}).Items(context.Background()) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(stream.StreamName)
	}
	// Output:
	// camera-1
	// camera-2
}

func ExampleResourceNotFoundException() {
	srv := exampleServer()
	defer srv.Close()
	client := kvs.New(kvs.Options{Region: "us-east-1", BaseEndpoint: srv.URL, Credentials: exampleCredentials()})

	_, err := client.DeleteStream(context.Background(), &kvs.DeleteStreamInput{
		StreamARN: "arn:aws:kinesisvideo:us-east-1:123456789012:stream/missing/1"})
	var notFound *kvs.ResourceNotFoundException
	if errors.As(err, &notFound) {
		fmt.Println("no such stream:", notFound.Message)
	}
	// Output:
	// no such stream: The requested stream is not found or not active.
}

func ExampleClient_DataEndpoint() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"DataEndpoint":"https://s-1234abcd.kinesisvideo.us-east-1.amazonaws.com"}`)
	}))
	defer srv.Close()
	client := kvs.New(kvs.Options{Region: "us-east-1", BaseEndpoint: srv.URL, Credentials: exampleCredentials()})

	// The first call asks the service; the next ones are answered from the cache.
	for range 2 {
		endpoint, err := client.DataEndpoint(context.Background(), &kvs.GetDataEndpointInput{StreamName: "camera-1", APIName: kvs.APINamePutMedia})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(endpoint)
	}
	// Output:
	// https://s-1234abcd.kinesisvideo.us-east-1.amazonaws.com
	// https://s-1234abcd.kinesisvideo.us-east-1.amazonaws.com
}
