// Tags: TagStream, UntagStream and ListTagsForStream for streams; TagResource, UntagResource
// and ListTagsForResource for signaling channels (and streams, by ARN).

package state

import (
	"maps"
	"strings"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// maxTags is the most tags a stream or channel may have.
const maxTags = 50

// taggedStream finds the stream of a stream tag operation, which reports a malformed StreamARN
// with InvalidResourceFormatException.
func (s *State[M]) taggedStream(name, arn string) (*Resource, *apierr.Error) {
	st, e := s.Streams.find(name, arn, apierr.StreamNotFound, apierr.InvalidResourceFormat)
	if e != nil {
		return nil, e
	}
	return &st.Resource, nil
}

// taggedResource finds the stream or channel an ARN names.
func (s *State[M]) taggedResource(arn string) (*Resource, *apierr.Error) {
	if !arnPattern.MatchString(arn) {
		return nil, apierr.InvalidArgument("The ResourceARN %q is not valid.", arn)
	}
	if st, ok := s.Streams.ByARN[arn]; ok {
		return &st.Resource, nil
	}
	if ch, ok := s.Channels.ByARN[arn]; ok {
		return &ch.Resource, nil
	}
	if strings.Contains(arn, ":channel/") {
		return nil, apierr.ChannelNotFound()
	}
	return nil, apierr.StreamNotFound()
}

// AddTags adds or replaces tags, unless the Resource would have more than maxTags.
func (r *Resource) AddTags(tags map[string]string) *apierr.Error {
	if r.Deleting {
		return apierr.ResourceInUse("The %s %s is being deleted.", r.Kind, r.Name)
	}
	n := len(r.Tags)
	for k := range tags {
		if _, ok := r.Tags[k]; !ok {
			n++
		}
	}
	if n > maxTags {
		return apierr.TagLimit("The %s %s would have %d tags; a Resource may have at most %d.", r.Kind, r.Name, n, maxTags)
	}
	maps.Copy(r.Tags, tags)
	return nil
}

// removeTags removes the tags with the keys given; absent keys are ignored.
func (r *Resource) removeTags(keys []string) *apierr.Error {
	if r.Deleting {
		return apierr.ResourceInUse("The %s %s is being deleted.", r.Kind, r.Name)
	}
	for _, k := range keys {
		delete(r.Tags, k)
	}
	return nil
}

// listTags returns a copy of the tags. They always fit one page, so no token is ever valid.
func (r *Resource) listTags(token string) (map[string]string, *apierr.Error) {
	if token != "" {
		return nil, apierr.InvalidArgument("The NextToken %q is not valid.", token)
	}
	return maps.Clone(r.Tags), nil
}

// TagStream is the TagStream operation.
func (s *State[M]) TagStream(_ time.Time, in *kvs.TagStreamInput) (*kvs.TagStreamOutput, *apierr.Error) {
	r, e := s.taggedStream(in.StreamName, in.StreamARN)
	if e == nil {
		e = r.AddTags(in.Tags)
	}
	if e != nil {
		return nil, e
	}
	return &kvs.TagStreamOutput{}, nil
}

// UntagStream is the UntagStream operation.
func (s *State[M]) UntagStream(_ time.Time, in *kvs.UntagStreamInput) (*kvs.UntagStreamOutput, *apierr.Error) {
	r, e := s.taggedStream(in.StreamName, in.StreamARN)
	if e == nil {
		e = r.removeTags(in.TagKeyList)
	}
	if e != nil {
		return nil, e
	}
	return &kvs.UntagStreamOutput{}, nil
}

// ListTagsForStream is the ListTagsForStream operation.
func (s *State[M]) ListTagsForStream(_ time.Time, in *kvs.ListTagsForStreamInput) (*kvs.ListTagsForStreamOutput, *apierr.Error) {
	r, e := s.taggedStream(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	tags, e := r.listTags(in.NextToken)
	if e != nil {
		return nil, e
	}
	return &kvs.ListTagsForStreamOutput{Tags: tags}, nil
}

// TagResource is the TagResource operation.
func (s *State[M]) TagResource(_ time.Time, in *kvs.TagResourceInput) (*kvs.TagResourceOutput, *apierr.Error) {
	tags := make(map[string]string, len(in.Tags))
	for _, t := range in.Tags {
		tags[t.Key] = t.Value
	}
	r, e := s.taggedResource(in.ResourceARN)
	if e == nil {
		e = r.AddTags(tags)
	}
	if e != nil {
		return nil, e
	}
	return &kvs.TagResourceOutput{}, nil
}

// UntagResource is the UntagResource operation.
func (s *State[M]) UntagResource(_ time.Time, in *kvs.UntagResourceInput) (*kvs.UntagResourceOutput, *apierr.Error) {
	r, e := s.taggedResource(in.ResourceARN)
	if e == nil {
		e = r.removeTags(in.TagKeyList)
	}
	if e != nil {
		return nil, e
	}
	return &kvs.UntagResourceOutput{}, nil
}

// ListTagsForResource is the ListTagsForResource operation.
func (s *State[M]) ListTagsForResource(_ time.Time, in *kvs.ListTagsForResourceInput) (*kvs.ListTagsForResourceOutput, *apierr.Error) {
	r, e := s.taggedResource(in.ResourceARN)
	if e != nil {
		return nil, e
	}
	tags, e := r.listTags(in.NextToken)
	if e != nil {
		return nil, e
	}
	return &kvs.ListTagsForResourceOutput{Tags: tags}, nil
}
