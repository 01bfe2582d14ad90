package media_test

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// getMedia1080p builds a GetMedia response as the service sends it for a 1080p camera: 8 s of
// 2-second fragments, 30 fps H.264 at about 8 Mbit/s (150 KB key frames, 30 KB others) and
// 48 kHz AAC (about 47 frames of 300 bytes a second), one MKV document per fragment with the
// service's tags before and after the cluster.
func getMedia1080p(b testing.TB) []byte {
	b.Helper()
	tracks := []mkv.TrackEntry{
		{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264, CodecPrivate: make([]byte, 40), Video: mkv.VideoSettings{PixelWidth: 1920, PixelHeight: 1080}},
		{Number: 2, UID: 2, Type: mkv.TrackAudio, CodecID: "A_AAC", CodecPrivate: []byte{0x11, 0x90}, Audio: mkv.AudioSettings{SamplingFrequency: 48000, Channels: 1}},
	}
	key, inter, audio := make([]byte, 150_000), make([]byte, 30_000), make([]byte, 300)
	var out []byte
	for frag := range 4 {
		doc, err := mkv.AppendHeader(nil, mkv.Info{}, tracks)
		if err != nil {
			b.Fatal(err)
		}
		number := "9134385233318143239" + strconv.Itoa(1000+frag)
		doc, _ = mkv.AppendTags(doc, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{{Name: media.TagFragmentNumber, String: number},
			{Name: media.TagServerTimestamp, String: "1511852109.126"}, {Name: media.TagProducerTimestamp, String: "1511852108.513"}}}})
		tc := int64(frag * 2000)
		doc, _ = mkv.AppendClusterStart(doc, tc, mkv.UnknownSize)
		a := 0
		for i := range 60 {
			at := int64(i) * 1000 / 30
			for ; a*1000/47 <= int(at); a++ {
				doc, _ = mkv.AppendSimpleBlock(doc, tc, mkv.Frame{Track: 2, Timecode: tc + int64(a*1000/47), Keyframe: true, Data: audio})
			}
			data := inter
			if i == 0 {
				data = key
			}
			doc, _ = mkv.AppendSimpleBlock(doc, tc, mkv.Frame{Track: 1, Timecode: tc + at, Keyframe: i == 0, Data: data})
		}
		doc, _ = mkv.AppendTags(doc, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{{Name: media.TagMillisBehindNow, String: "120"},
			{Name: media.TagContinuationToken, String: number}}}})
		out = append(out, doc...)
	}
	return out
}

// BenchmarkFragmentReader reads the 1080p GetMedia stream from memory, one whole stream per op:
// mkv.Reader decoding every event is the baseline; FragmentReader.Next with and without buffer
// reuse, and ReadChunk, are what consumers call. alloc-B/B is the bytes allocated per input byte.
func BenchmarkFragmentReader(b *testing.B) {
	data := getMedia1080p(b)
	run := func(b *testing.B, read func(src *bytes.Reader) int) {
		src := bytes.NewReader(data)
		want := read(src)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.ResetTimer()
		for range b.N {
			src.Reset(data)
			if n := read(src); n != want {
				b.Fatalf("%d frames, want %d", n, want)
			}
		}
		b.StopTimer()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(len(data)), "alloc-B/B")
	}
	r := mkv.NewReader(nil)
	baseline := func(src *bytes.Reader) int {
		r.Reset(src)
		n := 0
		for {
			ev, err := r.Next()
			if err == io.EOF {
				return n
			}
			if err != nil {
				b.Fatal(err)
			}
			if ev.Kind == mkv.KindFrame {
				n++
			}
		}
	}
	readNext := func(fr *media.FragmentReader) func(src *bytes.Reader) int {
		return func(src *bytes.Reader) int {
			fr.Reset(src)
			n := 0
			for {
				f, err := fr.Next()
				if err == io.EOF {
					return n
				}
				if err != nil {
					b.Fatal(err)
				}
				n += len(f.Frames)
			}
		}
	}
	b.Run("mkv.Reader", func(b *testing.B) { run(b, baseline) })
	next := func(opts media.FragmentReaderOptions) func(b *testing.B) {
		return func(b *testing.B) {
			run(b, readNext(media.NewFragmentReader(nil, func(o *media.FragmentReaderOptions) { *o = opts })))
		}
	}
	// Both in turn, each op, so that a changing load on the machine hits both alike: the
	// ratio of their times is the figure to compare.
	b.Run("ratio/Next-ReuseBuffers-vs-mkv.Reader", func(b *testing.B) {
		reuse := readNext(media.NewFragmentReader(nil, func(o *media.FragmentReaderOptions) { o.ReuseBuffers = true }))
		src := bytes.NewReader(data)
		var base, ours time.Duration
		for range b.N {
			src.Reset(data)
			t0 := time.Now()
			baseline(src)
			src.Reset(data)
			t1 := time.Now()
			reuse(src)
			base, ours = base+t1.Sub(t0), ours+time.Since(t1)
		}
		b.ReportMetric(float64(base)/float64(ours), "speed-vs-mkv.Reader")
		b.ReportMetric(float64(len(data))*float64(b.N)/ours.Seconds()/1e9, "GB/s")
		b.ReportMetric(float64(len(data))*float64(b.N)/base.Seconds()/1e9, "mkv.Reader-GB/s")
	})
	b.Run("FragmentReader.Next", next(media.FragmentReaderOptions{}))
	b.Run("FragmentReader.Next/ReuseBuffers", next(media.FragmentReaderOptions{ReuseBuffers: true}))
	b.Run("FragmentReader.ReadChunk", func(b *testing.B) {
		fr := media.NewFragmentReader(nil)
		run(b, func(src *bytes.Reader) int {
			fr.Reset(src)
			n := 0
			for {
				c, err := fr.ReadChunk()
				if err == io.EOF {
					return n
				}
				if err != nil {
					b.Fatal(err)
				}
				if c.Kind == media.ChunkFrame {
					n++
				}
			}
		})
	})
}

// BenchmarkLastFragmentLatency measures, one fragment per op, the time from the moment the last
// byte of a fragment (its end-of-fragment tag) is written to a PutMedia connection of the
// emulator (at the service's 3 s GetMedia idle) to the moment a NOW Consumer's Next returns it,
// with nothing written after it: the last fragment of a burst. Reported as p50 and p99.
func BenchmarkLastFragmentLatency(b *testing.B) {
	_, client, names := benchEmulator(b, 24, kvstest.MediaLimits{}, 1)
	cp, frame := syntheticVideo(b, 16<<10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: names[0]})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	got := make(chan time.Time, 1)
	go func() {
		for _, err := range c.Fragments(ctx) {
			if err != nil {
				return
			}
			got <- time.Now()
		}
	}()
	pr, pw := io.Pipe()
	defer pw.Close()
	start := time.Now()
	out, err := client.PutMedia(ctx, &media.PutMediaInput{StreamName: names[0], FragmentTimecodeType: media.FragmentTimecodeRelative,
		ProducerStartTimestamp: start, Body: pr})
	if err != nil {
		b.Fatal(err)
	}
	defer out.Acks.Close()
	go func() {
		for {
			if _, err := out.Acks.Next(); err != nil {
				return
			}
		}
	}()
	w, err := mkv.NewWriter(pw, mkv.WriterOptions{Tracks: []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264, CodecPrivate: cp}}})
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		tc := int64(i) * 1000
		if err := w.StartCluster(tc); err != nil {
			b.Fatal(err)
		}
		for j := range 30 {
			if err := w.WriteFrame(mkv.Frame{Track: 1, Timecode: tc + int64(j)*33, Keyframe: j == 0, Data: frame}); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.EndFragment(); err != nil {
			b.Fatal(err)
		}
		written := time.Now()
		select {
		case at := <-got:
			lat = append(lat, at.Sub(written))
		case <-time.After(10 * time.Second):
			b.Fatalf("fragment %d did not arrive", i)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkConsumerCancel measures how promptly a Next waiting on a quiet stream returns once
// its context is cancelled (cancel) and once another goroutine closes the consumer (close),
// one per op, on loopback against the emulator: p50 and p99 of the time from the cancel or
// Close call to Next's return.
func BenchmarkConsumerCancel(b *testing.B) {
	_, client, names := benchEmulator(b, 24, kvstest.MediaLimits{GetMediaIdle: time.Hour}, 1)
	measure := func(b *testing.B, stop func(c *media.Consumer, cancel context.CancelFunc)) {
		lat := make([]time.Duration, 0, b.N)
		for range b.N {
			c, err := media.NewConsumer(context.Background(), client, media.ConsumerConfig{StreamName: names[0]})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			returned := make(chan time.Time, 1)
			go func() {
				_, _ = c.Next(ctx)
				returned <- time.Now()
			}()
			time.Sleep(time.Millisecond) // Next is most likely waiting
			at := time.Now()
			stop(c, cancel)
			lat = append(lat, (<-returned).Sub(at))
			cancel()
			c.Close()
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
	b.Run("cancel", func(b *testing.B) { measure(b, func(_ *media.Consumer, cancel context.CancelFunc) { cancel() }) })
	b.Run("close", func(b *testing.B) { measure(b, func(c *media.Consumer, _ context.CancelFunc) { go c.Close() }) })
}

// BenchmarkConsumerThroughput reads a stored 128 MiB stream (2-second fragments of 64 KiB
// frames) from the in-process emulator over loopback, each op twice in turn so that a changing
// load hits both alike: the baseline is the raw GetMedia response body read and dropped, 256 KiB
// a read like the Consumer's reader (same emulator, same stream, same connection pool), then a Consumer reads every frame with
// Next and ReuseBuffers. x-raw-http is the ratio of the two throughputs (1 means the Consumer
// costs nothing over reading the bytes); GB/s and raw-GB/s count the bytes of the response.
func BenchmarkConsumerThroughput(b *testing.B) {
	const total = 128 << 20
	_, client, names := benchEmulator(b, 24, kvstest.MediaLimits{GetMediaIdle: 50 * time.Millisecond}, 1)
	frames := storeStream(b, client, names[0], total)
	ctx := context.Background()
	earliest := media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}
	buf := make([]byte, 256<<10) // the size of the reads of the Consumer's mkv.Reader
	raw := func(limit int64) int64 {
		out, err := client.GetMedia(ctx, &media.GetMediaInput{StreamName: names[0], StartSelector: earliest})
		if err != nil {
			b.Fatal(err)
		}
		defer out.Payload.Close()
		var n int64
		for n < limit {
			k, err := out.Payload.Read(buf[:min(int64(len(buf)), limit-n)])
			n += int64(k)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		return n
	}
	// The response's length up to its last fragment: the body then stays open for the
	// emulator's idle time, which neither reader waits for.
	size := raw(1 << 62)
	consume := func() {
		c, err := media.NewConsumer(ctx, client, media.ConsumerConfig{StreamName: names[0], Start: earliest,
			Reader: media.FragmentReaderOptions{ReuseBuffers: true}})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		for got := 0; got < frames; {
			f, err := c.Next(ctx)
			if err != nil {
				b.Fatal(err)
			}
			got += len(f.Frames)
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var base, ours time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if n := raw(size); n != size {
			b.Fatalf("raw read %d bytes, want %d", n, size)
		}
		t1 := time.Now()
		consume()
		base, ours = base+t1.Sub(t0), ours+time.Since(t1)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(base.Seconds()/ours.Seconds(), "x-raw-http")
	b.ReportMetric(float64(size)*float64(b.N)/ours.Seconds()/1e9, "GB/s")
	b.ReportMetric(float64(size)*float64(b.N)/base.Seconds()/1e9, "raw-GB/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*frames), "allocs/frame")
}
