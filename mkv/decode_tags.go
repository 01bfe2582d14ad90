package mkv

import (
	"errors"
	"fmt"
)

// readTags decodes a Tags element and notes whether a cluster of the
// document came before it.
func (r *Reader) readTags(h elemHeader) (Event, bool, error) {
	e, err := r.element(h)
	if err != nil {
		return Event{}, false, err
	}
	d := tagDecoder{lim: &r.lim}
	var tags []Tag
	err = walk(e, func(ch child) error {
		switch {
		case ch.id == idTag:
			t, err := d.tag(ch)
			tags = append(tags, t)
			return err
		case ch.id == idSimpleTag && len(tags) > 0:
			// A SimpleTag directly in Tags belongs to the Tag before it: the KVS producer SDK
			// writes the user's pairs of event metadata so (it grows the Tags element, not the
			// Tag, around them).
			st, err := d.simpleTag(ch, 1)
			last := &tags[len(tags)-1]
			last.SimpleTags = append(last.SimpleTags, st)
			return err
		}
		return nil
	})
	if err != nil {
		return Event{}, false, err
	}
	pos := BeforeCluster
	if r.sawCluster {
		pos = AfterCluster
	}
	return Event{Kind: KindTags, Offset: h.off, Tags: tags, TagsPosition: pos}, true, nil
}

// tagDecoder decodes the Tag elements of one Tags element, counting the
// SimpleTags against the limit.
type tagDecoder struct {
	lim   *Limits
	count int
}

func (d *tagDecoder) tag(e child) (Tag, error) {
	var t Tag
	err := walk(e, func(ch child) error {
		switch ch.id {
		case idTargets:
			return walk(ch, func(ch child) (err error) {
				switch ch.id {
				case idTargetTypeValue:
					t.Targets.TypeValue, err = uintField(ch)
				case idTargetType:
					t.Targets.Type = text(ch.data)
				case idTagTrackUID:
					var uid uint64
					uid, err = uintField(ch)
					t.Targets.TrackUIDs = append(t.Targets.TrackUIDs, uid)
				}
				return err
			})
		case idSimpleTag:
			st, err := d.simpleTag(ch, 1)
			t.SimpleTags = append(t.SimpleTags, st)
			return err
		}
		return nil
	})
	return t, err
}

func (d *tagDecoder) simpleTag(e child, depth int) (SimpleTag, error) {
	var st SimpleTag
	if depth > maxTagDepth {
		return st, &SyntaxError{Offset: e.off, ID: e.id, Err: fmt.Errorf("%w: SimpleTags nested deeper than %d", ErrTooLarge, maxTagDepth)}
	}
	if d.count++; d.count > d.lim.MaxTags {
		return st, &SyntaxError{Offset: e.off, ID: e.id, Err: fmt.Errorf("%w: more than %d SimpleTags in one Tags", ErrTooLarge, d.lim.MaxTags)}
	}
	hasName := false
	err := walk(e, func(ch child) error {
		switch ch.id {
		case idTagName:
			if len(ch.data) > d.lim.MaxTagName {
				return &SyntaxError{Offset: ch.off, ID: ch.id, Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(ch.data), d.lim.MaxTagName)}
			}
			st.Name, hasName = text(ch.data), true
		case idTagLanguage:
			st.Language = text(ch.data)
		case idTagString:
			st.String = text(ch.data)
		case idTagBinary:
			st.Binary = clone(ch.data)
		case idSimpleTag:
			n, err := d.simpleTag(ch, depth+1)
			st.Nested = append(st.Nested, n)
			return err
		}
		return nil
	})
	if err == nil && !hasName {
		err = &SyntaxError{Offset: e.off, ID: e.id, Err: errors.New("SimpleTag without a TagName")}
	}
	return st, err
}
