package differential

import (
	"reflect"
	"strings"
	"time"

	"github.com/kvsgo/sdk/internal/wiretest"
)

// samples are values matching each named pattern of the validate tags.
var samples = map[string]string{
	"name":               "sample-name_1.0",
	"version":            "v1a2",
	"mediaType":          "video/h264,audio/aac",
	"kmsKeyId":           "alias/sample-key",
	"nextToken":          "c2FtcGxlLXRva2Vu",
	"messagePayload":     "c2FtcGxlIHBheWxvYWQ=",
	"tagKey":             "sample:key",
	"tagValue":           "sample value",
	"destinationUri":     "s3://sample-bucket/prefix",
	"destinationRegion":  "us-west-2",
	"scheduleExpression": "0 0 12 * * ?",
	"formatConfigValue":  "80",
	"fragmentNumber":     "91343852333181432392682062607743920146549146214",
	"continuationToken":  "91343852333181432392682062607743920146549146214",
	"base64Token":        "c2FtcGxlLXRva2Vu",
}

// Fill sets every exported field of the struct v points to, recursively, to a sample value that
// satisfies the field's validate tag. variant shifts the enum values chosen, so that two fills
// with different variants differ.
func Fill(v any, variant int) {
	fill(reflect.ValueOf(v).Elem(), "", "", variant)
}

func fill(v reflect.Value, name, tag string, variant int) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), name, tag, variant)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(wiretest.SampleTime))
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() {
				fill(v.Field(i), f.Name, f.Tag.Get("validate"), variant)
			}
		}
	case reflect.String:
		v.SetString(sampleString(v.Type(), name, tag, variant))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(sampleNumber(tag))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte("sample bytes"))
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), name, wiretest.TagSection(tag, "elem"), variant)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fill(k, name+"Key", wiretest.TagSection(tag, "key"), variant)
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, name, wiretest.TagSection(tag, "elem"), variant)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

func sampleNumber(tag string) int64 {
	var n int64 = 7
	if v, ok := wiretest.TagRule(tag, "min"); ok {
		n = max(n, atoi(v))
	}
	if v, ok := wiretest.TagRule(tag, "max"); ok {
		n = min(n, atoi(v))
	}
	return n
}

func atoi(s string) int64 {
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}

func sampleString(t reflect.Type, name, tag string, variant int) string {
	if m, ok := t.MethodByName("Values"); ok && t.PkgPath() != "" {
		values := m.Func.Call([]reflect.Value{reflect.Zero(t)})[0]
		if values.Len() > 0 {
			return values.Index(variant % values.Len()).String()
		}
	}
	if p, ok := wiretest.TagRule(tag, "pattern"); ok {
		return samples[p]
	}
	lower := strings.ToLower(name)
	switch {
	case strings.Contains(lower, "hubdevicearn"):
		return "arn:aws:iot:us-west-2:123456789012:thing/sample-thing"
	case strings.Contains(lower, "secretarn"):
		return "arn:aws:secretsmanager:us-west-2:123456789012:secret:sample-secret"
	case strings.HasSuffix(lower, "arn") || lower == "arn":
		return "arn:aws:kinesisvideo:us-west-2:123456789012:stream/sample-name/1700000000000"
	case strings.Contains(lower, "endpoint") || strings.HasSuffix(lower, "url"):
		return "https://sample.kinesisvideo.us-west-2.amazonaws.com"
	}
	return "sample-" + name
}
