// Package archive is the emulator's archived-media API over the media PutMedia stored
// (package mediaapi): ListFragments and GetMediaForFragmentList, GetClip, HLS and DASH
// sessions and their playback resources, GetImages, and the notifications and images of
// fragments marked with event metadata. It packages media with package pack and decodes images
// with ffmpeg.
//
// A Service serves the operations of one server; it is made from a Config (the state, the media
// API, the limits, ffmpeg, the log, where events go) and knows nothing of kvstest.Server. Routes
// lists its operations for the server's router.
package archive

import (
	"context"
	"io"
	"slices"

	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
)

// Config is what a Service works with.
type Config struct {
	// State holds the streams and their media; its Endpoints.Archived is the host of session URLs,
	// and its page key authenticates page and session tokens.
	State *mediaapi.State
	// Media reads the frames of stored fragments.
	Media *mediaapi.Service
	// Limits are the limits of the archived-media APIs, with every default filled in.
	Limits Limits
	// FFmpeg is the ffmpeg executable images are decoded with, "" for none; with LookPath,
	// "ffmpeg" is looked up in PATH instead.
	FFmpeg   string
	LookPath bool
	// Logf logs what goes wrong behind a call; nil logs nothing.
	Logf func(format string, args ...any)
	// Context bounds the ffmpeg runs of marked fragments' images (the server's life).
	Context context.Context
	// ImageDir, when set, receives every generated image as a file; NotificationLog, when set,
	// every notification as a line of JSON.
	ImageDir        string
	NotificationLog io.Writer
}

// Limits are the limits of the archived-media APIs (kvstest.ArchivedLimits, whose fields they
// mirror).
type Limits struct {
	ClipMaxFragments int
	ClipMaxBytes     int64
	MaxSessions      int
}

// Service serves the archived-media API of one server.
type Service struct {
	cfg      Config
	sessions sessionTables // the HLS and DASH sessions of the streams
	events   eventRecords  // what marked fragments produced
}

// New returns a Service working with cfg.
func New(cfg Config) *Service {
	if cfg.Context == nil {
		cfg.Context = context.Background()
	}
	return &Service{cfg: cfg}
}

func (s *Service) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// Route is one archived-media operation at a path of the data plane.
type Route struct {
	Path, Op, Method string
	// SessionToken routes are not signed: the session token in their URL authorizes them, and
	// the handler checks it (HLS and DASH playback).
	SessionToken bool
	Handle       func(s *Service, c *serve.Call)
}

// routes is filled by the init functions of the operation files and never changes afterwards.
var routes []Route

// route registers a signed operation.
func route(path, op, method string, handle func(s *Service, c *serve.Call)) {
	routes = append(routes, Route{Path: path, Op: op, Method: method, Handle: handle})
}

// Routes returns the operations of the archived-media API (a copy: the table never changes).
func Routes() []Route { return slices.Clone(routes) }
