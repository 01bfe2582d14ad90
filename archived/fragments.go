package archived

import (
	"context"
	"slices"
	"time"

	"github.com/kvsgo/sdk/internal/validate"
	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/media"
)

// ListFragments returns one page of the fragments of a stream whose start times fall in
// FragmentSelector's range, and the token of the next page. The service returns them in no
// particular order, even across pages: use FragmentsInRange for a sorted list, or
// NewListFragmentsPaginator to walk the pages. Listing is eventually consistent: a fragment
// acknowledged as persisted may take a moment (usually under a second) to be listed.
func (c *Client) ListFragments(ctx context.Context, in *ListFragmentsInput, optFns ...func(*Options)) (*ListFragmentsOutput, error) {
	return invoke[ListFragmentsOutput](ctx, c, "ListFragments", "/listFragments", in,
		func(in *ListFragmentsInput) stream {
			return stream{in.StreamName, in.StreamARN, kvs.APINameListFragments}
		}, checkListFragments, optFns)
}

func checkListFragments(in *ListFragmentsInput) error {
	if in.NextToken == "" && in.FragmentSelector == (FragmentSelector{}) {
		return validate.Errorf("ListFragmentsInput", "FragmentSelector", "missing required value when NextToken is not set")
	}
	return nil
}

// ListFragmentsInput is the input of ListFragments. Name the stream by StreamName or
// StreamARN.
type ListFragmentsInput struct {
	// StreamName is the name of the stream.
	StreamName string `json:"StreamName,omitzero" validate:"min=1,max=256,pattern=name"`
	// StreamARN is the ARN of the stream.
	StreamARN string `json:"StreamARN,omitzero" validate:"min=1,max=1024"`
	// MaxResults caps the fragments of the page (1 to 1000; the service's default is 100).
	MaxResults *int64 `json:"MaxResults,omitzero" validate:"min=1,max=1000"`
	// NextToken continues a listing from the page that returned it.
	NextToken string `json:"NextToken,omitzero" validate:"min=1,max=4096,pattern=base64Token"`
	// FragmentSelector is the clock and the range of fragment start times to list. It may be
	// left out only when NextToken is set.
	FragmentSelector FragmentSelector `json:"FragmentSelector,omitzero"`
}

// ListFragmentsOutput is the output of ListFragments.
type ListFragmentsOutput struct {
	// Fragments are the page's fragments, in no particular order.
	Fragments []Fragment `json:"Fragments,omitzero"`
	// NextToken continues the listing; empty on the last page.
	NextToken string `json:"NextToken,omitzero"`
}

// Fragment describes one stored fragment of a stream.
type Fragment struct {
	// FragmentNumber identifies the fragment; numbers grow in the order fragments were
	// ingested (compare them with media.CompareFragmentNumbers).
	FragmentNumber string `json:"FragmentNumber,omitzero"`
	// FragmentSizeInBytes is the size of the fragment, metadata included.
	FragmentSizeInBytes int64 `json:"FragmentSizeInBytes,omitzero"`
	// ProducerTimestamp is the producer's timestamp of the fragment's start.
	ProducerTimestamp time.Time `json:"ProducerTimestamp,omitzero"`
	// ServerTimestamp is when the service received the fragment.
	ServerTimestamp time.Time `json:"ServerTimestamp,omitzero"`
	// FragmentLengthInMilliseconds is the playback duration of the fragment.
	FragmentLengthInMilliseconds int64 `json:"FragmentLengthInMilliseconds,omitzero"`
}

// ListFragmentsAPIClient is the client that a ListFragmentsPaginator calls; *Client implements it, and
// so does a fake in a test.
type ListFragmentsAPIClient interface {
	ListFragments(context.Context, *ListFragmentsInput, ...func(*Options)) (*ListFragmentsOutput, error)
}

// ListFragmentsPaginatorOptions configure a ListFragmentsPaginator.
type ListFragmentsPaginatorOptions = kvs.PaginatorOptions[int64]

// ListFragmentsPaginator walks the pages of ListFragments.
type ListFragmentsPaginator = kvs.Paginator[Options, ListFragmentsOutput, Fragment]

// NewListFragmentsPaginator pages through ListFragments, starting at in.NextToken. Its Items method yields
// every fragment of every page.
func NewListFragmentsPaginator(client ListFragmentsAPIClient, in *ListFragmentsInput, optFns ...func(*ListFragmentsPaginatorOptions)) *ListFragmentsPaginator {
	req := copyInput(in)
	o := kvs.ResolvePaginatorOptions(req.MaxResults, optFns...)
	if o.Limit > 0 {
		req.MaxResults = &o.Limit
	}
	return kvs.NewPaginator(&req, o.StopOnDuplicateToken, client.ListFragments, func(in *ListFragmentsInput) *string { return &in.NextToken },
		func(out *ListFragmentsOutput) string { return out.NextToken }, func(out *ListFragmentsOutput) []Fragment { return out.Fragments })
}

// FragmentRange asks FragmentsInRange for the fragments of a time range.
type FragmentRange struct {
	// StreamName or StreamARN names the stream.
	StreamName, StreamARN string
	// Selector is the clock and the range of fragment start times.
	Selector FragmentSelector
	// SortBy is the clock to order the fragments by; Selector's clock when empty. Fragments that
	// start at the same time are in fragment-number order.
	SortBy FragmentSelectorType
	// Deduplicate keeps one fragment per producer timestamp: the one ingested last (the highest
	// fragment number), as HLS and DASH sessions do. A producer that resends fragments after a
	// reconnection leaves such duplicates.
	Deduplicate bool
	// PageSize is the MaxResults of each ListFragments call; 1000 when zero.
	PageSize int64
}

// FragmentsInRange lists every fragment of a time range, across all pages, sorted by start
// time on the clock r.SortBy names and, when r.Deduplicate is set, with one fragment per
// producer timestamp.
func (c *Client) FragmentsInRange(ctx context.Context, r FragmentRange, optFns ...func(*Options)) ([]Fragment, error) {
	size := r.PageSize
	if size == 0 {
		size = 1000
	}
	p := NewListFragmentsPaginator(c, &ListFragmentsInput{StreamName: r.StreamName, StreamARN: r.StreamARN,
		MaxResults: &size, FragmentSelector: r.Selector})
	var all []Fragment
	for f, err := range p.Items(ctx, optFns...) {
		if err != nil {
			return nil, err
		}
		all = append(all, f)
	}
	if r.Deduplicate {
		all = DeduplicateFragments(all)
	}
	by := r.SortBy
	if by == "" {
		by = r.Selector.FragmentSelectorType
	}
	SortFragments(all, by)
	return all, nil
}

// SortFragments orders fragments by start time on the clock by names (server time unless by is
// FragmentSelectorTypeProducerTimestamp), then by fragment number.
func SortFragments(frags []Fragment, by FragmentSelectorType) {
	start := func(f Fragment) time.Time { return f.ServerTimestamp }
	if by == FragmentSelectorTypeProducerTimestamp {
		start = func(f Fragment) time.Time { return f.ProducerTimestamp }
	}
	slices.SortStableFunc(frags, func(a, b Fragment) int {
		if c := start(a).Compare(start(b)); c != 0 {
			return c
		}
		return media.CompareFragmentNumbers(a.FragmentNumber, b.FragmentNumber)
	})
}

// DeduplicateFragments returns the fragments with one per producer timestamp: of those that
// share one, the highest-numbered (the last ingested). The order of the result is unspecified;
// sort it with SortFragments.
func DeduplicateFragments(frags []Fragment) []Fragment {
	newest := make(map[int64]Fragment, len(frags))
	for _, f := range frags {
		key := f.ProducerTimestamp.UnixNano()
		if cur, ok := newest[key]; !ok || media.CompareFragmentNumbers(f.FragmentNumber, cur.FragmentNumber) > 0 {
			newest[key] = f
		}
	}
	out := make([]Fragment, 0, len(newest))
	for _, f := range newest {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Fragment) int { return media.CompareFragmentNumbers(a.FragmentNumber, b.FragmentNumber) })
	return out
}

// copyInput copies *in so that a paginator owns its request, or returns the zero value.
func copyInput[T any](in *T) T {
	if in == nil {
		var zero T
		return zero
	}
	return *in
}
