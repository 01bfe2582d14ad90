package kvs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvs"
)

func TestDataEndpointCache(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var seen []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		var in kvs.GetDataEndpointInput
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &in)
		mu.Lock()
		seen = append(seen, string(in.APIName)+"/"+in.StreamName)
		mu.Unlock()
		if n == 1 {
			<-release
		}
		fmt.Fprintf(w, `{"DataEndpoint":"https://endpoint-%d.example.com"}`, n)
	})
	c := srv.client()
	in := &kvs.GetDataEndpointInput{StreamName: "s", APIName: kvs.APINamePutMedia}

	// Concurrent callers share one request.
	var wg sync.WaitGroup
	results := make([]string, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ep, err := c.DataEndpoint(context.Background(), in)
			if err != nil {
				t.Error(err)
			}
			results[i] = ep
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	for _, r := range results {
		if r != "https://endpoint-1.example.com" {
			t.Fatalf("results %v", results)
		}
	}
	if srv.requests.Load() != 1 {
		t.Fatalf("%d requests for 8 concurrent callers", srv.requests.Load())
	}

	// Another API is a different entry; the first stays cached.
	other, _ := c.DataEndpoint(context.Background(), &kvs.GetDataEndpointInput{StreamName: "s", APIName: kvs.APINameGetMedia})
	again, _ := c.DataEndpoint(context.Background(), in)
	if other != "https://endpoint-2.example.com" || again != "https://endpoint-1.example.com" {
		t.Errorf("other %q, again %q", other, again)
	}

	// Invalidation forces a new request.
	c.InvalidateDataEndpoint(in)
	fresh, _ := c.DataEndpoint(context.Background(), in)
	if fresh != "https://endpoint-3.example.com" {
		t.Errorf("after invalidation: %q", fresh)
	}
	if got := strings.Join(seen, ","); got != "PUT_MEDIA/s,GET_MEDIA/s,PUT_MEDIA/s" {
		t.Errorf("requests %s", got)
	}
}

func TestDataEndpointCacheExpiryAndErrors(t *testing.T) {
	fail := true
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if fail {
			writeError(w, http.StatusNotFound, "ResourceNotFoundException", "no stream")
			return
		}
		fmt.Fprintf(w, `{"DataEndpoint":"https://endpoint-%d.example.com"}`, n)
	})
	c := srv.client(func(o *kvs.Options) { o.EndpointCacheTTL = 50 * time.Millisecond })
	in := &kvs.GetDataEndpointInput{StreamName: "s", APIName: kvs.APINameGetClip}
	var nf *kvs.ResourceNotFoundException
	if _, err := c.DataEndpoint(context.Background(), in); !errors.As(err, &nf) {
		t.Fatalf("err = %v", err)
	}
	fail = false
	first, err := c.DataEndpoint(context.Background(), in) // errors are not cached
	if err != nil || first != "https://endpoint-2.example.com" {
		t.Fatalf("%q, %v", first, err)
	}
	time.Sleep(80 * time.Millisecond)
	if second, _ := c.DataEndpoint(context.Background(), in); second != "https://endpoint-3.example.com" {
		t.Errorf("after expiry: %q", second)
	}

	noCache := srv.client(func(o *kvs.Options) { o.EndpointCacheTTL = -1 })
	a, _ := noCache.DataEndpoint(context.Background(), in)
	b, _ := noCache.DataEndpoint(context.Background(), in)
	if a == b {
		t.Errorf("negative TTL still cached: %q", a)
	}
}

func TestDataEndpointWaiterSurvivesLoaderCancel(t *testing.T) {
	started := make(chan struct{}, 4)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		_, _ = io.Copy(io.Discard, r.Body)
		started <- struct{}{}
		if n == 1 {
			<-r.Context().Done() // the first loader is canceled
			return
		}
		fmt.Fprintf(w, `{"DataEndpoint":"https://endpoint-%d.example.com"}`, n)
	})
	c := srv.client()
	in := &kvs.GetDataEndpointInput{StreamARN: "arn:aws:kinesisvideo:us-west-2:123456789012:stream/s/1", APIName: kvs.APINameGetImages}
	loaderCtx, cancel := context.WithCancel(context.Background())
	loaderDone := make(chan error)
	go func() {
		_, err := c.DataEndpoint(loaderCtx, in)
		loaderDone <- err
	}()
	<-started
	waiterDone := make(chan string)
	go func() {
		ep, _ := c.DataEndpoint(context.Background(), in)
		waiterDone <- ep
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-loaderDone; !errors.Is(err, context.Canceled) {
		t.Errorf("loader err = %v", err)
	}
	if ep := <-waiterDone; ep != "https://endpoint-2.example.com" {
		t.Errorf("waiter got %q", ep)
	}
}

func TestSignalingChannelEndpointsCache(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		fmt.Fprintf(w, `{"ResourceEndpointList":[{"Protocol":"WSS","ResourceEndpoint":"wss://m-%d.example.com"},{"Protocol":"HTTPS","ResourceEndpoint":"https://h-%d.example.com"}]}`, n, n)
	})
	c := srv.client()
	arn := "arn:aws:kinesisvideo:us-west-2:123456789012:channel/c/1"
	master := &kvs.GetSignalingChannelEndpointInput{ChannelARN: arn, SingleMasterChannelEndpointConfiguration: kvs.SingleMasterChannelEndpointConfiguration{
		Protocols: []kvs.ChannelProtocol{kvs.ChannelProtocolWSS, kvs.ChannelProtocolHTTPS}, Role: kvs.ChannelRoleMaster}}
	viewer := *master
	viewer.SingleMasterChannelEndpointConfiguration.Role = kvs.ChannelRoleViewer
	a, _ := c.SignalingChannelEndpoints(context.Background(), master)
	b, _ := c.SignalingChannelEndpoints(context.Background(), master)
	v, _ := c.SignalingChannelEndpoints(context.Background(), &viewer)
	if a[0].ResourceEndpoint != "wss://m-1.example.com" || b[0].ResourceEndpoint != a[0].ResourceEndpoint || v[0].ResourceEndpoint != "wss://m-2.example.com" {
		t.Errorf("a %v b %v v %v", a, b, v)
	}
	c.InvalidateSignalingChannelEndpoints(master)
	if a2, _ := c.SignalingChannelEndpoints(context.Background(), master); a2[1].ResourceEndpoint != "https://h-3.example.com" {
		t.Errorf("after invalidation %v", a2)
	}
}

func TestListStreamsPaginator(t *testing.T) {
	var tokens []string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		var in kvs.ListStreamsInput
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &in)
		tokens = append(tokens, in.NextToken)
		next := map[string]string{"": "dG9rMQ==", "dG9rMQ==": "dG9rMg==", "dG9rMg==": ""}[in.NextToken]
		fmt.Fprintf(w, `{"StreamInfoList":[{"StreamName":"s%d-a"},{"StreamName":"s%d-b"}],"NextToken":%q}`, n, n, next)
	})
	c := srv.client()
	p := kvs.NewListStreamsPaginator(c, &kvs.ListStreamsInput{MaxResults: ptr(int32(2))})
	var names []string
	for s, err := range p.Items(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, s.StreamName)
	}
	if strings.Join(names, ",") != "s1-a,s1-b,s2-a,s2-b,s3-a,s3-b" || strings.Join(tokens, ",") != ",dG9rMQ==,dG9rMg==" {
		t.Errorf("names %v tokens %q", names, tokens)
	}
	if p.HasMorePages() {
		t.Error("HasMorePages after the last page")
	}
	if _, err := p.NextPage(context.Background()); err == nil {
		t.Error("NextPage after the last page succeeded")
	}

	// Stopping early leaves the rest unread, and a new paginator resumes from the token.
	p = kvs.NewListStreamsPaginator(c, nil)
	for range p.Pages(context.Background()) {
		break
	}
	if p.Token() != "dG9rMQ==" {
		t.Errorf("token after one page = %q", p.Token())
	}
	resumed := kvs.NewListStreamsPaginator(c, &kvs.ListStreamsInput{NextToken: p.Token()})
	page, err := resumed.NextPage(context.Background())
	if err != nil || page.StreamInfoList[0].StreamName != "s5-a" {
		t.Errorf("resumed page %v, %v", page, err)
	}
}

func TestPaginatorStopsOnRepeatedToken(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		_, _ = w.Write([]byte(`{"ChannelInfoList":[{"ChannelName":"c"}],"NextToken":"c2FtZQ=="}`))
	})
	p := kvs.NewListSignalingChannelsPaginator(srv.client(), nil)
	var errs []error
	pages := 0
	for _, err := range p.Pages(context.Background()) {
		pages++
		if err != nil {
			errs = append(errs, err)
		}
	}
	if pages != 2 || len(errs) != 1 || !errors.Is(errs[0], kvs.ErrDuplicateToken) {
		t.Errorf("%d pages, errors %v", pages, errs)
	}
}

func TestPaginatorItemsYieldsErrors(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeError(w, http.StatusBadRequest, "InvalidArgumentException", "bad hub")
	})
	p := kvs.NewListEdgeAgentConfigurationsPaginator(srv.client(), &kvs.ListEdgeAgentConfigurationsInput{
		HubDeviceArn: "arn:aws:iot:us-west-2:123456789012:thing/hub"})
	for _, err := range p.Items(context.Background()) {
		var ia *kvs.InvalidArgumentException
		if !errors.As(err, &ia) {
			t.Errorf("err = %v", err)
		}
	}
}

func TestStreamWaiters(t *testing.T) {
	states := []string{"CREATING", "CREATING", "ACTIVE"}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n > len(states) {
			writeError(w, http.StatusNotFound, "ResourceNotFoundException", "gone")
			return
		}
		fmt.Fprintf(w, `{"StreamInfo":{"StreamName":"s","Status":%q}}`, states[n-1])
	})
	c := srv.client()
	fast := func(o *kvs.WaiterOptions) { o.PollInterval = time.Millisecond }
	out, err := kvs.NewStreamActiveWaiter(c, fast).WaitForOutput(context.Background(), &kvs.DescribeStreamInput{StreamName: "s"}, time.Minute)
	if err != nil || out.StreamInfo.Status != kvs.StatusActive || srv.requests.Load() != 3 {
		t.Fatalf("out %+v err %v after %d polls", out, err, srv.requests.Load())
	}
	if err := kvs.NewStreamDeletedWaiter(c, fast).Wait(context.Background(), &kvs.DescribeStreamInput{StreamName: "s"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	// A stream that is gone fails an active wait at once.
	if err := kvs.NewStreamActiveWaiter(c, fast).Wait(context.Background(), &kvs.DescribeStreamInput{StreamName: "s"}, time.Minute); err == nil {
		t.Error("active wait on a deleted stream succeeded")
	}
}

func TestChannelWaitersFailAndTimeOut(t *testing.T) {
	status := "DELETING"
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		fmt.Fprintf(w, `{"ChannelInfo":{"ChannelName":"c","ChannelStatus":%q}}`, status)
	})
	c := srv.client()
	in := &kvs.DescribeSignalingChannelInput{ChannelName: "c"}
	fast := func(o *kvs.WaiterOptions) { o.PollInterval = 5 * time.Millisecond }
	err := kvs.NewSignalingChannelActiveWaiter(c, fast).Wait(context.Background(), in, time.Minute)
	if err == nil || !strings.Contains(err.Error(), "being deleted") {
		t.Errorf("DELETING: err = %v", err)
	}
	status = "ACTIVE"
	err = kvs.NewSignalingChannelDeletedWaiter(c, fast).Wait(context.Background(), in, 30*time.Millisecond)
	if !errors.Is(err, kvs.ErrWaitTimeout) {
		t.Errorf("timeout: err = %v", err)
	}
	if err := kvs.NewSignalingChannelActiveWaiter(c).Wait(context.Background(), in, 0); err == nil {
		t.Error("zero max wait accepted")
	}
}

func ptr[T any](v T) *T { return &v }
