// Limits and tools of the archived-media emulation.

package kvstest

// ArchivedLimits are the limits of the archived-media APIs. Zero fields take the service's
// values (the defaults below).
type ArchivedLimits struct {
	// ClipMaxFragments cuts a GetClip response after that many fragments (200 by default).
	ClipMaxFragments int
	// ClipMaxBytes cuts a GetClip response after that many bytes of media from its start (100
	// MB by default); a clip holds at least one fragment.
	ClipMaxBytes int64
	// MaxSessions is how many HLS sessions, and separately how many DASH sessions, a stream may
	// have active; creating another closes the oldest (10 by default).
	MaxSessions int
}

// The service's archived-media limits, the defaults of ArchivedLimits.
const (
	DefaultClipMaxFragments = 200
	DefaultClipMaxBytes     = 100 << 20
	DefaultMaxSessions      = 10
)

// archivedOptions are the settings of the archived-media emulation.
type archivedOptions struct {
	limits    ArchivedLimits
	ffmpeg    string // the ffmpeg executable GetImages runs
	ffmpegSet bool   // WithFFmpeg was given; otherwise ffmpeg is looked up in PATH
}

// WithArchivedLimits sets the limits of the archived-media APIs.
func WithArchivedLimits(l ArchivedLimits) Option {
	return func(o *options) { o.archived.limits = l }
}

// WithFFmpeg sets the ffmpeg executable that GetImages decodes video frames with. An empty path
// makes the server behave as if ffmpeg were not installed: every image that has media carries
// the MEDIA_ERROR error. By default "ffmpeg" is looked up in PATH when GetImages first needs it.
func WithFFmpeg(path string) Option {
	return func(o *options) { o.archived.ffmpeg, o.archived.ffmpegSet = path, true }
}

// withDefaults returns the limits with the defaults filled in.
func (l ArchivedLimits) withDefaults() ArchivedLimits {
	if l.ClipMaxFragments <= 0 {
		l.ClipMaxFragments = DefaultClipMaxFragments
	}
	if l.ClipMaxBytes <= 0 {
		l.ClipMaxBytes = DefaultClipMaxBytes
	}
	if l.MaxSessions <= 0 {
		l.MaxSessions = DefaultMaxSessions
	}
	return l
}
