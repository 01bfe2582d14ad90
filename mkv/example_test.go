package mkv_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/kvsgo/sdk/mkv"
)

// Write a live stream the way a PutMedia producer does: a header, then per
// fragment its metadata tags and a cluster of frames, each written as it
// comes.
func ExampleWriter() {
	var body bytes.Buffer // in a producer: the request body of one connection
	w, err := mkv.NewWriter(&body, mkv.WriterOptions{Tracks: []mkv.TrackEntry{{
		Number: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264,
		Video: mkv.VideoSettings{PixelWidth: 640, PixelHeight: 480},
	}}})
	if err != nil {
		log.Fatal(err)
	}
	for fragment := range 2 {
		start := int64(fragment * 2000) // ms
		if err := w.WriteTags([]mkv.Tag{{SimpleTags: []mkv.SimpleTag{{Name: "CAMERA", String: "front door"}}}}); err != nil {
			log.Fatal(err)
		}
		if err := w.StartCluster(start); err != nil {
			log.Fatal(err)
		}
		for i := range 60 {
			frame := mkv.Frame{Track: 1, Timecode: start + int64(i*100/3), Keyframe: i == 0, Data: []byte{0, 0, 0, 1, 0x65}}
			if err := w.WriteFrame(frame); err != nil {
				log.Fatal(err)
			}
		}
	}
	if err := w.EndFragment(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(body.Len(), "bytes")
	// Output: 1597 bytes
}

// Encode pieces into caller-owned buffers, without a Writer: a producer
// can keep each fragment's bytes until the service acknowledges it and
// send them again after a fresh header on a new connection.
func ExampleAppendSimpleBlock() {
	fragment := make([]byte, 0, 1<<16)
	fragment, _ = mkv.AppendClusterStart(fragment, 90_000, mkv.UnknownSize)
	fragment, _ = mkv.AppendSimpleBlock(fragment, 90_000, mkv.Frame{Track: 1, Timecode: 90_033, Keyframe: true, Data: []byte("frame")})
	fmt.Printf("% X\n", fragment)

	_, err := mkv.AppendSimpleBlock(nil, 0, mkv.Frame{Track: 1, Timecode: 40_000})
	fmt.Println(errors.Is(err, mkv.ErrTimecodeRange))
	// Output:
	// 1F 43 B6 75 FF E7 83 01 5F 90 A3 89 81 00 21 80 66 72 61 6D 65
	// true
}

// Read a GetMedia response: one document per fragment, KVS tags before
// and after each cluster.
func ExampleReader() {
	stream := getMediaLikeStream()
	r := mkv.NewReader(bytes.NewReader(stream))
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		switch ev.Kind {
		case mkv.KindDocumentStart:
			fmt.Println("fragment document")
		case mkv.KindTags:
			for _, st := range ev.Tags[0].SimpleTags {
				fmt.Printf("  %v tag %s=%s\n", ev.TagsPosition, st.Name, st.String)
			}
		case mkv.KindClusterStart:
			fmt.Printf("  cluster at %v\n", mkv.Timestamp(ev.Cluster.Timecode, r.TimecodeScale()))
		case mkv.KindFrame:
			// ev.Frame.Data is valid until the next call to Next: copy it to keep it.
			fmt.Printf("  frame track %d at %d ms, key %v, %d bytes\n", ev.Frame.Track, ev.Frame.Timecode, ev.Frame.Keyframe, len(ev.Frame.Data))
		}
	}
	// Output:
	// fragment document
	//   BeforeCluster tag AWS_KINESISVIDEO_FRAGMENT_NUMBER=91343852333181432392682062607743920146159169392
	//   cluster at 2s
	//   frame track 1 at 2000 ms, key true, 3 bytes
	//   frame track 1 at 2033 ms, key false, 3 bytes
	//   AfterCluster tag AWS_KINESISVIDEO_MILLIS_BEHIND_NOW=420
}

// getMediaLikeStream builds one fragment document as GetMedia returns it.
func getMediaLikeStream() []byte {
	b, _ := mkv.AppendHeader(nil, mkv.Info{}, []mkv.TrackEntry{{Number: 1, Type: mkv.TrackVideo, CodecID: mkv.CodecIDH264}})
	b, _ = mkv.AppendTags(b, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{
		{Name: "AWS_KINESISVIDEO_FRAGMENT_NUMBER", String: "91343852333181432392682062607743920146159169392"}}}})
	b, _ = mkv.AppendClusterStart(b, 2000, mkv.UnknownSize)
	b, _ = mkv.AppendSimpleBlock(b, 2000, mkv.Frame{Track: 1, Timecode: 2000, Keyframe: true, Data: []byte{1, 2, 3}})
	b, _ = mkv.AppendSimpleBlock(b, 2000, mkv.Frame{Track: 1, Timecode: 2033, Data: []byte{4, 5, 6}})
	b, _ = mkv.AppendTags(b, []mkv.Tag{{SimpleTags: []mkv.SimpleTag{{Name: "AWS_KINESISVIDEO_MILLIS_BEHIND_NOW", String: "420"}}}})
	return b
}

// Describe an H.264 track from the first key frame of an encoder's
// Annex-B output, and convert frames to the length-prefixed form that
// Matroska stores.
func ExampleH264Track() {
	keyFrame, err := os.ReadFile("testdata/h264-high10-176x144.h264")
	if err != nil {
		log.Fatal(err)
	}
	track, err := mkv.H264Track(1, keyFrame)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(track.CodecID, track.Video.PixelWidth, track.Video.PixelHeight, len(track.CodecPrivate))

	frame, _ := mkv.AppendLengthPrefixed(nil, []byte{0, 0, 0, 1, 0x65, 0x88, 0x84})
	fmt.Printf("key frame %v, % X\n", mkv.IsH264KeyFrame([]byte{0, 0, 0, 1, 0x65, 0x88, 0x84}), frame)
	// Output:
	// V_MPEG4/ISO/AVC 176 144 46
	// key frame true, 00 00 00 03 65 88 84
}

// Describe the audio tracks KVS accepts.
func ExampleG711Track() {
	alaw, _ := mkv.G711Track(2, mkv.WaveFormatALaw, 8000, 1)
	fmt.Println(alaw.CodecID, alaw.Audio.SamplingFrequency, len(alaw.CodecPrivate))

	adts := []byte{0xFF, 0xF1, 0x50, 0x80, 0x01, 0x1F, 0xFC, 0xAA}
	cfg, raw, _, _ := mkv.NextADTSFrame(adts)
	aac, _ := cfg.TrackEntry(3)
	fmt.Println(aac.CodecID, aac.Audio.SamplingFrequency, aac.Audio.Channels, raw)
	// Output:
	// A_MS/ACM 8000 18
	// A_AAC 44100 2 [170]
}
