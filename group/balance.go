package group

import (
	"slices"
	"time"
)

// observed is what a worker last saw of a lease, to tell when it expired: the KCL's rule, a
// lease whose counter has not moved for the lease duration on the observer's clock.
type observed struct {
	owner   string
	counter int64
	since   time.Time // when this observer first saw the counter
}

// observer keeps the observations of a worker.
type observer struct {
	seen map[string]observed
}

// look records the leases read at now.
func (o *observer) look(leases []Lease, now time.Time) {
	if o.seen == nil {
		o.seen = make(map[string]observed)
	}
	keep := make(map[string]observed, len(leases))
	for _, l := range leases {
		prev, ok := o.seen[l.Stream]
		if !ok || prev.counter != l.Counter || prev.owner != l.Owner {
			prev = observed{owner: l.Owner, counter: l.Counter, since: now}
		}
		keep[l.Stream] = prev
	}
	o.seen = keep
}

// expired reports whether l is free to take at now.
func (o *observer) expired(l Lease, now time.Time, duration time.Duration) bool {
	if l.Owner == "" {
		return true
	}
	seen, ok := o.seen[l.Stream]
	return ok && seen.counter == l.Counter && now.Sub(seen.since) >= duration
}

// plan is what a worker does with the leases in one round.
type plan struct {
	take    []Lease // expired or unowned leases to take
	request *Lease  // a lease to ask its owner to hand over
}

// balance decides, from the group's leases, which a worker takes: its share is the number of
// leases divided by the number of live workers (those owning a lease that has not expired, and
// itself), rounded up and capped by maxLeases (no cap when 0). Below its share it takes expired
// and unowned leases; when there are none, it asks the most loaded worker for one of its
// leases, provided that worker has more than its share, or as many while this one has at least
// two fewer (so that 7 leases over 3 workers end 3-2-2, not flapping). wanted limits the streams
// to lease (nil: all).
func balance(leases []Lease, me string, now time.Time, duration time.Duration, o *observer, maxLeases int, wanted func(string) bool) plan {
	counts := map[string]int{me: 0}
	var free []Lease
	total := 0
	for _, l := range leases {
		if wanted != nil && !wanted(l.Stream) {
			continue
		}
		total++
		switch {
		case l.Owner == me:
			counts[me]++
		case l.PendingOwner == me && !o.expired(l, now, duration):
			counts[me]++ // asked for already
		case o.expired(l, now, duration):
			free = append(free, l)
		default:
			counts[l.Owner]++
		}
	}
	target := (total + len(counts) - 1) / len(counts)
	if maxLeases > 0 {
		target = min(target, maxLeases)
	}
	mine := counts[me]
	var p plan
	if mine >= target {
		return p
	}
	// Unowned leases first, then those of the longest-silent owners.
	slices.SortStableFunc(free, func(a, b Lease) int {
		if (a.Owner == "") != (b.Owner == "") {
			if a.Owner == "" {
				return -1
			}
			return 1
		}
		return o.seen[a.Stream].since.Compare(o.seen[b.Stream].since)
	})
	p.take = free[:min(len(free), target-mine)]
	if len(p.take) > 0 {
		return p
	}
	busiest, most := "", 0
	for w, n := range counts {
		if w != me && (n > most || (n == most && w < busiest)) {
			busiest, most = w, n
		}
	}
	if busiest == "" || !(most > target || (most == target && mine < target-1)) {
		return p
	}
	for _, l := range leases {
		if l.Owner == busiest && l.PendingOwner == "" && (wanted == nil || wanted(l.Stream)) {
			p.request = &l
			break
		}
	}
	return p
}
