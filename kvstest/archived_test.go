package kvstest_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/kvsgo/sdk/archived"
	"github.com/kvsgo/sdk/kvstest"
	"github.com/kvsgo/sdk/media"
)

// twoBatches produces 10 s of media at server time t0 (producer time p0), then, a minute later
// on the server's clock, 10 s more at producer time p1. It returns the fragments of each batch.
func twoBatches(t *testing.T, p0, p1 time.Time) (*archivedEnv, *clock, []archived.Fragment, []archived.Fragment) {
	t.Helper()
	clk := newClock()
	env := newArchivedEnv(t, 24, kvstest.WithClock(clk.Now))
	sample := loadAV(t, 1)
	t0 := clk.Now()
	env.produce(t, p0, sample)
	clk.Advance(time.Minute)
	env.produce(t, p1, sample)
	server := func(from time.Time) []archived.Fragment {
		f, err := env.client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: env.name,
			Selector: archived.FragmentSelector{FragmentSelectorType: archived.FragmentSelectorTypeServerTimestamp,
				TimestampRange: archived.TimestampRange{StartTimestamp: from, EndTimestamp: from.Add(time.Second)}}})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	return env, clk, server(t0.Truncate(time.Millisecond)), server(t0.Add(time.Minute).Truncate(time.Millisecond))
}

// TestListFragmentsRanges lists by server and by producer timestamps, and checks the fields of
// each fragment.
func TestListFragmentsRanges(t *testing.T) {
	p0 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, _, first, second := twoBatches(t, p0, p0.Add(time.Hour))
	if len(first) != 5 || len(second) != 5 {
		t.Fatalf("server ranges: %d and %d fragments, want 5 and 5", len(first), len(second))
	}
	for i, f := range first {
		// The first fragment starts with the audio frame at 0 that precedes the first key
		// frame (21 ms), and lasts until its video ends; the others start at their key frames.
		want, length := p0.Add(21*time.Millisecond+time.Duration(i)*2*time.Second), int64(2000)
		if i == 0 {
			want, length = p0, 2021
		}
		if !f.ProducerTimestamp.Equal(want) || f.FragmentLengthInMilliseconds != length || f.FragmentSizeInBytes < 10000 ||
			f.ServerTimestamp.IsZero() || media.CompareFragmentNumbers(f.FragmentNumber, second[0].FragmentNumber) >= 0 {
			t.Errorf("fragment %d: %+v", i, f)
		}
	}
	// A producer range: start and end inclusive, by fragment start.
	got, err := env.client.FragmentsInRange(ctx, archived.FragmentRange{StreamName: env.name,
		Selector: producerRange(p0.Add(time.Hour+2021*time.Millisecond), p0.Add(time.Hour+6021*time.Millisecond))})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].FragmentNumber != second[1].FragmentNumber || got[2].FragmentNumber != second[3].FragmentNumber {
		t.Fatalf("producer range: %+v", got)
	}
}

// TestListFragmentsPages pages with MaxResults through the raw operation and the paginator, and
// resumes a listing from a NextToken alone.
func TestListFragmentsPages(t *testing.T) {
	p0 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, _, first, second := twoBatches(t, p0, p0.Add(time.Hour))
	all := append(first, second...)
	sel := producerRange(p0, p0.Add(2*time.Hour))
	p := archived.NewListFragmentsPaginator(env.client, &archived.ListFragmentsInput{StreamName: env.name, MaxResults: aws.Int64(3), FragmentSelector: sel})
	var sizes []int
	var listed []string
	for page, err := range p.Pages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(page.Fragments))
		for _, f := range page.Fragments {
			listed = append(listed, f.FragmentNumber)
		}
	}
	slices.SortFunc(listed, media.CompareFragmentNumbers)
	if !slices.Equal(sizes, []int{3, 3, 3, 1}) || len(listed) != 10 || listed[0] != all[0].FragmentNumber || listed[9] != all[9].FragmentNumber {
		t.Fatalf("pages of %v: %v", sizes, listed)
	}
	// A NextToken carries the selector: it alone continues the listing.
	page, err := env.client.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: env.name, MaxResults: aws.Int64(8), FragmentSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	rest, err := env.client.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: env.name, NextToken: page.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Fragments) != 8 || len(rest.Fragments) != 2 || rest.NextToken != "" {
		t.Fatalf("pages of %d and %d, next %q", len(page.Fragments), len(rest.Fragments), rest.NextToken)
	}
	_, err = env.client.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: env.name, NextToken: "Zm9yZ2Vk"})
	wantCode(t, err, "InvalidArgumentException")
	// Without a selector or a token the client refuses the call, and so does the server.
	if _, err := env.client.ListFragments(ctx, &archived.ListFragmentsInput{StreamName: env.name}); err == nil {
		t.Fatal("ListFragments without a selector or token succeeded")
	}
	if r := postData(t, env.srv, "/listFragments", `{"StreamName":"camera"}`); r.code != "InvalidArgumentException" {
		t.Fatalf("raw ListFragments without a selector: %d %s", r.status, r.code)
	}
}

// TestFragmentsInRangeSortsAndDeduplicates produces the same producer times twice: the sorted
// list has both copies in number order, the deduplicated one the newest of each.
func TestFragmentsInRangeSortsAndDeduplicates(t *testing.T) {
	p0 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, _, first, second := twoBatches(t, p0, p0)
	r := archived.FragmentRange{StreamName: env.name, Selector: producerRange(p0, p0.Add(time.Minute))}
	sorted, err := env.client.FragmentsInRange(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range sorted {
		if want := []archived.Fragment{first[i/2], second[i/2]}[i%2]; f.FragmentNumber != want.FragmentNumber {
			t.Fatalf("sorted[%d] = %s, want %s", i, f.FragmentNumber, want.FragmentNumber)
		}
	}
	r.Deduplicate, r.SortBy = true, archived.FragmentSelectorTypeServerTimestamp
	deduped, err := env.client.FragmentsInRange(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(deduped) != 5 || deduped[0].FragmentNumber != second[0].FragmentNumber || deduped[4].FragmentNumber != second[4].FragmentNumber {
		t.Fatalf("deduplicated: %+v", deduped)
	}
}

// TestGetMediaForFragmentList reads fragments in the order asked, with a missing one reported
// in its place as the service reports it, and checks the fragment-list tags.
func TestGetMediaForFragmentList(t *testing.T) {
	p0 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	env, _, first, _ := twoBatches(t, p0, p0.Add(time.Hour))
	out, err := env.client.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: env.name,
		Fragments: []string{first[3].FragmentNumber, "12345", first[0].FragmentNumber}})
	if err != nil {
		t.Fatal(err)
	}
	if out.ContentType != "video/webm" {
		t.Errorf("ContentType %q", out.ContentType)
	}
	var got []*media.Fragment
	var errs []error
	for f, err := range out.Fragments() {
		got, errs = append(got, f), append(errs, err)
	}
	var se *media.StreamError
	switch {
	case len(got) != 3:
		t.Fatalf("%d documents", len(got))
	case got[0].FragmentNumber != first[3].FragmentNumber || errs[0] != nil || stored(got[:1])["video"] != 60 ||
		got[0].ServiceTags[media.TagServerSideTimestamp] == "" || !got[0].ProducerTimestamp.Equal(first[3].ProducerTimestamp):
		t.Fatalf("first document: %+v, %v", got[0].ServiceTags, errs[0])
	case !errors.As(errs[1], &se) || se.FragmentNumber != "12345" || se.ID != 4000:
		t.Fatalf("missing fragment: %v", errs[1])
	case got[2].FragmentNumber != first[0].FragmentNumber || errs[2] != nil:
		t.Fatalf("third document: %s, %v", got[2].FragmentNumber, errs[2])
	}
	_, err = env.client.GetMediaForFragmentList(ctx, &archived.GetMediaForFragmentListInput{StreamName: "nope", Fragments: []string{"1"}})
	wantCode(t, err, "ResourceNotFoundException")
}
