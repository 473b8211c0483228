package fakesdk

import "sync"

// Session is a fake library's initialised state: Init opens it, Shutdown
// closes it, and every call is refused while it is closed, as the real
// library refuses calls before its init.
type Session struct {
	mu   sync.Mutex
	open bool
}

// Open starts the session (Init); opening an open one is no error, as with
// the vendors' libraries.
func (s *Session) Open() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open = true
}

// Close ends the session (Shutdown) and says whether it was open.
func (s *Session) Close() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	was := s.open
	s.open = false
	return was
}

// IsOpen says whether calls are served.
func (s *Session) IsOpen() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

// Refuse is the code a call on device index of count devices returns:
// uninit while the session is closed, unknown for an index out of range,
// ok otherwise. Vendors pass their own codes, so the fake fails as the
// library does.
func Refuse[C any](s *Session, index, count int, ok, uninit, unknown C) C {
	switch {
	case !s.IsOpen():
		return uninit
	case index < 0 || index >= count:
		return unknown
	}
	return ok
}

// Init opens the session; a fake embeds Session for its Init and Shutdown
// where the library's own never fail.
func (s *Session) Init() error {
	s.Open()
	return nil
}

// Shutdown closes the session.
func (s *Session) Shutdown() error {
	s.Close()
	return nil
}
