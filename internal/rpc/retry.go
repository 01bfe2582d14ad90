package rpc

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// ThrottleCodes are the Kinesis Video error codes that mean "slow down". The service sends them
// with HTTP 400, so the AWS SDK's default retryers, which look for other codes, give up on them.
var ThrottleCodes = []string{"ClientLimitExceededException", "ConnectionLimitExceededException"}

func throttleCodeSet() map[string]struct{} {
	m := make(map[string]struct{}, len(ThrottleCodes))
	for _, c := range ThrottleCodes {
		m[c] = struct{}{}
	}
	return m
}

// NewRetryer returns the AWS SDK's retryer for mode (standard unless adaptive), extended so that
// ThrottleCodes are retried with backoff and count as throttling.
func NewRetryer(mode aws.RetryMode, maxAttempts int) aws.RetryerV2 {
	codes := throttleCodeSet()
	standard := func(o *retry.StandardOptions) {
		o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: codes})
		o.Throttles = append(o.Throttles, retry.ThrottleErrorCode{Codes: codes})
		if maxAttempts > 0 {
			o.MaxAttempts = maxAttempts
		}
	}
	if mode == aws.RetryModeAdaptive {
		return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.Throttles = append(o.Throttles, retry.ThrottleErrorCode{Codes: codes})
			o.StandardOptions = append(o.StandardOptions, standard)
		})
	}
	return retry.NewStandard(standard)
}

func buildRetryer(r aws.Retryer, mode aws.RetryMode, maxAttempts int) aws.RetryerV2 {
	if r == nil {
		return NewRetryer(mode, maxAttempts)
	}
	r = retry.AddWithErrorCodes(r, ThrottleCodes...)
	if maxAttempts > 0 {
		r = retry.AddWithMaxAttempts(r, maxAttempts)
	}
	if v2, ok := r.(aws.RetryerV2); ok {
		return v2
	}
	return retryerV2{r}
}

// retryerV2 adapts an aws.Retryer that lacks GetAttemptToken.
type retryerV2 struct{ aws.Retryer }

func (r retryerV2) GetAttemptToken(context.Context) (func(error) error, error) {
	return r.GetInitialToken(), nil
}
