package mkv

import (
	"errors"
	"fmt"
)

// readTracks decodes a Tracks element.
func (r *Reader) readTracks(h elemHeader) (Event, bool, error) {
	e, err := r.element(h)
	if err != nil {
		return Event{}, false, err
	}
	var tracks []TrackEntry
	err = walk(e, func(ch child) error {
		if ch.id != idTrackEntry {
			return nil
		}
		if len(tracks) == r.lim.MaxTracks {
			return &SyntaxError{Offset: ch.off, ID: ch.id, Err: fmt.Errorf("%w: more than %d TrackEntries", ErrTooLarge, r.lim.MaxTracks)}
		}
		t, err := r.trackEntry(ch)
		tracks = append(tracks, t)
		return err
	})
	if err != nil {
		return Event{}, false, err
	}
	return Event{Kind: KindTracks, Offset: h.off, Tracks: tracks}, true, nil
}

func (r *Reader) trackEntry(e child) (TrackEntry, error) {
	var t TrackEntry
	err := walk(e, func(ch child) (err error) {
		switch ch.id {
		case idTrackNumber:
			t.Number, err = uintField(ch)
		case idTrackUID:
			t.UID, err = uintField(ch)
		case idTrackType:
			var v uint64
			if v, err = uintField(ch); err == nil && v > 0xFF {
				err = &SyntaxError{Offset: ch.off, ID: ch.id, Err: fmt.Errorf("TrackType %d", v)}
			}
			t.Type = TrackType(v)
		case idDefaultDuration:
			t.DefaultDuration, err = uintField(ch)
		case idName:
			t.Name = text(ch.data)
		case idCodecID:
			t.CodecID = text(ch.data)
		case idCodecPrivate:
			if len(ch.data) > r.lim.MaxCodecPrivate {
				return &SyntaxError{Offset: ch.off, ID: ch.id,
					Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(ch.data), r.lim.MaxCodecPrivate)}
			}
			t.CodecPrivate = clone(ch.data)
		case idVideo:
			err = walk(ch, func(ch child) (err error) {
				switch ch.id {
				case idPixelWidth:
					t.Video.PixelWidth, err = uintField(ch)
				case idPixelHeight:
					t.Video.PixelHeight, err = uintField(ch)
				}
				return err
			})
		case idAudio:
			a := &t.Audio
			*a = AudioSettings{SamplingFrequency: 8000, Channels: 1}
			err = walk(ch, func(ch child) (err error) {
				switch ch.id {
				case idSamplingFrequency:
					if len(ch.data) > 0 {
						a.SamplingFrequency, err = floatField(ch)
					}
				case idChannels:
					err = uintDefault(ch, &a.Channels)
				case idBitDepth:
					a.BitDepth, err = uintField(ch)
				}
				return err
			})
		}
		return err
	})
	if err == nil && t.Number == 0 {
		err = &SyntaxError{Offset: e.off, ID: e.id, Err: errors.New("TrackEntry without a TrackNumber")}
	}
	return t, err
}
