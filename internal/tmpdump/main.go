package main

import (
	"fmt"
	"io"
	"os"

	"github.com/kvsgo/sdk/mkv"
)

func main() {
	f, _ := os.Open(os.Args[1])
	r := mkv.NewReader(f, mkv.ReaderOptions{})
	frames := 0
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("ERR", err)
			return
		}
		switch ev.Kind {
		case mkv.KindFrame:
			frames++
			continue
		case mkv.KindTags:
			for _, t := range ev.Tags {
				for _, st := range t.SimpleTags {
					fmt.Printf("  tag %s %s=%q nested=%d\n", ev.TagsPosition, st.Name, st.String, len(st.Nested))
				}
			}
		case mkv.KindClusterStart, mkv.KindClusterEnd:
			fmt.Println(ev.Kind, ev.Cluster.Timecode, "frames so far", frames)
		case mkv.KindTracks:
			for _, t := range ev.Tracks {
				fmt.Println("  track", t.Number, t.CodecID, len(t.CodecPrivate))
			}
		default:
			fmt.Println(ev.Kind, ev.Offset)
		}
	}
}
