package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Source is where a visitor came from: the referring site's host and the UTM tags of the
// landing URL. Values longer than 200 bytes are cut; an empty Source means direct traffic.
type Source struct {
	ReferrerHost string
	UTMSource    string
	UTMMedium    string
	UTMCampaign  string
	UTMTerm      string
	UTMContent   string
}

func (s Source) clipped() Source {
	return Source{
		ReferrerHost: Clip(s.ReferrerHost, maxSourceLen),
		UTMSource:    Clip(s.UTMSource, maxSourceLen),
		UTMMedium:    Clip(s.UTMMedium, maxSourceLen),
		UTMCampaign:  Clip(s.UTMCampaign, maxSourceLen),
		UTMTerm:      Clip(s.UTMTerm, maxSourceLen),
		UTMContent:   Clip(s.UTMContent, maxSourceLen),
	}
}

// Exposure is a visitor seeing a variant of a page. Only the first one per visitor and phase
// is kept: it is the visitor's assignment and first-touch attribution.
type Exposure struct {
	PhaseID   int64
	Page      string // the phase's page slug, passed to Hooks.NewVisitor
	VisitorID string // the pseudonymous id from the visitor's cookie, never an IP address
	Variant   string
	At        time.Time // zero means now
	Source    Source
	// RefCode is the share code of the link the visitor arrived by (?ref=), if any. A code
	// of another signup on the same page tags the visitor as referred; an unknown one is
	// ignored. Like the source, it is first touch: only the first exposure keeps it.
	RefCode string
}

type exposureJob struct {
	e   Exposure
	day string
	fp  uint64 // fingerprint in the seen-exposure table
}

func (*exposureJob) waits() bool { return false }

// RecordExposure queues e for the writer and returns at once, unless the queue is full, in
// which case it waits for room (backpressure). It is committed within about
// Options.FlushInterval. An exposure of a visitor already committed in that phase is not
// queued at all (it would change nothing). An invalid exposure, or one sent after Close, is
// dropped and counted in Dropped.
func (s *Store) RecordExposure(e Exposure) {
	if err := e.check(); err != nil {
		s.drops.add(1, "invalid exposure", err)
		return
	}
	fp := s.seen.fingerprint(e.PhaseID, e.VisitorID)
	if s.seen.has(fp) {
		return
	}
	e.At = orNow(e.At)
	e.Source = e.Source.clipped()
	if s.replica {
		if s.ship == nil {
			s.drops.add(1, "a replica with nowhere to ship exposures", ErrReplica)
			return
		}
		s.ship(e)
		s.seen.add(fp) // shipped once: the primary keeps the first view, repeats add nothing
		return
	}
	if err := s.enqueue(context.Background(), &exposureJob{e: e, day: dayOf(e.At), fp: fp}); err != nil {
		s.drops.add(1, "sent after Close", err)
	}
}

// Seen reports whether the exposure of visitorID in phaseID is already committed, in which
// case RecordExposure would not queue it. The page handler asks first, so a returning
// visitor's view skips building the exposure (its source, a clock read). A false answer
// only means "not known to be committed": RecordExposure then decides.
func (s *Store) Seen(phaseID int64, visitorID string) bool {
	return s.seen.has(s.seen.fingerprint(phaseID, visitorID))
}

func (e *Exposure) check() error {
	if e.PhaseID <= 0 {
		return invalid("exposure has no phase id; use the id EnsurePhase returned")
	}
	if err := checkID("page", e.Page); err != nil {
		return err
	}
	if err := checkID("visitor id", e.VisitorID); err != nil {
		return err
	}
	if len(e.RefCode) > maxRefCodeLen {
		e.RefCode = "" // not a code Litmus made
	}
	return checkID("variant", e.Variant)
}

// applyExposure keeps the visitor's first exposure in the phase and counts it; later ones
// change nothing.
func (b *batch) applyExposure(j *exposureJob) error {
	e := &j.e
	res, err := b.stmt(b.w.ws.insertVisitor).Exec(e.PhaseID, e.VisitorID, e.Variant, e.At.UnixMilli(),
		e.Source.ReferrerHost, e.Source.UTMSource, e.Source.UTMMedium,
		e.Source.UTMCampaign, e.Source.UTMTerm, e.Source.UTMContent)
	if isConstraint(err) { // e.g. an unknown phase: this exposure only
		b.dropped, b.dropErr = b.dropped+1, err
		return nil
	}
	if err != nil {
		return fmt.Errorf("record exposure: %w", err)
	}
	b.exposed = append(b.exposed, j.fp) // new or seen before: committed either way
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("record exposure: %w", err)
	}
	if n == 0 {
		return nil // seen before in this phase
	}
	add := tally{visitors: 1}
	if e.RefCode != "" {
		var referrer int64
		switch err := b.stmt(b.w.ws.refCodeSignup).QueryRow(e.Page, e.RefCode).Scan(&referrer); {
		case errors.Is(err, sql.ErrNoRows): // unknown or forgotten code: an ordinary visitor
		case err != nil:
			return fmt.Errorf("record exposure: %w", err)
		default:
			if _, err := b.stmt(b.w.ws.setReferredBy).Exec(referrer, e.PhaseID, e.VisitorID); err != nil {
				return fmt.Errorf("record exposure: %w", err)
			}
			add.referredVisitors = 1
		}
	}
	b.count(e.PhaseID, e.Variant, j.day, e.Source, add)
	b.events = append(b.events, event{page: e.Page, variant: e.Variant})
	return nil
}
