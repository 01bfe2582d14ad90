// Tags: TagStream, UntagStream and ListTagsForStream for streams; TagResource, UntagResource
// and ListTagsForResource for signaling channels (and streams, by ARN).

package kvstest

import (
	"maps"
	"strings"
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

func init() {
	controlOp("/tagStream", "TagStream", (*Server).tagStream)
	controlOp("/untagStream", "UntagStream", (*Server).untagStream)
	controlOp("/listTagsForStream", "ListTagsForStream", (*Server).listTagsForStream)
	controlOp("/TagResource", "TagResource", (*Server).tagResource)
	controlOp("/UntagResource", "UntagResource", (*Server).untagResource)
	controlOp("/ListTagsForResource", "ListTagsForResource", (*Server).listTagsForResource)
}

// maxTags is the most tags a stream or channel may have.
const maxTags = 50

// taggedStream finds the stream of a stream tag operation, which reports a malformed StreamARN
// with InvalidResourceFormatException.
func (s *Server) taggedStream(name, arn string) (*resource, *apierr.Error) {
	st, e := s.streams.find(name, arn, apierr.StreamNotFound, apierr.InvalidResourceFormat)
	if e != nil {
		return nil, e
	}
	return &st.resource, nil
}

// taggedResource finds the stream or channel an ARN names.
func (s *Server) taggedResource(arn string) (*resource, *apierr.Error) {
	if !arnPattern.MatchString(arn) {
		return nil, apierr.InvalidArgument("The ResourceARN %q is not valid.", arn)
	}
	if st, ok := s.streams.byARN[arn]; ok {
		return &st.resource, nil
	}
	if ch, ok := s.channels.byARN[arn]; ok {
		return &ch.resource, nil
	}
	if strings.Contains(arn, ":channel/") {
		return nil, apierr.ChannelNotFound()
	}
	return nil, apierr.StreamNotFound()
}

// addTags adds or replaces tags, unless the resource would have more than maxTags.
func (r *resource) addTags(tags map[string]string) *apierr.Error {
	if r.deleting {
		return apierr.ResourceInUse("The %s %s is being deleted.", r.kind, r.name)
	}
	n := len(r.tags)
	for k := range tags {
		if _, ok := r.tags[k]; !ok {
			n++
		}
	}
	if n > maxTags {
		return apierr.TagLimit("The %s %s would have %d tags; a resource may have at most %d.", r.kind, r.name, n, maxTags)
	}
	maps.Copy(r.tags, tags)
	return nil
}

// removeTags removes the tags with the keys given; absent keys are ignored.
func (r *resource) removeTags(keys []string) *apierr.Error {
	if r.deleting {
		return apierr.ResourceInUse("The %s %s is being deleted.", r.kind, r.name)
	}
	for _, k := range keys {
		delete(r.tags, k)
	}
	return nil
}

// listTags returns a copy of the tags. They always fit one page, so no token is ever valid.
func (r *resource) listTags(token string) (map[string]string, *apierr.Error) {
	if token != "" {
		return nil, apierr.InvalidArgument("The NextToken %q is not valid.", token)
	}
	return maps.Clone(r.tags), nil
}

func (s *Server) tagStream(_ time.Time, in *kvs.TagStreamInput) (*kvs.TagStreamOutput, *apierr.Error) {
	r, e := s.taggedStream(in.StreamName, in.StreamARN)
	if e == nil {
		e = r.addTags(in.Tags)
	}
	if e != nil {
		return nil, e
	}
	return &kvs.TagStreamOutput{}, nil
}

func (s *Server) untagStream(_ time.Time, in *kvs.UntagStreamInput) (*kvs.UntagStreamOutput, *apierr.Error) {
	r, e := s.taggedStream(in.StreamName, in.StreamARN)
	if e == nil {
		e = r.removeTags(in.TagKeyList)
	}
	if e != nil {
		return nil, e
	}
	return &kvs.UntagStreamOutput{}, nil
}

func (s *Server) listTagsForStream(_ time.Time, in *kvs.ListTagsForStreamInput) (*kvs.ListTagsForStreamOutput, *apierr.Error) {
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

func (s *Server) tagResource(_ time.Time, in *kvs.TagResourceInput) (*kvs.TagResourceOutput, *apierr.Error) {
	tags := make(map[string]string, len(in.Tags))
	for _, t := range in.Tags {
		tags[t.Key] = t.Value
	}
	r, e := s.taggedResource(in.ResourceARN)
	if e == nil {
		e = r.addTags(tags)
	}
	if e != nil {
		return nil, e
	}
	return &kvs.TagResourceOutput{}, nil
}

func (s *Server) untagResource(_ time.Time, in *kvs.UntagResourceInput) (*kvs.UntagResourceOutput, *apierr.Error) {
	r, e := s.taggedResource(in.ResourceARN)
	if e == nil {
		e = r.removeTags(in.TagKeyList)
	}
	if e != nil {
		return nil, e
	}
	return &kvs.UntagResourceOutput{}, nil
}

func (s *Server) listTagsForResource(_ time.Time, in *kvs.ListTagsForResourceInput) (*kvs.ListTagsForResourceOutput, *apierr.Error) {
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
