// Fragment numbers: shaped like the service's, growing with time and with every fragment a
// server stores, and, across a restart on a data directory, above every number stored before.

package mediaapi

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// restartGap is how far the fragment counter jumps past the highest stored number when a
// server restarts on a data directory, to stay above the numbers of fragments that were
// received but not yet stored when it stopped.
const restartGap = 1 << 20

// Numbers numbers the fragments of one server. Its methods are safe for concurrent use.
type Numbers struct {
	counter atomic.Uint64 // the server's own, so that numbers in one test do not depend on other servers
	mu      sync.Mutex
	floorMs int64  // numbers never use an earlier time than this
	seen    uint64 // the highest counter restored
}

// Next numbers a new fragment received at now: 47 decimal digits, never with a time before the
// newest stored fragment's, so that numbers keep growing across a restart even if the clock
// went back.
func (n *Numbers) Next(now time.Time) string {
	n.mu.Lock()
	if ms := now.UnixMilli(); ms > n.floorMs {
		n.floorMs = ms
	}
	at := n.floorMs
	n.mu.Unlock()
	return fmt.Sprintf("91343852333%018d%018d", at, n.counter.Add(1))
}

// Restored notes the number of a fragment found in the store at startup; Resume then makes new
// numbers count from above every number noted.
func (n *Numbers) Restored(number string) {
	ms, counter, ok := parseNumber(number)
	if !ok {
		return
	}
	n.mu.Lock()
	n.floorMs = max(n.floorMs, ms)
	n.seen = max(n.seen, counter)
	n.mu.Unlock()
}

// Resume makes the next numbers count from well above the numbers noted by Restored.
func (n *Numbers) Resume() {
	n.mu.Lock()
	seen := n.seen
	n.mu.Unlock()
	if seen == 0 {
		return
	}
	for target := seen + restartGap; ; {
		cur := n.counter.Load()
		if cur >= target || n.counter.CompareAndSwap(cur, target) {
			return
		}
	}
}

// parseNumber splits a number made by Next into its time and counter.
func parseNumber(number string) (ms int64, counter uint64, ok bool) {
	if len(number) != 47 {
		return 0, 0, false
	}
	ms, err1 := strconv.ParseInt(number[11:29], 10, 64)
	counter, err2 := strconv.ParseUint(number[29:], 10, 64)
	return ms, counter, err1 == nil && err2 == nil
}
