// ICE servers for a WebRTC stack: the region's STUN server and the channel's TURN servers.

package signaling

import (
	"context"
	"fmt"
	"time"

	"github.com/kvsgo/sdk/internal/endpoints"
)

// RTCIceServer is one entry of a WebRTC configuration's ICE server list, shaped like the W3C
// RTCIceServer dictionary (and pion's webrtc.ICEServer): the URLs of one server and, for TURN,
// the credentials to use it.
type RTCIceServer struct {
	// URLs are the server's stun:, stuns:, turn: or turns: URLs.
	URLs []string
	// Username is the user name for a TURN server; empty for STUN.
	Username string
	// Credential is the password for a TURN server; empty for STUN.
	Credential string
	// TTL is how long Username and Credential stay valid after they were fetched; zero for STUN,
	// whose use needs no credentials.
	TTL time.Duration
}

// STUNURL returns the URL of the Kinesis Video STUN server of a region, the STUN server WebRTC
// peers of the region use (the service's ICE server list holds only TURN servers):
//
//	stun:stun.kinesisvideo.{region}.{suffix}:443
//
// where the suffix is the DNS suffix of the region's partition (amazonaws.com,
// amazonaws.com.cn, …). dualStack selects the partition's dual-stack suffix (api.aws for the
// aws partition). fips selects the FIPS server, which the KVS WebRTC SDK for JavaScript reaches
// over TLS: stuns:stun.kinesisvideo-fips.{region}.{suffix}:443. The region must be a valid
// host label, and its partition must offer the variant.
func STUNURL(region string, fips, dualStack bool) (string, error) {
	// Resolving the control-plane endpoint checks the region and the partition's variants.
	if _, err := endpoints.Resolve(region, endpoints.Options{UseFIPS: fips, UseDualStack: dualStack}); err != nil {
		return "", fmt.Errorf("signaling: no STUN URL: %w", err)
	}
	p := endpoints.PartitionOf(region)
	scheme, host, suffix := "stun", "stun.kinesisvideo", p.DNSSuffix
	if fips {
		scheme, host = "stuns", "stun.kinesisvideo-fips"
	}
	if dualStack {
		suffix = p.DualStackDNSSuffix
	}
	return scheme + ":" + host + "." + region + "." + suffix + ":443", nil
}

// stunServer returns the STUN entry the options ask for, or nil for none.
func (o Options) stunServer() (*RTCIceServer, error) {
	url := o.STUNURL
	switch url {
	case NoSTUN:
		return nil, nil
	case "":
		var err error
		if url, err = STUNURL(o.Region, o.UseFIPSEndpoint, o.UseDualStackEndpoint); err != nil {
			return nil, err
		}
	}
	return &RTCIceServer{URLs: []string{url}}, nil
}

// RTCIceServers returns the complete ICE server list for a peer connection on a channel: the
// STUN server chosen by Options.STUNURL (the region's, by default) followed by the channel's
// TURN servers from GetIceServerConfig, with their credentials and TTL. in.Service defaults to
// TURN. Fetch a fresh list for every new peer connection once the TTL of the previous one has
// passed; a Conn does that for you (Conn.RTCIceServers).
func (c *Client) RTCIceServers(ctx context.Context, in *GetIceServerConfigInput, optFns ...func(*Options)) ([]RTCIceServer, error) {
	o, _, _ := c.with(optFns)
	stun, err := o.stunServer()
	if err != nil {
		return nil, err
	}
	req := GetIceServerConfigInput{}
	if in != nil {
		req = *in
	}
	if req.Service == "" {
		req.Service = ServiceTURN
	}
	out, err := c.GetIceServerConfig(ctx, &req, optFns...)
	if err != nil {
		return nil, err
	}
	list := make([]RTCIceServer, 0, len(out.IceServerList)+1)
	if stun != nil {
		list = append(list, *stun)
	}
	for _, s := range out.IceServerList {
		list = append(list, RTCIceServer{
			URLs:       append([]string(nil), s.Uris...),
			Username:   s.Username,
			Credential: s.Password,
			TTL:        time.Duration(s.Ttl) * time.Second,
		})
	}
	return list, nil
}

// expiry returns when a fetched list should be replaced: once 80% of the shortest TTL has
// passed, or after fallback when no server has a TTL.
func expiry(list []RTCIceServer, fetched time.Time, fallback time.Duration) time.Time {
	shortest := time.Duration(0)
	for _, s := range list {
		if s.TTL > 0 && (shortest == 0 || s.TTL < shortest) {
			shortest = s.TTL
		}
	}
	if shortest == 0 {
		return fetched.Add(fallback)
	}
	return fetched.Add(shortest * 4 / 5)
}
