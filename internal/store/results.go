package store

import (
	"context"
	"database/sql"
	"fmt"
)

// The results read only daily_counts and source_counts, which the writer keeps current in
// the same transaction as the rows they count: a few rows per variant and day, however many
// visitors the phase had.

// VariantCount is a variant's visitors (first views in the phase) and counted signups, the
// counted signups confirmed since (double opt-in), and the visitors who came through a
// share link with the counted signups among them.
type VariantCount struct {
	Variant           string
	Visitors          int64
	Signups           int64
	Confirmed         int64
	ReferredVisitors  int64
	ReferredSignups   int64
	ReferredConfirmed int64
}

// Counts returns the totals of each variant of a phase that has had a visitor, ordered by
// variant id. Variants nobody has seen yet are absent: the caller knows the page's variants
// and shows them as zero.
func (s *Store) Counts(ctx context.Context, phaseID int64) ([]VariantCount, error) {
	rows, err := s.rs.counts.QueryContext(ctx, phaseID)
	if err != nil {
		return nil, fmt.Errorf("store: counts of phase %d: %w", phaseID, err)
	}
	defer rows.Close()
	var list []VariantCount
	for rows.Next() {
		var c VariantCount
		if err := rows.Scan(&c.Variant, &c.Visitors, &c.Signups, &c.Confirmed, &c.ReferredVisitors, &c.ReferredSignups, &c.ReferredConfirmed); err != nil {
			return nil, fmt.Errorf("store: counts of phase %d: %w", phaseID, err)
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: counts of phase %d: %w", phaseID, err)
	}
	return list, nil
}

// DayCount is one variant's new visitors and counted signups on one UTC day.
type DayCount struct {
	Day      string // YYYY-MM-DD, UTC
	Variant  string
	Visitors int64
	Signups  int64
}

// Daily returns a phase's counts per UTC day and variant, ordered by day then variant.
// Days without any visitor or signup are absent. A visitor counts on the day of their first
// view, a signup on the day it was made.
func (s *Store) Daily(ctx context.Context, phaseID int64) ([]DayCount, error) {
	rows, err := s.rs.daily.QueryContext(ctx, phaseID)
	if err != nil {
		return nil, fmt.Errorf("store: daily counts of phase %d: %w", phaseID, err)
	}
	defer rows.Close()
	var list []DayCount
	for rows.Next() {
		var c DayCount
		if err := rows.Scan(&c.Day, &c.Variant, &c.Visitors, &c.Signups); err != nil {
			return nil, fmt.Errorf("store: daily counts of phase %d: %w", phaseID, err)
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: daily counts of phase %d: %w", phaseID, err)
	}
	return list, nil
}

// SourceCount is the visitors of one source and the counted signups among them. Only the
// fields of the grouping are set; all empty means no UTM tags (Campaigns) or no referrer
// (Referrers), which the caller shows as direct traffic.
type SourceCount struct {
	Source   Source
	Visitors int64
	Signups  int64
}

// SourceCounts is where a phase's visitors and signups came from, by first touch. Each list
// adds up to the phase's totals when it is not cut by the limit.
type SourceCounts struct {
	Campaigns []SourceCount // by UTMSource and UTMCampaign
	Referrers []SourceCount // by ReferrerHost
}

// SignupsBySource returns a phase's visitors and counted signups by campaign and by
// referrer, most visitors first, at most limit rows each (0 means 50, at most 1000).
func (s *Store) SignupsBySource(ctx context.Context, phaseID int64, limit int) (SourceCounts, error) {
	limit = listLimit(limit)
	var sc SourceCounts
	err := s.snapshot(ctx, func(tx *sql.Tx) error {
		rows, err := tx.StmtContext(ctx, s.rs.campaigns).QueryContext(ctx, phaseID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c SourceCount
			if err := rows.Scan(&c.Source.UTMSource, &c.Source.UTMCampaign, &c.Visitors, &c.Signups); err != nil {
				return err
			}
			sc.Campaigns = append(sc.Campaigns, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.StmtContext(ctx, s.rs.referrers).QueryContext(ctx, phaseID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c SourceCount
			if err := rows.Scan(&c.Source.ReferrerHost, &c.Visitors, &c.Signups); err != nil {
				return err
			}
			sc.Referrers = append(sc.Referrers, c)
		}
		return rows.Err()
	})
	if err != nil {
		return SourceCounts{}, fmt.Errorf("store: sources of phase %d: %w", phaseID, err)
	}
	return sc, nil
}
