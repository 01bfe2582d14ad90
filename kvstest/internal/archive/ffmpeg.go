// Decoding images with ffmpeg: the video of a shot, from its key frame, is piped into ffmpeg as
// an Annex-B stream, and ffmpeg writes the one frame asked for as JPEG or PNG.

package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/kvsgo/sdk/kvstest/internal/pack"
)

// imageTimeout bounds one ffmpeg run.
const imageTimeout = 30 * time.Second

var errImageTooLarge = errors.New("the image is larger than GetImages may return")

// imageDecoder returns the ffmpeg executable to decode images with, or "" and why there is none.
func (s *Service) imageDecoder() (path, why string) {
	if !s.cfg.LookPath {
		if s.cfg.FFmpeg == "" {
			return "", "ffmpeg is not available (WithFFmpeg(\"\")): images cannot be decoded"
		}
		return s.cfg.FFmpeg, ""
	}
	path, err := exec.LookPath("ffmpeg")
	if err != nil {
		return "", "ffmpeg is not installed: images cannot be decoded (" + err.Error() + ")"
	}
	return path, ""
}

// decode runs ffmpeg on the shot and returns the encoded image.
func (r *imageRequest) decode(ctx context.Context, ffmpeg string, sh shot) ([]byte, error) {
	var in []byte
	for _, s := range sh.samples {
		in = append(in, pack.AnnexBAccessUnit(sh.track, s)...)
	}
	format := "h264"
	if sh.track.Codec == pack.CodecH265 {
		format = "hevc"
	}
	filter := fmt.Sprintf(`select=eq(n\,%d)`, sh.index)
	if r.width > 0 || r.height > 0 {
		w, h := r.width, r.height
		if w == 0 {
			w = -2
		}
		if h == 0 {
			h = -2
		}
		filter += fmt.Sprintf(",scale=%d:%d", w, h)
	}
	codec := []string{"-c:v", "png"}
	if !r.png {
		// JPEGQuality 100 is ffmpeg's best quality scale, 2; 1 its worst, 31.
		codec = []string{"-c:v", "mjpeg", "-q:v", strconv.Itoa(2 + (100-r.quality)*29/99)}
	}
	args := append([]string{"-nostdin", "-v", "error", "-f", format, "-i", "pipe:0", "-vf", filter, "-frames:v", "1",
		"-f", "image2pipe"}, codec...)
	ctx, cancel := context.WithTimeout(ctx, imageTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ffmpeg, append(args, "pipe:1")...)
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(errOut.String()))
	}
	if out.Len() == 0 {
		return nil, errors.New("ffmpeg wrote no image")
	}
	return out.Bytes(), nil
}
