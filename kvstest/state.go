// The emulator's state: streams and signaling channels, their lifecycles, and how operations
// find them.
//
// Everything here is guarded by Server.mu. Operations take the lock for their whole run (see
// Server.lockState); data-plane handlers that stream for a long time must not hold it while they
// wait, and should keep per-stream media state (fragments, live readers) in fields of stream
// guarded by a lock of their own, taking Server.mu only to look the stream up. They learn about
// control-plane changes through resource.deleted (closed by DeleteStream) and resource.changed
// (closed and replaced on every metadata change, such as UpdateDataRetention).

package kvstest

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kvsgo/sdk/internal/endpoints"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/relay"
)

// resource is what streams and signaling channels have in common.
type resource struct {
	kind    string // "stream" or "channel", as in the ARN
	name    string
	arn     string
	created time.Time
	version string
	tags    map[string]string

	// The lifecycle: busy (CREATING or UPDATING) until busyUntil; once deleting, DELETING until
	// goneAt, then removed.
	busy      kvs.Status
	busyUntil time.Time
	deleting  bool
	goneAt    time.Time

	// deleted is closed when the resource is deleted; its data is unreachable from then on.
	deleted chan struct{}
	// changed is closed, and replaced by a new channel, whenever the resource's metadata changes;
	// generation counts the changes.
	changed    chan struct{}
	generation uint64
}

// stream is the record of one stream. Data-plane engineers add the media state here.
type stream struct {
	resource
	deviceName   string
	mediaType    string
	kmsKeyID     string
	retention    int32 // hours
	storageTier  kvs.DefaultStorageTier
	notification *kvs.NotificationConfiguration
	images       *kvs.ImageGenerationConfiguration
	edge         *edgeState
	channelARN   string // the signaling channel whose media is stored in this stream
	media        *mediaStore
}

// channel is the record of one signaling channel.
type channel struct {
	resource
	channelType kvs.ChannelType
	messageTTL  int32
	storage     kvs.MediaStorageConfiguration
	relay       *relay.Relay // the channel's WebSocket signaling, once a client has used it
}

func (r *resource) res() *resource { return r }

// status returns the lifecycle state at now.
func (r *resource) status(now time.Time) kvs.Status {
	switch {
	case r.deleting:
		return kvs.StatusDeleting
	case now.Before(r.busyUntil):
		return r.busy
	}
	return kvs.StatusActive
}

// requireActive refuses to change a resource that is not ACTIVE, as the service does.
func (r *resource) requireActive(now time.Time) *apierr.Error {
	if st := r.status(now); st != kvs.StatusActive {
		return apierr.ResourceInUse("The %s %s is %s; it can be changed once it is ACTIVE.", r.kind, r.name, st)
	}
	return nil
}

// changeable checks that the resource may be changed at version current: it is ACTIVE, and
// current, when given, is its version.
func (r *resource) changeable(now time.Time, current string) *apierr.Error {
	if e := r.requireActive(now); e != nil {
		return e
	}
	return r.checkVersion(current)
}

// checkVersion refuses a CurrentVersion that is not the resource's version; an empty one, where
// the API makes it optional, is not checked.
func (r *resource) checkVersion(current string) *apierr.Error {
	if current != "" && current != r.version {
		return apierr.VersionMismatch("The version %s of the %s %s is not its latest version; describe it again to read the latest.", current, r.kind, r.name)
	}
	return nil
}

// touch records a change of the resource's metadata: a new version, an UPDATING period of
// length busyFor, and a signal to whoever watches the resource.
func (r *resource) touch(now time.Time, busyFor time.Duration) {
	r.version = newVersion()
	if busyFor > 0 {
		r.busy, r.busyUntil = kvs.StatusUpdating, now.Add(busyFor)
	}
	r.signalChange()
}

func (r *resource) signalChange() {
	close(r.changed)
	r.changed = make(chan struct{})
	r.generation++
}

// beginDelete starts the deletion of the resource, at version current when given; it
// disappears goneAfter later.
func (r *resource) beginDelete(now time.Time, current string, goneAfter time.Duration) *apierr.Error {
	if r.deleting {
		return apierr.ResourceInUse("The %s %s is already being deleted.", r.kind, r.name)
	}
	if e := r.checkVersion(current); e != nil {
		return e
	}
	r.deleting = true
	r.goneAt = now.Add(goneAfter)
	close(r.deleted)
	r.signalChange()
	return nil
}

func newResource(kind, name, arn string, created time.Time, createFor time.Duration, tags map[string]string) resource {
	return resource{
		kind: kind, name: name, arn: arn, created: created, version: newVersion(), tags: tags,
		busy: kvs.StatusCreating, busyUntil: created.Add(createFor),
		deleted: make(chan struct{}), changed: make(chan struct{}),
	}
}

// newVersion returns a version string shaped like the service's: 20 letters and digits.
func newVersion() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 20)
	for i := range b {
		b[i] = alphabet[rand.IntN(len(alphabet))]
	}
	return string(b)
}

// record is a stream or a channel.
type record interface {
	*stream | *channel
	res() *resource
}

// registry indexes the records of one kind by name and by ARN.
type registry[T record] struct {
	byName map[string]T
	byARN  map[string]T
}

func newRegistry[T record]() registry[T] {
	return registry[T]{byName: map[string]T{}, byARN: map[string]T{}}
}

func (g *registry[T]) add(v T) {
	g.byName[v.res().name] = v
	g.byARN[v.res().arn] = v
}

// purge removes the records whose deletion has completed at now.
func (g *registry[T]) purge(now time.Time) {
	for name, v := range g.byName {
		if r := v.res(); r.deleting && !now.Before(r.goneAt) {
			delete(g.byName, name)
			delete(g.byARN, r.arn)
		}
	}
}

// find looks a record up by name or ARN, the way the operations that take both do: at least one
// is needed, and when both are given they must name the same record. A malformed ARN is refused
// with badARN.
func (g *registry[T]) find(name, arn string, notFound func() *apierr.Error, badARN func(string, ...any) *apierr.Error) (T, *apierr.Error) {
	var zero T
	if name == "" && arn == "" {
		return zero, apierr.InvalidArgument("Either the name or the ARN must be specified.")
	}
	if arn == "" {
		if v, ok := g.byName[name]; ok {
			return v, nil
		}
		return zero, notFound()
	}
	if !arnPattern.MatchString(arn) {
		return zero, badARN("The ARN %q is not valid.", arn)
	}
	v, ok := g.byARN[arn]
	if !ok {
		return zero, notFound()
	}
	if name != "" && v.res().name != name {
		return zero, apierr.InvalidArgument("The name %q and the ARN %q identify different resources.", name, arn)
	}
	return v, nil
}

// admit checks that a record of g named name may be created (the name is free, and the
// account's quota of quotaCode, when positive, allows one more) and returns the ARN it gets, in
// the service's format: the creation time in milliseconds is its last part.
func admit[T record](s *Server, g *registry[T], kind, name string, now time.Time, quota int, quotaCode string) (string, *apierr.Error) {
	if _, taken := g.byName[name]; taken {
		return "", apierr.ResourceInUse("The %s %s already exists.", kind, name)
	}
	if quota > 0 && len(g.byName) >= quota {
		return "", apierr.New(http.StatusBadRequest, quotaCode, "The account already has %d %ss, the most it may have.", quota, kind)
	}
	prefix := "arn:" + endpoints.PartitionOf(s.Region).ID + ":kinesisvideo:" + s.Region + ":" + s.AccountID + ":" + kind + "/" + name + "/"
	for ms := now.UnixMilli(); ; ms++ {
		if arn := prefix + strconv.FormatInt(ms, 10); g.byARN[arn] == nil {
			return arn, nil
		}
	}
}

// listPage returns the page of g's records whose names start with prefix that token starts,
// described by info, and the token of the next page.
func listPage[T record, I any](s *Server, g *registry[T], op, prefix, token string, limit int, info func(T) I) ([]I, string, *apierr.Error) {
	var matched []T
	for name, v := range g.byName {
		if strings.HasPrefix(name, prefix) {
			matched = append(matched, v)
		}
	}
	page, next, e := paginate(s, op, token, limit, matched, func(v T) string { return v.res().name })
	if e != nil {
		return nil, "", e
	}
	infos := make([]I, len(page))
	for i, v := range page {
		infos[i] = info(v)
	}
	return infos, next, nil
}

// now returns the server's time, to the millisecond as the service keeps it.
func (s *Server) now() time.Time {
	return time.UnixMilli(s.opts.clock().UnixMilli()).UTC()
}

// lockState locks the state, removes the records whose deletion completed, and returns the
// server's time; the caller unlocks s.mu.
func (s *Server) lockState() time.Time {
	s.mu.Lock()
	now := s.now()
	s.streams.purge(now)
	s.channels.purge(now)
	for _, st := range s.streams.byName {
		st.purgeEdge(now)
	}
	return now
}

func (s *Server) findStream(name, arn string) (*stream, *apierr.Error) {
	return s.streams.find(name, arn, apierr.StreamNotFound, apierr.InvalidArgument)
}

func (s *Server) findChannel(name, arn string) (*channel, *apierr.Error) {
	return s.channels.find(name, arn, apierr.ChannelNotFound, apierr.InvalidArgument)
}
