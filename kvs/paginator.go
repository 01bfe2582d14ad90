package kvs

import (
	"context"
	"errors"
	"iter"
)

// Paginator walks the pages of a list operation that continues with a NextToken, as the
// paginators of aws-sdk-go-v2 do (HasMorePages, NextPage), and adds iterators over its pages
// and entries. O is the client's Options type, Out the operation's output, Item the type of the
// entries listed in it. Create one with a New…Paginator function; a Paginator is not safe for
// concurrent use.
//
//	p := kvs.NewListStreamsPaginator(client, &kvs.ListStreamsInput{})
//	for p.HasMorePages() {
//		page, err := p.NextPage(ctx)
//		…
//	}
//
// or
//
//	for stream, err := range kvs.NewListStreamsPaginator(client, nil).Items(ctx) {
//		if err != nil { … }
//		fmt.Println(stream.StreamName)
//	}
type Paginator[O, Out, Item any] struct {
	fetch           func(ctx context.Context, token string, optFns []func(*O)) (*Out, error)
	next            func(*Out) string
	items           func(*Out) []Item
	stopOnDuplicate bool
	token           string
	started         bool
	finished        bool
}

// PaginatorOptions configure a paginator, like aws-sdk-go-v2's ListStreamsPaginatorOptions. L
// is the type of the operation's MaxResults (int32 here, int64 in archived).
type PaginatorOptions[L int32 | int64] struct {
	// Limit is the page size requested (the input's MaxResults); the input's MaxResults when
	// zero.
	Limit L
	// StopOnDuplicateToken ends the listing, without an error, when the service returns the
	// token it was just given. When false, such a page ends it with ErrDuplicateToken (where
	// aws-sdk-go-v2's paginators would request the same page forever).
	StopOnDuplicateToken bool
}

// ResolvePaginatorOptions returns the options of a paginator whose input asks for maxResults
// per page (nil: the service's default), changed by optFns, as aws-sdk-go-v2's paginator
// constructors resolve them.
func ResolvePaginatorOptions[L int32 | int64](maxResults *L, optFns ...func(*PaginatorOptions[L])) PaginatorOptions[L] {
	var o PaginatorOptions[L]
	if maxResults != nil {
		o.Limit = *maxResults
	}
	for _, fn := range optFns {
		fn(&o)
	}
	return o
}

// ErrDuplicateToken is returned when the service hands back the token it was just given, which
// would otherwise make a paginator loop forever; set StopOnDuplicateToken to end quietly instead.
var ErrDuplicateToken = errors.New("kvs: the service returned the same pagination token twice")

// NewPaginator returns a Paginator for any token-paged operation with input In: call is the
// operation (a client method), token points at the NextToken field of an input, next returns
// the token of the page after out ("" at the end), and items returns the entries of out. The
// input is copied; its NextToken resumes a listing where an earlier one stopped ("" starts at
// the beginning). The New…Paginator functions of this package and of archived are built on it.
func NewPaginator[O, In, Out, Item any](in *In, stopOnDuplicateToken bool,
	call func(context.Context, *In, ...func(*O)) (*Out, error), token func(*In) *string,
	next func(*Out) string, items func(*Out) []Item) *Paginator[O, Out, Item] {
	req := derefOrZero(in)
	return &Paginator[O, Out, Item]{
		fetch: func(ctx context.Context, t string, optFns []func(*O)) (*Out, error) {
			r := req
			*token(&r) = t
			return call(ctx, &r, optFns...)
		},
		next: next, items: items, stopOnDuplicate: stopOnDuplicateToken, token: *token(&req),
	}
}

// HasMorePages reports whether NextPage has a page to return.
func (p *Paginator[O, Out, Item]) HasMorePages() bool {
	return !p.started || (!p.finished && p.token != "")
}

// NextPage requests the next page, with the client's options changed by optFns. It fails when
// there is none (check HasMorePages first).
func (p *Paginator[O, Out, Item]) NextPage(ctx context.Context, optFns ...func(*O)) (*Out, error) {
	if !p.HasMorePages() {
		return nil, errors.New("kvs: no more pages")
	}
	out, err := p.fetch(ctx, p.token, optFns)
	if err != nil {
		return nil, err
	}
	p.started = true
	next := p.next(out)
	if next != "" && next == p.token {
		p.finished = true
		if p.stopOnDuplicate {
			return out, nil
		}
		return out, ErrDuplicateToken
	}
	p.token = next
	return out, nil
}

// Token returns the token of the next page ("" when the listing is complete), so that a listing
// can be resumed later with the input's NextToken.
func (p *Paginator[O, Out, Item]) Token() string {
	if p.finished {
		return ""
	}
	return p.token
}

// Pages yields each remaining page, requested with the client's options changed by optFns. It
// stops after the first error, which it yields.
func (p *Paginator[O, Out, Item]) Pages(ctx context.Context, optFns ...func(*O)) iter.Seq2[*Out, error] {
	return func(yield func(*Out, error) bool) {
		for p.HasMorePages() {
			out, err := p.NextPage(ctx, optFns...)
			if err != nil {
				yield(out, err)
				return
			}
			if !yield(out, nil) {
				return
			}
		}
	}
}

// Items yields each entry of each remaining page. It stops after the first error, which it
// yields with the zero Item.
func (p *Paginator[O, Out, Item]) Items(ctx context.Context, optFns ...func(*O)) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		for out, err := range p.Pages(ctx, optFns...) {
			if err != nil {
				var zero Item
				yield(zero, err)
				return
			}
			for _, item := range p.items(out) {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

// ListStreamsAPIClient is the client that a ListStreamsPaginator calls; *Client implements it, and
// so does a fake in a test.
type ListStreamsAPIClient interface {
	ListStreams(context.Context, *ListStreamsInput, ...func(*Options)) (*ListStreamsOutput, error)
}

// ListStreamsPaginatorOptions configure a ListStreamsPaginator.
type ListStreamsPaginatorOptions = PaginatorOptions[int32]

// ListStreamsPaginator walks the pages of ListStreams.
type ListStreamsPaginator = Paginator[Options, ListStreamsOutput, StreamInfo]

// NewListStreamsPaginator pages through ListStreams (streams), starting at in.NextToken.
func NewListStreamsPaginator(client ListStreamsAPIClient, in *ListStreamsInput, optFns ...func(*ListStreamsPaginatorOptions)) *ListStreamsPaginator {
	req := derefOrZero(in)
	o := ResolvePaginatorOptions(req.MaxResults, optFns...)
	if o.Limit > 0 {
		req.MaxResults = &o.Limit
	}
	return NewPaginator(&req, o.StopOnDuplicateToken, client.ListStreams, func(in *ListStreamsInput) *string { return &in.NextToken },
		func(out *ListStreamsOutput) string { return out.NextToken }, func(out *ListStreamsOutput) []StreamInfo { return out.StreamInfoList })
}

// ListSignalingChannelsAPIClient is the client that a ListSignalingChannelsPaginator calls; *Client implements it, and
// so does a fake in a test.
type ListSignalingChannelsAPIClient interface {
	ListSignalingChannels(context.Context, *ListSignalingChannelsInput, ...func(*Options)) (*ListSignalingChannelsOutput, error)
}

// ListSignalingChannelsPaginatorOptions configure a ListSignalingChannelsPaginator.
type ListSignalingChannelsPaginatorOptions = PaginatorOptions[int32]

// ListSignalingChannelsPaginator walks the pages of ListSignalingChannels.
type ListSignalingChannelsPaginator = Paginator[Options, ListSignalingChannelsOutput, ChannelInfo]

// NewListSignalingChannelsPaginator pages through ListSignalingChannels (signaling channels), starting at in.NextToken.
func NewListSignalingChannelsPaginator(client ListSignalingChannelsAPIClient, in *ListSignalingChannelsInput, optFns ...func(*ListSignalingChannelsPaginatorOptions)) *ListSignalingChannelsPaginator {
	req := derefOrZero(in)
	o := ResolvePaginatorOptions(req.MaxResults, optFns...)
	if o.Limit > 0 {
		req.MaxResults = &o.Limit
	}
	return NewPaginator(&req, o.StopOnDuplicateToken, client.ListSignalingChannels, func(in *ListSignalingChannelsInput) *string { return &in.NextToken },
		func(out *ListSignalingChannelsOutput) string { return out.NextToken }, func(out *ListSignalingChannelsOutput) []ChannelInfo { return out.ChannelInfoList })
}

// ListEdgeAgentConfigurationsAPIClient is the client that a ListEdgeAgentConfigurationsPaginator calls; *Client implements it, and
// so does a fake in a test.
type ListEdgeAgentConfigurationsAPIClient interface {
	ListEdgeAgentConfigurations(context.Context, *ListEdgeAgentConfigurationsInput, ...func(*Options)) (*ListEdgeAgentConfigurationsOutput, error)
}

// ListEdgeAgentConfigurationsPaginatorOptions configure a ListEdgeAgentConfigurationsPaginator.
type ListEdgeAgentConfigurationsPaginatorOptions = PaginatorOptions[int32]

// ListEdgeAgentConfigurationsPaginator walks the pages of ListEdgeAgentConfigurations.
type ListEdgeAgentConfigurationsPaginator = Paginator[Options, ListEdgeAgentConfigurationsOutput, ListEdgeAgentConfigurationsEdgeConfig]

// NewListEdgeAgentConfigurationsPaginator pages through ListEdgeAgentConfigurations (edge agent configurations), starting at in.NextToken.
func NewListEdgeAgentConfigurationsPaginator(client ListEdgeAgentConfigurationsAPIClient, in *ListEdgeAgentConfigurationsInput, optFns ...func(*ListEdgeAgentConfigurationsPaginatorOptions)) *ListEdgeAgentConfigurationsPaginator {
	req := derefOrZero(in)
	o := ResolvePaginatorOptions(req.MaxResults, optFns...)
	if o.Limit > 0 {
		req.MaxResults = &o.Limit
	}
	return NewPaginator(&req, o.StopOnDuplicateToken, client.ListEdgeAgentConfigurations, func(in *ListEdgeAgentConfigurationsInput) *string { return &in.NextToken },
		func(out *ListEdgeAgentConfigurationsOutput) string { return out.NextToken }, func(out *ListEdgeAgentConfigurationsOutput) []ListEdgeAgentConfigurationsEdgeConfig {
			return out.EdgeConfigs
		})
}

// DescribeMappedResourceConfigurationAPIClient is the client that a DescribeMappedResourceConfigurationPaginator calls; *Client implements it, and
// so does a fake in a test.
type DescribeMappedResourceConfigurationAPIClient interface {
	DescribeMappedResourceConfiguration(context.Context, *DescribeMappedResourceConfigurationInput, ...func(*Options)) (*DescribeMappedResourceConfigurationOutput, error)
}

// DescribeMappedResourceConfigurationPaginatorOptions configure a DescribeMappedResourceConfigurationPaginator.
type DescribeMappedResourceConfigurationPaginatorOptions = PaginatorOptions[int32]

// DescribeMappedResourceConfigurationPaginator walks the pages of DescribeMappedResourceConfiguration.
type DescribeMappedResourceConfigurationPaginator = Paginator[Options, DescribeMappedResourceConfigurationOutput, MappedResourceConfigurationListItem]

// NewDescribeMappedResourceConfigurationPaginator pages through DescribeMappedResourceConfiguration (mapped resource configurations), starting at in.NextToken.
func NewDescribeMappedResourceConfigurationPaginator(client DescribeMappedResourceConfigurationAPIClient, in *DescribeMappedResourceConfigurationInput, optFns ...func(*DescribeMappedResourceConfigurationPaginatorOptions)) *DescribeMappedResourceConfigurationPaginator {
	req := derefOrZero(in)
	o := ResolvePaginatorOptions(req.MaxResults, optFns...)
	if o.Limit > 0 {
		req.MaxResults = &o.Limit
	}
	return NewPaginator(&req, o.StopOnDuplicateToken, client.DescribeMappedResourceConfiguration, func(in *DescribeMappedResourceConfigurationInput) *string { return &in.NextToken },
		func(out *DescribeMappedResourceConfigurationOutput) string { return out.NextToken }, func(out *DescribeMappedResourceConfigurationOutput) []MappedResourceConfigurationListItem {
			return out.MappedResourceConfigurationList
		})
}

// derefOrZero copies *in so that a paginator owns its request, or returns the zero value.
func derefOrZero[T any](in *T) T {
	if in == nil {
		var zero T
		return zero
	}
	return *in
}
