// Package mkv is a streaming Matroska (EBML) codec for Kinesis Video
// Streams, with the codec-private helpers a producer needs. It has no
// AWS dependency.
//
// # Writing
//
// A PutMedia body is one Matroska stream: an EBML header, a Segment of
// unknown size, [Info] and Tracks (together, the header), then for each
// fragment an optional Tags element of fragment metadata and a [Cluster] of
// SimpleBlocks. Every piece has an append-style encoder that writes into
// a caller-owned []byte and allocates nothing when the slice has room:
// [AppendHeader], [AppendTags], [AppendClusterStart], [AppendSimpleBlock] and
// [AppendEndOfFragment]. A producer can thus keep each fragment's bytes
// until the service acknowledges it and send them again, after a fresh
// header, on a new connection.
//
// [Writer] is the convenience on top of the same functions: it writes the
// header before the first element and each frame as soon as it is given,
// inside clusters of unknown size (or, with KnownSizeClusters, buffers
// each cluster and writes it with its size). Reset points it at a new
// connection. Timecodes are in TimecodeScale units (1 ms by default): a
// cluster's is absolute, a block's is stored as a signed 16-bit offset
// from it, and a frame beyond that range is an error ([ErrTimecodeRange]),
// never a wrap. EndFragment closes a fragment the way the KVS producer
// SDK does after a pause, with a Tags element holding the [SimpleTag]
// AWS_KINESISVIDEO_END_OF_FRAGMENT.
//
// The output is the shortest a streaming writer can make: sizes take the
// fewest octets, unknown sizes one octet (0xFF), integers their
// significant bytes and floats 4 bytes when exact; no Void, SeekHead or
// Cues. The header keeps every field the caller set, and a zero integer
// takes one octet rather than none (an empty integer would mean the
// element's default, which is not always zero).
//
// # Reading
//
// [Reader] decodes a byte stream pulled through Next, one [Event] at a time,
// until io.EOF. It accepts what GetMedia and GetMediaForFragmentList
// return, documents back to back (EBML header and unknown-size Segment
// per fragment), which ffprobe and mkvinfo cannot read past the first,
// as well as PutMedia bodies and ordinary files: known and unknown sizes
// (an unknown-size Cluster or Segment ends where an element of the same
// or a higher level starts), SimpleBlock and BlockGroup, Xiph, EBML and
// fixed lacing, Void and CRC-32 (verified on the master elements read
// whole: the EBML header, Info, Tracks, Tags, BlockGroup and their
// children; skipped inside Segment and Cluster, which are streamed),
// sizes of up to 8 octets. SeekHead, Cues, Chapters, Attachments and
// unknown elements are skipped by their size.
//
// The events of a document are DocumentStart, then in stream order Info,
// Tracks, Tags (with whether a cluster of the document came before them,
// as KVS puts FRAGMENT_NUMBER before and MILLIS_BEHIND_NOW after the
// cluster), ClusterStart (with the cluster's timecode), [Frame] (track,
// absolute timecode, key frame flag, data) and ClusterEnd, and finally
// DocumentEnd. Each carries the stream offset of its element.
//
// The Reader reads only when the element it decodes needs more bytes and
// takes what one Read returns, so on a live connection a frame comes out
// as soon as its block has arrived.
//
// # Buffer lifetimes
//
// Frame.Data aliases the Reader's internal buffer and is valid only until
// the next call to Next; copy it to keep it. Everything else an Event
// holds ([Header], Info, Tracks, Tags and their strings and byte slices) is
// freshly allocated and belongs to the caller. In steady state reading a
// frame allocates nothing. The Append functions never keep the slices
// they are given.
//
// # Hostile input
//
// Every size read from the input is checked against [Limits] before any
// allocation (by default 64 MiB for an element held in memory, 1 MiB for
// a CodecPrivate, 4 KiB for a tag name, 4096 SimpleTags per Tags, 64
// tracks), nesting is bounded, and malformed or truncated input gives a
// *[SyntaxError] with the offset and ID of the element at fault; errors are
// sticky. Errors of the underlying reader are returned unchanged.
//
// # Codec helpers
//
// For H.264 and H.265: key frame detection from NAL unit types
// ([IsH264KeyFrame], [IsH265KeyFrame]), Annex-B to 4-byte length-prefixed
// conversion and back ([AppendLengthPrefixed], [AppendAnnexB]), parameter set
// extraction and decoder configuration records, correct for the High and
// 10-bit profiles ([H264Config], [H265Config]), picture size from the SPS,
// and a [TrackEntry] from the first key frame alone ([H264Track], [H265Track]).
// For AAC: ADTS splitting and the AudioSpecificConfig ([NextADTSFrame],
// [AACConfig], [AACTrack]). For G.711 A-law and µ-law: A_MS/ACM tracks with
// their WAVEFORMATEX ([G711Track], [WaveFormat]); for PCM: [PCMTrack]. The
// configurations expose parameter sets, object type and sample rate in
// the form github.com/Eyevinn/mp4ff takes them, for building MP4 files
// from stored frames.
package mkv
