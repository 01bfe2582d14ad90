package media_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// BenchmarkConcurrentProducers runs n producers of 30 fps, 4 Mbit/s video (16.7 KB frames) at
// real-time pace against the in-process emulator, b.N seconds of media each, and says honestly
// whether they kept up: on-time-% is the share of frames whose WriteFrame returned within one
// frame interval of the frame's due time (the target is 99.9), media/wall the media time
// written over the wall time it took, for the slowest producer (the target is 0.99), and
// acked-% the share of fragments acknowledged by Close within two seconds of the end. It also
// reports the process CPU per stream (cpu-%/stream of one core) and the live heap per stream at
// the end of the stream, before Close (the emulator's, in the same process, included). The
// baseline, clock-on-time-%, is the same schedule kept by goroutines that only sleep, in the
// same run: what the machine's scheduler allows whatever the producer does.
func BenchmarkConcurrentProducers(b *testing.B) {
	for _, n := range []int{100, 300, 1000} {
		b.Run(fmt.Sprintf("producers=%d", n), func(b *testing.B) { concurrentProducers(b, n) })
	}
}

func concurrentProducers(b *testing.B, n int) {
	const size, interval = 4_000_000 / 8 / 30, time.Second / 30
	cp, frame := syntheticVideo(b, size)
	_, client, names := benchEmulator(b, 0, kvstest.MediaLimits{}, n)
	ctx := context.Background()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	producers := make([]*media.Producer, n)
	for i := range producers {
		p, err := media.NewProducer(ctx, client, media.ProducerConfig{StreamName: names[i], KeepUntil: media.AckEventReceived,
			Tracks: []media.TrackConfig{{Codec: media.CodecH264, Format: media.FormatLengthPrefixed, CodecPrivate: cp}}})
		if err != nil {
			b.Fatal(err)
		}
		producers[i] = p
	}
	frames := b.N * 30
	var mu sync.Mutex
	late, slowest := 0, time.Duration(0)
	cpuBefore := cpuTime()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	const pacers = 10
	clockLate := 0
	for range pacers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			myLate := 0
			for i := range frames {
				due := start.Add(time.Duration(i) * interval)
				time.Sleep(time.Until(due))
				if time.Since(due) > interval {
					myLate++
				}
			}
			mu.Lock()
			clockLate += myLate
			mu.Unlock()
		}()
	}
	for _, p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			myLate := 0
			for i := range frames {
				at := time.Duration(i) * interval
				due := start.Add(at)
				time.Sleep(time.Until(due))
				_ = p.WriteFrame(ctx, media.Frame{Track: 1, Timestamp: at, Keyframe: i%60 == 0, Data: frame})
				if time.Since(due) > interval {
					myLate++
				}
			}
			took := time.Since(start)
			mu.Lock()
			late += myLate
			slowest = max(slowest, took)
			mu.Unlock()
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	cpu := cpuTime() - cpuBefore
	runtime.GC() // the live heap, while every producer still holds its open fragment
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	closeCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var made, acked int
	for _, p := range producers {
		_ = p.Close(closeCtx)
		st := p.Stats()
		made += st.FragmentsProduced
		acked += st.FragmentsProduced - st.BufferedFragments
	}
	b.StopTimer()
	media := time.Duration(frames) * interval
	b.ReportMetric(100*float64(n*frames-late)/float64(n*frames), "on-time-%")
	b.ReportMetric(100*float64(pacers*frames-clockLate)/float64(pacers*frames), "clock-on-time-%")
	b.ReportMetric(float64(media)/float64(slowest), "media/wall")
	b.ReportMetric(100*float64(acked)/float64(max(made, 1)), "acked-%")
	b.ReportMetric(100*float64(cpu)/float64(wall)/float64(n), "cpu-%/stream")
	b.ReportMetric(float64(int64(during.HeapAlloc)-int64(before.HeapAlloc))/float64(n)/1024, "heap-KiB/stream")
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
