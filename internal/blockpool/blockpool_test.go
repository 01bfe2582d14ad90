package blockpool

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// never is an idle period no test waits for: trims are called by hand.
const never = time.Hour

func same(a, b []byte) bool { return &a[:1][0] == &b[:1][0] }

// among reports whether b is one of the blocks in list.
func among(b []byte, list [][]byte) bool {
	for _, g := range list {
		if same(b, g) {
			return true
		}
	}
	return false
}

func TestGetReturnsEmptyBlocksOfTheSize(t *testing.T) {
	p := New(1024, never)
	b := p.Get()
	if len(b) != 0 || cap(b) != 1024 || p.Size() != 1024 {
		t.Fatalf("Get: len %d cap %d (Size %d); want 0, 1024", len(b), cap(b), p.Size())
	}
	b = append(b, "old bytes"...)
	p.Put(b)
	again := p.Get()
	if len(again) != 0 || cap(again) != 1024 || !same(again, b) {
		t.Fatalf("Get after Put: len %d cap %d, same block %v; want the block given back, empty", len(again), cap(again), same(again, b))
	}
}

func TestPutIgnoresForeignSlices(t *testing.T) {
	p := New(1024, never)
	p.Put(make([]byte, 10, 512))
	p.Put(make([]byte, 0, 2048))
	if n := p.Free(); n != 0 {
		t.Fatalf("%d blocks free after putting slices of other capacities; want 0", n)
	}
}

// TestKeepsBlocksAcrossCollections is why the package exists: a sync.Pool empties within two
// collections.
func TestKeepsBlocksAcrossCollections(t *testing.T) {
	p := New(4096, never)
	var given [][]byte
	for range 100 {
		given = append(given, p.Get())
	}
	for _, b := range given {
		p.Put(b)
	}
	runtime.GC()
	runtime.GC()
	runtime.GC()
	if n := p.Free(); n != 100 {
		t.Fatalf("%d blocks free after three collections; want the 100 given back", n)
	}
	for range 100 {
		if !among(p.Get(), given) {
			t.Fatal("Get after the collections returned a new block, not one given back")
		}
	}
}

// TestTrimLetsGoOfWhatStayedIdle checks the low-water rule: blocks taken during a period are
// kept, those free through all of it go.
func TestTrimLetsGoOfWhatStayedIdle(t *testing.T) {
	p := New(64, never)
	var bs [][]byte
	for range 10 {
		bs = append(bs, p.Get())
	}
	for _, b := range bs {
		p.Put(b)
	}
	// First period: began with the pool empty, so nothing was free throughout it.
	p.trim()
	if n := p.Free(); n != 10 {
		t.Fatalf("after the first trim: %d free; want 10 (none was free for a whole period)", n)
	}
	// Second period: 3 blocks are taken and given back; 7 stayed free throughout.
	var taken [][]byte
	for range 3 {
		taken = append(taken, p.Get())
	}
	for _, b := range taken {
		p.Put(b)
	}
	p.trim()
	if n := p.Free(); n != 3 {
		t.Fatalf("after the second trim: %d free; want the 3 that were used", n)
	}
	for range 3 {
		if !among(p.Get(), taken) {
			t.Fatal("a block used in the period was let go, and one idle kept")
		}
	}
	for _, b := range taken {
		p.Put(b)
	}
	// Third period: nothing taken: all go, and the pool disarms.
	p.trim()
	p.trim()
	if n := p.Free(); n != 0 {
		t.Fatalf("after idle periods: %d free; want 0", n)
	}
	p.mu.Lock()
	armed := p.armed
	p.mu.Unlock()
	if armed {
		t.Error("an empty pool still has its trim timer pending")
	}
}

// TestTimerLetsGoOfIdleBlocks runs the real timer with a short period: blocks nobody takes go
// within two periods.
func TestTimerLetsGoOfIdleBlocks(t *testing.T) {
	p := New(64, time.Millisecond)
	for range 5 {
		p.Put(make([]byte, 0, 64))
	}
	deadline := time.Now().Add(30 * time.Second) // a hang guard: two periods are 2 ms
	for p.Free() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d blocks still free 30 s after they were given back", p.Free())
		}
		runtime.Gosched()
	}
	// The pool re-arms when used again.
	p.Put(make([]byte, 0, 64))
	for p.Free() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the pool did not re-arm its timer after it emptied")
		}
		runtime.Gosched()
	}
}

func TestConcurrentUse(t *testing.T) {
	p := New(256, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				b := p.Get()
				b = append(b, byte(g), byte(i))
				if len(b) != 2 || cap(b) != 256 {
					t.Errorf("block of len %d cap %d", len(b), cap(b))
					return
				}
				p.Put(b)
			}
		}()
	}
	wg.Wait()
}

func BenchmarkGetPut(b *testing.B) {
	p := New(64<<10, 0)
	var sp sync.Pool
	b.Run("impl=blockpool", func(b *testing.B) {
		for b.Loop() {
			p.Put(p.Get())
		}
	})
	b.Run("impl=sync.Pool", func(b *testing.B) {
		for b.Loop() {
			x, _ := sp.Get().(*[64 << 10]byte)
			if x == nil {
				x = new([64 << 10]byte)
			}
			sp.Put(x)
		}
	})
}
