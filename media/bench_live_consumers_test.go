package media_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// Live consumers: each stream is fed at 30 fps with frames of liveFrameSize bytes for
// liveSeconds of media (2-second fragments), on a schedule spread evenly over the frame
// interval across the streams.
const (
	liveFPS       = 30
	liveInterval  = time.Second / liveFPS
	liveFrameSize = 1 << 10
	liveSeconds   = 6
	liveFrames    = liveSeconds * liveFPS
	// liveDrain bounds the wait for the last frames once the schedule has ended: a hang guard,
	// far beyond any delivery latency; frames still missing then count as lost.
	liveDrain = time.Minute
)

// BenchmarkLiveConsumers runs N live Consumers at once (100, 300, 1000), each reading its own
// stream from NOW frame by frame (NextChunk) over loopback from the in-process emulator, while
// one goroutine per stream writes 30 fps of 1 KiB frames into the stream's PutMedia connection
// with an mkv.Writer, each frame stamped with its sequence number and the time of its write
// (streams without retention: the emulator keeps only the fragment being received).
// Frames are small because what 1000 consumers cost is per frame (30 000 frames a second in and
// out of the emulator), not per byte: at 4 Mbit/s each, 1000 streams would be 500 MB/s through
// the emulator twice, which the two cores cannot also feed, and the measurement would be of the
// emulator and the feeders. The baseline, run first in the same op, is the same schedule and
// stamps fanned out through buffered Go channels to one goroutine per stream.
//
// Reported for the consumers (and chan- for the baseline): latency from the write to NextChunk
// returning the frame, p50 and p99; on-time-%, the share delivered within one frame interval;
// lost-frames (must be 0: a frame missing, repeated or out of order counts); CPU of the whole
// process per stream in % of a core, and heap in use per stream after a GC at the end of the
// stream, both including the emulator's side and the feeders. on-time-vs-chan is on-time-%
// over the baseline's.
func BenchmarkLiveConsumers(b *testing.B) {
	for _, n := range []int{100, 300, 1000} {
		b.Run(fmt.Sprintf("consumers=%d", n), func(b *testing.B) {
			_, client, names := benchEmulator(b, 0, kvstest.MediaLimits{GetMediaIdle: time.Hour}, n)
			var base, ours liveResult
			for range b.N {
				base.add(liveChannels(n))
				ours.add(liveGetMedia(b, client, names))
			}
			if ours.lost > 0 {
				b.Errorf("%d frames lost of %d", ours.lost, ours.sent)
			}
			base.report(b, "chan-")
			ours.report(b, "")
			b.ReportMetric(ours.onTime()/base.onTime(), "on-time-vs-chan")
		})
	}
}

// liveResult gathers the measurements of live runs.
type liveResult struct {
	lat        []time.Duration
	sent, lost int
	cpu, wall  time.Duration // process CPU and wall time over the schedule and delivery
	streams    int
	heap       float64 // heap in use per stream, bytes, summed over runs
	runs       int
}

func (r *liveResult) add(o liveResult) {
	r.lat = append(r.lat, o.lat...)
	r.sent, r.lost = r.sent+o.sent, r.lost+o.lost
	r.cpu, r.wall, r.streams = r.cpu+o.cpu, r.wall+o.wall, o.streams
	r.heap += o.heap
	r.runs++
}

func (r *liveResult) onTime() float64 {
	n := 0
	for _, l := range r.lat {
		if l <= liveInterval {
			n++
		}
	}
	return 100 * float64(n) / float64(max(r.sent, 1))
}

// perStreamSecond returns cpu in milliseconds per second of media per stream, over the runs.
func (r *liveResult) perStreamSecond(cpu time.Duration) float64 {
	return 1000 * cpu.Seconds() / (float64(r.streams*max(r.runs, 1)) * liveSeconds)
}

func (r *liveResult) report(b *testing.B, prefix string) {
	slices.Sort(r.lat)
	pct := func(p int) float64 {
		if len(r.lat) == 0 {
			return 0
		}
		return float64(r.lat[(len(r.lat)-1)*p/100].Microseconds()) / 1000
	}
	b.ReportMetric(pct(50), prefix+"p50-ms")
	b.ReportMetric(pct(99), prefix+"p99-ms")
	b.ReportMetric(r.onTime(), prefix+"on-time-%")
	if prefix == "" {
		b.ReportMetric(float64(r.lost), "lost-frames")
	}
	b.ReportMetric(r.perStreamSecond(r.cpu), prefix+"cpu-ms/stream-s")
	b.ReportMetric(r.heap/float64(r.runs)/1024, prefix+"heap-KiB/stream")
}

// liveTracker checks one stream's frames as they arrive: in sequence, once each.
type liveTracker struct {
	lat  []time.Duration
	next uint64 // the sequence number expected next
	bad  int    // frames repeated, out of order or malformed
	done chan struct{}
}

func newLiveTracker() *liveTracker {
	return &liveTracker{lat: make([]time.Duration, 0, liveFrames), done: make(chan struct{})}
}

// got records a frame stamped with stamp (sequence number, write time), received at now.
func (t *liveTracker) got(stamp []byte, now time.Time) {
	if len(stamp) < 16 {
		t.bad++
		return
	}
	seq, sent := binary.LittleEndian.Uint64(stamp), int64(binary.LittleEndian.Uint64(stamp[8:]))
	if seq != t.next {
		t.bad++
		return
	}
	t.next++
	t.lat = append(t.lat, now.Sub(time.Unix(0, sent)))
	if t.next == liveFrames {
		close(t.done)
	}
}

// liveSchedule runs one stream's schedule: frame k is due at start+offset+k×interval; write
// stamps it and sends it.
func liveSchedule(start time.Time, offset time.Duration, frame []byte, write func(k int, frame []byte) error) error {
	for k := range liveFrames {
		time.Sleep(time.Until(start.Add(offset + time.Duration(k)*liveInterval)))
		binary.LittleEndian.PutUint64(frame, uint64(k))
		binary.LittleEndian.PutUint64(frame[8:], uint64(time.Now().UnixNano()))
		if err := write(k, frame); err != nil {
			return err
		}
	}
	return nil
}

// liveMeasure starts the schedules of n streams, waits for the trackers, and measures.
func liveMeasure(n int, trackers []*liveTracker, run func(i int, start time.Time, offset time.Duration)) liveResult {
	return liveMeasureFrom(trackers, func(start time.Time) {
		for i := range n {
			go run(i, start, time.Duration(i)*liveInterval/time.Duration(n))
		}
	})
}

// liveMeasureFrom has begin start the schedules of the trackers' streams at start (stream i's
// offset is i/n of an interval), waits for the trackers, and measures.
func liveMeasureFrom(trackers []*liveTracker, begin func(start time.Time)) liveResult {
	n := len(trackers)
	cpu0 := processCPU(os.Getpid())
	start := time.Now().Add(50 * time.Millisecond)
	begin(start)
	deadline := time.After(liveSeconds*time.Second + liveDrain)
	for _, t := range trackers {
		select {
		case <-t.done:
		case <-deadline:
		}
	}
	res := liveResult{wall: time.Since(start), cpu: processCPU(os.Getpid()) - cpu0, streams: n, sent: n * liveFrames}
	for _, t := range trackers {
		res.lat = append(res.lat, t.lat...)
		res.lost += liveFrames - len(t.lat) + t.bad
	}
	return res
}

// heapInUse returns the heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// liveChannels is the baseline: n schedules sending their stamped frames through channels.
func liveChannels(n int) liveResult {
	heap0 := heapInUse()
	trackers := make([]*liveTracker, n)
	chans := make([]chan []byte, n)
	for i := range n {
		trackers[i], chans[i] = newLiveTracker(), make(chan []byte, 64)
		go func() {
			for frame := range chans[i] {
				trackers[i].got(frame, time.Now())
			}
		}()
	}
	res := liveMeasure(n, trackers, func(i int, start time.Time, offset time.Duration) {
		frame := make([]byte, liveFrameSize)
		_ = liveSchedule(start, offset, frame, func(_ int, frame []byte) error {
			chans[i] <- slices.Clone(frame) // a frame's own memory, as a decoded frame has
			return nil
		})
	})
	res.heap = float64(max(heapInUse(), heap0)-heap0) / float64(n)
	for _, ch := range chans {
		close(ch)
	}
	return res
}

// liveGetMedia feeds n streams through PutMedia and reads each with a NOW Consumer.
func liveGetMedia(b *testing.B, client *media.Client, names []string) liveResult {
	n := len(names)
	heap0 := heapInUse()
	feeds, err := openLiveFeeds(client, names)
	if err != nil {
		b.Fatal(err)
	}
	defer feeds.close()
	trackers, stop, err := startLiveConsumers(client, names)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	failed := make(chan error, n)
	res := liveMeasure(n, trackers, func(i int, start time.Time, offset time.Duration) {
		if err := feeds.run(i, start, offset); err != nil {
			failed <- err
		}
	})
	select {
	case err := <-failed:
		b.Fatal(err)
	default:
	}
	res.heap = float64(max(heapInUse(), heap0)-heap0) / float64(n)
	return res
}

// liveFeeds are the PutMedia connections feeding live streams, one mkv.Writer each.
type liveFeeds struct {
	writers []*mkv.Writer
	pipes   []*io.PipeWriter
	acks    sync.WaitGroup
	cancel  context.CancelFunc
}

// openLiveFeeds opens a PutMedia connection to each stream.
func openLiveFeeds(client *media.Client, names []string) (*liveFeeds, error) {
	cp, _ := syntheticVideo(nopTB{}, liveFrameSize)
	ctx, cancel := context.WithCancel(context.Background())
	f := &liveFeeds{writers: make([]*mkv.Writer, len(names)), pipes: make([]*io.PipeWriter, len(names)), cancel: cancel}
	for i, name := range names {
		pr, pw := io.Pipe()
		f.pipes[i] = pw
		out, err := client.PutMedia(ctx, &media.PutMediaInput{StreamName: name, FragmentTimecodeType: media.FragmentTimecodeRelative,
			ProducerStartTimestamp: time.Now(), Body: pr})
		if err != nil {
			f.close()
			return nil, err
		}
		f.acks.Add(1)
		go func() {
			defer f.acks.Done()
			defer out.Acks.Close()
			for {
				if _, err := out.Acks.Next(); err != nil {
					return
				}
			}
		}()
		if f.writers[i], err = mkv.NewWriter(pw, mkv.WriterOptions{Tracks: []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264, CodecPrivate: cp}}}); err != nil {
			f.close()
			return nil, err
		}
	}
	return f, nil
}

// run runs stream i's schedule (see liveSchedule), in 2-second fragments.
func (f *liveFeeds) run(i int, start time.Time, offset time.Duration) error {
	w := f.writers[i]
	frame := make([]byte, liveFrameSize)
	err := liveSchedule(start, offset, frame, func(k int, frame []byte) error {
		tc := int64(k) * 1000 / liveFPS
		if k%(2*liveFPS) == 0 {
			if k > 0 {
				if err := w.EndFragment(); err != nil {
					return err
				}
			}
			if err := w.StartCluster(tc); err != nil {
				return err
			}
		}
		return w.WriteFrame(mkv.Frame{Track: 1, Timecode: tc, Keyframe: k%(2*liveFPS) == 0, Data: frame})
	})
	if err == nil {
		err = w.EndFragment()
	}
	return err
}

// close ends the connections.
func (f *liveFeeds) close() {
	for _, pw := range f.pipes {
		if pw != nil {
			pw.Close()
		}
	}
	f.cancel()
	f.acks.Wait()
}

// startLiveConsumers starts a NOW Consumer on each stream, its frames checked by a tracker; stop
// closes them.
func startLiveConsumers(client *media.Client, names []string) (trackers []*liveTracker, stop func(), err error) {
	ctx, cancel := context.WithCancel(context.Background())
	trackers, consumers := make([]*liveTracker, len(names)), make([]*media.Consumer, len(names))
	stop = func() {
		for _, c := range consumers {
			if c != nil {
				c.Close()
			}
		}
		cancel()
	}
	for i, name := range names {
		c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: name})
		if err != nil {
			stop()
			return nil, nil, err
		}
		trackers[i], consumers[i] = newLiveTracker(), c
		go func() {
			for {
				ch, err := c.NextChunk(ctx)
				if err != nil {
					return
				}
				if ch.Kind == media.ChunkFrame {
					trackers[i].got(ch.Frame.Data, time.Now())
				}
			}
		}()
	}
	return trackers, stop, nil
}

// nopTB is a testing.TB for helpers called outside a test (the feeder process): it has no
// helpers to mark, and a failure ends the process.
type nopTB struct{ testing.TB }

func (nopTB) Helper() {}

func (nopTB) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, args...)
	os.Exit(1)
}

// BenchmarkLiveConsumersRemote is BenchmarkLiveConsumers with the emulator in a child process
// (kvslocal, as BenchmarkConcurrentProducersRemote) and the feeders in another (this test
// binary run as a feeder, see liveFeeder), so that cpu-ms/stream-s and heap-KiB/stream are the
// Consumers' alone (their goroutines, the trackers and the HTTP connections);
// emulator-cpu-ms/stream-s and feeder-cpu-ms/stream-s are the children's. The latencies compare
// the feeder's clock with this process's: the same wall clock of one machine.
func BenchmarkLiveConsumersRemote(b *testing.B) {
	bin := buildKvslocal(b)
	for _, n := range []int{100, 300, 1000} {
		b.Run(fmt.Sprintf("consumers=%d", n), func(b *testing.B) {
			r := startRemote(b, bin, n)
			var base, ours liveResult
			var emulator, feeder time.Duration
			for range b.N {
				base.add(liveChannels(n))
				res, e, f := liveRemote(b, r)
				ours.add(res)
				emulator, feeder = emulator+e, feeder+f
			}
			if ours.lost > 0 {
				b.Errorf("%d frames lost of %d", ours.lost, ours.sent)
			}
			base.report(b, "chan-")
			ours.report(b, "")
			b.ReportMetric(ours.onTime()/base.onTime(), "on-time-vs-chan")
			b.ReportMetric(ours.perStreamSecond(emulator), "emulator-cpu-ms/stream-s")
			b.ReportMetric(ours.perStreamSecond(feeder), "feeder-cpu-ms/stream-s")
		})
	}
}

// liveRemote runs the streams of r with the feeders in a child process and the Consumers here,
// and returns the measurement and the CPU time the emulator and the feeders took meanwhile.
func liveRemote(b *testing.B, r remote) (res liveResult, emulator, feeder time.Duration) {
	n := len(r.names)
	heap0 := heapInUse()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), r.env...), fmt.Sprintf("KVSGO_LIVE_FEEDER=%d", n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		stdin.Close()
		_ = cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		b.Fatalf("the feeder did not start: %q %v", lines.Text(), lines.Err())
	}
	trackers, stop, err := startLiveConsumers(r.client, r.names)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	emulator0, feeder0 := r.cpu(), processCPU(cmd.Process.Pid)
	res = liveMeasureFrom(trackers, func(start time.Time) { fmt.Fprintln(stdin, start.UnixNano()) })
	emulator, feeder = r.cpu()-emulator0, processCPU(cmd.Process.Pid)-feeder0
	res.heap = float64(max(heapInUse(), heap0)-heap0) / float64(n)
	return res, emulator, feeder
}

// liveFeeder is the feeder process of BenchmarkLiveConsumersRemote: it opens the PutMedia
// connections of streams bench-0 … bench-(n-1) of the emulator its environment names, says
// "ready", reads the schedule's start (Unix nanoseconds) from a line of its input, runs the
// schedules, and ends the connections when its input ends. It returns the exit status.
func liveFeeder(n int) int {
	client, ok := remoteClient()
	if !ok {
		fmt.Fprintln(os.Stderr, "feeder: no emulator in the environment")
		return 2
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("bench-%d", i)
	}
	feeds, err := openLiveFeeds(client, names)
	if err != nil {
		fmt.Fprintln(os.Stderr, "feeder:", err)
		return 1
	}
	defer feeds.close()
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	if !in.Scan() {
		return 1
	}
	ns, err := strconv.ParseInt(in.Text(), 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "feeder:", err)
		return 1
	}
	start := time.Unix(0, ns)
	var wg sync.WaitGroup
	status := 0
	var mu sync.Mutex
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := feeds.run(i, start, time.Duration(i)*liveInterval/time.Duration(n)); err != nil {
				mu.Lock()
				fmt.Fprintln(os.Stderr, "feeder:", err)
				status = 1
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for in.Scan() { // until the benchmark is done with the streams
	}
	return status
}
