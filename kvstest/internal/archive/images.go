// GetImages: images of the stored video at every sampling interval of a range, decoded by
// ffmpeg (ffmpeg.go). Without ffmpeg, an image that has media carries MEDIA_ERROR, and
// the response's X-Kvstest-Images header (and the server's log) says why.

package archive

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
	"github.com/kvsgo/sdk/kvstest/internal/mediaapi"
	"github.com/kvsgo/sdk/kvstest/internal/pack"
	"github.com/kvsgo/sdk/kvstest/internal/serve"
)

func init() {
	route("/getImages", "GetImages", http.MethodPost, (*Service).getImages)
}

const (
	// defaultSamplingInterval is the interval of a request without one; the API reference gives
	// no default.
	defaultSamplingInterval = 3 * time.Second
	maxImagesPage           = 25
	maxImageContent         = 6291456 // characters of base64, the model's maximum
	// imagesHeader tells a caller why images carry MEDIA_ERROR; the service has no such header.
	imagesHeader = "X-Kvstest-Images"
)

// getImages answers GetImages: one page of the sampling times from StartTimestamp to
// EndTimestamp, each with the image of the latest video frame at or before it in the fragment
// that contains it, NO_MEDIA where no fragment does, and MEDIA_ERROR where the frame cannot be
// decoded.
func (s *Service) getImages(c *serve.Call) {
	in := new(archived.GetImagesInput)
	st, _, ok := archivedStream(s, c, in, true)
	if !ok {
		return
	}
	r, e := newImageRequest(in)
	if e != nil {
		c.Fail(e)
		return
	}
	first := 0
	if in.NextToken != "" {
		last, e := s.cfg.State.ResumeAfter("GetImages", in.NextToken)
		n, err := strconv.Atoi(last)
		if e == nil && (err != nil || n < 0) {
			e = apierr.InvalidArgument("The NextToken %q is not valid.", in.NextToken)
		}
		if e != nil {
			c.Fail(e)
			return
		}
		first = n
	}
	times := r.times()
	size := maxImagesPage
	if in.MaxResults != nil {
		size = int(min(*in.MaxResults, maxImagesPage))
	}
	page := times[min(first, len(times)):min(len(times), first+size)]
	out := &archived.GetImagesOutput{Images: make([]archived.Image, len(page))}
	decoder, why := s.imageDecoder()
	frags := st.Media.Snapshot()
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2) // ffmpeg processes at once
	var mu sync.Mutex
	var readErr *apierr.Error
	for i, t := range page {
		out.Images[i] = archived.Image{TimeStamp: t}
		shot, ok, err := findShot(frags, r.clock, t)
		switch {
		case err != nil:
			readErr = s.cfg.Media.ReadError("GetImages", shot.frag, err)
		case readErr != nil:
		case !ok:
			out.Images[i].Error = archived.ImageErrorNoMedia
		case shot.track == nil || decoder == "":
			out.Images[i].Error = archived.ImageErrorMediaError
		default:
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				img, err := r.decode(c.R.Context(), decoder, shot)
				if err == nil && base64.StdEncoding.EncodedLen(len(img)) > maxImageContent {
					err = errImageTooLarge
				}
				if err != nil {
					mu.Lock()
					why = "ffmpeg failed: " + err.Error()
					mu.Unlock()
					out.Images[i].Error = archived.ImageErrorMediaError
					return
				}
				out.Images[i].ImageContent = base64.StdEncoding.EncodeToString(img)
			}()
		}
	}
	wg.Wait()
	if readErr != nil {
		c.Fail(readErr)
		return
	}
	if first+size < len(times) {
		out.NextToken = s.cfg.State.PageToken("GetImages", strconv.Itoa(first+size))
	}
	if why != "" {
		c.W.Header().Set(imagesHeader, why)
		c.Detail = why
	}
	c.Reply(out)
}

// imageRequest is a checked GetImages request.
type imageRequest struct {
	clock    clock
	from, to time.Time
	interval time.Duration
	png      bool
	quality  int // JPEG quality, 1 to 100
	width    int // 0: keep the stream's (or scale with height)
	height   int
}

// newImageRequest checks the rules of a GetImages request the model cannot express.
func newImageRequest(in *archived.GetImagesInput) (*imageRequest, *apierr.Error) {
	r := &imageRequest{clock: clockOf(in.ImageSelectorType), from: in.StartTimestamp, to: in.EndTimestamp,
		interval: defaultSamplingInterval, png: in.Format == archived.ImageFormatPNG, quality: 80}
	switch {
	case r.to.Before(r.from):
		return nil, apierr.InvalidArgument("EndTimestamp must not be before StartTimestamp.")
	case r.to.Sub(r.from) > archived.MaxImagesRange:
		return nil, apierr.InvalidArgument("EndTimestamp must be within %v of StartTimestamp.", archived.MaxImagesRange)
	case in.SamplingInterval != nil && *in.SamplingInterval < archived.MinSamplingInterval:
		return nil, apierr.InvalidArgument("SamplingInterval must be at least %d milliseconds.", archived.MinSamplingInterval)
	}
	if in.SamplingInterval != nil {
		r.interval = time.Duration(*in.SamplingInterval) * time.Millisecond
	}
	if q, ok := in.FormatConfig[archived.FormatConfigKeyJPEGQuality]; ok {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 100 {
			return nil, apierr.InvalidArgument("JPEGQuality must be an integer from 1 to 100, not %q.", q)
		}
		r.quality = n
	}
	if in.WidthPixels != nil {
		r.width = int(*in.WidthPixels)
	}
	if in.HeightPixels != nil {
		r.height = int(*in.HeightPixels)
	}
	return r, nil
}

// times returns the sampling times: from the start, every interval, up to the end included.
func (r *imageRequest) times() []time.Time {
	var times []time.Time
	for t := r.from; !t.After(r.to); t = t.Add(r.interval) {
		times = append(times, t)
	}
	return times
}

// imagesPackaging reads the video tracks images are made of; the other tracks do not matter.
var imagesPackaging = pack.Packaging{API: "GetImages", G711: true}

// shot is the video to decode one image from: the samples of a fragment's video track from a
// key frame on, and which of them (in presentation order) is the image.
type shot struct {
	frag    *mediaapi.Fragment
	track   *pack.Track
	samples []pack.Sample
	index   int // the image is the index-th frame shown after the key frame
}

// findShot finds the fragment that contains t on clock k and, in its first video track, the
// latest frame shown at or before t. ok is false when no fragment contains t; track is nil when
// the fragment has no H.264 or H.265 video with valid codec private data. An error is that of
// reading the fragment's frames (shot.frag).
func findShot(frags []*mediaapi.Fragment, k clock, t time.Time) (shot, bool, error) {
	for _, f := range frags {
		start := k.start(f)
		if t.Before(start) || t.After(start.Add(fragmentLength(f))) {
			continue
		}
		var v *pack.Track
		for _, entry := range f.Tracks {
			if t, e := imagesPackaging.Describe(entry); e == nil && t.Video() {
				v = &t
				break
			}
		}
		if v == nil {
			return shot{}, true, nil
		}
		frames, err := f.LoadFrames()
		if err != nil {
			return shot{frag: f}, false, err
		}
		samples := trackSamples(f, frames, v, k, start)
		target := v.Units(t.Sub(start))
		key := 0
		for i, s := range samples {
			if s.Sync && s.PTS() <= target {
				key = i
			}
		}
		samples = samples[key:]
		index := -1
		for _, s := range samples {
			if s.PTS() <= target {
				index++
			}
		}
		return shot{frag: f, track: v, samples: samples, index: max(0, index)}, true, nil
	}
	return shot{}, false, nil
}
