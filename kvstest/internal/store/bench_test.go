package store

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkPut stores 1 MiB fragments (30 frames): Memory keeps them, Disk writes, fsyncs and
// indexes each one before Put returns.
func BenchmarkPut(b *testing.B) {
	frags := make([]*Fragment, 64)
	for i := range frags {
		frags[i] = fragment(i, 30, 35000)
	}
	for _, name := range []string{"memory", "disk"} {
		b.Run(name, func(b *testing.B) {
			var s MediaStore = NewMemory()
			if name == "disk" {
				d, err := OpenDisk(b.TempDir(), DiskOptions{})
				if err != nil {
					b.Fatal(err)
				}
				s = d
			}
			defer s.Close()
			b.SetBytes(frags[0].Size)
			n := 0
			for b.Loop() {
				f := *frags[n%len(frags)]
				f.Number = fmt.Sprintf("91343852333%018d%018d", 1, n)
				if err := s.Put(streamA, &f); err != nil {
					b.Fatal(err)
				}
				n++
			}
		})
	}
}

// BenchmarkFrames reads a stored 1 MiB fragment's frames back from its segment.
func BenchmarkFrames(b *testing.B) {
	d, err := OpenDisk(b.TempDir(), DiskOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	f := fragment(1, 30, 35000)
	if err := d.Put(streamA, f); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(f.Size)
	for b.Loop() {
		for _, err := range d.Frames(streamA, f.Number) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReopen times what a restart on a data directory costs the store: OpenDisk, then the
// Index of every stream (what the emulator's restore reads), then Close. Three directories, one
// run: n fragments of 480 KiB (30 frames of 16 KiB), n/10 of them, and the same n fragments
// reopened the way restarts worked before the index kept Stats (every frame read once). It
// reports each as ms and the ratios: n vs n/10 (restart grows with the number of fragments
// indexed) and reading every frame vs the index alone (what the stored Stats save).
func BenchmarkReopen(b *testing.B) {
	const n = 300
	fill := func(count int) string {
		dir := b.TempDir()
		d, err := OpenDisk(dir, DiskOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close()
		for i := range count {
			if err := d.Put(streamA, fragment(i, 30, 16<<10)); err != nil {
				b.Fatal(err)
			}
		}
		return dir
	}
	full, tenth := fill(n), fill(n/10)
	reopen := func(dir string, frames bool) time.Duration {
		start := time.Now()
		d, err := OpenDisk(dir, DiskOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer d.Close()
		index, err := d.Index(streamA)
		if err != nil || len(index) == 0 {
			b.Fatalf("%d fragments indexed: %v", len(index), err)
		}
		for i := 0; frames && i < len(index); i++ {
			var st Stats
			for fr, err := range d.Frames(streamA, index[i].Number) {
				if err != nil {
					b.Fatal(err)
				}
				st.Add(index[i].Tracks, fr)
			}
		}
		return time.Since(start)
	}
	var all, small, read time.Duration
	for b.Loop() {
		all += reopen(full, false)
		small += reopen(tenth, false)
		read += reopen(full, true)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 / float64(b.N) }
	b.ReportMetric(ms(all), "ms/reopen-300")
	b.ReportMetric(ms(small), "ms/reopen-30")
	b.ReportMetric(ms(read), "ms/reopen-300-reading-frames")
	b.ReportMetric(float64(all)/float64(small), "x-300-vs-30")
	b.ReportMetric(float64(read)/float64(all), "x-reading-frames-vs-index")
}
