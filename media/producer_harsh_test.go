package media_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// cuttingProxy is a TCP proxy on loopback that resets each connection once it carried a number
// of bytes drawn between min and max in one direction (client to server, or server to client
// when fromServer): a network that delivers bytes, but never many in a row.
type cuttingProxy struct {
	ln         net.Listener
	target     string
	min, max   int64
	fromServer bool

	mu    sync.Mutex
	rng   *rand.Rand
	open  map[net.Conn]bool
	conns int
	cuts  int
	wg    sync.WaitGroup
}

// Directions for newCuttingProxy: the bytes that count towards a connection's budget.
const (
	clientToServer = false
	serverToClient = true
)

func newCuttingProxy(t *testing.T, target string, fromServer bool, min, max int64, seed uint64) *cuttingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cuttingProxy{ln: ln, target: target, min: min, max: max, fromServer: fromServer, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		open: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for c := range p.open { // the client's idle keep-alive connections
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

// track records an open connection, or forgets it.
func (p *cuttingProxy) track(c net.Conn, open bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if open {
		p.open[c] = true
	} else {
		delete(p.open, c)
	}
}

func (p *cuttingProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *cuttingProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		budget := p.min + p.rng.Int64N(p.max-p.min+1)
		p.conns++
		p.mu.Unlock()
		p.wg.Add(1)
		go p.pipe(c.(*net.TCPConn), budget)
	}
}

// pipe forwards one connection until budget bytes went the counted way, then resets both sides.
func (p *cuttingProxy) pipe(client *net.TCPConn, budget int64) {
	defer p.wg.Done()
	p.track(client, true)
	defer p.track(client, false)
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	server := s.(*net.TCPConn)
	src, dst := client, server // the counted direction
	if p.fromServer {
		src, dst = server, client
	}
	back := make(chan struct{})
	go func() {
		defer close(back)
		_, _ = io.Copy(src, dst)
		_ = src.CloseWrite()
	}()
	n, _ := io.CopyN(dst, src, budget)
	if n == budget {
		p.mu.Lock()
		p.cuts++
		p.mu.Unlock()
		_ = client.SetLinger(0)
		_ = server.SetLinger(0)
		client.Close()
		server.Close()
	} else {
		_ = dst.CloseWrite()
	}
	<-back
	client.Close()
	server.Close()
}

func (p *cuttingProxy) counts() (conns, cuts int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns, p.cuts
}

// cutMedia puts a cutting proxy (40 to 160 KB per connection, counted in direction fromServer)
// in front of the emulator's data endpoint and returns it with a media client that goes through
// it for media (control calls go straight to the emulator).
func cutMedia(t *testing.T, srv *kvstest.Server, client *media.Client, fromServer bool) (*cuttingProxy, *media.Client) {
	t.Helper()
	u, err := url.Parse(srv.DataURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCuttingProxy(t, u.Host, fromServer, 40_000, 160_000, uint64(time.Now().UnixNano()))
	opts := client.Options()
	return proxy, media.New(media.Options{Options: opts.Options, Control: opts.Control, Endpoint: proxy.URL()})
}

// hogCPU keeps every processor busy until stop is called (or the test ends).
func hogCPU(t *testing.T) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := uint64(1); ctx.Err() == nil; x++ {
				for range 1 << 16 {
					x = x*6364136223846793005 + 1442695040888963407
				}
			}
		}()
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			wg.Wait()
		})
	}
	t.Cleanup(stop)
	return stop
}

// TestProducerProgressOnAHarshNetwork streams 70 s of H.264+AAC (2 s fragments of about 90 KB)
// through a proxy that resets every connection after 40 to 160 KB from the producer, while the
// processors are kept busy. Frames carry their own timestamps and are written as fast as the
// Block buffer (10 s of media) lets them, so that the run takes as long as the network needs,
// not 70 s of wall time. Every frame must arrive, Close must return nil, and a cut may cost at
// most one fragment stored twice.
func TestProducerProgressOnAHarshNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute-long network test")
	}
	samples, _ := loadSamples(t, 10)
	frames := loop(samples, 7) // 70 s
	srv, client, name := emulator(t, 24, kvstest.WithMediaLimits(kvstest.MediaLimits{GetMediaIdle: 300 * time.Millisecond}))
	proxy, proxied := cutMedia(t, srv, client, clientToServer)
	stopHog := hogCPU(t)

	ctx := context.Background()
	start := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	p, err := media.NewProducer(ctx, proxied, media.ProducerConfig{StreamName: name, Tracks: avTracks(), StartTime: start,
		Buffer:     media.BufferConfig{Policy: media.Block, MaxDuration: 10 * time.Second},
		AckTimeout: 2 * time.Second, RetryBaseDelay: 10 * time.Millisecond, RetryMaxDelay: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var reports []media.ConnectionReport
	events := make(chan struct{})
	go func() {
		defer close(events)
		for {
			e, err := p.NextEvent(ctx)
			if err != nil {
				return
			}
			if e.Type == media.EventReconnect && len(reports) < 3 {
				t.Logf("reconnect: %v", e.Err)
			}
			if e.Type == media.EventReconnect {
				reports = append(reports, e.Connection)
			}
		}
	}()
	began := time.Now()
	for _, f := range frames {
		writeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := p.WriteFrame(writeCtx, media.Frame{Track: f.track, Timestamp: f.at, Keyframe: f.key, Data: f.data})
		cancel()
		if err != nil {
			t.Fatalf("WriteFrame at %v: %v (stats %+v)", f.at, err, p.Stats())
		}
	}
	closeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := p.Close(closeCtx); err != nil {
		t.Fatalf("Close: %v (stats %+v)", err, p.Stats())
	}
	elapsed := time.Since(began)
	<-events
	stopHog()
	st := p.Stats()
	conns, cuts := proxy.counts()

	consumeBegan := time.Now()
	frags := consumeAll(t, client, name)
	t.Logf("read back in %v", time.Since(consumeBegan).Round(time.Millisecond))
	dups := checkNoFrameLost(t, start, frames, frags)
	repeated := repeatedFragments(frags)
	progressing := 0
	for _, r := range reports {
		if r.FragmentsAcknowledged > 0 {
			progressing++
		}
	}
	t.Logf("%d frames in %d fragments over %v: 0 lost; %d proxied connections, %d cuts; %d fragments stored twice, %d duplicate frames; "+
		"%d reconnects (%d of them acknowledged a fragment, %d without progress), %d fragments resent",
		len(frames), st.FragmentsProduced, elapsed.Round(time.Millisecond), conns, cuts, repeated, dups,
		st.Reconnects, progressing, st.ConnectionsWithoutProgress, st.FragmentsResent)
	if cuts < 20 {
		t.Errorf("only %d cuts: the proxy did not cut as intended", cuts)
	}
	if repeated > cuts {
		t.Errorf("%d fragments stored twice for %d cuts, want at most one per cut", repeated, cuts)
	}
	if st.FragmentsDropped != 0 || st.FragmentsFailed != 0 || st.FramesLost != 0 {
		t.Errorf("stats %+v", st)
	}
}
