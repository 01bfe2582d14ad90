package media_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
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
	b.ReportMetric(100*r.cpu.Seconds()/r.wall.Seconds()/float64(r.streams), prefix+"cpu-%/stream")
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
	cpu0 := processCPU(os.Getpid())
	start := time.Now().Add(50 * time.Millisecond)
	for i := range n {
		go run(i, start, time.Duration(i)*liveInterval/time.Duration(n))
	}
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
	cp, _ := syntheticVideo(b, liveFrameSize)
	heap0 := heapInUse()
	ctx, cancel := context.WithCancel(context.Background())
	writers, pipes := make([]*mkv.Writer, n), make([]*io.PipeWriter, n)
	trackers, consumers := make([]*liveTracker, n), make([]*media.Consumer, n)
	var acks sync.WaitGroup
	defer func() {
		for _, c := range consumers {
			if c != nil {
				c.Close()
			}
		}
		for _, pw := range pipes {
			if pw != nil {
				pw.Close()
			}
		}
		cancel()
		acks.Wait()
	}()
	for i, name := range names {
		pr, pw := io.Pipe()
		pipes[i] = pw
		out, err := client.PutMedia(ctx, &media.PutMediaInput{StreamName: name, FragmentTimecodeType: media.FragmentTimecodeRelative,
			ProducerStartTimestamp: time.Now(), Body: pr})
		if err != nil {
			b.Fatal(err)
		}
		acks.Add(1)
		go func() {
			defer acks.Done()
			defer out.Acks.Close()
			for {
				if _, err := out.Acks.Next(); err != nil {
					return
				}
			}
		}()
		if writers[i], err = mkv.NewWriter(pw, mkv.WriterOptions{Tracks: []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264, CodecPrivate: cp}}}); err != nil {
			b.Fatal(err)
		}
	}
	for i, name := range names {
		c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: name})
		if err != nil {
			b.Fatal(err)
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
	failed := make(chan error, n)
	res := liveMeasure(n, trackers, func(i int, start time.Time, offset time.Duration) {
		w := writers[i]
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
		if err != nil {
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
