package kvs

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

// DataEndpoint returns the endpoint of a data-plane API for a stream, as GetDataEndpoint does,
// but answers from a cache while the last answer is younger than Options.EndpointCacheTTL.
// Concurrent calls for the same stream and API share one GetDataEndpoint request. The stream is
// identified by in.StreamName or in.StreamARN, exactly as given: a name and its ARN are cached
// separately.
func (c *Client) DataEndpoint(ctx context.Context, in *GetDataEndpointInput) (string, error) {
	return cached(ctx, c.endpoints, c.endpoints.data, dataKey(in), func(ctx context.Context) (string, error) {
		out, err := c.GetDataEndpoint(ctx, in)
		if err != nil {
			return "", err
		}
		if out.DataEndpoint == "" {
			return "", errors.New("kvs: GetDataEndpoint returned no endpoint")
		}
		return out.DataEndpoint, nil
	})
}

// InvalidateDataEndpoint drops the cached answer for in, so that the next DataEndpoint call asks
// the service again. Call it when a data-plane request fails in a way that suggests a stale
// endpoint (InvalidEndpointException, a DNS or connection failure).
func (c *Client) InvalidateDataEndpoint(in *GetDataEndpointInput) {
	invalidate(c.endpoints, c.endpoints.data, dataKey(in))
}

// SignalingChannelEndpoints returns a signaling channel's endpoints, as
// GetSignalingChannelEndpoint does, from a cache keyed by channel ARN, role and protocols.
// Concurrent calls with the same key share one request.
func (c *Client) SignalingChannelEndpoints(ctx context.Context, in *GetSignalingChannelEndpointInput) ([]ResourceEndpointListItem, error) {
	return cached(ctx, c.endpoints, c.endpoints.signaling, signalingKey(in), func(ctx context.Context) ([]ResourceEndpointListItem, error) {
		out, err := c.GetSignalingChannelEndpoint(ctx, in)
		if err != nil {
			return nil, err
		}
		return out.ResourceEndpointList, nil
	})
}

// InvalidateSignalingChannelEndpoints drops the cached answer for in.
func (c *Client) InvalidateSignalingChannelEndpoints(in *GetSignalingChannelEndpointInput) {
	invalidate(c.endpoints, c.endpoints.signaling, signalingKey(in))
}

func dataKey(in *GetDataEndpointInput) string {
	if in == nil {
		return ""
	}
	return string(in.APIName) + "\x00" + in.StreamName + "\x00" + in.StreamARN
}

func signalingKey(in *GetSignalingChannelEndpointInput) string {
	if in == nil {
		return ""
	}
	cfg := in.SingleMasterChannelEndpointConfiguration
	var b strings.Builder
	b.WriteString(in.ChannelARN + "\x00" + string(cfg.Role))
	for _, p := range cfg.Protocols {
		b.WriteString("\x00" + string(p))
	}
	return b.String()
}

// endpointCache holds the answers of the two endpoint operations.
type endpointCache struct {
	ttl       time.Duration
	now       func() time.Time
	mu        sync.Mutex
	data      map[string]*cacheEntry[string]
	signaling map[string]*cacheEntry[[]ResourceEndpointListItem]
}

// cacheEntry is an answer, or a load in flight (loading is open until it completes).
type cacheEntry[V any] struct {
	value   V
	expires time.Time
	loading chan struct{}
	err     error
}

// maxCacheEntries bounds each map; expired entries are swept when it is reached.
const maxCacheEntries = 4096

func newEndpointCache(ttl time.Duration) *endpointCache {
	if ttl == 0 {
		ttl = DefaultEndpointCacheTTL
	}
	return &endpointCache{
		ttl:       ttl,
		now:       time.Now,
		data:      map[string]*cacheEntry[string]{},
		signaling: map[string]*cacheEntry[[]ResourceEndpointListItem]{},
	}
}

// cached returns the fresh value under key, or loads it. Only one load per key runs at a time;
// callers that arrive during a load wait for it and share its result, unless the load failed
// because its own caller's context ended, in which case they load again themselves.
func cached[V any](ctx context.Context, ec *endpointCache, m map[string]*cacheEntry[V], key string, load func(context.Context) (V, error)) (V, error) {
	var zero V
	if ec.ttl < 0 {
		return load(ctx)
	}
	for {
		ec.mu.Lock()
		e := m[key]
		switch {
		case e != nil && e.loading == nil && ec.now().Before(e.expires):
			ec.mu.Unlock()
			return e.value, nil
		case e != nil && e.loading != nil:
			wait := e.loading
			ec.mu.Unlock()
			select {
			case <-wait:
			case <-ctx.Done():
				return zero, ctx.Err()
			}
			if e.err != nil && !isContextError(e.err) {
				return zero, e.err
			}
			continue
		}
		if len(m) >= maxCacheEntries {
			sweep(m, ec.now())
		}
		e = &cacheEntry[V]{loading: make(chan struct{})}
		m[key] = e
		ec.mu.Unlock()

		v, err := load(ctx)

		ec.mu.Lock()
		e.err = err
		if err == nil {
			m[key] = &cacheEntry[V]{value: v, expires: ec.now().Add(ec.ttl)}
		} else if m[key] == e {
			delete(m, key)
		}
		close(e.loading)
		ec.mu.Unlock()
		return v, err
	}
}

// invalidate removes a completed entry; a load in flight is left to finish.
func invalidate[V any](ec *endpointCache, m map[string]*cacheEntry[V], key string) {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	if e := m[key]; e != nil && e.loading == nil {
		delete(m, key)
	}
}

func sweep[V any](m map[string]*cacheEntry[V], now time.Time) {
	for k, e := range m {
		if e.loading == nil && !now.Before(e.expires) {
			delete(m, k)
		}
	}
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
