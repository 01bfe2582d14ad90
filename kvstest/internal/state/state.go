// Package state is the control plane of the emulator: streams and signaling channels, their
// lifecycles, tags, edge, storage, notification and image generation configurations,
// pagination, and the control-plane operations, each a method of State that runs with the state
// locked on decoded, validated input.
//
// Everything here is guarded by State.Mu. Operations take the lock for their whole run (see
// State.Lock); data-plane handlers that stream for a long time must not hold it while they
// wait, and keep per-stream media state (fragments, live readers) in Stream.Media, guarded by a
// lock of its own, taking State.Mu only to look the stream up. They learn about control-plane
// changes through Resource.Deleted (closed by DeleteStream) and Resource.Changed (closed and
// replaced on every metadata change, such as UpdateDataRetention).
//
// The media of a stream is of the type parameter M, which the data plane chooses: state knows
// only how to make it (Config.NewMedia).
package state

import (
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kvsgo/sdk/internal/endpoints"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/relay"
)

// Resource is what streams and signaling channels have in common.
type Resource struct {
	Kind    string // "stream" or "channel", as in the ARN
	Name    string
	ARN     string
	Created time.Time
	Version string
	Tags    map[string]string

	// The lifecycle: Busy (CREATING or UPDATING) until BusyUntil; once Deleting, DELETING until
	// GoneAt, then removed.
	Busy      kvs.Status
	BusyUntil time.Time
	Deleting  bool
	GoneAt    time.Time

	// Deleted is closed when the resource is deleted; its data is unreachable from then on.
	Deleted chan struct{}
	// Changed is closed, and replaced by a new channel, whenever the resource's metadata changes;
	// Generation counts the changes.
	Changed    chan struct{}
	Generation uint64
}

// Stream is the record of one stream, with its media of type M.
type Stream[M any] struct {
	Resource
	DeviceName   string
	MediaType    string
	KMSKeyID     string
	Retention    int32 // hours
	StorageTier  kvs.DefaultStorageTier
	Notification *kvs.NotificationConfiguration
	Images       *kvs.ImageGenerationConfiguration
	Edge         *Edge
	ChannelARN   string // the signaling channel whose media is stored in this stream
	Media        M
}

// Channel is the record of one signaling channel.
type Channel struct {
	Resource
	ChannelType kvs.ChannelType
	MessageTTL  int32
	Storage     kvs.MediaStorageConfiguration
	Relay       *relay.Relay // the channel's WebSocket signaling, once a client has used it
}

// Config is what the state is created with.
type Config[M any] struct {
	Region, AccountID string
	Limits            Limits
	Delays            Delays
	Clock             func() time.Time // the server's clock
	NewMedia          func() M         // the media of a new stream
	PageKey           []byte           // authenticates the server's tokens; a random key when nil
}

// Limits are the account quotas (kvstest.Limits); zero is no quota.
type Limits struct {
	Streams  int
	Channels int
}

// Delays are how long resources stay in their transient states (kvstest.Delays).
type Delays struct {
	StreamCreate  time.Duration
	StreamUpdate  time.Duration
	StreamDelete  time.Duration
	ChannelCreate time.Duration
	ChannelUpdate time.Duration
	ChannelDelete time.Duration
	EdgeSync      time.Duration
	EdgeDelete    time.Duration
}

// Endpoints are the URLs of the server's endpoints, which GetDataEndpoint and
// GetSignalingChannelEndpoint return.
type Endpoints struct {
	Data, Archived, Signaling, SignalingWebSocket string
}

// State is the control-plane state of one server.
type State[M any] struct {
	cfg Config[M]
	// Endpoints is set once, before the server serves.
	Endpoints Endpoints

	Mu       sync.Mutex // guards the state below
	Streams  Registry[*Stream[M]]
	Channels Registry[*Channel]
	pageKey  []byte // authenticates pagination tokens
}

// New returns an empty state.
func New[M any](cfg Config[M]) *State[M] {
	key := cfg.PageKey
	if key == nil {
		key = randomKey()
	}
	return &State[M]{cfg: cfg, Streams: newRegistry[*Stream[M]](), Channels: newRegistry[*Channel](), pageKey: key}
}

// PageKey returns the key that authenticates the server's tokens.
func (s *State[M]) PageKey() []byte { return s.pageKey }

// Reset removes every stream and channel. Call with s.Mu held.
func (s *State[M]) Reset() {
	s.Streams, s.Channels = newRegistry[*Stream[M]](), newRegistry[*Channel]()
}

func (r *Resource) res() *Resource { return r }

// Status returns the lifecycle state at now.
func (r *Resource) Status(now time.Time) kvs.Status {
	switch {
	case r.Deleting:
		return kvs.StatusDeleting
	case now.Before(r.BusyUntil):
		return r.Busy
	}
	return kvs.StatusActive
}

// RequireActive refuses to change a Resource that is not ACTIVE, as the service does.
func (r *Resource) RequireActive(now time.Time) *apierr.Error {
	if st := r.Status(now); st != kvs.StatusActive {
		return apierr.ResourceInUse("The %s %s is %s; it can be changed once it is ACTIVE.", r.Kind, r.Name, st)
	}
	return nil
}

// Changeable checks that the Resource may be changed at version current: it is ACTIVE, and
// current, when given, is its version.
func (r *Resource) Changeable(now time.Time, current string) *apierr.Error {
	if e := r.RequireActive(now); e != nil {
		return e
	}
	return r.CheckVersion(current)
}

// CheckVersion refuses a CurrentVersion that is not the resource's version; an empty one, where
// the API makes it optional, is not checked.
func (r *Resource) CheckVersion(current string) *apierr.Error {
	if current != "" && current != r.Version {
		return apierr.VersionMismatch("The version %s of the %s %s is not its latest version; describe it again to read the latest.", current, r.Kind, r.Name)
	}
	return nil
}

// Touch records a change of the resource's metadata: a new version, an UPDATING period of
// length busyFor, and a signal to whoever watches the resource.
func (r *Resource) Touch(now time.Time, busyFor time.Duration) {
	r.Version = newVersion()
	if busyFor > 0 {
		r.Busy, r.BusyUntil = kvs.StatusUpdating, now.Add(busyFor)
	}
	r.SignalChange()
}

// SignalChange tells whoever watches the resource that its metadata changed (Changed).
func (r *Resource) SignalChange() {
	close(r.Changed)
	r.Changed = make(chan struct{})
	r.Generation++
}

// BeginDelete starts the deletion of the Resource, at version current when given; it
// disappears goneAfter later.
func (r *Resource) BeginDelete(now time.Time, current string, goneAfter time.Duration) *apierr.Error {
	if r.Deleting {
		return apierr.ResourceInUse("The %s %s is already being deleted.", r.Kind, r.Name)
	}
	if e := r.CheckVersion(current); e != nil {
		return e
	}
	r.Deleting = true
	r.GoneAt = now.Add(goneAfter)
	close(r.Deleted)
	r.SignalChange()
	return nil
}

func newResource(kind, name, arn string, created time.Time, createFor time.Duration, tags map[string]string) Resource {
	return Resource{
		Kind: kind, Name: name, ARN: arn, Created: created, Version: newVersion(), Tags: tags,
		Busy: kvs.StatusCreating, BusyUntil: created.Add(createFor),
		Deleted: make(chan struct{}), Changed: make(chan struct{}),
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
	res() *Resource
}

// Registry indexes the records of one kind by name and by ARN.
type Registry[T record] struct {
	ByName map[string]T
	ByARN  map[string]T
}

func newRegistry[T record]() Registry[T] {
	return Registry[T]{ByName: map[string]T{}, ByARN: map[string]T{}}
}

func (g *Registry[T]) add(v T) {
	g.ByName[v.res().Name] = v
	g.ByARN[v.res().ARN] = v
}

// has reports whether a record has the ARN arn.
func (g *Registry[T]) has(arn string) bool {
	_, ok := g.ByARN[arn]
	return ok
}

// purge removes the records whose deletion has completed at now.
func (g *Registry[T]) purge(now time.Time) {
	for name, v := range g.ByName {
		if r := v.res(); r.Deleting && !now.Before(r.GoneAt) {
			delete(g.ByName, name)
			delete(g.ByARN, r.ARN)
		}
	}
}

// find looks a record up by name or ARN, the way the operations that take both do: at least one
// is needed, and when both are given they must name the same record. A malformed ARN is refused
// with badARN.
func (g *Registry[T]) find(name, arn string, notFound func() *apierr.Error, badARN func(string, ...any) *apierr.Error) (T, *apierr.Error) {
	var zero T
	if name == "" && arn == "" {
		return zero, apierr.InvalidArgument("Either the name or the ARN must be specified.")
	}
	if arn == "" {
		if v, ok := g.ByName[name]; ok {
			return v, nil
		}
		return zero, notFound()
	}
	if !arnPattern.MatchString(arn) {
		return zero, badARN("The ARN %q is not valid.", arn)
	}
	v, ok := g.ByARN[arn]
	if !ok {
		return zero, notFound()
	}
	if name != "" && v.res().Name != name {
		return zero, apierr.InvalidArgument("The name %q and the ARN %q identify different resources.", name, arn)
	}
	return v, nil
}

// admit checks that a record of g named name may be created (the name is free, and the
// account's quota of quotaCode, when positive, allows one more) and returns the ARN it gets, in
// the service's format: the creation time in milliseconds is its last part.
func admit[T record, M any](s *State[M], g *Registry[T], kind, name string, now time.Time, quota int, quotaCode string) (string, *apierr.Error) {
	if _, taken := g.ByName[name]; taken {
		return "", apierr.ResourceInUse("The %s %s already exists.", kind, name)
	}
	if quota > 0 && len(g.ByName) >= quota {
		return "", apierr.New(http.StatusBadRequest, quotaCode, "The account already has %d %ss, the most it may have.", quota, kind)
	}
	prefix := "arn:" + endpoints.PartitionOf(s.cfg.Region).ID + ":kinesisvideo:" + s.cfg.Region + ":" + s.cfg.AccountID + ":" + kind + "/" + name + "/"
	for ms := now.UnixMilli(); ; ms++ {
		if arn := prefix + strconv.FormatInt(ms, 10); !g.has(arn) {
			return arn, nil
		}
	}
}

// listPage returns the page of g's records whose names start with prefix that token starts,
// described by info, and the token of the next page.
func listPage[T record, I any, M any](s *State[M], g *Registry[T], op, prefix, token string, limit int, info func(T) I) ([]I, string, *apierr.Error) {
	var matched []T
	for name, v := range g.ByName {
		if strings.HasPrefix(name, prefix) {
			matched = append(matched, v)
		}
	}
	page, next, e := paginate(s, op, token, limit, matched, func(v T) string { return v.res().Name })
	if e != nil {
		return nil, "", e
	}
	infos := make([]I, len(page))
	for i, v := range page {
		infos[i] = info(v)
	}
	return infos, next, nil
}

// Now returns the server's time, to the millisecond as the service keeps it.
func (s *State[M]) Now() time.Time {
	return time.UnixMilli(s.cfg.Clock().UnixMilli()).UTC()
}

// Lock locks the state, removes the records whose deletion completed, and returns the server's
// time; the caller unlocks it (Unlock).
func (s *State[M]) Lock() time.Time {
	s.Mu.Lock()
	now := s.Now()
	s.Streams.purge(now)
	s.Channels.purge(now)
	for _, st := range s.Streams.ByName {
		st.purgeEdge(now)
	}
	return now
}

// Unlock unlocks the state.
func (s *State[M]) Unlock() { s.Mu.Unlock() }

// FindStream finds a stream by name or ARN (see Registry.find).
func (s *State[M]) FindStream(name, arn string) (*Stream[M], *apierr.Error) {
	return s.Streams.find(name, arn, apierr.StreamNotFound, apierr.InvalidArgument)
}

// FindChannel finds a channel by name or ARN.
func (s *State[M]) FindChannel(name, arn string) (*Channel, *apierr.Error) {
	return s.Channels.find(name, arn, apierr.ChannelNotFound, apierr.InvalidArgument)
}

// The model's patterns of ARNs: of streams and channels, and of the other services' resources
// the API takes.
var (
	arnPattern          = regexp.MustCompile(`^arn:[a-z\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+$`)
	hubDeviceARNPattern = regexp.MustCompile(`^arn:[a-z\d-]+:iot:[a-z0-9-]+:[0-9]+:thing/[a-zA-Z0-9_.-]+$`)
	secretARNPattern    = regexp.MustCompile(`^arn:[a-z\d-]+:secretsmanager:[a-z0-9-]+:[0-9]+:secret:[a-zA-Z0-9_.-]+$`)
)
