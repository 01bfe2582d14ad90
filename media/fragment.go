package media

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/mkv"
)

// The tag names the service puts in GetMedia and GetMediaForFragmentList responses.
const (
	TagFragmentNumber          = "AWS_KINESISVIDEO_FRAGMENT_NUMBER"
	TagServerTimestamp         = "AWS_KINESISVIDEO_SERVER_TIMESTAMP"
	TagProducerTimestamp       = "AWS_KINESISVIDEO_PRODUCER_TIMESTAMP"
	TagServerSideTimestamp     = "AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP"   // GetMediaForFragmentList
	TagProducerSideTimestamp   = "AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP" // GetMediaForFragmentList
	TagMillisBehindNow         = "AWS_KINESISVIDEO_MILLIS_BEHIND_NOW"
	TagContinuationToken       = "AWS_KINESISVIDEO_CONTINUATION_TOKEN"
	TagErrorCode               = "AWS_KINESISVIDEO_ERROR_CODE"
	TagErrorID                 = "AWS_KINESISVIDEO_ERROR_ID"
	TagExceptionErrorCode      = "AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE"
	TagExceptionMessage        = "AWS_KINESISVIDEO_EXCEPTION_MESSAGE"
	serviceTagPrefix           = "AWS_KINESISVIDEO_"
	reservedMetadataNamePrefix = "AWS"
)

// Fragment is one fragment of a stream as GetMedia returns it: its media, the service's
// metadata and the producer's tags.
type Fragment struct {
	// FragmentNumber is the fragment number the service assigned (a decimal string of up to about 47
	// digits; order numbers with CompareFragmentNumbers).
	FragmentNumber string
	// ServerTimestamp is when the service started receiving the fragment; ProducerTimestamp is
	// the producer's time of its first frame. Millisecond precision; zero when absent.
	ServerTimestamp   time.Time
	ProducerTimestamp time.Time
	// MillisBehindNow says how far the fragment is behind the newest one, when
	// HasMillisBehindNow is set.
	MillisBehindNow    int64
	HasMillisBehindNow bool
	// ContinuationToken resumes a GetMedia read after this fragment.
	ContinuationToken string
	// Tracks are the track entries of the fragment's header.
	Tracks []mkv.TrackEntry
	// TimecodeScale is the length of a timecode unit in nanoseconds.
	TimecodeScale uint64
	// Timecode is the cluster timecode (-1 for a fragment without a cluster).
	Timecode int64
	// Frames are the fragment's frames in stream order (Next only; the chunk API streams them).
	Frames []Frame
	// Tags are the tags that are not the service's own: the producer's fragment metadata and
	// header tags, in stream order.
	Tags []mkv.SimpleTag
	// ServiceTags holds every AWS_KINESISVIDEO_ tag by name, as sent.
	ServiceTags map[string]string
	// Err is the in-band error the service reported in this document, if any.
	Err *StreamError

	// endedAtEOF is set when the input ended the fragment's document without the service's
	// trailing tags or another document: a GetMedia response cut there may have lost its end.
	endedAtEOF bool
}

// Tag returns the string value of the first producer tag named name.
func (f *Fragment) Tag(name string) (string, bool) {
	for _, t := range f.Tags {
		if t.Name == name {
			return t.String, true
		}
	}
	return "", false
}

// StreamError is an error the service reported inside a GetMedia or GetMediaForFragmentList
// response (HTTP 200) rather than as an HTTP error.
type StreamError struct {
	// ID is the numeric error code (AWS_KINESISVIDEO_ERROR_ID, or a numeric
	// AWS_KINESISVIDEO_EXCEPTION_ERROR_CODE).
	ID int
	// Code is the error's name or description (AWS_KINESISVIDEO_ERROR_CODE).
	Code string
	// Message is the exception text (AWS_KINESISVIDEO_EXCEPTION_MESSAGE), when sent.
	Message string
	// FragmentNumber is the fragment the error concerns, when sent.
	FragmentNumber string
}

// Error describes the in-band error.
func (e *StreamError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "media: the service reported error %d", e.ID)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.FragmentNumber != "" {
		b.WriteString(" (fragment " + e.FragmentNumber + ")")
	}
	return b.String()
}

// applyTag records one SimpleTag of the fragment's document.
func (f *Fragment) applyTag(t mkv.SimpleTag) {
	if !strings.HasPrefix(t.Name, serviceTagPrefix) {
		f.Tags = append(f.Tags, t)
		return
	}
	if f.ServiceTags == nil {
		f.ServiceTags = map[string]string{}
	}
	f.ServiceTags[t.Name] = t.String
	switch t.Name {
	case TagFragmentNumber:
		f.FragmentNumber = t.String
	case TagServerTimestamp, TagServerSideTimestamp:
		f.ServerTimestamp = parseTimestamp(t.String)
	case TagProducerTimestamp, TagProducerSideTimestamp:
		f.ProducerTimestamp = parseTimestamp(t.String)
	case TagMillisBehindNow:
		if v, err := strconv.ParseInt(strings.TrimSpace(t.String), 10, 64); err == nil {
			f.MillisBehindNow, f.HasMillisBehindNow = v, true
		}
	case TagContinuationToken:
		f.ContinuationToken = t.String
	case TagErrorID, TagErrorCode, TagExceptionErrorCode, TagExceptionMessage:
		f.applyErrorTag(t)
	}
}

func (f *Fragment) applyErrorTag(t mkv.SimpleTag) {
	if f.Err == nil {
		f.Err = &StreamError{}
	}
	value := strings.TrimSpace(t.String)
	switch t.Name {
	case TagErrorID:
		f.Err.ID, _ = strconv.Atoi(value)
	case TagErrorCode:
		f.Err.Code = value
	case TagExceptionErrorCode:
		if id, err := strconv.Atoi(value); err == nil {
			f.Err.ID = id
		} else {
			f.Err.Code = value
		}
	case TagExceptionMessage:
		f.Err.Message = t.String
	}
}

// parseTimestamp reads "1511852109.126" (seconds since the epoch), or the zero time.
func parseTimestamp(s string) time.Time {
	t, ok := jsonwire.ParseEpochSeconds([]byte(strings.TrimSpace(s)))
	if !ok {
		return time.Time{}
	}
	return t.Round(time.Millisecond)
}

// FrameTime returns the time of day of one of the fragment's frames: the fragment's producer
// timestamp plus the frame's distance from the start of the cluster, or, without a producer
// timestamp, the frame's Timestamp since the Unix epoch (as ABSOLUTE timecodes count).
func (f *Fragment) FrameTime(fr Frame) time.Time {
	if !f.ProducerTimestamp.IsZero() && f.Timecode >= 0 {
		return f.ProducerTimestamp.Add(fr.Timestamp - mkv.Timestamp(f.Timecode, f.TimecodeScale))
	}
	return time.Unix(0, 0).Add(fr.Timestamp).UTC()
}

// FragmentSummary is a compact, JSON-friendly description of a fragment: what `kvs dump`
// prints, one line per fragment.
type FragmentSummary struct {
	FragmentNumber    string            `json:"fragmentNumber,omitempty"`
	ServerTimestamp   string            `json:"serverTimestamp,omitempty"`   // RFC 3339, UTC, milliseconds
	ProducerTimestamp string            `json:"producerTimestamp,omitempty"` // RFC 3339, UTC, milliseconds
	MillisBehindNow   *int64            `json:"millisBehindNow,omitempty"`
	ContinuationToken string            `json:"continuationToken,omitempty"`
	Frames            map[string]int    `json:"frames"`         // track number → frame count
	Tags              map[string]string `json:"tags,omitempty"` // producer tags (the last value of a repeated name)
	Error             *SummaryError     `json:"error,omitempty"`
	// Incomplete says why the fragment's document was cut short (the end of the input, or
	// malformed data), for a fragment of which only the readable part is summarized.
	Incomplete string `json:"incomplete,omitempty"`
}

// SummaryError is the in-band error of a FragmentSummary.
type SummaryError struct {
	ID   int    `json:"id"`
	Code string `json:"code,omitempty"`
}

// RFC3339Milli formats times in summaries.
const RFC3339Milli = "2006-01-02T15:04:05.000Z07:00"

// Summary describes the fragment compactly. Frame counts come from Frames, so summarize
// fragments read with Next, or fill Frames yourself.
func (f *Fragment) Summary() FragmentSummary {
	s := FragmentSummary{FragmentNumber: f.FragmentNumber, ContinuationToken: f.ContinuationToken, Frames: map[string]int{}}
	if !f.ServerTimestamp.IsZero() {
		s.ServerTimestamp = f.ServerTimestamp.UTC().Format(RFC3339Milli)
	}
	if !f.ProducerTimestamp.IsZero() {
		s.ProducerTimestamp = f.ProducerTimestamp.UTC().Format(RFC3339Milli)
	}
	if f.HasMillisBehindNow {
		v := f.MillisBehindNow
		s.MillisBehindNow = &v
	}
	for _, fr := range f.Frames {
		s.Frames[strconv.FormatUint(fr.Track, 10)]++
	}
	for _, t := range f.Tags {
		if s.Tags == nil {
			s.Tags = map[string]string{}
		}
		s.Tags[t.Name] = t.String
	}
	if f.Err != nil {
		s.Error = &SummaryError{ID: f.Err.ID, Code: f.Err.Code}
	}
	return s
}
