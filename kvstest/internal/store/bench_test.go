package store

import (
	"fmt"
	"testing"
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
