package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kvsgo/sdk/archived"
)

var imagesCommand = &command{
	name:  "images",
	group: groupArchived,
	usage: "kvs images --stream NAME --from TIME [--to TIME] [--clock server|producer] [--every DURATION]\n" +
		"                  [--format jpeg|png] [--width N] [--height N] -o DIR",
	summary: "save images of a time range as JPEG or PNG files (GetImages)",
	doc: `Saves an image of a stream's video every --every (at least 200ms) from --from to --to (now by
default, at most 5 minutes after --from), as the service decodes them (GetImages, every page):
one file per image in the directory -o, created if need be, named by the image's time in UTC on
--clock (2026-11-21T10-00-01.500Z.jpg), and prints the files' paths on standard output.
--width and --height scale the images: both to that size, one alone keeping the aspect ratio.
The times without an image are reported on standard error, NO_MEDIA where the stream has no
media and MEDIA_ERROR where the service could not make one, then the counts. kvs images fails
when it saved no image or the service reported MEDIA_ERROR. ` + timeDoc,
	example: `kvs images --stream camera-1 --from -1m -o frames
kvs images --stream camera-1 --clock producer --from 2026-11-21T10:00:00Z --to +10s --every 500ms --format png --width 640 -o frames`,
	aws: true,
	setup: func(fs *flag.FlagSet) runFunc {
		var o imagesOptions
		fs.StringVar(&o.stream, "stream", "", "`NAME` of the stream (required)")
		o.r.to = "now"
		o.r.register(fs, "the first image is at `TIME` (required)", "the last image is at or before `TIME`")
		fs.DurationVar(&o.every, "every", time.Second, "take an image every `DURATION` (200ms to 5m)")
		fs.StringVar(&o.format, "format", "jpeg", "encode the images as `FORMAT`: jpeg or png")
		fs.IntVar(&o.width, "width", 0, "scale the images to `N` pixels wide (1 to 3840; default: the video's width)")
		fs.IntVar(&o.height, "height", 0, "scale the images to `N` pixels high (1 to 2160; default: the video's height)")
		fs.StringVar(&o.dir, "o", "", "save the images in the directory `DIR` (required)")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q (the images go to -o DIR)", args)
			}
			in, ext, err := o.input(time.Now())
			if err != nil {
				return err
			}
			return saveImages(ctx, e, in, o.dir, ext)
		}
	},
}

// imagesOptions are the flags of kvs images.
type imagesOptions struct {
	stream, format, dir string
	r                   timeRange
	every               time.Duration
	width, height       int
}

// Bounds of the images' size, the service's.
const (
	maxImageWidth  = 3840
	maxImageHeight = 2160
)

// input checks the flags and returns the GetImages request they make, with relative times counted
// from now, and the extension of the image files.
func (o *imagesOptions) input(now time.Time) (*archived.GetImagesInput, string, error) {
	if err := requireStream(o.stream); err != nil {
		return nil, "", err
	}
	if o.dir == "" {
		return nil, "", usagef("-o DIR is required")
	}
	if err := o.r.requireFrom(); err != nil {
		return nil, "", err
	}
	in := &archived.GetImagesInput{StreamName: o.stream}
	ext := ""
	switch o.format {
	case "jpeg":
		in.Format, ext = archived.ImageFormatJPEG, ".jpg"
	case "png":
		in.Format, ext = archived.ImageFormatPNG, ".png"
	default:
		return nil, "", usagef("--format %q: want jpeg or png", o.format)
	}
	if o.every < archived.MinSamplingInterval*time.Millisecond || o.every > archived.MaxImagesRange {
		return nil, "", usagef("--every %v: want %v to %v", o.every, archived.MinSamplingInterval*time.Millisecond, archived.MaxImagesRange)
	}
	interval := int32(o.every / time.Millisecond)
	in.SamplingInterval = &interval
	var err error
	if in.WidthPixels, err = pixels("width", o.width, maxImageWidth); err != nil {
		return nil, "", err
	}
	if in.HeightPixels, err = pixels("height", o.height, maxImageHeight); err != nil {
		return nil, "", err
	}
	sel, err := o.r.selector(now, archived.MaxImagesRange)
	if err != nil {
		return nil, "", err
	}
	in.ImageSelectorType = sel.FragmentSelectorType
	in.StartTimestamp, in.EndTimestamp = sel.TimestampRange.StartTimestamp, sel.TimestampRange.EndTimestamp
	return in, ext, nil
}

// pixels checks --width or --height: nil for 0 (not given), else n from 1 to most.
func pixels(name string, n, most int) (*int32, error) {
	switch {
	case n == 0:
		return nil, nil
	case n < 0 || n > most:
		return nil, usagef("--%s %d: want 1 to %d", name, n, most)
	}
	v := int32(n)
	return &v, nil
}

// imageNameLayout names an image file by its time, without the colons some file systems refuse.
const imageNameLayout = "2006-01-02T15-04-05.000Z"

// saveImages gets the images in asks for and saves each in dir, named by its time with ext.
func saveImages(ctx context.Context, e *env, in *archived.GetImagesInput, dir, ext string) error {
	control, client, err := e.archivedClients(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	saved := 0
	var missing missingImages
	for img, err := range client.Images(ctx, in) {
		if err != nil {
			missing.flush(e)
			return archivedError(ctx, control, in.StreamName, "getting images", err)
		}
		if img.Err != "" {
			missing.add(e, img)
			continue
		}
		missing.flush(e)
		path := filepath.Join(dir, img.Time.UTC().Format(imageNameLayout)+ext)
		if err := os.WriteFile(path, img.Data, 0o666); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, path)
		saved++
	}
	missing.flush(e)
	noMedia, mediaErrors := missing.counts[archived.ImageErrorNoMedia], missing.counts[archived.ImageErrorMediaError]
	fmt.Fprintf(e.stderr, "kvs images: saved %d images in %s; %d NO_MEDIA, %d MEDIA_ERROR\n", saved, dir, noMedia, mediaErrors)
	switch {
	case mediaErrors > 0:
		return fmt.Errorf("the service could not make %d images of stream %q (MEDIA_ERROR)", mediaErrors, in.StreamName)
	case saved == 0:
		return fmt.Errorf("stream %q has no media from %s to %s (%s)", in.StreamName, formatTime(in.StartTimestamp),
			formatTime(in.EndTimestamp), in.ImageSelectorType)
	}
	return nil
}

// missingImages reports the times without an image on standard error, a run of consecutive
// ones with the same error in one line, and counts them by error.
type missingImages struct {
	counts      map[archived.ImageError]int
	run         archived.ImageError // the error of the run not reported yet; empty for none
	first, last time.Time
	n           int
}

// add counts a time without an image, reporting the run before it if its error differs.
func (m *missingImages) add(e *env, img archived.DecodedImage) {
	if m.run != img.Err {
		m.flush(e)
	}
	if m.counts == nil {
		m.counts = map[archived.ImageError]int{}
	}
	m.counts[img.Err]++
	if m.n == 0 {
		m.run, m.first = img.Err, img.Time
	}
	m.last = img.Time
	m.n++
}

// flush reports the run of times without an image, if any.
func (m *missingImages) flush(e *env) {
	if m.n == 0 {
		return
	}
	why := "the stream has no media there"
	if m.run != archived.ImageErrorNoMedia {
		why = "the service could not make an image"
	}
	at := formatTime(m.first)
	if m.n > 1 {
		at = fmt.Sprintf("%d times from %s to %s", m.n, at, formatTime(m.last))
	}
	fmt.Fprintf(e.stderr, "kvs images: %s at %s: %s\n", m.run, at, why)
	m.run, m.n = "", 0
}
