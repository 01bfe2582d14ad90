package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/kvsgo/sdk/archived"
)

// sessionDoc explains the flags hls-url and dash-url share.
const sessionDoc = `--mode live follows the newest fragments (the default without --from); on-demand plays the
fragments that start from --from to --to (now by default; the default mode with --from);
live-replay plays from --from at the pace of the media, on into the newest fragments, or up to
--to. A range spans at most 24 hours. The session expires after --expires (5m to 12h). ` + timeDoc + pastEndDoc

var hlsURLCommand = &command{
	name:  "hls-url",
	group: groupArchived,
	usage: "kvs hls-url --stream NAME [--mode live|live-replay|on-demand] [--from TIME] [--to TIME]\n" +
		"                   [--clock server|producer] [--container fmp4|ts] [--expires DURATION]",
	summary: "print the URL of an HLS playback session (GetHLSStreamingSessionURL)",
	doc: `Creates an HLS streaming session (GetHLSStreamingSessionURL) and prints the URL of its master
playlist on standard output, for a player such as ffplay, VLC, Safari or hls.js. The URL carries
a token that grants access to the stream's media until the session expires: keep it as secret as
credentials. --container says how the session packages the media: fmp4 (fragmented MP4, the
default) or ts (MPEG-2 transport stream). ` + sessionDoc,
	example: `ffplay "$(kvs hls-url --stream camera-1)"
kvs hls-url --stream camera-1 --from -10m --to -5m --container ts --expires 1h`,
	aws: true,
	setup: func(fs *flag.FlagSet) runFunc {
		var o sessionOptions
		o.register(fs)
		container := fs.String("container", "fmp4", "package the media as `FORMAT`: fmp4 (fragmented MP4) or ts (MPEG-2 transport stream)")
		return func(ctx context.Context, e *env, args []string) error {
			var format archived.ContainerFormat
			switch *container {
			case "fmp4":
				format = archived.ContainerFormatFragmentedMP4
			case "ts":
				format = archived.ContainerFormatMPEGTS
			default:
				return usagef("--container %q: want fmp4 or ts", *container)
			}
			return sessionURL(ctx, e, &o, args, "getting an HLS session URL", func(c *archived.Client, s session) (string, error) {
				out, err := c.GetHLSStreamingSessionURL(ctx, &archived.GetHLSStreamingSessionURLInput{StreamName: o.stream,
					PlaybackMode: s.mode, HLSFragmentSelector: s.selector, ContainerFormat: format, Expires: &s.expires})
				if err != nil {
					return "", err
				}
				return out.HLSStreamingSessionURL, nil
			})
		}
	},
}

var dashURLCommand = &command{
	name:  "dash-url",
	group: groupArchived,
	usage: "kvs dash-url --stream NAME [--mode live|live-replay|on-demand] [--from TIME] [--to TIME]\n" +
		"                    [--clock server|producer] [--expires DURATION]",
	summary: "print the URL of an MPEG-DASH playback session (GetDASHStreamingSessionURL)",
	doc: `Creates an MPEG-DASH streaming session (GetDASHStreamingSessionURL) and prints the URL of its
manifest (MPD) on standard output, for a player such as ffplay, VLC or dash.js. The URL carries a
token that grants access to the stream's media until the session expires: keep it as secret as
credentials. ` + sessionDoc,
	example: `ffplay "$(kvs dash-url --stream camera-1)"
kvs dash-url --stream camera-1 --mode live-replay --from -1h --expires 2h`,
	aws: true,
	setup: func(fs *flag.FlagSet) runFunc {
		var o sessionOptions
		o.register(fs)
		return func(ctx context.Context, e *env, args []string) error {
			return sessionURL(ctx, e, &o, args, "getting a DASH session URL", func(c *archived.Client, s session) (string, error) {
				out, err := c.GetDASHStreamingSessionURL(ctx, &archived.GetDASHStreamingSessionURLInput{StreamName: o.stream,
					PlaybackMode: s.mode, DASHFragmentSelector: s.selector, Expires: &s.expires})
				if err != nil {
					return "", err
				}
				return out.DASHStreamingSessionURL, nil
			})
		}
	},
}

// sessionOptions are the flags hls-url and dash-url share.
type sessionOptions struct {
	stream, mode string
	r            timeRange
	expires      time.Duration
}

// Bounds of a session's lifetime.
const (
	minSessionExpiry = 5 * time.Minute
	maxSessionExpiry = 12 * time.Hour
)

// register declares the flags hls-url and dash-url share.
func (o *sessionOptions) register(fs *flag.FlagSet) {
	o.r.endInPast = true
	fs.StringVar(&o.stream, "stream", "", "`NAME` of the stream (required)")
	fs.StringVar(&o.mode, "mode", "", "play `MODE`: live, live-replay or on-demand, or the API's LIVE, LIVE_REPLAY, ON_DEMAND (default: live, or on-demand with --from)")
	o.r.register(fs, "start the session with the fragment that starts at or after `TIME` (on-demand and live-replay)",
		"end the session with the last fragment that starts at or before `TIME` (default: now for on-demand, none for live-replay)")
	fs.DurationVar(&o.expires, "expires", minSessionExpiry, "the session and its URL expire after `DURATION` (5m to 12h)")
}

// session is what the flags ask of a session.
type session struct {
	mode     archived.PlaybackMode
	selector archived.StreamingFragmentSelector
	expires  int32 // seconds
}

// request checks the flags and returns the session they ask for, with relative times counted
// from now.
func (o *sessionOptions) request(now time.Time) (session, error) {
	var s session
	if err := requireStream(o.stream); err != nil {
		return s, err
	}
	if o.expires < minSessionExpiry || o.expires > maxSessionExpiry {
		return s, usagef("--expires %v: want %v to %v", o.expires, minSessionExpiry, maxSessionExpiry)
	}
	s.expires = int32(o.expires / time.Second)
	// The API's spellings (LIVE, LIVE_REPLAY, ON_DEMAND) name the same modes.
	mode := strings.ReplaceAll(strings.ToLower(o.mode), "_", "-")
	if mode == "" {
		mode = "live"
		if o.r.from != "" {
			mode = "on-demand"
		}
	}
	r := o.r
	switch mode {
	case "live":
		s.mode = archived.PlaybackModeLive
		if r.from != "" || r.to != "" {
			return s, usagef("--mode live takes no --from or --to (on-demand and live-replay do)")
		}
	case "live-replay":
		s.mode = archived.PlaybackModeLiveReplay
	case "on-demand":
		s.mode = archived.PlaybackModeOnDemand
		if r.to == "" {
			r.to = "now"
		}
	default:
		return s, usagef("--mode %q: want live, live-replay or on-demand (or LIVE, LIVE_REPLAY, ON_DEMAND)", o.mode)
	}
	if s.mode != archived.PlaybackModeLive && r.from == "" {
		return s, usagef("--mode %s needs --from TIME: %s", mode, timeForms)
	}
	clock, err := r.selectorType()
	if err != nil {
		return s, err
	}
	from, to, err := r.bounds(now, archived.MaxSessionRange)
	s.selector = archived.StreamingFragmentSelector{FragmentSelectorType: clock,
		TimestampRange: archived.StreamingTimestampRange{StartTimestamp: from, EndTimestamp: to}}
	return s, err
}

// sessionURL runs hls-url or dash-url: it checks the flags, creates the session with call and
// prints its URL. doing says what call does, for its errors.
func sessionURL(ctx context.Context, e *env, o *sessionOptions, args []string, doing string,
	call func(*archived.Client, session) (string, error)) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	s, err := o.request(time.Now())
	if err != nil {
		return err
	}
	control, client, err := e.archivedClients(ctx)
	if err != nil {
		return err
	}
	url, err := call(client, s)
	if err != nil {
		return archivedError(ctx, control, o.stream, doing, err)
	}
	fmt.Fprintln(e.stdout, url)
	return nil
}
