package group

import (
	"fmt"
	"testing"
	"time"
)

func leasesOf(owners ...string) []Lease {
	out := make([]Lease, len(owners))
	for i, o := range owners {
		out[i] = Lease{Group: "g", Stream: fmt.Sprintf("s%02d", i), Owner: o, Counter: 5}
	}
	return out
}

func TestBalance(t *testing.T) {
	t0 := time.Unix(1000, 0)
	const d = 10 * time.Second
	for _, tc := range []struct {
		name     string
		leases   []Lease
		seenAt   time.Time // when the observer first saw the leases
		now      time.Time
		max      int
		take     int
		request  string // the owner asked for a lease
		takeFrom string // the owner of the first lease taken
	}{
		{name: "unowned leases are taken up to the share", leases: leasesOf("", "", "", "", "A", "A"), seenAt: t0, now: t0, take: 3},
		{name: "a fresh worker does not take a live lease: it asks for one", leases: leasesOf("A", "A"), seenAt: t0, now: t0.Add(d - 1),
			request: "A"},
		{name: "leases whose counter did not move for the duration are taken", leases: leasesOf("A", "A", "B"), seenAt: t0, now: t0.Add(d),
			take: 3, takeFrom: "A"},
		{name: "balanced: nothing to do", leases: leasesOf("me", "me", "A", "A", "B", "B"), seenAt: t0, now: t0},
		{name: "below the share with no free lease: ask the busiest", leases: leasesOf("A", "A", "A", "A", "B", "B"), seenAt: t0, now: t0,
			request: "A"},
		{name: "7 over 3 workers rests at 3-2-2", leases: leasesOf("A", "A", "A", "B", "B", "me", "me"), seenAt: t0, now: t0},
		{name: "7 over 3 workers: 3-3-1 moves one", leases: leasesOf("A", "A", "A", "B", "B", "B", "me"), seenAt: t0, now: t0, request: "A"},
		{name: "MaxLeases caps the share", leases: leasesOf("", "", "", ""), seenAt: t0, now: t0, max: 1, take: 1},
		{name: "a lease already asked for counts as ours", leases: append(leasesOf("A", "A"), Lease{Stream: "x", Owner: "A", PendingOwner: "me", Counter: 1}),
			seenAt: t0, now: t0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o observer
			o.look(tc.leases, tc.seenAt)
			o.look(tc.leases, tc.now)
			p := balance(tc.leases, "me", tc.now, d, &o, tc.max, nil)
			if len(p.take) != tc.take {
				t.Fatalf("takes %d leases %+v, want %d", len(p.take), p.take, tc.take)
			}
			if tc.takeFrom != "" && p.take[0].Owner != tc.takeFrom {
				t.Errorf("takes first %+v, want one of %s", p.take[0], tc.takeFrom)
			}
			switch {
			case tc.request == "" && p.request != nil:
				t.Errorf("asks for %+v, want no request", *p.request)
			case tc.request != "" && (p.request == nil || p.request.Owner != tc.request):
				t.Errorf("asks for %+v, want a lease of %s", p.request, tc.request)
			}
		})
	}
}

// TestObserverCounterMoves: a lease whose counter moves never expires; one that stops does
// after the duration.
func TestObserverCounterMoves(t *testing.T) {
	var o observer
	t0 := time.Unix(0, 0)
	l := Lease{Stream: "s", Owner: "A", Counter: 1}
	for i := range 5 {
		l.Counter++
		now := t0.Add(time.Duration(i) * 6 * time.Second)
		o.look([]Lease{l}, now)
		if o.expired(l, now, 10*time.Second) {
			t.Fatalf("renewed lease expired at round %d", i)
		}
	}
	last := t0.Add(24 * time.Second)
	if o.expired(l, last.Add(9*time.Second), 10*time.Second) || !o.expired(l, last.Add(10*time.Second), 10*time.Second) {
		t.Fatal("a lease that stopped moving does not expire after the duration")
	}
}
