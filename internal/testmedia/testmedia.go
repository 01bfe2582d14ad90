// Package testmedia holds ten seconds of synthetic media, made with ffmpeg and mkvmerge from
// ffmpeg's test patterns (testsrc2 video, a 440 Hz sine): the inputs of the examples and of the
// tests, so that both work in a clone without the shared reference folder. The files are the
// same as shared/media's, whose README gives the commands that make them.
package testmedia

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// The file names, as in shared/media.
const (
	H264Name        = "h264-320x240-30fps-10s.h264"       // H.264 Main, Annex B, 30 fps, a key frame every 2 s
	H265Name        = "h265-320x240-30fps-10s.h265"       // H.265 Main, Annex B, 30 fps, a key frame every 2 s
	AACName         = "aac-48k-mono-10s.aac"              // AAC-LC in ADTS, 48 kHz mono
	ALawName        = "g711a-8k-mono-10s.alaw"            // G.711 A-law, raw, 8 kHz mono
	FFmpegMKVName   = "h264-aac-320x240-10s-ffmpeg.mkv"   // H.264 track 1 + AAC track 2, ffmpeg's muxer
	MKVMergeMKVName = "h264-aac-320x240-10s-mkvmerge.mkv" // the same, remuxed by mkvmerge
)

var (
	//go:embed h264-320x240-30fps-10s.h264
	h264 []byte
	//go:embed aac-48k-mono-10s.aac
	aac []byte
)

// H264 returns a copy of the H.264 sample.
func H264() []byte { return bytes.Clone(h264) }

// AAC returns a copy of the AAC sample.
func AAC() []byte { return bytes.Clone(aac) }

// Read returns a sample by file name, read from this package's directory in the source tree
// (tests run there). Only H264 and AAC are built into binaries.
func Read(name string) ([]byte, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	if filepath.Base(name) != name {
		return nil, fmt.Errorf("testmedia: %q is not a file name", name)
	}
	return os.ReadFile(filepath.Join(dir, name))
}

// Dir returns the directory of the samples in the source tree.
func Dir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("testmedia: cannot locate the package's source directory")
	}
	dir := filepath.Dir(file)
	if _, err := os.Stat(filepath.Join(dir, H264Name)); err != nil {
		return "", fmt.Errorf("testmedia: the samples are not beside the source: %w", err)
	}
	return dir, nil
}
