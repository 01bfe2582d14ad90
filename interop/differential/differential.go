// Package differential holds the helpers of the tests that run kvsgo's clients beside the
// official AWS SDK clients: it fills kvsgo's input and output types with sample values that
// satisfy their constraints, converts them to and from the official types by field name, reduces
// any value to a comparable tree, and compares what both clients send and decode (with
// go-cmp) through a capturing [wiretest.Server].
//
// It lives in the interop module, a module of its own, so that the official clients and go-cmp
// are requirements of that module only and never reach the module graph of the SDK's users.
package differential

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/kvsgo/sdk/internal/jsonwire"
	"github.com/kvsgo/sdk/internal/wiretest"
)

// Operations returns the names of a client's operations: its methods shaped like
// Op(ctx, *OpInput, ...func(*Options)) (*OpOutput, error).
func Operations(client any) []string {
	var ops []string
	ct := reflect.TypeOf(client)
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		if m.Type.NumIn() == 4 && m.Type.NumOut() == 2 && m.Type.In(1) == reflect.TypeFor[context.Context]() {
			ops = append(ops, m.Name)
		}
	}
	return ops
}

// Clients sends the same inputs through our client and the official one, both aimed at
// Server, and compares what they send and what they decode.
type Clients struct {
	Server   *wiretest.Server // captures the requests of both clients
	Ours     any              // our client
	Official any              // the official client
	// Unsent, when set, clears the members of our filled input that are not sent (they choose an
	// endpoint, say) before it is converted to the official input.
	Unsent func(in reflect.Value)
	// Prepare, when set, changes our filled input before it is sent, so that it obeys the rules
	// its tags cannot express (the end of a time range after its start, say).
	Prepare func(op string, in reflect.Value)
}

// Requests fills the input of each operation in two variants, sends it through both clients and
// checks that the requests agree (SameRequest).
func (d Clients) Requests(t *testing.T) {
	for _, op := range Operations(d.Official) {
		t.Run(op, func(t *testing.T) {
			for variant := range 2 {
				ours, official := d.inputs(t, op, variant)
				if _, err := call(d.Ours, op, ours); err != nil {
					t.Fatalf("ours: %v", err)
				}
				if _, err := call(d.Official, op, official); err != nil {
					t.Fatalf("official: %v", err)
				}
				reqs := d.Server.Take()
				if len(reqs) != 2 {
					t.Fatalf("captured %d requests, want 2", len(reqs))
				}
				SameRequest(t, reqs[0], reqs[1])
			}
		})
	}
}

// Responses serves a fully populated output of each operation to both clients and checks that
// they decode the same values, and that ours decodes what was served. Operations whose output
// streams (see Payloads) are left out.
func (d Clients) Responses(t *testing.T) {
	for _, op := range Operations(d.Official) {
		if streams(d.Ours, op) {
			continue
		}
		t.Run(op, func(t *testing.T) {
			sample := reflect.New(reflect.ValueOf(d.Ours).MethodByName(op).Type().Out(0).Elem()).Interface()
			Fill(sample, 1)
			body, err := jsonwire.Marshal(sample)
			if err != nil {
				t.Fatal(err)
			}
			d.Server.Respond(wiretest.Response{Body: body, Header: http.Header{"Content-Type": {"application/json"}}})
			defer d.Server.Take()
			ours, official := d.inputs(t, op, 0)
			got, err := call(d.Ours, op, ours)
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			want, err := call(d.Official, op, official)
			if err != nil {
				t.Fatalf("official: %v", err)
			}
			if diff := cmp.Diff(Tree(want), Tree(got)); diff != "" {
				t.Errorf("decoded outputs differ (-official +ours):\n%s", diff)
			}
			if diff := cmp.Diff(Tree(sample), Tree(got)); diff != "" {
				t.Errorf("decoded output differs from what was served (-served +decoded):\n%s", diff)
			}
		})
	}
}

// inputs returns a filled input of ours for op and the same input as the official type.
func (d Clients) inputs(t *testing.T, op string, variant int) (ours, official reflect.Value) {
	t.Helper()
	ours = newInput(d.Ours, op)
	Fill(ours.Interface(), variant)
	if d.Prepare != nil {
		d.Prepare(op, ours)
	}
	sent := reflect.New(ours.Elem().Type())
	sent.Elem().Set(ours.Elem())
	if d.Unsent != nil {
		d.Unsent(sent)
	}
	official = newInput(d.Official, op)
	if err := Convert(official.Interface(), sent.Interface()); err != nil {
		t.Fatal(err)
	}
	return ours, official
}

// Payloads serves a media payload with a content type to both clients for each operation whose
// output streams (it has a Payload io.ReadCloser and a ContentType string), and checks that both
// return that content type and exactly those bytes.
func (d Clients) Payloads(t *testing.T) {
	payload := []byte("\x1a\x45\xdf\xa3 sample media payload \x00\x01\x02")
	for _, op := range Operations(d.Official) {
		if !streams(d.Ours, op) {
			continue
		}
		t.Run(op, func(t *testing.T) {
			d.Server.Respond(wiretest.Response{Body: payload, Header: http.Header{"Content-Type": {"video/sample"}}})
			defer d.Server.Take()
			ours, official := d.inputs(t, op, 0)
			for name, client := range map[string]any{"ours": d.Ours, "official": d.Official} {
				in := ours
				if name == "official" {
					in = official
				}
				out, err := call(client, op, in)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				v := reflect.ValueOf(out).Elem()
				body := v.FieldByName("Payload").Interface().(io.ReadCloser)
				got, err := io.ReadAll(body)
				body.Close()
				if err != nil {
					t.Fatalf("%s: reading the payload: %v", name, err)
				}
				ct := reflect.Indirect(v.FieldByName("ContentType")).String()
				if ct != "video/sample" || !bytes.Equal(got, payload) {
					t.Errorf("%s: ContentType %q, payload %q; want %q, %q", name, ct, got, "video/sample", payload)
				}
			}
		})
	}
}

// streams reports whether the output of client's op streams its payload.
func streams(client any, op string) bool {
	out := reflect.ValueOf(client).MethodByName(op).Type().Out(0).Elem()
	f, ok := out.FieldByName("Payload")
	return ok && f.Type == reflect.TypeFor[io.ReadCloser]()
}

func newInput(client any, op string) reflect.Value {
	return reflect.New(reflect.ValueOf(client).MethodByName(op).Type().In(1).Elem())
}

// call invokes client.op(context.Background(), in) and returns its output and error.
func call(client any, op string, in reflect.Value) (any, error) {
	res := reflect.ValueOf(client).MethodByName(op).Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
	err, _ := res[1].Interface().(error)
	return res[0].Interface(), err
}

// SameRequest reports where our request differs from the official client's: the request line,
// the signed headers, Content-Type and the JSON body.
func SameRequest(t testing.TB, ours, official wiretest.Captured) {
	t.Helper()
	if ours.Method != official.Method || ours.Path != official.Path {
		t.Errorf("request line: ours %s %s, official %s %s", ours.Method, ours.Path, official.Method, official.Path)
	}
	if diff := cmp.Diff(official.SignedHeaders, ours.SignedHeaders); diff != "" {
		t.Errorf("signed headers differ (-official +ours):\n%s", diff)
	}
	if g, w := ours.Header.Get("Content-Type"), official.Header.Get("Content-Type"); g != w {
		t.Errorf("Content-Type: ours %q, official %q", g, w)
	}
	var gotBody, wantBody any
	if err := json.Unmarshal(ours.Body, &gotBody); err != nil {
		t.Fatalf("our body %s: %v", ours.Body, err)
	}
	if err := json.Unmarshal(official.Body, &wantBody); err != nil {
		t.Fatalf("official body %s: %v", official.Body, err)
	}
	if diff := cmp.Diff(wantBody, gotBody); diff != "" {
		t.Errorf("bodies differ (-official +ours):\n%s", diff)
	}
}

// SameAPIError reports where our error differs from the official client's: both must be API
// errors with the same code and message, ours must be found with errors.As as target's type (a
// nil pointer of the modeled error type), and the messages must agree once the wording that
// only the official client uses is taken out ("api error " for errors its operation does not
// model, and the retry summary).
func SameAPIError(t testing.TB, ours, official, target error) {
	t.Helper()
	var ourAPI, theirAPI smithy.APIError
	if !errors.As(ours, &ourAPI) || !errors.As(official, &theirAPI) {
		t.Fatalf("not API errors: ours %v, official %v", ours, official)
	}
	if ourAPI.ErrorCode() != theirAPI.ErrorCode() || ourAPI.ErrorMessage() != theirAPI.ErrorMessage() {
		t.Errorf("ours %s/%q, official %s/%q", ourAPI.ErrorCode(), ourAPI.ErrorMessage(), theirAPI.ErrorCode(), theirAPI.ErrorMessage())
	}
	if !errors.As(ours, reflect.New(reflect.TypeOf(target)).Interface()) {
		t.Errorf("errors.As(%T) failed on %v", target, ours)
	}
	normalize := strings.NewReplacer("api error ", "", "exceeded maximum number of attempts, 1, ", "")
	if g, w := normalize.Replace(ours.Error()), normalize.Replace(official.Error()); g != w {
		t.Errorf("messages differ:\nours     %s\nofficial %s", g, w)
	}
}
