package mkv

// Element IDs, written with their VINT marker bits as they appear on the
// wire (RFC 8794 for the EBML header and global elements, RFC 9559 for
// Matroska). Only the elements this package reads or writes are listed;
// everything else is skipped by size.
const (
	idEBML               = 0x1A45DFA3
	idEBMLVersion        = 0x4286
	idEBMLReadVersion    = 0x42F7
	idEBMLMaxIDLength    = 0x42F2
	idEBMLMaxSizeLength  = 0x42F3
	idDocType            = 0x4282
	idDocTypeVersion     = 0x4287
	idDocTypeReadVersion = 0x4285

	idVoid  = 0xEC
	idCRC32 = 0xBF

	idSegment     = 0x18538067
	idSeekHead    = 0x114D9B74
	idInfo        = 0x1549A966
	idTracks      = 0x1654AE6B
	idCluster     = 0x1F43B675
	idCues        = 0x1C53BB6B
	idChapters    = 0x1043A770
	idAttachments = 0x1941A469
	idTags        = 0x1254C367

	idSegmentUID    = 0x73A4
	idTimecodeScale = 0x2AD7B1
	idDuration      = 0x4489
	idTitle         = 0x7BA9
	idMuxingApp     = 0x4D80
	idWritingApp    = 0x5741

	idTrackEntry        = 0xAE
	idTrackNumber       = 0xD7
	idTrackUID          = 0x73C5
	idTrackType         = 0x83
	idDefaultDuration   = 0x23E383
	idName              = 0x536E
	idCodecID           = 0x86
	idCodecPrivate      = 0x63A2
	idVideo             = 0xE0
	idPixelWidth        = 0xB0
	idPixelHeight       = 0xBA
	idAudio             = 0xE1
	idSamplingFrequency = 0xB5
	idChannels          = 0x9F
	idBitDepth          = 0x6264

	idTimecode       = 0xE7
	idSimpleBlock    = 0xA3
	idBlockGroup     = 0xA0
	idBlock          = 0xA1
	idBlockDuration  = 0x9B
	idReferenceBlock = 0xFB

	idTag             = 0x7373
	idTargets         = 0x63C0
	idTargetTypeValue = 0x68CA
	idTargetType      = 0x63CA
	idTagTrackUID     = 0x63C5
	idSimpleTag       = 0x67C8
	idTagName         = 0x45A3
	idTagLanguage     = 0x447A
	idTagDefault      = 0x4484
	idTagString       = 0x4487
	idTagBinary       = 0x4485
)

// endsUnknownCluster reports whether an element with this ID, met inside a
// Cluster of unknown size, closes that Cluster: the EBML header and the
// Segment (a new document), and every child of Segment (level 1).
func endsUnknownCluster(id uint32) bool {
	switch id {
	case idEBML, idSegment, idSeekHead, idInfo, idTracks, idCluster,
		idCues, idChapters, idAttachments, idTags:
		return true
	}
	return false
}

// elementName names the elements this package knows, for error messages.
func elementName(id uint32) string {
	switch id {
	case idEBML:
		return "EBML header"
	case idSegment:
		return "Segment"
	case idSeekHead:
		return "SeekHead"
	case idInfo:
		return "Info"
	case idTracks:
		return "Tracks"
	case idCluster:
		return "Cluster"
	case idCues:
		return "Cues"
	case idChapters:
		return "Chapters"
	case idAttachments:
		return "Attachments"
	case idTags:
		return "Tags"
	case idTrackEntry:
		return "TrackEntry"
	case idCodecPrivate:
		return "CodecPrivate"
	case idTimecode:
		return "Timecode"
	case idSimpleBlock:
		return "SimpleBlock"
	case idBlockGroup:
		return "BlockGroup"
	case idBlock:
		return "Block"
	case idTag:
		return "Tag"
	case idSimpleTag:
		return "SimpleTag"
	case idTagName:
		return "TagName"
	case idVoid:
		return "Void"
	case idCRC32:
		return "CRC-32"
	}
	return ""
}
