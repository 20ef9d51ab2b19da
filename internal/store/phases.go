package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Phase is one definition of a page (its variants, weights and pass bar, as JSON) and the
// time it went live. Results are always per phase: changing how visitors are split must not
// mix the numbers from before with those after.
type Phase struct {
	ID         int64
	Page       string
	Number     int    // 1 for the page's first phase, 2 for the next, ...
	Hash       string // identifies the definition; equal hashes mean the same experiment
	Definition []byte // JSON, as given to EnsurePhase
	StartedAt  time.Time
	Note       string    // the founder's note: what the phase taught, what comes next
	NoteAt     time.Time // when the note was last written; zero when there is none

	// Set by EnsurePhase only: what it did, and the definition it replaced (for the
	// PhaseStarted and PhaseRedefined outcomes), so a reload can say why.
	Outcome  PhaseOutcome
	Replaced []byte
}

// PhaseOutcome is what EnsurePhase did with a page's definition.
type PhaseOutcome int

// The outcomes of EnsurePhase.
const (
	PhaseUnchanged PhaseOutcome = iota // the latest phase already has this definition
	PhaseFirst                         // the page had no phase: its first one started
	PhaseStarted                       // the definition changed after visitors: a new phase started
	PhaseRedefined                     // the definition changed before any visitor: same phase, new definition
)

// EnsurePhase returns the current phase of page for the definition with the given hash,
// starting one if needed. Call it when pages are loaded; pass the returned ID with every
// exposure and signup.
//
//   - Same hash as the page's latest phase: that phase, unchanged.
//   - Different hash, and the latest phase has no visitors yet: that phase is updated in
//     place (same ID) and its StartedAt reset to now, because the experiment, as defined,
//     starts now; edits before launch do not pile up empty phases.
//   - Different hash after visitors arrived: a new phase starts now; the old one and its
//     numbers are kept as they are.
//
// It goes through the writer, so it is ordered with the exposures queued before it.
func (s *Store) EnsurePhase(ctx context.Context, page, hash string, definition []byte) (Phase, error) {
	if err := checkID("page", page); err != nil {
		return Phase{}, err
	}
	if err := checkID("phase hash", hash); err != nil {
		return Phase{}, err
	}
	if len(definition) > maxDefinition {
		return Phase{}, invalid("the definition of page %s is %d bytes; at most %d are allowed", page, len(definition), maxDefinition)
	}
	if !json.Valid(definition) {
		return Phase{}, invalid("the definition of page %s is not valid JSON", page)
	}
	if s.replica {
		return s.ensurePhaseReplica(ctx, page, hash)
	}
	now := s.now()
	def := string(definition)
	return submit(ctx, s, "ensure phase", func(b *batch) (Phase, error) {
		p, err := b.ensurePhase(page, hash, def, now)
		if err != nil {
			return Phase{}, fmt.Errorf("store: ensure phase of page %s: %w", page, err)
		}
		return p, nil
	})
}

func (b *batch) ensurePhase(page, hash, def string, now time.Time) (Phase, error) {
	ws := b.w.ws
	p := Phase{Page: page, Hash: hash, Definition: []byte(def), StartedAt: time.UnixMilli(now.UnixMilli())}
	var (
		latestHash, latestDef string
		started               int64
	)
	err := b.stmt(ws.latestPhase).QueryRow(page).Scan(&p.ID, &latestHash, &latestDef, &started)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		p.Outcome = PhaseFirst
		return b.insertPhase(p)
	case err != nil:
		return Phase{}, err
	case latestHash == hash:
		p.Definition, p.StartedAt = []byte(latestDef), time.UnixMilli(started)
		return b.numbered(p)
	}
	p.Replaced = []byte(latestDef)
	var hasVisitors bool
	if err := b.stmt(ws.phaseHasVisitors).QueryRow(p.ID).Scan(&hasVisitors); err != nil {
		return Phase{}, err
	}
	if hasVisitors {
		p.Outcome = PhaseStarted
		return b.insertPhase(p)
	}
	p.Outcome = PhaseRedefined
	if _, err := b.stmt(ws.updatePhase).Exec(hash, def, p.StartedAt.UnixMilli(), p.ID); err != nil {
		return Phase{}, err
	}
	return b.numbered(p)
}

// numbered fills in p's number and note from the database.
func (b *batch) numbered(p Phase) (Phase, error) {
	var noteAt int64
	if err := b.stmt(b.w.ws.phaseNumber).QueryRow(p.ID).Scan(&p.Number, &p.Note, &noteAt); err != nil {
		return Phase{}, err
	}
	if noteAt != 0 {
		p.NoteAt = time.UnixMilli(noteAt)
	}
	return p, nil
}

func (b *batch) insertPhase(p Phase) (Phase, error) {
	res, err := b.stmt(b.w.ws.insertPhase).Exec(p.Page, p.Hash, string(p.Definition), p.StartedAt.UnixMilli())
	if err != nil {
		return Phase{}, err
	}
	if p.ID, err = res.LastInsertId(); err != nil {
		return Phase{}, err
	}
	return b.numbered(p)
}

// Phases returns the phases of page, newest first; the first is the current one.
func (s *Store) Phases(ctx context.Context, page string) ([]Phase, error) {
	rows, err := s.rs.phases.QueryContext(ctx, page)
	if err != nil {
		return nil, fmt.Errorf("store: phases of %s: %w", page, err)
	}
	defer rows.Close()
	var list []Phase
	for rows.Next() {
		var (
			p               Phase
			def             string
			started, noteAt int64
		)
		if err := rows.Scan(&p.ID, &p.Page, &p.Hash, &def, &started, &p.Note, &noteAt); err != nil {
			return nil, fmt.Errorf("store: phases of %s: %w", page, err)
		}
		p.Definition, p.StartedAt = []byte(def), time.UnixMilli(started)
		if noteAt != 0 {
			p.NoteAt = time.UnixMilli(noteAt)
		}
		list = append(list, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: phases of %s: %w", page, err)
	}
	for i := range list {
		list[i].Number = len(list) - i
	}
	return list, nil
}

// PageSlugs returns every page that has a test phase in the database, in order.
func (s *Store) PageSlugs(ctx context.Context) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT DISTINCT page FROM phases ORDER BY page`)
	if err != nil {
		return nil, fmt.Errorf("store: pages: %w", err)
	}
	defer rows.Close()
	var slugs []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("store: pages: %w", err)
		}
		slugs = append(slugs, p)
	}
	return slugs, rows.Err()
}

// MaxNoteLen is the longest note a phase keeps, in characters: a few paragraphs.
const MaxNoteLen = 4000

// SetPhaseNote replaces the note of page's phase number n (1 = the first) and returns the
// phase. The note says what the phase taught and what the founder will do next; an empty
// note removes it. It fails with ErrInvalid for a note too long or not text, and with
// ErrNotFound when the page has no phase n.
func (s *Store) SetPhaseNote(ctx context.Context, page string, n int, note string) (Phase, error) {
	if err := checkID("page", page); err != nil {
		return Phase{}, err
	}
	if !utf8.ValidString(note) || strings.ContainsRune(note, 0) {
		return Phase{}, invalid("the note is not plain text")
	}
	if c := utf8.RuneCountInString(note); c > MaxNoteLen {
		return Phase{}, invalid("the note is %d characters long; at most %d are kept", c, MaxNoteLen)
	}
	now := s.now()
	return submit(ctx, s, "set phase note", func(b *batch) (Phase, error) {
		var id int64
		err := b.stmt(b.w.ws.phaseByNumber).QueryRow(page, n).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) || n < 1 {
			return Phase{}, fmt.Errorf("store: %w: page %s has no phase %d", ErrNotFound, page, n)
		}
		if err != nil {
			return Phase{}, fmt.Errorf("store: set note of %s phase %d: %w", page, n, err)
		}
		at := now.UnixMilli()
		if note == "" {
			at = 0
		}
		if _, err := b.stmt(b.w.ws.setNote).Exec(note, at, id); err != nil {
			return Phase{}, fmt.Errorf("store: set note of %s phase %d: %w", page, n, err)
		}
		p, err := b.numbered(Phase{ID: id, Page: page})
		if err != nil {
			return Phase{}, fmt.Errorf("store: set note of %s phase %d: %w", page, n, err)
		}
		return p, nil
	})
}
