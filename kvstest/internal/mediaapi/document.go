// Encoding stored fragments as the service's MKV documents, for GetMedia and
// GetMediaForFragmentList.

package mediaapi

import (
	"strconv"
	"time"

	"github.com/kvsgo/sdk/media"
	"github.com/kvsgo/sdk/mkv"
)

// DocumentTags names the service tags of a document: GetMedia and GetMediaForFragmentList name
// the timestamps differently.
type DocumentTags struct {
	server, producer string
	trailing         bool // MILLIS_BEHIND_NOW and CONTINUATION_TOKEN after the cluster (GetMedia)
}

var (
	getMediaTags     = DocumentTags{server: media.TagServerTimestamp, producer: media.TagProducerTimestamp, trailing: true}
	FragmentListTags = DocumentTags{server: media.TagServerSideTimestamp, producer: media.TagProducerSideTimestamp}
)

// AppendDocumentStart appends the start of a fragment's document: the EBML header, the Segment
// and the producer's Info and Tracks, the tags before the cluster (the producer's metadata and
// the service's fragment number and timestamps), and the start of the cluster (of unknown size,
// so that a fragment still arriving can follow frame by frame).
func AppendDocumentStart(dst []byte, f *Fragment, names DocumentTags) []byte {
	dst, _ = mkv.AppendHeader(dst, f.Info, f.Tracks)
	tags := []mkv.Tag{}
	if len(f.Tags) > 0 {
		tags = append(tags, mkv.Tag{SimpleTags: f.Tags})
	}
	tags = append(tags, mkv.Tag{SimpleTags: []mkv.SimpleTag{
		{Name: media.TagFragmentNumber, String: f.Number},
		{Name: names.server, String: media.FormatTimestamp(f.ServerTimestamp)},
		{Name: names.producer, String: media.FormatTimestamp(f.ProducerTimestamp)},
	}})
	dst, _ = mkv.AppendTags(dst, tags)
	dst, _ = mkv.AppendClusterStart(dst, f.Timecode, mkv.UnknownSize)
	return dst
}

// appendFrame appends one frame of f as a SimpleBlock.
func appendFrame(dst []byte, f *Fragment, fr Frame) []byte {
	dst, _ = mkv.AppendSimpleBlock(dst, f.Timecode, mkv.Frame{Track: fr.Track, Timecode: fr.Timecode, Keyframe: fr.Keyframe, Data: fr.Data})
	return dst
}

// appendDocumentEnd appends the tags after the cluster: how far the fragment is behind the
// newest one, and the token to continue after it.
func appendDocumentEnd(dst []byte, f *Fragment, behind time.Duration) []byte {
	dst, _ = mkv.AppendTags(dst, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{
		{Name: media.TagMillisBehindNow, String: strconv.FormatInt(max(0, behind.Milliseconds()), 10)},
		{Name: media.TagContinuationToken, String: f.Number},
	}}})
	return dst
}

// AppendErrorDocument appends a document that carries only an error, as the service reports
// errors inside a response. names selects the tag style: ERROR_CODE/ERROR_ID for GetMedia,
// EXCEPTION_ERROR_CODE/EXCEPTION_MESSAGE for GetMediaForFragmentList.
func AppendErrorDocument(dst []byte, names DocumentTags, fragment string, id int, code string) []byte {
	dst, _ = mkv.AppendHeader(dst, mkv.Info{}, []mkv.TrackEntry{{Number: 1, UID: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
	var tags []mkv.SimpleTag
	if fragment != "" {
		tags = append(tags, mkv.SimpleTag{Name: media.TagFragmentNumber, String: fragment})
	}
	if names.trailing {
		tags = append(tags, mkv.SimpleTag{Name: media.TagErrorCode, String: code}, mkv.SimpleTag{Name: media.TagErrorID, String: strconv.Itoa(id)})
	} else {
		tags = append(tags, mkv.SimpleTag{Name: media.TagExceptionErrorCode, String: strconv.Itoa(id)}, mkv.SimpleTag{Name: media.TagExceptionMessage, String: code})
	}
	dst, _ = mkv.AppendTags(dst, []mkv.Tag{{SimpleTags: tags}})
	return dst
}

// DocumentSize is the size of a fragment's document in GetMediaForFragmentList: its header and
// tags, and each frame as a SimpleBlock.
func DocumentSize(f *Fragment) int64 {
	return int64(len(AppendDocumentStart(nil, f, FragmentListTags))) + f.Stats.BlockBytes
}
