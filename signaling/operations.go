// The HTTPS operations of the signaling API. Each goes to the HTTPS endpoint of the channel it
// names, which the client looks up with GetSignalingChannelEndpoint and caches: there is no
// endpoint to configure, and so no way to send a request to the wrong host.

package signaling

import "context"

// GetIceServerConfig returns the TURN servers of a signaling channel with short-lived
// credentials. RTCIceServers adds the STUN server and converts the result for a WebRTC stack.
func (c *Client) GetIceServerConfig(ctx context.Context, in *GetIceServerConfigInput, optFns ...func(*Options)) (*GetIceServerConfigOutput, error) {
	return invoke[GetIceServerConfigOutput](ctx, c, "GetIceServerConfig", "/v1/get-ice-server-config", in, optFns)
}

// GetIceServerConfigInput is the input of GetIceServerConfig.
type GetIceServerConfigInput struct {
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero" validate:"required,min=1,max=1024"`
	// ClientId identifies the viewer asking; empty for the master.
	ClientId string `json:"ClientId,omitzero" validate:"min=1,max=256,pattern=name"`
	// Service is the kind of ICE server wanted; TURN, the only kind, when empty.
	Service Service `json:"Service,omitzero"`
	// Username is an optional user ID the service associates with the credentials.
	Username string `json:"Username,omitzero" validate:"min=1,max=256,pattern=name"`
	// Role chooses whose HTTPS endpoint receives the request. It is not sent. When empty, it is
	// VIEWER if ClientId is set (the model describes ClientId as the viewer's) and MASTER
	// otherwise.
	Role Role `json:"-"`
}

func (in *GetIceServerConfigInput) route() (string, Role) {
	switch {
	case in.Role != "":
		return in.ChannelARN, in.Role
	case in.ClientId != "":
		return in.ChannelARN, RoleViewer
	}
	return in.ChannelARN, RoleMaster
}

// GetIceServerConfigOutput is the output of GetIceServerConfig.
type GetIceServerConfigOutput struct {
	// IceServerList holds the channel's TURN servers.
	IceServerList []IceServer `json:"IceServerList,omitzero"`
}

// IceServer is a TURN server and the credentials to use it.
type IceServer struct {
	// Uris are the server's turn: and turns: URIs, one per transport.
	Uris []string `json:"Uris,omitzero"`
	// Username is the user name to authenticate with.
	Username string `json:"Username,omitzero"`
	// Password is the password to authenticate with.
	Password string `json:"Password,omitzero"`
	// Ttl is how many seconds the user name and password stay valid.
	Ttl int32 `json:"Ttl,omitzero"`
}

// Service is a kind of ICE server.
type Service string

// Values of Service.
const (
	ServiceTURN Service = "TURN"
)

// Values returns every value of Service the service model defines.
func (Service) Values() []Service { return []Service{ServiceTURN} }

// SendAlexaOfferToMaster delivers an Alexa device's SDP offer to the channel's master and returns
// the master's answer. The service keeps redelivering the offer until the master connects or
// the message expires.
func (c *Client) SendAlexaOfferToMaster(ctx context.Context, in *SendAlexaOfferToMasterInput, optFns ...func(*Options)) (*SendAlexaOfferToMasterOutput, error) {
	return invoke[SendAlexaOfferToMasterOutput](ctx, c, "SendAlexaOfferToMaster", "/v1/send-alexa-offer-to-master", in, optFns)
}

// SendAlexaOfferToMasterInput is the input of SendAlexaOfferToMaster.
type SendAlexaOfferToMasterInput struct {
	// ChannelARN is the ARN of the signaling channel.
	ChannelARN string `json:"ChannelARN,omitzero" validate:"required,min=1,max=1024"`
	// SenderClientId identifies the sender of the offer.
	SenderClientId string `json:"SenderClientId,omitzero" validate:"required,min=1,max=256,pattern=name"`
	// MessagePayload is the SDP offer, base64-encoded.
	MessagePayload string `json:"MessagePayload,omitzero" validate:"required,min=1,max=10000,pattern=messagePayload"`
	// Role chooses whose HTTPS endpoint receives the request. It is not sent. VIEWER when empty:
	// the sender of an offer plays the viewer's part.
	Role Role `json:"-"`
}

func (in *SendAlexaOfferToMasterInput) route() (string, Role) {
	if in.Role != "" {
		return in.ChannelARN, in.Role
	}
	return in.ChannelARN, RoleViewer
}

// SendAlexaOfferToMasterOutput is the output of SendAlexaOfferToMaster.
type SendAlexaOfferToMasterOutput struct {
	// Answer is the master's SDP answer, base64-encoded.
	Answer string `json:"Answer,omitzero"`
}
