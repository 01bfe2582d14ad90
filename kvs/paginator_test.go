package kvs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/kvsgo/sdk/kvs"
)

// fakeLister implements kvs.ListStreamsAPIClient: page n holds stream sn and points at page n+1
// until last; with repeat, the last page hands back the token it was given.
type fakeLister struct {
	last    int
	repeat  bool
	calls   []kvs.ListStreamsInput
	regions []string
}

func (f *fakeLister) ListStreams(_ context.Context, in *kvs.ListStreamsInput, optFns ...func(*kvs.Options)) (*kvs.ListStreamsOutput, error) {
	f.calls = append(f.calls, *in)
	var o kvs.Options
	for _, fn := range optFns {
		fn(&o)
	}
	f.regions = append(f.regions, o.Region)
	n := len(f.calls)
	out := &kvs.ListStreamsOutput{StreamInfoList: []kvs.StreamInfo{{StreamName: fmt.Sprintf("s%d", n)}}}
	switch {
	case n < f.last:
		out.NextToken = fmt.Sprintf("t%d", n)
	case f.repeat:
		out.NextToken = in.NextToken
	}
	return out, nil
}

// TestPaginatorsTakeAnInterfaceAndOptions checks the aws-sdk-go-v2 shape: a fake client, Limit
// (defaulting to the input's MaxResults), StopOnDuplicateToken, per-page client options, and an
// input left untouched.
func TestPaginatorsTakeAnInterfaceAndOptions(t *testing.T) {
	ctx := context.Background()
	five := int32(5)
	in := &kvs.ListStreamsInput{MaxResults: &five}

	f := &fakeLister{last: 3}
	p := kvs.NewListStreamsPaginator(f, in)
	var pages int
	for p.HasMorePages() {
		if _, err := p.NextPage(ctx, func(o *kvs.Options) { o.Region = "eu-west-1" }); err != nil {
			t.Fatal(err)
		}
		pages++
	}
	if pages != 3 || f.calls[0].NextToken != "" || f.calls[2].NextToken != "t2" || *f.calls[1].MaxResults != 5 || f.regions[2] != "eu-west-1" {
		t.Errorf("%d pages, calls %+v, regions %v", pages, f.calls, f.regions)
	}
	if in.NextToken != "" || *in.MaxResults != 5 {
		t.Errorf("the input was changed: %+v", in)
	}

	f = &fakeLister{last: 1}
	p = kvs.NewListStreamsPaginator(f, in, func(o *kvs.ListStreamsPaginatorOptions) { o.Limit = 2 })
	if _, err := p.NextPage(ctx); err != nil || *f.calls[0].MaxResults != 2 {
		t.Errorf("Limit: %v, MaxResults %d", err, *f.calls[0].MaxResults)
	}
	f = &fakeLister{last: 1}
	if _, err := kvs.NewListStreamsPaginator(f, nil).NextPage(ctx); err != nil || f.calls[0].MaxResults != nil {
		t.Errorf("no limit: %v, MaxResults %v", err, f.calls[0].MaxResults)
	}

	f = &fakeLister{last: 2, repeat: true}
	var names []string
	for s, err := range kvs.NewListStreamsPaginator(f, nil, func(o *kvs.ListStreamsPaginatorOptions) { o.StopOnDuplicateToken = true }).Items(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, s.StreamName)
	}
	if fmt.Sprint(names) != "[s1 s2]" {
		t.Errorf("StopOnDuplicateToken: %v", names)
	}
	f = &fakeLister{last: 2, repeat: true}
	var last error
	for _, err := range kvs.NewListStreamsPaginator(f, nil).Items(ctx) {
		last = err
	}
	if !errors.Is(last, kvs.ErrDuplicateToken) || len(f.calls) != 2 {
		t.Errorf("without StopOnDuplicateToken: %v after %d calls", last, len(f.calls))
	}
}
