// Package jsonwire encodes and decodes the JSON documents of the AWS restJson1 protocol as the
// Kinesis Video Streams services speak it.
//
// It differs from encoding/json where the protocol does:
//   - time.Time values are epoch seconds (a JSON number with a fractional part when the time is
//     not a whole second), and numbers, numeric strings and RFC 3339 strings are accepted back;
//   - object keys match struct field names exactly (restJson1 member names are case-sensitive);
//   - map keys are written in sorted order so that the same value always gives the same bytes.
//
// Struct fields are named by their `json` tag (or the Go field name) and the `omitzero` option
// leaves out zero values (for time.Time, the zero instant). Unknown object keys are skipped, so
// responses may grow new members without breaking older clients. Nesting deeper than MaxDepth
// and malformed documents are reported as *SyntaxError with the byte offset of the problem.
//
// Codecs are built once per type and cached, so encoding and decoding do not use reflection to
// discover fields on the hot path.
package jsonwire
