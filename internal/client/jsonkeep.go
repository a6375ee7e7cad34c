package client

import (
	"encoding/json"
	"reflect"
)

// Extra holds the JSON fields of an object that its Go struct does not
// model, so that read-modify-write cycles send them back untouched.
type Extra map[string]json.RawMessage

// UnmarshalKeep decodes data into v (a pointer to a struct whose own
// MarshalJSON/UnmarshalJSON must not call these helpers recursively; pass an
// alias type) and stores every top-level field in *extra.
func UnmarshalKeep(data []byte, v any, extra *Extra) error {
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	all := map[string]json.RawMessage{}
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	known := jsonFieldNames(reflect.TypeOf(v).Elem())
	for k := range all {
		if known[k] {
			delete(all, k)
		}
	}
	*extra = all
	return nil
}

// MarshalKeep encodes v and adds the fields of extra that v does not set.
func MarshalKeep(v any, extra Extra) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	merged := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &merged); err != nil {
		return nil, err
	}
	known := jsonFieldNames(reflect.TypeOf(v))
	for k, raw := range extra {
		if _, set := merged[k]; set || known[k] {
			continue
		}
		merged[k] = raw
	}
	return json.Marshal(merged)
}

func jsonFieldNames(t reflect.Type) map[string]bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	names := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return names
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name := f.Name
		if tag != "" {
			if n := splitTagName(tag); n != "" {
				name = n
			}
		}
		names[name] = true
	}
	return names
}

func splitTagName(tag string) string {
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			return tag[:i]
		}
	}
	return tag
}
