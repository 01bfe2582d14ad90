// Retention: fragments older than their stream's DataRetentionInHours are removed in the
// background, a bounded number per tick, and the media of deleted streams is dropped from the
// store.

package mediaapi

import (
	"time"
)

const (
	// retentionTick is how often the sweep runs (real time); what it removes is decided by the
	// server's clock.
	retentionTick = time.Second
	// retentionBudget is the most fragments (or deleted streams) one sweep removes.
	retentionBudget = 512
)

// RunRetention sweeps every retentionTick until stop is closed, then closes done.
func (s *Service) RunRetention(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(retentionTick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.SweepRetention(retentionBudget)
		}
	}
}

// SweepRetention removes up to budget expired fragments, oldest first along each stream, and
// the stored media of streams that no longer exist; it returns how many it removed.
func (s *Service) SweepRetention(budget int) int {
	type kept struct {
		st  *Stream
		cut time.Time
	}
	now := s.cfg.State.Lock()
	var streams []kept
	live := make(map[string]bool, len(s.cfg.State.Streams.ByName))
	for _, st := range s.cfg.State.Streams.ByName {
		live[st.ARN] = true
		if st.Retention > 0 {
			streams = append(streams, kept{st, now.Add(-time.Duration(st.Retention) * time.Hour)})
		}
	}
	s.cfg.State.Unlock()

	removed := 0
	for _, k := range streams {
		if removed >= budget {
			break
		}
		m := k.st.Media
		m.mu.Lock()
		n := 0
		for n < len(m.fragments) && removed < budget && m.fragments[n].ServerTimestamp.Before(k.cut) {
			n++
			removed++
		}
		var numbers []string
		if n > 0 {
			for _, f := range m.fragments[:n] {
				numbers = append(numbers, f.Number)
			}
			m.fragments = append(m.fragments[:0:0], m.fragments[n:]...)
			m.signal()
		}
		m.mu.Unlock()
		if len(numbers) > 0 {
			if err := s.cfg.Store.Remove(k.st.ARN, numbers...); err != nil {
				s.logf("kvstest: retention: removing %d fragments of stream %s: %v", len(numbers), k.st.Name, err)
			}
		}
	}
	if removed >= budget {
		return removed
	}
	stored, err := s.cfg.Store.Streams()
	if err != nil {
		s.logf("kvstest: retention: listing the stored streams: %v", err)
		return removed
	}
	for _, arn := range stored {
		if removed >= budget {
			break
		}
		if live[arn] {
			continue
		}
		// Checked again under the lock: a stream created since the list above is not dropped.
		s.cfg.State.Mu.Lock()
		if s.cfg.State.Streams.ByARN[arn] == nil {
			if err := s.cfg.Store.Drop(arn); err != nil {
				s.logf("kvstest: retention: dropping the media of deleted stream %s: %v", arn, err)
			}
			removed++
		}
		s.cfg.State.Unlock()
	}
	return removed
}
