package wire

import "time"

// Start returns when the transcript started: each entry happened at Start
// plus its At. The zero time for a nil transcript.
func (t *Transcript) Start() time.Time {
	if t == nil {
		return time.Time{}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.start
}
