package client

import "sync"

// KeyedMutex serializes work per key (an API id, a provider id) across the
// goroutines Terraform runs resources in, without one global lock.
type KeyedMutex[K comparable] struct {
	mu    sync.Mutex
	locks map[K]*sync.Mutex
}

// Lock locks key's mutex and returns its unlock.
func (k *KeyedMutex[K]) Lock(key K) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[K]*sync.Mutex{}
	}
	m, ok := k.locks[key]
	if !ok {
		m = &sync.Mutex{}
		k.locks[key] = m
	}
	k.mu.Unlock()
	m.Lock()
	return m.Unlock
}
