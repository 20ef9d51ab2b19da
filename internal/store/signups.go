package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	emailpkg "github.com/litmuslabs/litmus/internal/email"
)

// Signup is a visitor's submitted form.
type Signup struct {
	PhaseID   int64
	Page      string
	Email     string            // stored as given; one signup per email.Key per page
	VisitorID string            // the visitor cookie's id; empty when the visitor has none
	Variant   string            // the variant the form was on; see InsertSignup for which is credited
	Fields    map[string]string // the other form fields, by name
	At        time.Time         // zero means now
	// Source is kept only when the visitor has no exposure in the phase; otherwise the
	// exposure's first-touch source is copied.
	Source Source
	// ConfirmLinkBase, when set (the page has double opt-in), queues a confirmation mail in
	// the signup's own transaction; it is the scheme://host the mailed link points at.
	ConfirmLinkBase string
}

// SignupResult says what InsertSignup stored.
type SignupResult struct {
	ID        int64  // the stored signup; for a duplicate or a repeat, the one already kept
	Duplicate bool   // the email had already signed up on this page in this phase: nothing new was stored
	Repeat    bool   // the email had signed up in an earlier phase: recorded as a signup of this phase
	Counted   bool   // the signup counts in the conversion rate
	Variant   string // the variant the signup is credited to
	Referred  bool   // the visitor arrived through another signup's share link
}

// InsertSignup stores su and returns only once the transaction holding it has committed to
// disk: a nil error is the acknowledgement the visitor may be shown.
//
// The same email on the same page is stored once: the contact keeps its first signup's
// phase, fields and source. Signing up again in the same phase is a Duplicate. Signing up
// again in a later phase is a Repeat: a conversion of that phase, recorded in
// repeat_signups (at most once per phase) and counted by the same rule as a first signup,
// so each phase's rate counts every person it convinced. A stored signup is Counted
// only if its visitor has an exposure in the phase and had not converted before, and it is
// then credited to the exposure's variant (the one the visitor was assigned) whatever the
// form says; a signup without an exposure keeps su.Variant. Either way the visitor's
// first-touch source is copied from the exposure.
//
// If ctx ends while the signup is still queued it is withdrawn and nothing is stored. Once
// the writer has taken it, InsertSignup waits for that commit (one transaction), so an
// error always means the signup was not stored.
func (s *Store) InsertSignup(ctx context.Context, su Signup) (SignupResult, error) {
	rec, err := newSignupRecord(su)
	if err != nil {
		return SignupResult{}, err
	}
	return submit(ctx, s, "insert signup", func(b *batch) (SignupResult, error) {
		res, err := b.insertSignup(&rec)
		if err != nil {
			return SignupResult{}, fmt.Errorf("store: insert signup on page %s: %w", su.Page, err)
		}
		return res, nil
	})
}

// signupRecord is a checked Signup ready for the writer.
type signupRecord struct {
	Signup
	fields  string // JSON object
	day     string
	key     string // email.Key(Email)
	refCode string
}

func newSignupRecord(su Signup) (signupRecord, error) {
	if su.PhaseID <= 0 {
		return signupRecord{}, invalid("signup has no phase id; use the id EnsurePhase returned")
	}
	if err := checkID("page", su.Page); err != nil {
		return signupRecord{}, err
	}
	if err := checkEmail(su.Email); err != nil {
		return signupRecord{}, err
	}
	if su.VisitorID != "" {
		if err := checkID("visitor id", su.VisitorID); err != nil {
			return signupRecord{}, err
		}
	}
	if err := checkID("variant", su.Variant); err != nil {
		return signupRecord{}, err
	}
	fields, err := encodeFields(su.Fields)
	if err != nil {
		return signupRecord{}, err
	}
	su.At = orNow(su.At)
	su.Source = su.Source.clipped()
	su.Fields = nil // encoded in fields
	if len(su.ConfirmLinkBase) > maxURLLen {
		return signupRecord{}, invalid("confirmation link base is %d bytes; at most %d", len(su.ConfirmLinkBase), maxURLLen)
	}
	return signupRecord{Signup: su, fields: fields, day: dayOf(su.At), key: emailpkg.Key(su.Email), refCode: newRefCode()}, nil
}

func checkEmail(email string) error {
	switch {
	case email == "":
		return invalid("email is empty")
	case len(email) > maxEmailLen:
		return invalid("email is %d bytes long; at most %d are allowed", len(email), maxEmailLen)
	case !utf8.ValidString(email):
		return invalid("email is not valid UTF-8 text")
	}
	return nil
}

func encodeFields(fields map[string]string) (string, error) {
	if len(fields) > maxFields {
		return "", invalid("signup has %d extra fields; at most %d are kept", len(fields), maxFields)
	}
	for name := range fields {
		if name == "" || len(name) > maxFieldNameLen || !utf8.ValidString(name) {
			return "", invalid("field name %q must be 1 to %d bytes of text", Clip(name, maxFieldNameLen), maxFieldNameLen)
		}
	}
	if len(fields) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(fields) // sorted keys: the same fields give the same text
	if err != nil {
		return "", fmt.Errorf("store: encode signup fields: %w", err)
	}
	if len(b) > maxFieldsJSON {
		return "", invalid("signup fields are %d bytes; at most %d are kept", len(b), maxFieldsJSON)
	}
	return string(b), nil
}

func (b *batch) insertSignup(r *signupRecord) (SignupResult, error) {
	ws := b.w.ws
	var phasePage string
	err := b.stmt(ws.phasePage).QueryRow(r.PhaseID).Scan(&phasePage)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return SignupResult{}, invalid("phase %d does not exist; use the id EnsurePhase returned", r.PhaseID)
	case err != nil:
		return SignupResult{}, err
	case phasePage != r.Page:
		return SignupResult{}, invalid("phase %d belongs to page %s, not %s", r.PhaseID, phasePage, r.Page)
	}

	// The visitor's exposure in this phase decides the variant credited, the source and
	// whether the signup counts.
	variant, src, counted := r.Variant, r.Source, false
	var referredBy sql.NullInt64
	if r.VisitorID != "" {
		var (
			v           string
			vs          Source
			unconverted bool
			ref         sql.NullInt64
		)
		err := b.stmt(ws.visitorOfSignup).QueryRow(r.PhaseID, r.VisitorID).Scan(&v, &unconverted,
			&vs.ReferrerHost, &vs.UTMSource, &vs.UTMMedium, &vs.UTMCampaign, &vs.UTMTerm, &vs.UTMContent, &ref)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return SignupResult{}, err
		default:
			variant, src, counted, referredBy = v, vs, unconverted, ref
		}
	}

	res, err := b.stmt(ws.insertSignup).Exec(r.PhaseID, r.Page, r.Email, r.key, r.VisitorID, variant, r.fields,
		r.At.UnixMilli(), counted, src.ReferrerHost, src.UTMSource, src.UTMMedium,
		src.UTMCampaign, src.UTMTerm, src.UTMContent, r.refCode, referredBy)
	if err != nil {
		return SignupResult{}, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return SignupResult{}, err
	}
	var id int64
	repeat := false
	if n == 0 { // the email already signed up on this page
		var firstPhase int64
		if err := b.stmt(ws.signupOfEmail).QueryRow(r.Page, r.key).Scan(&id, &firstPhase); err != nil {
			return SignupResult{}, err
		}
		if firstPhase != r.PhaseID {
			res, err = b.stmt(ws.insertRepeat).Exec(r.PhaseID, id, r.VisitorID, variant, r.At.UnixMilli(), counted)
			if err != nil {
				return SignupResult{}, err
			}
			if n, err = res.RowsAffected(); err != nil {
				return SignupResult{}, err
			}
			repeat = n == 1
		}
		if !repeat { // already a signup of this phase
			dup := SignupResult{Duplicate: true}
			if err := b.stmt(ws.signupID).QueryRow(r.Page, r.key).Scan(&dup.ID, &dup.Variant); err != nil {
				return SignupResult{}, err
			}
			return dup, nil
		}
	} else if id, err = res.LastInsertId(); err != nil {
		return SignupResult{}, err
	}
	if r.ConfirmLinkBase != "" {
		at := r.At.UnixMilli()
		if _, err := b.stmt(ws.enqueueMail).Exec(id, r.ConfirmLinkBase, at, at); err != nil {
			return SignupResult{}, err
		}
	}
	if counted {
		if _, err := b.stmt(ws.markConverted).Exec(r.At.UnixMilli(), r.PhaseID, r.VisitorID); err != nil {
			return SignupResult{}, err
		}
		// Last, after every statement succeeded: the sums are not undone by the savepoint.
		add := tally{signups: 1}
		if referredBy.Valid {
			add.referredSignups = 1
		}
		b.count(r.PhaseID, variant, r.day, src, add)
	}
	b.events = append(b.events, event{signup: true, page: r.Page, variant: variant})
	return SignupResult{ID: id, Repeat: repeat, Counted: counted, Variant: variant, Referred: referredBy.Valid}, nil
}

// ForgetEmail deletes every signup of email, on every page, and returns how many it deleted
// (an erasure request). Every spelling with the same email.Key is the same person. Their
// repeat signups in later phases, answers, share codes and unsent confirmation mails go with
// them (ON DELETE CASCADE, and the code is a column of the row); a visitor who was referred
// keeps only the number of the deleted signup, no personal data. The aggregate counts keep
// them: they hold no personal data, and lowering them would rewrite results already
// reported. The visitor stays converted, so the same person signing up again is not counted
// twice. Copies made earlier by Backup still hold the email; delete or re-make them too.
// Forget is the same with the input checks people need.
func (s *Store) ForgetEmail(ctx context.Context, email string) (int64, error) {
	if err := checkEmail(email); err != nil {
		return 0, err
	}
	return s.forget(ctx, email)
}

// forget erases the signups of email's Key and records the erasure, in one transaction.
func (s *Store) forget(ctx context.Context, email string) (int64, error) {
	key := emailpkg.Key(email)
	hash := erasureHash(s.secret, key)
	return submit(ctx, s, "forget email", func(b *batch) (int64, error) {
		res, err := b.stmt(b.w.ws.deleteByEmail).Exec(key)
		if err != nil {
			return 0, fmt.Errorf("store: forget email: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("store: forget email: %w", err)
		}
		if _, err := b.stmt(b.w.ws.recordErasure).Exec(hash, time.Now().UnixMilli()); err != nil {
			return 0, fmt.Errorf("store: record erasure: %w", err)
		}
		return n, nil
	})
}
