package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

type filteredJob struct{ key filteredKey }

func (*filteredJob) waits() bool { return false }

// RecordFiltered counts one request to page that was served but not counted as a visitor:
// class says why (a short name such as "bot" or "preview", chosen by the caller from its
// fixed set) and agent is the User-Agent, cut to 200 bytes. Like RecordExposure it returns
// at once; invalid input, or a call after Close, is dropped and counted in Dropped.
// page must be one of the pages being served, never a path a client made up: each
// distinct page, day, class and agent is a row.
func (s *Store) RecordFiltered(page, class, agent string, at time.Time) {
	if err := checkFiltered(page, class); err != nil {
		s.drops.add(1, "invalid filtered request", err)
		return
	}
	key := filteredKey{page: page, day: dayOf(orNow(at)), class: class, agent: Clip(agent, maxAgentLen)}
	if err := s.enqueue(context.Background(), &filteredJob{key: key}); err != nil {
		reason := "sent after Close"
		if s.replica {
			reason = "bot counts are not recorded on a LiteFS replica"
		}
		s.drops.add(1, reason, err)
	}
}

func checkFiltered(page, class string) error {
	if err := checkID("page", page); err != nil {
		return err
	}
	if class == "" || len(class) > maxClassLen {
		return invalid("filtered class %q must be 1 to %d characters", Clip(class, maxClassLen), maxClassLen)
	}
	for _, c := range class {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return invalid("filtered class %q may hold only a-z, 0-9, '-' and '_'", Clip(class, maxClassLen))
		}
	}
	return nil
}

// FilteredCount is how many requests of one class and user agent were not counted.
type FilteredCount struct {
	Class    string
	Agent    string
	Requests int64
}

// Filtered returns the requests to page not counted since the UTC day of since: their total,
// and the most frequent (class, agent) pairs, at most limit of them (0 means 50, at most 1000).
func (s *Store) Filtered(ctx context.Context, page string, since time.Time, limit int) (total int64, top []FilteredCount, err error) {
	return s.filtered(ctx, page, dayOf(since), "9999-12-31", limit)
}

// FilteredBetween is Filtered for the UTC days from since's to until's, both included: the
// requests left out while an earlier test phase ran.
func (s *Store) FilteredBetween(ctx context.Context, page string, since, until time.Time, limit int) (total int64, top []FilteredCount, err error) {
	return s.filtered(ctx, page, dayOf(since), dayOf(until), limit)
}

func (s *Store) filtered(ctx context.Context, page, from, to string, limit int) (total int64, top []FilteredCount, err error) {
	err = s.snapshot(ctx, func(tx *sql.Tx) error {
		if err := tx.StmtContext(ctx, s.rs.filteredTotal).QueryRowContext(ctx, page, from, to).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.StmtContext(ctx, s.rs.filteredTop).QueryContext(ctx, page, from, to, listLimit(limit))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f FilteredCount
			if err := rows.Scan(&f.Class, &f.Agent, &f.Requests); err != nil {
				return err
			}
			top = append(top, f)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, nil, fmt.Errorf("store: filtered requests of %s: %w", page, err)
	}
	return total, top, nil
}
