package mkv

import "time"

// DefaultTimecodeScale is Matroska's default timecode unit, one
// millisecond, in nanoseconds. KVS expects it.
const DefaultTimecodeScale = 1_000_000

// Header is the EBML header that opens every document.
type Header struct {
	Version            uint64 // EBMLVersion
	ReadVersion        uint64 // EBMLReadVersion
	MaxIDLength        uint64 // EBMLMaxIDLength
	MaxSizeLength      uint64 // EBMLMaxSizeLength
	DocType            string // "matroska" or "webm"
	DocTypeVersion     uint64 // version of the DocType the writer used
	DocTypeReadVersion uint64 // oldest DocType version a reader needs
}

// Info holds the Segment Information element.
type Info struct {
	// TimecodeScale is the length of one timecode unit in nanoseconds.
	// Zero means DefaultTimecodeScale (1 ms).
	TimecodeScale uint64
	// SegmentUID identifies the segment; 16 random bytes. The writer makes
	// one up when it is empty.
	SegmentUID []byte
	// Title is a human-readable name for the segment.
	Title string
	// MuxingApp and WritingApp name the software that wrote the file; the
	// writer fills in "kvsgo" when they are empty.
	MuxingApp  string // the muxing library
	WritingApp string // the application
	// Duration in timecode units; zero when unknown, as in a live stream.
	Duration float64
}

// TrackType is the kind of a track (Matroska TrackType).
type TrackType uint8

// Track types.
const (
	TrackVideo    TrackType = 1
	TrackAudio    TrackType = 2
	TrackSubtitle TrackType = 0x11
	TrackMetadata TrackType = 0x21
)

// TrackEntry describes one track of the stream.
type TrackEntry struct {
	// Number is what blocks refer to the track by (1, 2, 3 for KVS).
	Number uint64
	// UID identifies the track across files; never zero.
	UID uint64
	// Type says whether the track is video, audio...
	Type TrackType
	// Name is a human-readable label.
	Name string
	// CodecID is the Matroska codec name, such as "V_MPEG4/ISO/AVC".
	CodecID string
	// CodecPrivate is the decoder configuration, such as an
	// AVCDecoderConfigurationRecord.
	CodecPrivate []byte
	// DefaultDuration is the nominal frame duration in nanoseconds; zero
	// when unknown.
	DefaultDuration uint64
	// Video settings, meaningful for video tracks.
	Video VideoSettings
	// Audio settings, meaningful for audio tracks.
	Audio AudioSettings
}

// VideoSettings holds a video track's picture size in pixels.
type VideoSettings struct {
	PixelWidth  uint64 // width of the coded picture after cropping
	PixelHeight uint64 // height of the coded picture after cropping
}

// AudioSettings holds an audio track's sampling parameters.
type AudioSettings struct {
	SamplingFrequency float64 // Hz
	Channels          uint64  // number of channels
	BitDepth          uint64  // bits per sample; zero when not applicable
}

// A Tag is one Tag element of a Tags element: what it applies to and its
// name/value pairs.
type Tag struct {
	Targets    Targets     // what the tag applies to
	SimpleTags []SimpleTag // the name/value pairs, at least one
}

// Targets says what a Tag applies to. The zero value means the whole
// segment.
type Targets struct {
	TypeValue uint64   // TargetTypeValue, such as 50 for an album or movie
	Type      string   // TargetType, an informational name
	TrackUIDs []uint64 // UIDs of the tracks the tag applies to
}

// A SimpleTag is a name with a string or binary value, and optionally
// nested SimpleTags that qualify it.
type SimpleTag struct {
	// Name is the TagName, never empty. KVS reserves names starting with
	// "AWS" for its own tags.
	Name string
	// Language is the TagLanguage; empty means undetermined ("und").
	Language string
	// String is the TagString value; used when Binary is nil.
	String string
	// Binary is the TagBinary value. When it is non-nil (even empty) the
	// tag carries a binary value instead of a string.
	Binary []byte
	// Nested holds SimpleTags nested inside this one.
	Nested []SimpleTag
}

// Frame is one coded frame of a block.
type Frame struct {
	// Track is the number of the track the frame belongs to.
	Track uint64
	// Timecode is absolute, in TimecodeScale units: the cluster timecode
	// plus the block's relative timecode. Frames laced into one block all
	// carry the block's timecode.
	Timecode int64
	// Keyframe marks a frame that decodes on its own (a random access
	// point). For a Block inside a BlockGroup it means the group has no
	// ReferenceBlock.
	Keyframe bool
	// Invisible marks a frame to decode but not to show.
	Invisible bool
	// Discardable marks a frame a player may drop when it is late.
	Discardable bool
	// Data is the frame's payload. When it comes from a Reader it aliases
	// the Reader's buffer and stays valid only until the next call to Next.
	Data []byte
}

// Cluster describes a cluster the Reader entered or left.
type Cluster struct {
	// Timecode is the cluster's timecode in TimecodeScale units.
	Timecode int64
	// Size is the size of the cluster's data in bytes, or UnknownSize.
	Size int64
}

// Kind tells what an Event reports.
type Kind uint8

// Event kinds, in the order they appear in a document.
const (
	// KindDocumentStart: an EBML header was read; Event.Header is set. A
	// new document also ends the previous one (KindDocumentEnd comes
	// first).
	KindDocumentStart Kind = iota + 1
	// KindInfo: a Segment Information element; Event.Info is set.
	KindInfo
	// KindTracks: a Tracks element; Event.Tracks is set.
	KindTracks
	// KindTags: a Tags element; Event.Tags and Event.TagsPosition are set.
	KindTags
	// KindClusterStart: a Cluster and its Timecode; Event.Cluster is set.
	KindClusterStart
	// KindFrame: one frame of a SimpleBlock or Block; Event.Frame is set.
	KindFrame
	// KindClusterEnd: the cluster ended; Event.Cluster repeats its start.
	KindClusterEnd
	// KindDocumentEnd: the Segment ended, by its size, by the next EBML
	// header or by the end of the input.
	KindDocumentEnd
)

var kindNames = [...]string{
	KindDocumentStart: "DocumentStart",
	KindInfo:          "Info",
	KindTracks:        "Tracks",
	KindTags:          "Tags",
	KindClusterStart:  "ClusterStart",
	KindFrame:         "Frame",
	KindClusterEnd:    "ClusterEnd",
	KindDocumentEnd:   "DocumentEnd",
}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(?)"
}

// TagsPosition says where a Tags element stands relative to the clusters
// of its document.
type TagsPosition uint8

// Tags positions.
const (
	// BeforeCluster: no Cluster of this document has started yet (KVS puts
	// FRAGMENT_NUMBER and the timestamps here, producers their metadata).
	BeforeCluster TagsPosition = iota + 1
	// AfterCluster: at least one Cluster of this document came before (KVS
	// puts MILLIS_BEHIND_NOW and CONTINUATION_TOKEN here).
	AfterCluster
)

// String returns "BeforeCluster" or "AfterCluster".
func (p TagsPosition) String() string {
	switch p {
	case BeforeCluster:
		return "BeforeCluster"
	case AfterCluster:
		return "AfterCluster"
	}
	return "TagsPosition(?)"
}

// An Event is one step of a Reader: its Kind says which field is set.
// Header, Info, Tracks and Tags are freshly allocated and belong to the
// caller; Frame.Data alone aliases the Reader's buffer.
type Event struct {
	Kind Kind // what happened, and so which field below is set
	// Offset is the stream offset of the element behind the event; for an
	// end event, the offset where the end was found.
	Offset       int64
	Header       *Header      // KindDocumentStart: the EBML header
	Info         *Info        // KindInfo
	Tracks       []TrackEntry // KindTracks: the entries in stream order
	Tags         []Tag        // KindTags: the Tag elements of one Tags
	TagsPosition TagsPosition // KindTags: before or after a cluster
	Cluster      Cluster      // KindClusterStart, KindClusterEnd
	Frame        Frame        // KindFrame
}

// Timestamp converts a timecode in units of scale nanoseconds (zero meaning
// the default 1 ms) into a duration from the stream's origin.
func Timestamp(timecode int64, scale uint64) time.Duration {
	if scale == 0 {
		scale = DefaultTimecodeScale
	}
	return time.Duration(timecode) * time.Duration(scale)
}
