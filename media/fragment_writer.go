package media

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/kvsgo/sdk/mkv"
)

// ErrTracksChanged is returned by FragmentWriter.WriteFragment for a fragment whose tracks
// differ from those of the file's first fragment (a new resolution or codec configuration): one
// Matroska file has one track header, so start a new file with it.
var ErrTracksChanged = errors.New("media: the fragment's tracks differ from the file's")

// FragmentWriter saves fragments read from a stream ([FragmentReader.Next], [Consumer.Next]) as
// one standalone, playable Matroska file: the header (tracks and timecode scale) of the first
// fragment, then each fragment as a cluster of its frames, preceded by a Tags element with its
// fragment number, timestamps and producer tags and followed by one with its continuation token
// and millis behind now, as GetMedia sends them. Players read the file as one segment;
// NewFragmentReader reads the fragments back. Fragments must come in stream order and share
// their tracks (see ErrTracksChanged). Errors are sticky. It is not safe for concurrent use.
type FragmentWriter struct {
	w      io.Writer
	mw     *mkv.Writer
	tracks []mkv.TrackEntry
	scale  uint64
	err    error
}

// NewFragmentWriter returns a writer of a Matroska file to w. Nothing is written before the
// first fragment.
func NewFragmentWriter(w io.Writer) *FragmentWriter { return &FragmentWriter{w: w} }

// WriteFragment appends f, which must have been read whole (its Frames set).
func (fw *FragmentWriter) WriteFragment(f *Fragment) error {
	if fw.err != nil {
		return fw.err
	}
	if err := fw.writeFragment(f); err != nil {
		if !errors.Is(err, ErrTracksChanged) {
			fw.err = err
		}
		return err
	}
	return nil
}

func (fw *FragmentWriter) writeFragment(f *Fragment) error {
	scale := f.TimecodeScale
	if scale == 0 {
		scale = mkv.DefaultTimecodeScale
	}
	if fw.mw == nil {
		if len(f.Tracks) == 0 {
			return fmt.Errorf("media: fragment %q has no tracks to write a file header with", f.FragmentNumber)
		}
		mw, err := mkv.NewWriter(fw.w, mkv.WriterOptions{Info: mkv.Info{TimecodeScale: scale}, Tracks: f.Tracks, KnownSizeClusters: true})
		if err != nil {
			return fmt.Errorf("media: fragment %q: %w", f.FragmentNumber, err)
		}
		fw.mw, fw.tracks, fw.scale = mw, f.Tracks, scale
	} else if scale != fw.scale || !sameTracks(f.Tracks, fw.tracks) && len(f.Tracks) > 0 {
		return fmt.Errorf("%w (fragment %q)", ErrTracksChanged, f.FragmentNumber)
	}
	if tags := f.leadingTags(); len(tags) > 0 {
		if err := fw.mw.WriteTags([]mkv.Tag{{SimpleTags: tags}}); err != nil {
			return err
		}
	}
	if len(f.Frames) > 0 {
		if err := fw.writeFrames(f); err != nil {
			return err
		}
	}
	if tags := f.trailingTags(); len(tags) > 0 {
		return fw.mw.WriteTags([]mkv.Tag{{SimpleTags: tags}})
	}
	return fw.mw.EndCluster()
}

// writeFrames writes the fragment's frames as a cluster at its timecode, starting another
// where a frame is beyond the reach of a block's 16-bit relative timecode.
func (fw *FragmentWriter) writeFrames(f *Fragment) error {
	tc := func(fr Frame) int64 { return int64(fr.Timestamp / time.Duration(fw.scale)) }
	cluster := f.Timecode
	if cluster < 0 {
		cluster = tc(f.Frames[0])
	}
	if err := fw.mw.StartCluster(max(cluster, 0)); err != nil {
		return err
	}
	for _, fr := range f.Frames {
		mf := mkv.Frame{Track: fr.Track, Timecode: tc(fr), Keyframe: fr.Keyframe, Data: fr.Data}
		err := fw.mw.WriteFrame(mf)
		if errors.Is(err, mkv.ErrTimecodeRange) {
			if err = fw.mw.StartCluster(max(mf.Timecode, 0)); err == nil {
				err = fw.mw.WriteFrame(mf)
			}
		}
		if err != nil {
			return fmt.Errorf("media: fragment %q: %w", f.FragmentNumber, err)
		}
	}
	return nil
}

// Close ends the file. It does not close the underlying writer. When no fragment was written,
// nothing was, and Close writes nothing either: a Matroska file needs a track header.
func (fw *FragmentWriter) Close() error {
	if fw.err != nil && !errors.Is(fw.err, mkv.ErrClosed) {
		return fw.err
	}
	fw.err = mkv.ErrClosed
	if fw.mw == nil {
		return nil
	}
	return fw.mw.Close()
}

// WriteFragmentFile writes one fragment as a standalone Matroska file to w.
func WriteFragmentFile(w io.Writer, f *Fragment) error {
	fw := NewFragmentWriter(w)
	if err := fw.WriteFragment(f); err != nil {
		return err
	}
	return fw.Close()
}

// leadingTags are the tags GetMedia sends before a fragment's cluster: its number and
// timestamps, then the producer's tags.
func (f *Fragment) leadingTags() []mkv.SimpleTag {
	var tags []mkv.SimpleTag
	if f.FragmentNumber != "" {
		tags = append(tags, mkv.SimpleTag{Name: TagFragmentNumber, String: f.FragmentNumber})
	}
	if !f.ServerTimestamp.IsZero() {
		tags = append(tags, mkv.SimpleTag{Name: TagServerTimestamp, String: epochMillis(f.ServerTimestamp)})
	}
	if !f.ProducerTimestamp.IsZero() {
		tags = append(tags, mkv.SimpleTag{Name: TagProducerTimestamp, String: epochMillis(f.ProducerTimestamp)})
	}
	return append(tags, f.Tags...)
}

// trailingTags are the tags GetMedia sends after a fragment's cluster.
func (f *Fragment) trailingTags() []mkv.SimpleTag {
	var tags []mkv.SimpleTag
	if f.HasMillisBehindNow {
		tags = append(tags, mkv.SimpleTag{Name: TagMillisBehindNow, String: strconv.FormatInt(f.MillisBehindNow, 10)})
	}
	if f.ContinuationToken != "" {
		tags = append(tags, mkv.SimpleTag{Name: TagContinuationToken, String: f.ContinuationToken})
	}
	return tags
}

// epochMillis formats a time the way the service's timestamp tags do: "1511852109.126".
func epochMillis(t time.Time) string {
	ms := t.UnixMilli()
	return fmt.Sprintf("%d.%03d", ms/1000, ms%1000)
}

// sameTracks reports whether two track headers describe the same tracks.
func sameTracks(a, b []mkv.TrackEntry) bool {
	return slices.EqualFunc(a, b, func(x, y mkv.TrackEntry) bool {
		return x.Number == y.Number && x.Type == y.Type && x.CodecID == y.CodecID &&
			slices.Equal(x.CodecPrivate, y.CodecPrivate) && x.Video == y.Video && x.Audio == y.Audio
	})
}
