package archived

import "time"

// FragmentSelectorType says which clock a time range is measured on: the producer's timestamps
// or the service's arrival times. ListFragments, GetClip, the HLS and DASH sessions and
// GetImages (as ImageSelectorType) all take it.
type FragmentSelectorType string

// Values of FragmentSelectorType.
const (
	// FragmentSelectorTypeProducerTimestamp selects by the timestamps the producer gave the
	// fragments (the start of each fragment).
	FragmentSelectorTypeProducerTimestamp FragmentSelectorType = "PRODUCER_TIMESTAMP"
	// FragmentSelectorTypeServerTimestamp selects by when the service received each fragment.
	FragmentSelectorTypeServerTimestamp FragmentSelectorType = "SERVER_TIMESTAMP"
)

// Values returns every value of FragmentSelectorType the service model defines.
func (FragmentSelectorType) Values() []FragmentSelectorType {
	return []FragmentSelectorType{FragmentSelectorTypeProducerTimestamp, FragmentSelectorTypeServerTimestamp}
}

// TimestampRange is a closed interval of fragment start times: a fragment is in it when it
// starts at or after StartTimestamp and at or before EndTimestamp. ListFragments and GetClip
// take it; both ends are required.
type TimestampRange struct {
	// StartTimestamp is the earliest fragment start included.
	StartTimestamp time.Time `json:"StartTimestamp,omitzero" validate:"required"`
	// EndTimestamp is the latest fragment start included. For GetClip it must be after
	// StartTimestamp and at most 24 hours from it.
	EndTimestamp time.Time `json:"EndTimestamp,omitzero" validate:"required"`
}

// FragmentSelector picks fragments by the start times of one clock. ListFragments takes it as
// FragmentSelector, GetClip as ClipFragmentSelector.
type FragmentSelector struct {
	// FragmentSelectorType is the clock TimestampRange is measured on.
	FragmentSelectorType FragmentSelectorType `json:"FragmentSelectorType,omitzero" validate:"required"`
	// TimestampRange is the range of fragment start times.
	TimestampRange TimestampRange `json:"TimestampRange,omitzero" validate:"required"`
}

// StreamingTimestampRange is the range of an HLS or DASH session. StartTimestamp is needed
// whenever the range is given; EndTimestamp is needed for ON_DEMAND sessions, and a LIVE_REPLAY
// session without one goes on with new fragments until it expires. LIVE sessions take no range.
type StreamingTimestampRange struct {
	// StartTimestamp is the earliest fragment start included.
	StartTimestamp time.Time `json:"StartTimestamp,omitzero"`
	// EndTimestamp is the latest fragment start included: after StartTimestamp, at most 24 hours
	// from it, and in the past for SERVER_TIMESTAMP.
	EndTimestamp time.Time `json:"EndTimestamp,omitzero"`
}

// StreamingFragmentSelector chooses the fragments of an HLS or DASH session (the
// HLSFragmentSelector and DASHFragmentSelector of the model). When FragmentSelectorType is
// empty the service measures on the server's clock.
type StreamingFragmentSelector struct {
	// FragmentSelectorType is the clock TimestampRange is measured on, and the one whose
	// timestamps the session shows.
	FragmentSelectorType FragmentSelectorType `json:"FragmentSelectorType,omitzero"`
	// TimestampRange is the range of the session, for ON_DEMAND and LIVE_REPLAY.
	TimestampRange StreamingTimestampRange `json:"TimestampRange,omitzero"`
}

// PlaybackMode is what an HLS or DASH session plays.
type PlaybackMode string

// Values of PlaybackMode.
const (
	// PlaybackModeLive follows the newest fragments as they arrive; the default.
	PlaybackModeLive PlaybackMode = "LIVE"
	// PlaybackModeLiveReplay starts at a time in the past and adds fragments at the pace they
	// play, into the live edge when there is no end time.
	PlaybackModeLiveReplay PlaybackMode = "LIVE_REPLAY"
	// PlaybackModeOnDemand serves a fixed range of archived fragments.
	PlaybackModeOnDemand PlaybackMode = "ON_DEMAND"
)

// Values returns every value of PlaybackMode the service model defines.
func (PlaybackMode) Values() []PlaybackMode {
	return []PlaybackMode{PlaybackModeLive, PlaybackModeLiveReplay, PlaybackModeOnDemand}
}

// Display says whether a session's playlist or manifest shows a fragment attribute (its
// timestamp or number). It is the model's HLSDisplayFragmentTimestamp,
// DASHDisplayFragmentTimestamp and DASHDisplayFragmentNumber.
type Display string

// Values of Display.
const (
	// DisplayAlways shows the attribute for every fragment.
	DisplayAlways Display = "ALWAYS"
	// DisplayNever leaves it out; the default.
	DisplayNever Display = "NEVER"
)

// Values returns every value of Display the service model defines.
func (Display) Values() []Display { return []Display{DisplayAlways, DisplayNever} }

// ContainerFormat is how an HLS session packages its media.
type ContainerFormat string

// Values of ContainerFormat.
const (
	// ContainerFormatFragmentedMP4 serves an initialization segment and fMP4 (CMAF) media
	// segments per track; the default.
	ContainerFormatFragmentedMP4 ContainerFormat = "FRAGMENTED_MP4"
	// ContainerFormatMPEGTS serves MPEG-2 transport stream segments carrying every track.
	ContainerFormatMPEGTS ContainerFormat = "MPEG_TS"
)

// Values returns every value of ContainerFormat the service model defines.
func (ContainerFormat) Values() []ContainerFormat {
	return []ContainerFormat{ContainerFormatFragmentedMP4, ContainerFormatMPEGTS}
}

// DiscontinuityMode says where an HLS media playlist marks discontinuities, which make players
// reset their timeline.
type DiscontinuityMode string

// Values of DiscontinuityMode.
const (
	// DiscontinuityModeAlways marks one between every two fragments; the default with server
	// timestamps.
	DiscontinuityModeAlways DiscontinuityMode = "ALWAYS"
	// DiscontinuityModeNever marks none; the default with producer timestamps.
	DiscontinuityModeNever DiscontinuityMode = "NEVER"
	// DiscontinuityModeOnDiscontinuity marks one where consecutive fragments leave a gap or
	// overlap of more than 50 ms.
	DiscontinuityModeOnDiscontinuity DiscontinuityMode = "ON_DISCONTINUITY"
)

// Values returns every value of DiscontinuityMode the service model defines.
func (DiscontinuityMode) Values() []DiscontinuityMode {
	return []DiscontinuityMode{DiscontinuityModeAlways, DiscontinuityModeNever, DiscontinuityModeOnDiscontinuity}
}
