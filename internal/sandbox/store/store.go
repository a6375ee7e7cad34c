// Package store is the sandbox's in-memory database, shared by the emulated
// Dashboard, Portal and Gateway so that, as in a real Tyk installation, the
// Portal's writes are visible to the Dashboard and the Gateway serves what the
// Dashboard holds. Documents are kept as decoded JSON (numbers as
// json.Number) so that whatever a client sends is stored and returned as is.
package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Doc is one stored JSON object.
type Doc = map[string]any

// Collection is an ordered map of documents by key, with optional
// secondary indexes (IndexBy) so that lookups by a field do not scan and
// copy every document: each request costs O(its answer), not O(all objects).
type Collection struct {
	mu    sync.RWMutex
	seq   int64
	docs  map[string]entry
	order []string // keys in insertion order (ListPage)
	// indexes: name → value → keys, and how to compute a document's value.
	indexes map[string]map[string]map[string]struct{}
	keyFns  map[string]func(Doc) string
}

type entry struct {
	seq int64
	doc Doc
}

func newCollection() *Collection { return &Collection{docs: map[string]entry{}} }

// IndexBy maintains an index named name on keyOf(doc) (call it before
// storing anything); ListBy reads it.
func (c *Collection) IndexBy(name string, keyOf func(Doc) string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.indexes == nil {
		c.indexes, c.keyFns = map[string]map[string]map[string]struct{}{}, map[string]func(Doc) string{}
	}
	c.indexes[name], c.keyFns[name] = map[string]map[string]struct{}{}, keyOf
	for k, e := range c.docs {
		c.addIndex(name, k, e.doc)
	}
}

func (c *Collection) addIndex(name, key string, doc Doc) {
	v := c.keyFns[name](doc)
	if c.indexes[name][v] == nil {
		c.indexes[name][v] = map[string]struct{}{}
	}
	c.indexes[name][v][key] = struct{}{}
}

func (c *Collection) unindex(key string, doc Doc) {
	for name, fn := range c.keyFns {
		v := fn(doc)
		delete(c.indexes[name][v], key)
		if len(c.indexes[name][v]) == 0 {
			delete(c.indexes[name], v)
		}
	}
}

func (c *Collection) reindex(key string, doc Doc) {
	for name := range c.keyFns {
		c.addIndex(name, key, doc)
	}
}

// Put stores a deep copy of doc under key, keeping its position if present.
// The stored copy is never changed afterwards (see Update), which is what
// lets readers copy it outside the lock.
func (c *Collection) Put(key string, doc Doc) {
	cp := Clone(doc)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.docs[key]
	if !ok {
		c.seq++
		e.seq = c.seq
		c.order = append(c.order, key)
	} else {
		c.unindex(key, e.doc)
	}
	e.doc = cp
	c.docs[key] = e
	c.reindex(key, cp)
}

// Get returns a deep copy of the document under key.
func (c *Collection) Get(key string) (Doc, bool) {
	c.mu.RLock()
	e, ok := c.docs[key]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return Clone(e.doc), true
}

// Delete removes key and reports whether it existed.
func (c *Collection) Delete(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.docs[key]
	if !ok {
		return false
	}
	c.unindex(key, e.doc)
	delete(c.docs, key)
	for i, k := range c.order {
		if k == key {
			c.order = append(c.order[:i:i], c.order[i+1:]...)
			break
		}
	}
	return true
}

// List returns deep copies of all documents in insertion order.
func (c *Collection) List() []Doc {
	c.mu.RLock()
	docs := make([]Doc, 0, len(c.order))
	for _, k := range c.order {
		docs = append(docs, c.docs[k].doc)
	}
	c.mu.RUnlock()
	out := make([]Doc, len(docs))
	for i, d := range docs {
		out[i] = Clone(d)
	}
	return out
}

// ListBy returns deep copies of the documents whose index name has value,
// in insertion order, without scanning the others.
func (c *Collection) ListBy(name, value string) []Doc {
	c.mu.RLock()
	keys := c.indexes[name][value]
	entries := make([]entry, 0, len(keys))
	for k := range keys {
		entries = append(entries, c.docs[k])
	}
	c.mu.RUnlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].seq < entries[j].seq })
	out := make([]Doc, len(entries))
	for i, e := range entries {
		out[i] = Clone(e.doc)
	}
	return out
}

// ListPage returns deep copies of the documents from offset (at most
// limit; limit <= 0: all), in insertion order, and the total count; only
// the page is copied.
func (c *Collection) ListPage(offset, limit int) ([]Doc, int) {
	c.mu.RLock()
	total := len(c.order)
	lo := min(max(offset, 0), total)
	hi := total
	if limit > 0 {
		hi = min(lo+limit, total)
	}
	docs := make([]Doc, 0, hi-lo)
	for _, k := range c.order[lo:hi] {
		docs = append(docs, c.docs[k].doc)
	}
	c.mu.RUnlock()
	for i, d := range docs {
		docs[i] = Clone(d)
	}
	return docs, total
}

// Len returns the number of documents.
func (c *Collection) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.docs)
}

// Update applies fn to a copy of the stored document and stores the copy,
// under the collection lock. A stored document is never changed in place:
// Get, List, ListBy and ListPage copy it after releasing the lock.
func (c *Collection) Update(key string, fn func(Doc)) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.docs[key]
	if !ok {
		return false
	}
	c.unindex(key, e.doc)
	e.doc = Clone(e.doc)
	fn(e.doc)
	c.docs[key] = e
	c.reindex(key, e.doc)
	return true
}

// Clone deep-copies a document as a JSON round trip would: arrays become
// []any, numbers json.Number. A document made only of those (every document
// decoded from a request or cloned before) is copied directly; one holding
// any other Go value goes through JSON.
func Clone(doc Doc) Doc {
	if doc == nil {
		return nil
	}
	if out, ok := cloneJSONValue(doc); ok {
		m, _ := out.(Doc)
		return m
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	out, err := Decode(b)
	if err != nil {
		panic(err)
	}
	return out
}

// cloneJSONValue deep-copies v if it holds only the types JSON decoding
// (with UseNumber) produces; ok is false otherwise.
func cloneJSONValue(v any) (any, bool) {
	switch x := v.(type) {
	case nil, string, bool, json.Number:
		return x, true
	case map[string]any:
		if x == nil {
			return nil, true // null
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			c, ok := cloneJSONValue(e)
			if !ok {
				return nil, false
			}
			m[k] = c
		}
		return m, true
	case []any:
		if x == nil {
			return nil, true // null
		}
		l := make([]any, len(x))
		for i, e := range x {
			c, ok := cloneJSONValue(e)
			if !ok {
				return nil, false
			}
			l[i] = c
		}
		return l, true
	}
	return nil, false
}

// Decode parses a JSON object keeping numbers as json.Number.
func Decode(b []byte) (Doc, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var d Doc
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	return d, nil
}

// ObjectID returns a new 24-hex id like MongoDB's.
func ObjectID() string {
	b := make([]byte, 12)
	ts := uint32(time.Now().Unix())
	b[0], b[1], b[2], b[3] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
	_, _ = rand.Read(b[4:])
	return hex.EncodeToString(b)
}

// RequestRecord is one request the sandbox answered.
type RequestRecord struct {
	Plane  string    `json:"plane"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Status int       `json:"status"`
	Time   time.Time `json:"time"`
	// UserAgent tells the provider's requests from the Portal's own
	// calls to the Dashboard (make bench counts the provider's).
	UserAgent string `json:"user_agent,omitempty"`
}

// Store is the whole sandbox state.
type Store struct {
	OrgID string

	// Dashboard
	Policies *Collection // by _id
	APIs     *Collection // by api_id; value is the api_definition

	// Portal (keys are decimal integer ids)
	OAuthProviders *Collection // value holds the write-only RegistrationAccessToken too
	ClientTypes    *Collection // value holds "__provider_id"
	Users          *Collection
	APIProviders   *Collection
	Products       *Collection // value holds "__client_types" ([]any of ids) and "__hidden"
	Plans          *Collection // value holds "__hidden"
	Catalogues     *Collection
	Apps           *Collection // value holds "__user_id"
	AccessRequests *Collection // value holds "__app_id", "__plan_id", "__product_ids"; Credentials inline

	seqMu sync.Mutex
	seqs  map[string]int64

	logMu      sync.Mutex
	log        []RequestRecord
	violations []string
}

// NextID returns the next integer id of a Portal kind, starting at 1.
func (s *Store) NextID(kind string) int64 {
	s.seqMu.Lock()
	defer s.seqMu.Unlock()
	s.seqs[kind]++
	return s.seqs[kind]
}

// New returns an empty store.
func New() *Store {
	s := &Store{
		OrgID:          ObjectID(),
		Policies:       newCollection(),
		APIs:           newCollection(),
		OAuthProviders: newCollection(),
		ClientTypes:    newCollection(),
		Users:          newCollection(),
		APIProviders:   newCollection(),
		Products:       newCollection(),
		Plans:          newCollection(),
		Catalogues:     newCollection(),
		Apps:           newCollection(),
		AccessRequests: newCollection(),
		seqs:           map[string]int64{},
	}
	field := func(name string) func(Doc) string {
		return func(d Doc) string {
			if v, ok := d[name]; ok && v != nil {
				return fmt.Sprint(v)
			}
			return ""
		}
	}
	s.AccessRequests.IndexBy("app", field("__app_id"))
	s.ClientTypes.IndexBy("provider", field("__provider_id"))
	s.APIs.IndexBy("id", field("id"))
	s.Apps.IndexBy("user", field("UserID"))
	s.Users.IndexBy("email", func(d Doc) string { e, _ := d["Email"].(string); return strings.ToLower(e) })
	return s
}

// Record appends a request to the log.
func (s *Store) Record(r RequestRecord) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = append(s.log, r)
}

// Requests returns a copy of the request log.
func (s *Store) Requests() []RequestRecord {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]RequestRecord(nil), s.log...)
}

// ResetRequests clears the request log.
func (s *Store) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
}

// RecordViolation notes an answer that departed from the official spec.
func (s *Store) RecordViolation(v string) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.violations = append(s.violations, v)
}

// Violations returns the answers that departed from the official spec.
func (s *Store) Violations() []string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]string(nil), s.violations...)
}
