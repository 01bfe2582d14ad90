// The control-plane state as the disk store keeps it: a snapshot of every stream and channel,
// saved after each operation that changes them, and read back when a Server starts on the same
// data directory (WithDataDir).

package kvstest

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

func snapshotOf(r *resource) resourceSnapshot {
	return resourceSnapshot{Name: r.name, ARN: r.arn, Created: r.created, Version: r.version, Tags: maps.Clone(r.tags),
		Busy: r.busy, BusyUntil: r.busyUntil, Deleting: r.deleting, GoneAt: r.goneAt}
}

func (rs resourceSnapshot) resource(kind string) resource {
	r := resource{kind: kind, name: rs.Name, arn: rs.ARN, created: rs.Created, version: rs.Version, tags: rs.Tags,
		busy: rs.Busy, busyUntil: rs.BusyUntil, deleting: rs.Deleting, goneAt: rs.GoneAt,
		deleted: make(chan struct{}), changed: make(chan struct{})}
	if r.tags == nil {
		r.tags = map[string]string{}
	}
	if r.deleting {
		close(r.deleted)
	}
	return r
}

// encodeState encodes the control-plane state. Call with s.mu held.
func (s *Server) encodeState() ([]byte, error) {
	snap := stateSnapshot{Version: stateVersion, PageKey: s.pageKey}
	for _, st := range s.streams.byName {
		ss := streamSnapshot{resourceSnapshot: snapshotOf(&st.resource), DeviceName: st.deviceName, MediaType: st.mediaType,
			KmsKeyID: st.kmsKeyID, Retention: st.retention, StorageTier: st.storageTier, Notification: st.notification,
			Images: st.images, ChannelARN: st.channelARN}
		if ed := st.edge; ed != nil {
			ss.Edge = &edgeSnapshot{Config: ed.config, Created: ed.created, Updated: ed.updated, SyncedAt: ed.syncedAt,
				Deleting: ed.deleting, GoneAt: ed.goneAt}
		}
		snap.Streams = append(snap.Streams, ss)
	}
	for _, ch := range s.channels.byName {
		snap.Channels = append(snap.Channels, channelSnapshot{resourceSnapshot: snapshotOf(&ch.resource),
			ChannelType: ch.channelType, MessageTTL: ch.messageTTL, Storage: ch.storage})
	}
	return json.Marshal(&snap)
}

// restoreState replaces the streams and channels by those of an encoded snapshot. Call before
// the server serves.
func (s *Server) restoreState(data []byte) error {
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
		st := &stream{resource: ss.resource("stream"), deviceName: ss.DeviceName, mediaType: ss.MediaType,
			kmsKeyID: ss.KmsKeyID, retention: ss.Retention, storageTier: ss.StorageTier, notification: ss.Notification,
			images: ss.Images, channelARN: ss.ChannelARN, media: newMediaStore()}
		if ed := ss.Edge; ed != nil {
			st.edge = &edgeState{config: ed.Config, created: ed.Created, updated: ed.Updated, syncedAt: ed.SyncedAt,
				deleting: ed.Deleting, goneAt: ed.GoneAt}
		}
		s.streams.add(st)
	}
	for _, cs := range snap.Channels {
		s.channels.add(&channel{resource: cs.resource("channel"), channelType: cs.ChannelType, messageTTL: cs.MessageTTL, storage: cs.Storage})
	}
	return nil
}

// mutates reports whether the control-plane operation op may change the state.
func mutates(p plane, op string) bool {
	if p != controlPlane {
		return false
	}
	for _, read := range []string{"Describe", "List", "Get"} {
		if len(op) >= len(read) && op[:len(read)] == read {
			return false
		}
	}
	return true
}
