package media

import "fmt"

// AckErrorID is the number of a PutMedia error acknowledgement.
type AckErrorID int

// The error ids the service documents.
const (
	AckErrStreamReadError                    AckErrorID = 4000
	AckErrMaxFragmentSizeReached             AckErrorID = 4001
	AckErrMaxFragmentDurationReached         AckErrorID = 4002
	AckErrMaxConnectionDurationReached       AckErrorID = 4003
	AckErrFragmentTimecodeLesserThanPrevious AckErrorID = 4004
	AckErrMoreThanAllowedTracksFound         AckErrorID = 4005
	AckErrInvalidMKVData                     AckErrorID = 4006
	AckErrInvalidProducerTimestamp           AckErrorID = 4007
	AckErrStreamNotActive                    AckErrorID = 4008
	AckErrFragmentMetadataLimitReached       AckErrorID = 4009
	AckErrTrackNumberMismatch                AckErrorID = 4010
	AckErrFramesMissingForTrack              AckErrorID = 4011
	AckErrInvalidFragmentMetadata            AckErrorID = 4012
	AckErrKMSKeyAccessDenied                 AckErrorID = 4500
	AckErrKMSKeyDisabled                     AckErrorID = 4501
	AckErrKMSKeyValidationError              AckErrorID = 4502
	AckErrKMSKeyUnavailable                  AckErrorID = 4503
	AckErrKMSKeyInvalidUsage                 AckErrorID = 4504
	AckErrKMSKeyInvalidState                 AckErrorID = 4505
	AckErrKMSKeyNotFound                     AckErrorID = 4506
	AckErrInternalError                      AckErrorID = 5000
	AckErrArchivalError                      AckErrorID = 5001
)

type ackErrorInfo struct {
	code      string
	meaning   string
	retriable bool
}

var ackErrors = map[AckErrorID]ackErrorInfo{
	AckErrStreamReadError:                    {"STREAM_READ_ERROR", "the service could not read the request body", true},
	AckErrMaxFragmentSizeReached:             {"MAX_FRAGMENT_SIZE_REACHED", "the fragment is larger than 50 MB", false},
	AckErrMaxFragmentDurationReached:         {"MAX_FRAGMENT_DURATION_REACHED", "the fragment lasts longer than the service allows", false},
	AckErrMaxConnectionDurationReached:       {"MAX_CONNECTION_DURATION_REACHED", "the connection was open longer than the service allows", true},
	AckErrFragmentTimecodeLesserThanPrevious: {"FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS", "the fragment's timecode is below the previous fragment's", false},
	AckErrMoreThanAllowedTracksFound:         {"MORE_THAN_ALLOWED_TRACKS_FOUND", "the stream has more tracks than allowed", false},
	AckErrInvalidMKVData:                     {"INVALID_MKV_DATA", "the body is not valid MKV", false},
	AckErrInvalidProducerTimestamp:           {"INVALID_PRODUCER_TIMESTAMP", "the producer timestamp is invalid", false},
	AckErrStreamNotActive:                    {"STREAM_NOT_ACTIVE", "the stream no longer exists", false},
	AckErrFragmentMetadataLimitReached:       {"FRAGMENT_METADATA_LIMIT_REACHED", "the fragment has more metadata than allowed", false},
	AckErrTrackNumberMismatch:                {"TRACK_NUMBER_MISMATCH", "a frame names a track the header does not declare", false},
	AckErrFramesMissingForTrack:              {"FRAMES_MISSING_FOR_TRACK", "the fragment has no frame for a declared track", false},
	AckErrInvalidFragmentMetadata:            {"INVALID_FRAGMENT_METADATA", "a metadata name starts with AWS_", false},
	AckErrKMSKeyAccessDenied:                 {"KMS_KEY_ACCESS_DENIED", "access to the stream's KMS key is denied", false},
	AckErrKMSKeyDisabled:                     {"KMS_KEY_DISABLED", "the stream's KMS key is disabled", false},
	AckErrKMSKeyValidationError:              {"KMS_KEY_VALIDATION_ERROR", "the stream's KMS key failed validation", false},
	AckErrKMSKeyUnavailable:                  {"KMS_KEY_UNAVAILABLE", "the stream's KMS key is unavailable", false},
	AckErrKMSKeyInvalidUsage:                 {"KMS_KEY_INVALID_USAGE", "the stream's KMS key cannot be used this way", false},
	AckErrKMSKeyInvalidState:                 {"KMS_KEY_INVALID_STATE", "the stream's KMS key is in an invalid state", false},
	AckErrKMSKeyNotFound:                     {"KMS_KEY_NOT_FOUND", "the stream's KMS key does not exist", false},
	AckErrInternalError:                      {"INTERNAL_ERROR", "the service failed internally", true},
	AckErrArchivalError:                      {"ARCHIVAL_ERROR", "the service failed to store the fragment", true},
}

// String returns the service's name for the id, e.g. "INVALID_MKV_DATA", or "ERROR_<id>".
func (id AckErrorID) String() string {
	if info, ok := ackErrors[id]; ok {
		return info.code
	}
	return fmt.Sprintf("ERROR_%d", int(id))
}

// Meaning describes the error in a few words.
func (id AckErrorID) Meaning() string {
	if info, ok := ackErrors[id]; ok {
		return info.meaning
	}
	return "an error the service does not document"
}

// Retriable reports whether sending the fragment again, on a new connection, can succeed:
// true for 4000 (read error), 4003 (connection too old), 5000 (internal) and 5001 (archival).
func (id AckErrorID) Retriable() bool { return ackErrors[id].retriable }

// AckError is the error of an ERROR acknowledgement; find it with errors.As.
type AckError struct {
	ID               AckErrorID
	Code             string // the code as the service sent it; may be empty
	FragmentTimecode int64
	FragmentNumber   string
}

// Error describes the error and the fragment it concerns.
func (e *AckError) Error() string {
	code := e.Code
	if code == "" {
		code = e.ID.String()
	}
	return fmt.Sprintf("media: PutMedia error %d %s (fragment timecode %d): %s", int(e.ID), code, e.FragmentTimecode, e.ID.Meaning())
}

// Retriable reports whether sending the fragment again can succeed.
func (e *AckError) Retriable() bool { return e.ID.Retriable() }
