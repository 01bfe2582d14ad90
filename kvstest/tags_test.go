package kvstest_test

import (
	"fmt"
	"maps"
	"testing"

	"github.com/kvsgo/sdk/kvs"
)

func manyTags(n, from int) map[string]string {
	tags := map[string]string{}
	for i := range n {
		tags[fmt.Sprintf("key-%02d", from+i)] = "v"
	}
	return tags
}

func TestStreamTags(t *testing.T) {
	s := start(t)
	cl := client(s)
	arn := must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s", Tags: map[string]string{"a": "1"}})).StreamARN
	list := func() map[string]string {
		t.Helper()
		return must[*kvs.ListTagsForStreamOutput](t)(cl.ListTagsForStream(ctx, &kvs.ListTagsForStreamInput{StreamName: "s"})).Tags
	}
	must[*kvs.TagStreamOutput](t)(cl.TagStream(ctx, &kvs.TagStreamInput{StreamARN: arn, Tags: map[string]string{"a": "2", "b": "3"}}))
	if got := list(); !maps.Equal(got, map[string]string{"a": "2", "b": "3"}) {
		t.Fatalf("tags %v", got)
	}
	must[*kvs.UntagStreamOutput](t)(cl.UntagStream(ctx, &kvs.UntagStreamInput{StreamName: "s", TagKeyList: []string{"a", "absent"}}))
	if got := list(); !maps.Equal(got, map[string]string{"b": "3"}) {
		t.Fatalf("tags after untag %v", got)
	}

	// 50 tags fit; the 51st is refused and nothing of the refused call is applied.
	must[*kvs.TagStreamOutput](t)(cl.TagStream(ctx, &kvs.TagStreamInput{StreamName: "s", Tags: manyTags(49, 0)}))
	if n := len(list()); n != 50 {
		t.Fatalf("%d tags", n)
	}
	_, err := cl.TagStream(ctx, &kvs.TagStreamInput{StreamName: "s", Tags: map[string]string{"b": "replaced", "new": "x"}})
	wantCode(t, err, "TagsPerResourceExceededLimitException")
	if httpStatus(err) != 400 {
		t.Errorf("HTTP %d", httpStatus(err))
	}
	if got := list(); len(got) != 50 || got["b"] != "3" {
		t.Errorf("a refused TagStream changed the tags: %d, b=%q", len(got), got["b"])
	}
	// Replacing existing keys at the limit is fine.
	must[*kvs.TagStreamOutput](t)(cl.TagStream(ctx, &kvs.TagStreamInput{StreamName: "s", Tags: map[string]string{"b": "4"}}))

	// A malformed StreamARN is an InvalidResourceFormatException in the stream tag operations.
	bad := "arn:aws:kinesisvideo:us-east-1:123456789012:stream/s"
	_, err = cl.TagStream(ctx, &kvs.TagStreamInput{StreamARN: bad, Tags: map[string]string{"k": "v"}})
	wantCode(t, err, "InvalidResourceFormatException")
	_, err = cl.UntagStream(ctx, &kvs.UntagStreamInput{StreamARN: bad, TagKeyList: []string{"k"}})
	wantCode(t, err, "InvalidResourceFormatException")
	_, err = cl.ListTagsForStream(ctx, &kvs.ListTagsForStreamInput{StreamARN: bad})
	wantCode(t, err, "InvalidResourceFormatException")
	_, err = cl.ListTagsForStream(ctx, &kvs.ListTagsForStreamInput{StreamName: "s", NextToken: "abc="})
	wantCode(t, err, "InvalidArgumentException")
	_, err = cl.TagStream(ctx, &kvs.TagStreamInput{StreamName: "missing", Tags: map[string]string{"k": "v"}})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestResourceTags(t *testing.T) {
	s := start(t)
	cl := client(s)
	channel := must[*kvs.CreateSignalingChannelOutput](t)(cl.CreateSignalingChannel(ctx, &kvs.CreateSignalingChannelInput{
		ChannelName: "door", Tags: []kvs.Tag{{Key: "a", Value: "1"}}})).ChannelARN
	stream := must[*kvs.CreateStreamOutput](t)(cl.CreateStream(ctx, &kvs.CreateStreamInput{StreamName: "s"})).StreamARN
	list := func(arn string) map[string]string {
		t.Helper()
		return must[*kvs.ListTagsForResourceOutput](t)(cl.ListTagsForResource(ctx, &kvs.ListTagsForResourceInput{ResourceARN: arn})).Tags
	}
	must[*kvs.TagResourceOutput](t)(cl.TagResource(ctx, &kvs.TagResourceInput{ResourceARN: channel, Tags: []kvs.Tag{{Key: "b", Value: "2"}}}))
	if got := list(channel); !maps.Equal(got, map[string]string{"a": "1", "b": "2"}) {
		t.Fatalf("channel tags %v", got)
	}
	must[*kvs.UntagResourceOutput](t)(cl.UntagResource(ctx, &kvs.UntagResourceInput{ResourceARN: channel, TagKeyList: []string{"a"}}))
	if got := list(channel); !maps.Equal(got, map[string]string{"b": "2"}) {
		t.Fatalf("channel tags after untag %v", got)
	}
	// The resource operations reach streams too, and share their tags with the stream operations.
	must[*kvs.TagResourceOutput](t)(cl.TagResource(ctx, &kvs.TagResourceInput{ResourceARN: stream, Tags: []kvs.Tag{{Key: "x", Value: "y"}}}))
	if got := must[*kvs.ListTagsForStreamOutput](t)(cl.ListTagsForStream(ctx, &kvs.ListTagsForStreamInput{StreamARN: stream})).Tags; got["x"] != "y" {
		t.Errorf("stream tags %v", got)
	}

	var many []kvs.Tag
	for k, v := range manyTags(50, 0) {
		many = append(many, kvs.Tag{Key: k, Value: v})
	}
	_, err := cl.TagResource(ctx, &kvs.TagResourceInput{ResourceARN: channel, Tags: many})
	wantCode(t, err, "TagsPerResourceExceededLimitException")
	_, err = cl.TagResource(ctx, &kvs.TagResourceInput{ResourceARN: "arn:aws:kinesisvideo:us-east-1:123456789012:channel/gone/1", Tags: many[:1]})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = cl.ListTagsForResource(ctx, &kvs.ListTagsForResourceInput{ResourceARN: "not-an-arn"})
	wantCode(t, err, "InvalidArgumentException")
}
