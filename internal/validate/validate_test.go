package validate

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

type tier string

func (tier) Values() []tier { return []tier{"HOT", "WARM"} }

type destination struct {
	URI    string `json:"Uri" validate:"required,min=1,max=255,pattern=destinationUri"`
	Region string `json:"DestinationRegion" validate:"required,pattern=destinationRegion"`
}

type config struct {
	Tier        tier        `json:"Tier" validate:"required"`
	Destination destination `json:"Destination"`
	Width       *int32      `json:"Width" validate:"min=1,max=3840"`
}

type tag struct {
	Key   string `json:"Key" validate:"required,min=1,max=128,pattern=tagKey"`
	Value string `json:"Value" validate:"max=256,pattern=tagValue"`
}

type input struct {
	StreamName string            `json:"StreamName" validate:"required,min=1,max=256,pattern=name"`
	Version    string            `json:"CurrentVersion" validate:"min=1,max=64,pattern=version"`
	MaxResults *int32            `json:"MaxResults" validate:"min=1,max=10000"`
	Retention  int32             `json:"DataRetentionInHours" validate:"min=0"`
	Tags       map[string]string `json:"Tags" validate:"min=1,max=2;key:min=1,max=128,pattern=tagKey;elem:max=256,pattern=tagValue"`
	TagList    []tag             `json:"TagList" validate:"max=3"`
	Keys       []string          `json:"TagKeyList" validate:"min=1;elem:min=1,max=4"`
	Tiers      []tier            `json:"Tiers"`
	Config     *config           `json:"Config"`
	Inline     config            `json:"Inline"`
	Untagged   string
}

func ptr[T any](v T) *T { return &v }

func TestStruct(t *testing.T) {
	tests := []struct {
		name string
		in   input
		want []string // each a substring of one reported problem, in order
	}{
		{"valid minimal", input{StreamName: "s"}, nil},
		{"valid full", input{
			StreamName: "my-stream_1.0", Version: "abc123", MaxResults: ptr(int32(10000)),
			Tags: map[string]string{"k": "v"}, TagList: []tag{{Key: "a b", Value: ""}},
			Keys: []string{"abcd"}, Tiers: []tier{"HOT"},
			Config: &config{Tier: "WARM", Destination: destination{URI: "s3://b/p", Region: "us-west-2"}, Width: ptr(int32(1))},
		}, nil},
		{"missing required", input{}, []string{"input.StreamName: missing required value"}},
		{"name with a space", input{StreamName: "my stream"},
			[]string{`input.StreamName: "my stream" does not match the pattern name ([a-zA-Z0-9_.-]+)`}},
		{"too long", input{StreamName: strings.Repeat("a", 257)}, []string{"input.StreamName: length 257 is above the maximum 256"}},
		{"length counts characters", input{StreamName: "s", Keys: []string{"éééé"}}, nil},
		{"MaxResults 0", input{StreamName: "s", MaxResults: ptr(int32(0))}, []string{"input.MaxResults: value 0 is below the minimum 1"}},
		{"negative retention", input{StreamName: "s", Retention: -1}, []string{"input.DataRetentionInHours: value -1 is below the minimum 0"}},
		{"unknown enum", input{StreamName: "s", Config: &config{Tier: "COLD"}},
			[]string{`input.Config.Tier: "COLD" is not one of HOT, WARM`}},
		{"enum list elements", input{StreamName: "s", Tiers: []tier{"HOT", "X"}}, []string{`input.Tiers[1]: "X" is not one of HOT, WARM`}},
		{"nested required when parent present", input{StreamName: "s", Config: &config{Tier: "HOT", Destination: destination{URI: "s3://x"}}},
			[]string{"input.Config.Destination.DestinationRegion: missing required value"}},
		{"value struct checked when non-zero", input{StreamName: "s", Inline: config{Width: ptr(int32(4000))}},
			[]string{"input.Inline.Tier: missing required value", "input.Inline.Width: value 4000 is above the maximum 3840"}},
		{"map count and entries", input{StreamName: "s", Tags: map[string]string{"a": "1", "b": "2", "c": "3"}},
			[]string{"input.Tags: count 3 is above the maximum 2"}},
		{"empty map below min", input{StreamName: "s", Tags: map[string]string{}}, []string{"input.Tags: count 0 is below the minimum 1"}},
		{"map key and value", input{StreamName: "s", Tags: map[string]string{"": "a*b"}},
			[]string{`input.Tags[""]: length 0 is below the minimum 1`, `input.Tags[""]: "a*b" does not match the pattern tagValue`}},
		{"list of structs", input{StreamName: "s", TagList: []tag{{Key: "ok"}, {Key: ""}}}, []string{"input.TagList[1].Key: missing required value"}},
		{"list elements", input{StreamName: "s", Keys: []string{"abcde"}}, []string{"input.TagKeyList[0]: length 5 is above the maximum 4"}},
		{"empty list below min", input{StreamName: "s", Keys: []string{}}, []string{"input.TagKeyList: count 0 is below the minimum 1"}},
		{"every problem reported", input{StreamName: "a b", Version: "v-1"},
			[]string{"input.StreamName", "input.CurrentVersion"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Struct(&tt.in)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ipe smithy.InvalidParamsError
			if !errors.As(err, &ipe) {
				t.Fatalf("err = %v, want smithy.InvalidParamsError", err)
			}
			errs := ipe.Errs()
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(errs), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, errs[i], w)
				}
			}
		})
	}
}

func TestFieldPathsImplementSmithyInterface(t *testing.T) {
	err := Struct(&input{StreamName: "s", TagList: []tag{{}}})
	var ipe smithy.InvalidParamsError
	errors.As(err, &ipe)
	var fe smithy.InvalidParamError
	if !errors.As(ipe.Errs()[0], &fe) || fe.Field() != "input.TagList[0].Key" {
		t.Fatalf("Field() = %v", fe)
	}
	if !strings.HasPrefix(err.Error(), "1 validation error(s) found.") {
		t.Errorf("Error() = %q", err)
	}
}

func TestStructMisuse(t *testing.T) {
	if err := Struct(input{}); err == nil || !strings.Contains(err.Error(), "pointer to a struct") {
		t.Errorf("non-pointer: %v", err)
	}
	if err := Struct((*input)(nil)); err == nil || !strings.Contains(err.Error(), "input is nil") {
		t.Errorf("nil: %v", err)
	}
	type badRule struct {
		A string `validate:"longest=3"`
	}
	if err := Struct(&badRule{}); err == nil || !strings.Contains(err.Error(), `unknown rule "longest=3"`) {
		t.Errorf("bad rule: %v", err)
	}
	type badPattern struct {
		A string `validate:"pattern=nope"`
	}
	if err := Struct(&badPattern{}); err == nil || !strings.Contains(err.Error(), `unknown pattern "nope"`) {
		t.Errorf("bad pattern: %v", err)
	}
	type badSection struct {
		A string `validate:"min=1;key:max=1"`
	}
	if err := Struct(&badSection{}); err == nil || !strings.Contains(err.Error(), "does not apply") {
		t.Errorf("bad section: %v", err)
	}
}

func TestEveryPatternCompiles(t *testing.T) {
	for name := range patterns {
		if _, err := lookupPattern(name); err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkStruct(b *testing.B) {
	in := &input{StreamName: "my-stream", MaxResults: ptr(int32(10)), Tags: map[string]string{"k": "v"}}
	b.ReportAllocs()
	for b.Loop() {
		if err := Struct(in); err != nil {
			b.Fatal(err)
		}
	}
}
