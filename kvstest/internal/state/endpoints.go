// Endpoints: GetDataEndpoint and GetSignalingChannelEndpoint, which send clients to the other
// endpoints of the same Server.

package state

import (
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// getDataEndpoint returns DataURL for the media APIs and ArchivedURL for the archived-media ones,
// which the service serves from different hosts. A stream that is DELETING has none: see
// stream.ServesMedia.
func (s *State[M]) GetDataEndpoint(now time.Time, in *kvs.GetDataEndpointInput) (*kvs.GetDataEndpointOutput, *apierr.Error) {
	st, e := s.FindStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	if !st.ServesMedia(now) {
		return nil, apierr.StreamNotFound()
	}
	endpoint := s.Endpoints.Archived
	if in.APIName == kvs.APINamePutMedia || in.APIName == kvs.APINameGetMedia {
		endpoint = s.Endpoints.Data
	}
	return &kvs.GetDataEndpointOutput{DataEndpoint: endpoint}, nil
}

// getSignalingChannelEndpoint returns one endpoint per protocol asked for (WSS and HTTPS when
// none is): SignalingWebSocketURL for WSS, SignalingURL for HTTPS, and for WEBRTC, which needs
// the channel's media storage enabled, SignalingURL too.
func (s *State[M]) GetSignalingChannelEndpoint(now time.Time, in *kvs.GetSignalingChannelEndpointInput) (*kvs.GetSignalingChannelEndpointOutput, *apierr.Error) {
	ch, e := s.FindChannel("", in.ChannelARN)
	if e == nil {
		e = ch.RequireActive(now)
	}
	if e != nil {
		return nil, e
	}
	protocols := in.SingleMasterChannelEndpointConfiguration.Protocols
	if len(protocols) == 0 {
		protocols = []kvs.ChannelProtocol{kvs.ChannelProtocolWSS, kvs.ChannelProtocolHTTPS}
	}
	out := &kvs.GetSignalingChannelEndpointOutput{ResourceEndpointList: []kvs.ResourceEndpointListItem{}}
	seen := map[kvs.ChannelProtocol]bool{}
	for _, p := range protocols {
		if seen[p] {
			continue
		}
		seen[p] = true
		endpoint := s.Endpoints.Signaling
		switch p {
		case kvs.ChannelProtocolWSS:
			endpoint = s.Endpoints.SignalingWebSocket
		case kvs.ChannelProtocolWebRTC:
			if ch.Storage.Status != kvs.MediaStorageConfigurationStatusEnabled {
				return nil, apierr.InvalidArgument("The channel %s is not configured for media ingestion, so it has no WEBRTC endpoint.", ch.Name)
			}
		}
		out.ResourceEndpointList = append(out.ResourceEndpointList, kvs.ResourceEndpointListItem{Protocol: p, ResourceEndpoint: endpoint})
	}
	return out, nil
}
