package archived

import (
	"reflect"
	"time"

	"github.com/kvsgo/sdk/internal/rpc"
	"github.com/kvsgo/sdk/internal/validate"
)

// The documented limits that the model's constraints do not express.
const (
	// MaxSessionRange is how far apart the ends of a GetClip, HLS or DASH range may be.
	MaxSessionRange = 24 * time.Hour
	// MaxImagesRange is how far apart the ends of a GetImages range may be.
	MaxImagesRange = 300 * time.Second
	// MinSamplingInterval is the shortest GetImages sampling interval, in milliseconds.
	MinSamplingInterval = 200
)

// checkInput checks in before any I/O: its model constraints, that it names a stream, and the
// operation's own rules (check may be nil). Every failure is an operation error.
func checkInput[In any](op string, in *In, s stream, check func(*In) error) error {
	err := validate.Struct(in)
	if err == nil && s.name == "" && s.arn == "" {
		err = validate.Errorf(reflect.TypeFor[In]().Name(), "StreamName", "set StreamName or StreamARN")
	}
	if err == nil && check != nil {
		err = check(in)
	}
	if err != nil {
		return rpc.OperationError(ServiceID, op, err)
	}
	return nil
}

// checkRange applies the 24-hour rule of a range whose ends are both set: the end comes after
// the start, within MaxSessionRange of it. path names the range's member in input.
func checkRange(input, path string, start, end time.Time) error {
	switch {
	case !end.After(start):
		return validate.Errorf(input, path+".EndTimestamp", "must be later than StartTimestamp")
	case end.Sub(start) > MaxSessionRange:
		return validate.Errorf(input, path+".EndTimestamp", "must be within %v of StartTimestamp", MaxSessionRange)
	}
	return nil
}

// checkStreamingSelector applies the rules of an HLS or DASH session's selector: LIVE takes no
// time range; ON_DEMAND needs both ends and LIVE_REPLAY a start; a given range has a start and
// obeys the 24-hour rule.
func checkStreamingSelector(input, path string, mode PlaybackMode, sel StreamingFragmentSelector) error {
	r := sel.TimestampRange
	hasRange := !r.StartTimestamp.IsZero() || !r.EndTimestamp.IsZero()
	rangePath := path + ".TimestampRange"
	switch {
	case (mode == "" || mode == PlaybackModeLive) && hasRange:
		return validate.Errorf(input, rangePath, "must not be set when PlaybackMode is LIVE")
	case mode == PlaybackModeOnDemand && (r.StartTimestamp.IsZero() || r.EndTimestamp.IsZero()):
		return validate.Errorf(input, rangePath, "needs StartTimestamp and EndTimestamp when PlaybackMode is ON_DEMAND")
	case mode == PlaybackModeLiveReplay && r.StartTimestamp.IsZero():
		return validate.Errorf(input, rangePath+".StartTimestamp", "missing required value when PlaybackMode is LIVE_REPLAY")
	case hasRange && r.StartTimestamp.IsZero():
		return validate.Errorf(input, rangePath+".StartTimestamp", "missing required value when a TimestampRange is given")
	case !r.StartTimestamp.IsZero() && !r.EndTimestamp.IsZero():
		return checkRange(input, rangePath, r.StartTimestamp, r.EndTimestamp)
	}
	return nil
}
