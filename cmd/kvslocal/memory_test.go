package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

const (
	// memRSSBound is the most resident memory kvslocal may reach (VmHWM) while it stores and
	// serves the stream.
	memRSSBound = 200 << 20
	// memHLSEvery is how often a fragment is fetched as an HLS segment: every memHLSEvery-th.
	memHLSEvery = 4
)

// memTrack is an H.264 track with a real 320x240 SPS and PPS, so that the HLS packager accepts it.
var memTrack = func() mkv.TrackEntry {
	sps := []byte{0x67, 0x4d, 0x40, 0x0d, 0xd9, 0x01, 0x41, 0xfb, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0xa4, 0x80}
	pps := []byte{0x68, 0xeb, 0xcc, 0xb2}
	cfg := mkv.H264Config{SPS: [][]byte{sps}, PPS: [][]byte{pps}, Profile: 0x4d, Constraints: 0x40, Level: 0x0d}
	entry, err := cfg.TrackEntry(1)
	if err != nil {
		panic(err)
	}
	entry.UID = 1
	return entry
}()

// memShape is the shape of the stream of TestServesLargeStreamInBoundedMemory: fragments of
// frames frames of frameSize bytes, frameMs apart. By default 256 fragments of 8 frames of 1 MiB
// 250 ms apart (2 GiB; 32 fragments with -short); the environment changes it (memShapeFromEnv).
type memShape struct {
	fragments, frames, frameSize int
	frameMs                      int64
}

// fragBytes is the size of a fragment's frames.
func (m memShape) fragBytes() int64 { return int64(m.frames) * int64(m.frameSize) }

// memShapeFromEnv reads the shape of the stream: KVSLOCAL_MEM_BYTES (the bytes stored, so the
// number of fragments), KVSLOCAL_MEM_FRAMES (frames per fragment), KVSLOCAL_MEM_FRAME_SIZE
// (bytes per frame) and KVSLOCAL_MEM_FRAME_MS (milliseconds between frames), each optional. For
// 10 GB of 2-second fragments at 6 Mbit/s:
//
//	KVSLOCAL_MEM_BYTES=10000000000 KVSLOCAL_MEM_FRAMES=60 KVSLOCAL_MEM_FRAME_SIZE=25000 KVSLOCAL_MEM_FRAME_MS=33
func memShapeFromEnv(t *testing.T) memShape {
	m := memShape{fragments: 256, frames: 8, frameSize: 1 << 20, frameMs: 250}
	if testing.Short() {
		m.fragments = 32
	}
	get := func(name string, min int64) (int64, bool) {
		v := os.Getenv(name)
		if v == "" {
			return 0, false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < min {
			t.Fatalf("%s=%q: want a whole number of at least %d", name, v, min)
		}
		return n, true
	}
	if n, ok := get("KVSLOCAL_MEM_FRAMES", 1); ok {
		m.frames = int(n)
	}
	if n, ok := get("KVSLOCAL_MEM_FRAME_SIZE", 16); ok {
		m.frameSize = int(n)
	}
	if n, ok := get("KVSLOCAL_MEM_FRAME_MS", 1); ok {
		m.frameMs = n
	}
	if n, ok := get("KVSLOCAL_MEM_BYTES", 1); ok {
		m.fragments = int(max(1, n/m.fragBytes()))
	}
	return m
}

// memStream makes the frames of the test stream: frame j of fragment i is one length-prefixed
// NAL unit whose bytes come from a random pool at an offset that depends on i and j, so that
// every frame differs, and costs no more than a copy to make.
type memStream struct {
	memShape
	pool []byte
}

func newMemStream(seed uint64, shape memShape) *memStream {
	pool := make([]byte, 4*max(shape.frameSize, 1<<20))
	rng := rand.New(rand.NewPCG(seed, 3))
	for i := 0; i < len(pool); i += 8 {
		binary.LittleEndian.PutUint64(pool[i:], rng.Uint64())
	}
	return &memStream{memShape: shape, pool: pool}
}

// frame writes frame j of fragment i into b (frameSize bytes).
func (s *memStream) frame(b []byte, i, j int) {
	binary.BigEndian.PutUint32(b, uint32(s.frameSize-4))
	b[4] = 0x41 // a non-IDR slice
	if j == 0 {
		b[4] = 0x65 // an IDR slice
	}
	binary.BigEndian.PutUint32(b[5:], uint32(i))
	b[9] = byte(j)
	off := (i*s.frames + j) * 4099 % (len(s.pool) - s.frameSize)
	copy(b[10:], s.pool[off:])
}

// sum is the checksum of the frames of fragments first to last (included), in order.
func (s *memStream) sum(first, last int) uint32 {
	b := make([]byte, s.frameSize)
	var c uint32
	for i := first; i <= last; i++ {
		for j := range s.frames {
			s.frame(b, i, j)
			c = crc32.Update(c, crcTable, b)
		}
	}
	return c
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// rssOf returns a field of /proc/pid/status (VmRSS, VmHWM) in bytes.
func rssOf(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// TestServesLargeStreamInBoundedMemory stores a 2 GiB stream (256 MiB with -short; another size
// and fragment shape with memShapeFromEnv's variables) in a kvslocal child on a data directory,
// reads it all back by GetMedia from EARLIEST and by GetMediaForFragmentList, every
// memHLSEvery-th fragment as an HLS fMP4 segment, and a GetClip of its first 100 MiB, checking
// the bytes of every frame; the child's peak resident memory (VmHWM) must stay under
// memRSSBound. Then it restarts the child on the directory and times it until it serves. The
// log gives the peak against the bytes stored and the memory at 0 bytes. With
// KVSLOCAL_MEM_KEEP_DIR set, the data directory is that path, and is kept.
func TestServesLargeStreamInBoundedMemory(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to read the child's memory")
	}
	shape := memShapeFromEnv(t)
	fragments := shape.fragments
	dir := os.Getenv("KVSLOCAL_MEM_KEEP_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	bin := buildKvslocal(t)
	child := startChild(t, bin, dir)
	defer func() { child.kill(t) }()
	pid := child.cmd.Process.Pid
	ctx := context.Background()
	const name = "big"
	if _, err := child.control.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: name, DataRetentionInHours: 24}); err != nil {
		t.Fatal(err)
	}
	baseline, err := rssOf(pid, "VmRSS")
	if err != nil {
		t.Fatal(err)
	}
	s := newMemStream(uint64(time.Now().UnixNano()), shape)
	from := time.Now().Add(-time.Minute)
	var numbers []string
	phases := []struct {
		name string
		run  func()
	}{
		{"PutMedia", func() { put(t, child, name, s, fragments) }},
		{"GetMedia", func() { numbers = readGetMedia(t, child, name, s, fragments) }},
		{"GetMediaForFragmentList", func() { readFragmentList(t, child, name, s, numbers) }},
		{fmt.Sprintf("HLS (%d segments)", (fragments+memHLSEvery-1)/memHLSEvery), func() { readHLS(t, child, name, s, from, fragments) }},
		{"GetClip", func() { readClip(t, child, name, s, from) }},
	}
	var peak int64
	var report []string
	for _, p := range phases {
		start := time.Now()
		p.run()
		if peak, err = rssOf(pid, "VmHWM"); err != nil {
			t.Fatal(err)
		}
		report = append(report, fmt.Sprintf("%s %v, peak %.1f MB", p.name, time.Since(start).Round(time.Millisecond), float64(peak)/1e6))
	}
	stored := int64(fragments) * shape.fragBytes()
	child.kill(t)
	start := time.Now()
	child = startChild(t, bin, dir)
	restart := time.Since(start)
	if got := readGetMedia(t, child, name, s, 1); len(got) != 1 || got[0] != numbers[0] {
		t.Fatalf("after the restart GetMedia starts at %v, want %s", got, numbers[0])
	}
	report = append(report, fmt.Sprintf("restart (until it serves) %v", restart.Round(time.Millisecond)))
	t.Logf("kvslocal -data: %d MiB stored in %d fragments of %d frames of %d bytes and served; %s",
		stored>>20, fragments, shape.frames, shape.frameSize, strings.Join(report, "; "))
	t.Logf("kvslocal memory: %.1f MB resident at 0 bytes stored, peak %.1f MB (VmHWM) for %d MiB stored and served: peak/stored %.4f, peak/baseline %.2f",
		float64(baseline)/1e6, float64(peak)/1e6, stored>>20, float64(peak)/float64(stored), float64(peak)/float64(baseline))
	if peak > memRSSBound {
		t.Fatalf("kvslocal reached %.1f MB resident storing and serving %d MiB; the bound is %d MB", float64(peak)/1e6, stored>>20, memRSSBound>>20)
	}
}

// put sends the fragments of s by PutMedia at full speed and waits for every PERSISTED.
func put(t *testing.T, c *crashChild, name string, s *memStream, fragments int) {
	t.Helper()
	ctx := context.Background()
	pr, pw := io.Pipe()
	out, err := c.media.PutMedia(ctx, &media.PutMediaInput{StreamName: name, Body: pr})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Acks.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		header, _ := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{memTrack})
		if _, err := pw.Write(header); err != nil {
			return
		}
		frame := make([]byte, s.frameSize)
		var b []byte
		// Producer timestamps end an hour before now, however long the stream.
		tc := time.Now().Add(-time.Hour).UnixMilli() - int64(fragments*s.frames)*s.frameMs
		for i := range fragments {
			b, _ = mkv.AppendClusterStart(b[:0], tc, mkv.UnknownSize)
			for j := range s.frames {
				s.frame(frame, i, j)
				b, _ = mkv.AppendSimpleBlock(b, tc, mkv.Frame{Track: 1, Timecode: tc + int64(j)*s.frameMs, Keyframe: j == 0, Data: frame})
			}
			if _, err := pw.Write(b); err != nil {
				return
			}
			tc += int64(s.frames) * s.frameMs
		}
		_ = pw.Close() // the end of the body ends the last fragment
	}()
	persisted := 0
	for persisted < fragments {
		a, err := out.Acks.Next()
		if err != nil {
			pw.CloseWithError(err)
			wg.Wait()
			t.Fatalf("after %d PERSISTED: %v", persisted, err)
		}
		switch a.EventType {
		case media.AckEventPersisted:
			persisted++
		case media.AckEventError:
			pw.CloseWithError(errors.New("error ack"))
			wg.Wait()
			t.Fatalf("after %d PERSISTED: %v", persisted, a.ErrorID)
		}
	}
	wg.Wait()
}

// checkFragment checks that fragment f is fragment i of s, frame by frame.
func checkFragment(t *testing.T, s *memStream, i int, f *media.Fragment) {
	t.Helper()
	if len(f.Frames) != s.frames {
		t.Fatalf("fragment %d (%s) has %d frames, %d were sent", i, f.FragmentNumber, len(f.Frames), s.frames)
	}
	var c uint32
	for _, fr := range f.Frames {
		c = crc32.Update(c, crcTable, fr.Data)
	}
	if c != s.sum(i, i) {
		t.Fatalf("fragment %d (%s) is served with other bytes than were sent", i, f.FragmentNumber)
	}
}

// readGetMedia reads the stream by GetMedia from EARLIEST to its end and returns the fragment
// numbers.
func readGetMedia(t *testing.T, c *crashChild, name string, s *memStream, fragments int) []string {
	t.Helper()
	out, err := c.media.GetMedia(context.Background(), &media.GetMediaInput{StreamName: name,
		StartSelector: media.StartSelector{StartSelectorType: media.StartSelectorTypeEarliest}})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Payload.Close()
	r := media.NewFragmentReader(out.Payload, func(o *media.FragmentReaderOptions) { o.ReuseBuffers = true })
	var numbers []string
	for len(numbers) < fragments {
		f, err := r.Next()
		if err != nil {
			t.Fatalf("GetMedia after %d fragments: %v", len(numbers), err)
		}
		checkFragment(t, s, len(numbers), f)
		numbers = append(numbers, f.FragmentNumber)
	}
	return numbers
}

// readFragmentList reads the fragments by GetMediaForFragmentList, a few at a time.
func readFragmentList(t *testing.T, c *crashChild, name string, s *memStream, numbers []string) {
	t.Helper()
	const batch = 32
	for first := 0; first < len(numbers); first += batch {
		chunk := numbers[first:min(len(numbers), first+batch)]
		out, err := c.archive.GetMediaForFragmentList(context.Background(), &archived.GetMediaForFragmentListInput{StreamName: name, Fragments: chunk})
		if err != nil {
			t.Fatal(err)
		}
		i := first
		for f, err := range out.Fragments() {
			if err != nil {
				t.Fatalf("GetMediaForFragmentList, fragment %s: %v", numbers[i], err)
			}
			checkFragment(t, s, i, f)
			i++
		}
		if i != first+len(chunk) {
			t.Fatalf("GetMediaForFragmentList served %d of %d fragments", i-first, len(chunk))
		}
	}
}

// readHLS plays the stream as an on-demand HLS session of fMP4 segments and fetches every
// memHLSEvery-th segment, checking that its media data is the fragment's frames.
func readHLS(t *testing.T, c *crashChild, name string, s *memStream, from time.Time, fragments int) {
	t.Helper()
	const maxResults = 5000 // the most MaxMediaPlaylistFragmentResults allows
	fragments = min(fragments, maxResults)
	results := int64(fragments)
	out, err := c.archive.GetHLSStreamingSessionURL(context.Background(), &archived.GetHLSStreamingSessionURLInput{StreamName: name,
		PlaybackMode: archived.PlaybackModeOnDemand, ContainerFormat: archived.ContainerFormatFragmentedMP4,
		MaxMediaPlaylistFragmentResults: &results,
		HLSFragmentSelector: archived.StreamingFragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
			TimestampRange: archived.StreamingTimestampRange{StartTimestamp: from, EndTimestamp: time.Now()}}})
	if err != nil {
		t.Fatal(err)
	}
	master := fetch(t, out.HLSStreamingSessionURL, "")
	playlist := fetch(t, out.HLSStreamingSessionURL, uris(master)[0])
	segments := 0
	for i, u := range uris(playlist) {
		if i%memHLSEvery != 0 {
			continue
		}
		seg := fetch(t, out.HLSStreamingSessionURL, u)
		if got, want := crc32.Checksum(mdat(t, []byte(seg)), crcTable), s.sum(i, i); got != want {
			t.Fatalf("HLS segment %d (%s) carries other bytes than fragment %d's frames", i, u, i)
		}
		segments++
	}
	if segments != (fragments+memHLSEvery-1)/memHLSEvery {
		t.Fatalf("the HLS playlist lists %d segments for %d fragments", len(uris(playlist)), fragments)
	}
}

// fetch GETs ref, resolved against base, and returns the body.
func fetch(t *testing.T, base, ref string) string {
	t.Helper()
	b, err := url.Parse(base)
	if err == nil {
		var r *url.URL
		r, err = url.Parse(ref)
		b = b.ResolveReference(r)
	}
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, b.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Close = true // no idle connection left behind
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v: %.200s", b, resp.StatusCode, err, body)
	}
	return string(body)
}

// uris returns the URI lines of a playlist, the media segments (or the media playlists).
func uris(playlist string) []string {
	var out []string
	for line := range strings.Lines(playlist) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// mdat returns the payload of the mdat box of an fMP4 media segment.
func mdat(t *testing.T, seg []byte) []byte {
	t.Helper()
	for len(seg) >= 8 {
		size := int(binary.BigEndian.Uint32(seg))
		if size < 8 || size > len(seg) {
			break
		}
		if string(seg[4:8]) == "mdat" {
			return seg[8:size]
		}
		seg = seg[size:]
	}
	t.Fatal("the HLS segment has no mdat box")
	return nil
}

// readClip gets the clip of the stream, cut by the service's default of 100 MiB of media, and
// checks that its media data is the frames of the fragments it holds.
func readClip(t *testing.T, c *crashChild, name string, s *memStream, from time.Time) {
	t.Helper()
	out, err := c.archive.GetClip(context.Background(), &archived.GetClipInput{StreamName: name,
		ClipFragmentSelector: archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
			TimestampRange: archived.TimestampRange{StartTimestamp: from, EndTimestamp: time.Now()}}})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Payload.Close()
	clip, err := io.ReadAll(out.Payload)
	if err != nil {
		t.Fatal(err)
	}
	data := mdat(t, clip)
	held := int(min(100<<20/s.fragBytes(), int64(s.fragments))) // fragments within the 100 MiB cut
	if int64(len(data)) != int64(held)*s.fragBytes() || crc32.Checksum(data, crcTable) != s.sum(0, held-1) {
		t.Fatalf("the clip carries %d bytes of media, not the frames of the first %d fragments", len(data), held)
	}
}
