package kvs

import (
	"context"
	"errors"
	"iter"
)

// Paginator walks the pages of a list operation that continues with a NextToken. Out is the
// operation's output, Item the type of the entries listed in it. Create one with a
// New…Paginator function; a Paginator is not safe for concurrent use.
//
//	p := kvs.NewListStreamsPaginator(client, &kvs.ListStreamsInput{})
//	for stream, err := range p.Items(ctx) {
//		if err != nil { … }
//		fmt.Println(stream.StreamName)
//	}
type Paginator[Out, Item any] struct {
	fetch    func(ctx context.Context, token string) (*Out, error)
	next     func(*Out) string
	items    func(*Out) []Item
	token    string
	started  bool
	finished bool
}

// ErrDuplicateToken is returned when the service hands back the token it was just given, which
// would otherwise make a paginator loop forever.
var ErrDuplicateToken = errors.New("kvs: the service returned the same pagination token twice")

// NewPaginator returns a Paginator for any token-paged operation: fetch requests the page that
// starts at token ("" for the first page), next returns the token of the page after out ("" at
// the end), and items returns the entries of out. firstToken resumes a listing where an earlier
// one stopped ("" starts at the beginning).
func NewPaginator[Out, Item any](firstToken string, fetch func(ctx context.Context, token string) (*Out, error),
	next func(*Out) string, items func(*Out) []Item) *Paginator[Out, Item] {
	return &Paginator[Out, Item]{fetch: fetch, next: next, items: items, token: firstToken}
}

// HasMorePages reports whether NextPage has a page to return.
func (p *Paginator[Out, Item]) HasMorePages() bool {
	return !p.started || (!p.finished && p.token != "")
}

// NextPage requests the next page. It fails when there is none (check HasMorePages first).
func (p *Paginator[Out, Item]) NextPage(ctx context.Context) (*Out, error) {
	if !p.HasMorePages() {
		return nil, errors.New("kvs: no more pages")
	}
	out, err := p.fetch(ctx, p.token)
	if err != nil {
		return nil, err
	}
	p.started = true
	next := p.next(out)
	if next != "" && next == p.token {
		p.finished = true
		return out, ErrDuplicateToken
	}
	p.token = next
	return out, nil
}

// Token returns the token of the next page ("" when the listing is complete), so that a listing
// can be resumed later with NewPaginator or the input's NextToken.
func (p *Paginator[Out, Item]) Token() string { return p.token }

// Pages yields each remaining page. It stops after the first error, which it yields.
func (p *Paginator[Out, Item]) Pages(ctx context.Context) iter.Seq2[*Out, error] {
	return func(yield func(*Out, error) bool) {
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
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
func (p *Paginator[Out, Item]) Items(ctx context.Context) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		for out, err := range p.Pages(ctx) {
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

// NewListStreamsPaginator pages through ListStreams, starting at in.NextToken.
func NewListStreamsPaginator(c *Client, in *ListStreamsInput, optFns ...func(*Options)) *Paginator[ListStreamsOutput, StreamInfo] {
	req := derefOrZero(in)
	return NewPaginator(req.NextToken, func(ctx context.Context, token string) (*ListStreamsOutput, error) {
		req.NextToken = token
		return c.ListStreams(ctx, &req, optFns...)
	}, func(o *ListStreamsOutput) string { return o.NextToken },
		func(o *ListStreamsOutput) []StreamInfo { return o.StreamInfoList })
}

// NewListSignalingChannelsPaginator pages through ListSignalingChannels, starting at
// in.NextToken.
func NewListSignalingChannelsPaginator(c *Client, in *ListSignalingChannelsInput, optFns ...func(*Options)) *Paginator[ListSignalingChannelsOutput, ChannelInfo] {
	req := derefOrZero(in)
	return NewPaginator(req.NextToken, func(ctx context.Context, token string) (*ListSignalingChannelsOutput, error) {
		req.NextToken = token
		return c.ListSignalingChannels(ctx, &req, optFns...)
	}, func(o *ListSignalingChannelsOutput) string { return o.NextToken },
		func(o *ListSignalingChannelsOutput) []ChannelInfo { return o.ChannelInfoList })
}

// NewListEdgeAgentConfigurationsPaginator pages through ListEdgeAgentConfigurations, starting
// at in.NextToken.
func NewListEdgeAgentConfigurationsPaginator(c *Client, in *ListEdgeAgentConfigurationsInput, optFns ...func(*Options)) *Paginator[ListEdgeAgentConfigurationsOutput, ListEdgeAgentConfigurationsEdgeConfig] {
	req := derefOrZero(in)
	return NewPaginator(req.NextToken, func(ctx context.Context, token string) (*ListEdgeAgentConfigurationsOutput, error) {
		req.NextToken = token
		return c.ListEdgeAgentConfigurations(ctx, &req, optFns...)
	}, func(o *ListEdgeAgentConfigurationsOutput) string { return o.NextToken },
		func(o *ListEdgeAgentConfigurationsOutput) []ListEdgeAgentConfigurationsEdgeConfig {
			return o.EdgeConfigs
		})
}

// NewDescribeMappedResourceConfigurationPaginator pages through
// DescribeMappedResourceConfiguration, starting at in.NextToken.
func NewDescribeMappedResourceConfigurationPaginator(c *Client, in *DescribeMappedResourceConfigurationInput, optFns ...func(*Options)) *Paginator[DescribeMappedResourceConfigurationOutput, MappedResourceConfigurationListItem] {
	req := derefOrZero(in)
	return NewPaginator(req.NextToken, func(ctx context.Context, token string) (*DescribeMappedResourceConfigurationOutput, error) {
		req.NextToken = token
		return c.DescribeMappedResourceConfiguration(ctx, &req, optFns...)
	}, func(o *DescribeMappedResourceConfigurationOutput) string { return o.NextToken },
		func(o *DescribeMappedResourceConfigurationOutput) []MappedResourceConfigurationListItem {
			return o.MappedResourceConfigurationList
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
