package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignupRow is a stored signup, as the admin pages and the export show it.
type SignupRow struct {
	ID        int64
	PhaseID   int64
	CreatedAt time.Time
	Page      string
	Email     string
	Variant   string
	Fields    map[string]string
	Source    Source
	Counted   bool
	// ConfirmedAt is when the address was confirmed (double opt-in); zero if it was not.
	ConfirmedAt time.Time
	Referred    bool              // the visitor came through another signup's share link
	Answers     map[string]string // answers to the thank-you page's questions, by question
	// Repeats are the later phases, oldest first, in which the same email signed up
	// again: each is a signup of that phase; the row keeps the first signup's fields.
	Repeats []Repeat
}

// Repeat is a stored contact's signup in a later phase than their first.
type Repeat struct {
	PhaseID   int64
	Variant   string // the variant credited in that phase
	Counted   bool   // in that phase's conversion rate
	CreatedAt time.Time
}

// exportChunk is how many rows EachSignup reads per query.
const exportChunk = 500

// LatestSignups returns the newest signups of page, newest first, at most limit of them
// (0 means 50, at most 1000).
func (s *Store) LatestSignups(ctx context.Context, page string, limit int) ([]SignupRow, error) {
	rows, err := s.rs.latestSignups.QueryContext(ctx, page, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: latest signups of %s: %w", page, err)
	}
	list, err := scanSignups(rows)
	if err != nil {
		return nil, fmt.Errorf("store: latest signups of %s: %w", page, err)
	}
	return list, nil
}

// EachSignup calls fn with every signup of page in id order (oldest first), reading them a
// few hundred at a time, so an export of a million rows needs little memory and no long read
// transaction while fn writes to a slow client. Signups stored during the walk may be
// included; it stops at fn's first error and returns it.
func (s *Store) EachSignup(ctx context.Context, page string, fn func(SignupRow) error) error {
	var after int64
	for {
		rows, err := s.rs.signupsAfter.QueryContext(ctx, page, after, exportChunk)
		if err != nil {
			return fmt.Errorf("store: signups of %s: %w", page, err)
		}
		chunk, err := scanSignups(rows)
		if err != nil {
			return fmt.Errorf("store: signups of %s: %w", page, err)
		}
		for _, row := range chunk {
			if err := fn(row); err != nil {
				return err
			}
		}
		if len(chunk) < exportChunk {
			return nil
		}
		after = chunk[len(chunk)-1].ID
	}
}

// scanSignups reads rows selected with signupColumns, and closes them.
func scanSignups(rows *sql.Rows) ([]SignupRow, error) {
	defer rows.Close()
	var list []SignupRow
	for rows.Next() {
		var (
			r       SignupRow
			created int64
			fields  string
			conf    sql.NullInt64
			answers string
			repeats string
		)
		if err := rows.Scan(&r.ID, &r.PhaseID, &created, &r.Page, &r.Email, &r.Variant, &fields, &r.Counted,
			&r.Source.ReferrerHost, &r.Source.UTMSource, &r.Source.UTMMedium,
			&r.Source.UTMCampaign, &r.Source.UTMTerm, &r.Source.UTMContent,
			&conf, &r.Referred, &answers, &repeats); err != nil {
			return nil, err
		}
		if conf.Valid {
			r.ConfirmedAt = time.UnixMilli(conf.Int64)
		}
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			return nil, fmt.Errorf("signup %d: answers: %w", r.ID, err)
		}
		for _, f := range strings.Fields(repeats) {
			rep, err := parseRepeat(f)
			if err != nil {
				return nil, fmt.Errorf("signup %d: repeat %q: %w", r.ID, f, err)
			}
			r.Repeats = append(r.Repeats, rep)
		}
		r.CreatedAt = time.UnixMilli(created)
		if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
			return nil, fmt.Errorf("signup %d: fields: %w", r.ID, err)
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

// parseRepeat reads "phase:counted:created_at:variant" (variant ids have no ':' or space).
func parseRepeat(f string) (Repeat, error) {
	parts := strings.SplitN(f, ":", 4)
	if len(parts) != 4 {
		return Repeat{}, fmt.Errorf("want 4 parts")
	}
	phase, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return Repeat{}, err
	}
	at, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return Repeat{}, err
	}
	return Repeat{PhaseID: phase, Counted: parts[1] == "1", CreatedAt: time.UnixMilli(at), Variant: parts[3]}, nil
}
