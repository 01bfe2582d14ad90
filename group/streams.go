package group

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/kvsgo/sdk/kvs"
)

// list returns the names of the streams s selects, in order.
func (s Streams) list(ctx context.Context, control *kvs.Client) ([]string, error) {
	if len(s.Names) > 0 {
		names := slices.Clone(s.Names)
		slices.Sort(names)
		return slices.Compact(names), nil
	}
	if control == nil {
		return nil, errors.New("group: listing streams by prefix or tag needs a control-plane client")
	}
	in := &kvs.ListStreamsInput{}
	if s.Prefix != "" {
		in.StreamNameCondition = kvs.StreamNameCondition{ComparisonOperator: kvs.ComparisonOperatorBeginsWith, ComparisonValue: s.Prefix}
	}
	var names []string
	for {
		out, err := control.ListStreams(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("group: listing the streams: %w", err)
		}
		for _, st := range out.StreamInfoList {
			if st.Status == kvs.StatusDeleting {
				continue
			}
			ok, err := s.tagged(ctx, control, st.StreamName)
			if err != nil {
				return nil, err
			}
			if ok {
				names = append(names, st.StreamName)
			}
		}
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	slices.Sort(names)
	return names, nil
}

// tagged reports whether the stream has every tag of s.Tags.
func (s Streams) tagged(ctx context.Context, control *kvs.Client, stream string) (bool, error) {
	if len(s.Tags) == 0 {
		return true, nil
	}
	tags := map[string]string{}
	in := &kvs.ListTagsForStreamInput{StreamName: stream}
	for {
		out, err := control.ListTagsForStream(ctx, in)
		if err != nil {
			return false, fmt.Errorf("group: listing the tags of stream %q: %w", stream, err)
		}
		for k, v := range out.Tags {
			tags[k] = v
		}
		if out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	for k, v := range s.Tags {
		if got, ok := tags[k]; !ok || got != v {
			return false, nil
		}
	}
	return true, nil
}
