package store

import (
	"encoding/binary"
	"hash/maphash"
	"sync/atomic"
)

// seenSlots is the size of the seen-exposure table: 2^17 entries of 8 bytes, 1 MiB. When it
// is full, a new fingerprint overwrites an old one, which only means that visitor's next view
// is queued again (and ignored by the database, as before the table existed).
const seenSlots = 1 << 17

// seenExposures remembers (phase, visitor) pairs whose exposure is committed, so a returning
// visitor's page view is not queued at all: most views are repeats, and each one queued cost
// the writer an INSERT that changed nothing (bench/RESULTS.md, about 12% of the CPU of a
// returning view). Only committed exposures enter the table, so what is stored is exactly
// what it was without it. A fingerprint is 64 bits of a keyed hash with a per-process random
// seed; a false match needs a full 64-bit collision in the same slot.
type seenExposures struct {
	seed  maphash.Seed
	slots [seenSlots]atomic.Uint64
}

func newSeenExposures() *seenExposures { return &seenExposures{seed: maphash.MakeSeed()} }

// fingerprint of (phase, visitor); never 0, which marks an empty slot.
func (s *seenExposures) fingerprint(phase int64, visitor string) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(phase))
	h.Write(b[:])
	h.WriteString(visitor)
	if fp := h.Sum64(); fp != 0 {
		return fp
	}
	return 1
}

func (s *seenExposures) has(fp uint64) bool { return s.slots[fp%seenSlots].Load() == fp }

func (s *seenExposures) add(fp uint64) { s.slots[fp%seenSlots].Store(fp) }
