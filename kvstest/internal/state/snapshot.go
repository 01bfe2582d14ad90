// The control-plane state as the disk store keeps it: a snapshot of every stream and channel,
// saved after each operation that changes them, and read back when a Server starts on the same
// data directory (WithDataDir).

package state

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/kvsgo/sdk/kvs"
)

// stateVersion is the layout of stateSnapshot; a snapshot of another layout is refused.
const stateVersion = 1

type stateSnapshot struct {
	Version  int
	PageKey  []byte
	Streams  []streamSnapshot
	Channels []channelSnapshot
}

type resourceSnapshot struct {
	Name      string
	ARN       string
	Created   time.Time
	Version   string
	Tags      map[string]string
	Busy      kvs.Status
	BusyUntil time.Time
	Deleting  bool
	GoneAt    time.Time
}

type edgeSnapshot struct {
	Config   kvs.EdgeConfig
	Created  time.Time
	Updated  time.Time
	SyncedAt time.Time
	Deleting bool
	GoneAt   time.Time
}

type streamSnapshot struct {
	resourceSnapshot
	DeviceName   string
	MediaType    string
	KmsKeyID     string
	Retention    int32
	StorageTier  kvs.DefaultStorageTier
	Notification *kvs.NotificationConfiguration
	Images       *kvs.ImageGenerationConfiguration
	Edge         *edgeSnapshot
	ChannelARN   string
}

type channelSnapshot struct {
	resourceSnapshot
	ChannelType kvs.ChannelType
	MessageTTL  int32
	Storage     kvs.MediaStorageConfiguration
}

func snapshotOf(r *Resource) resourceSnapshot {
	return resourceSnapshot{Name: r.Name, ARN: r.ARN, Created: r.Created, Version: r.Version, Tags: maps.Clone(r.Tags),
		Busy: r.Busy, BusyUntil: r.BusyUntil, Deleting: r.Deleting, GoneAt: r.GoneAt}
}

func (rs resourceSnapshot) resource(kind string) Resource {
	r := Resource{Kind: kind, Name: rs.Name, ARN: rs.ARN, Created: rs.Created, Version: rs.Version, Tags: rs.Tags,
		Busy: rs.Busy, BusyUntil: rs.BusyUntil, Deleting: rs.Deleting, GoneAt: rs.GoneAt,
		Deleted: make(chan struct{}), Changed: make(chan struct{})}
	if r.Tags == nil {
		r.Tags = map[string]string{}
	}
	if r.Deleting {
		close(r.Deleted)
	}
	return r
}

// Encode encodes the control-plane state. Call with s.Mu held.
func (s *State[M]) Encode() ([]byte, error) {
	snap := stateSnapshot{Version: stateVersion, PageKey: s.pageKey}
	for _, st := range s.Streams.ByName {
		ss := streamSnapshot{resourceSnapshot: snapshotOf(&st.Resource), DeviceName: st.DeviceName, MediaType: st.MediaType,
			KmsKeyID: st.KMSKeyID, Retention: st.Retention, StorageTier: st.StorageTier, Notification: st.Notification,
			Images: st.Images, ChannelARN: st.ChannelARN}
		if ed := st.Edge; ed != nil {
			ss.Edge = &edgeSnapshot{Config: ed.config, Created: ed.created, Updated: ed.updated, SyncedAt: ed.syncedAt,
				Deleting: ed.deleting, GoneAt: ed.goneAt}
		}
		snap.Streams = append(snap.Streams, ss)
	}
	for _, ch := range s.Channels.ByName {
		snap.Channels = append(snap.Channels, channelSnapshot{resourceSnapshot: snapshotOf(&ch.Resource),
			ChannelType: ch.ChannelType, MessageTTL: ch.MessageTTL, Storage: ch.Storage})
	}
	return json.Marshal(&snap)
}

// Restore replaces the streams and channels by those of an encoded snapshot. Call before
// the server serves.
func (s *State[M]) Restore(data []byte) error {
	var snap stateSnapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return fmt.Errorf("reading the saved state: %w", err)
	}
	if snap.Version != stateVersion {
		return fmt.Errorf("the saved state has layout %d; this emulator reads layout %d", snap.Version, stateVersion)
	}
	if len(snap.PageKey) > 0 {
		s.pageKey = snap.PageKey
	}
	for _, ss := range snap.Streams {
		st := &Stream[M]{Resource: ss.resource("stream"), DeviceName: ss.DeviceName, MediaType: ss.MediaType,
			KMSKeyID: ss.KmsKeyID, Retention: ss.Retention, StorageTier: ss.StorageTier, Notification: ss.Notification,
			Images: ss.Images, ChannelARN: ss.ChannelARN, Media: s.cfg.NewMedia()}
		if ed := ss.Edge; ed != nil {
			st.Edge = &Edge{config: ed.Config, created: ed.Created, updated: ed.Updated, syncedAt: ed.SyncedAt,
				deleting: ed.Deleting, goneAt: ed.GoneAt}
		}
		s.Streams.add(st)
	}
	for _, cs := range snap.Channels {
		s.Channels.add(&Channel{Resource: cs.resource("channel"), ChannelType: cs.ChannelType, MessageTTL: cs.MessageTTL, Storage: cs.Storage})
	}
	return nil
}
