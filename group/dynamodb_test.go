package group

import (
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// FuzzDecodeLease decodes lease items with arbitrary attribute values: it never panics, refuses
// malformed numbers with an error, and reads back what the store writes.
func FuzzDecodeLease(f *testing.F) {
	f.Add("g", "s", "w1", "3", "tok", "9100", "1700000000123", true)
	f.Add("", "", "", "-1", "", "", "x", false)
	f.Add("g", "s", "", "99999999999999999999", "", "", "0", true)
	f.Fuzz(func(t *testing.T, group, stream, owner, counter, token, fragment, producer string, asNumber bool) {
		item := key(group, stream)
		if owner != "" {
			item[attrOwner] = str(owner)
		}
		if asNumber {
			item[attrCounter] = &types.AttributeValueMemberN{Value: counter}
			item[attrProducer] = &types.AttributeValueMemberN{Value: producer}
		} else {
			item[attrCounter] = str(counter) // the wrong type
		}
		if token != "" {
			item[attrToken] = str(token)
		}
		if fragment != "" {
			item[attrFragment] = str(fragment)
		}
		l, err := decodeLease(item)
		c, cerr := strconv.ParseInt(counter, 10, 64)
		p, perr := strconv.ParseInt(producer, 10, 64)
		if !asNumber || cerr != nil || perr != nil {
			if err == nil {
				t.Fatalf("malformed item %v decoded as %+v", item, l)
			}
			return
		}
		if err != nil {
			t.Fatalf("%v: %v", item, err)
		}
		if l.Group != group || l.Stream != stream || l.Owner != owner || l.Counter != c || l.Checkpoint.ContinuationToken != token ||
			l.Checkpoint.FragmentNumber != fragment || !l.Checkpoint.ProducerTimestamp.Equal(fromMillis(p)) {
			t.Fatalf("%v decoded as %+v", item, l)
		}
		// What the store writes reads back.
		cp := Checkpoint{ContinuationToken: token, FragmentNumber: fragment, ProducerTimestamp: fromMillis(p), SavedAt: time.UnixMilli(5).UTC()}
		back := key(group, stream)
		back[attrCounter] = num(c)
		for k, v := range checkpointUpdate(cp) {
			if v != nil {
				back[k] = v
			}
		}
		l2, err := decodeLease(back)
		if err != nil || l2.Checkpoint != cp {
			t.Fatalf("checkpoint %+v reads back as %+v, %v", cp, l2.Checkpoint, err)
		}
	})
}
