package main

import (
	"context"
	"testing"
	"time"
)

// The light context is cancelled with the call's, carries none of its
// values, and is released when the call returns.
func TestLightContext(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "logger settings"))
	c, release := light(parent)
	if c.Value(key{}) != nil {
		t.Error("the light context must not carry the call's values")
	}
	cancel()
	select {
	case <-c.Done():
	case <-time.After(time.Second):
		t.Fatal("not cancelled with the call's context")
	}
	release()

	parent2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	c2, release2 := light(parent2)
	release2()
	if c2.Err() == nil {
		t.Error("released when the call returns")
	}
}
