package litefs

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
)

// reportEvery is how often a replica reads its LiteFS position. A signup waits for the
// next read after the transaction arrives, so this is most of what confirming costs on
// top of LiteFS's own lag (2 ms median on loopback); a read of the -pos file is a FUSE
// call that costs microseconds.
const reportEvery = 5 * time.Millisecond

// Report runs on a replica until ctx ends: it reads this node's LiteFS position and posts
// it to the primary whenever it changes (and once a second regardless, so a restarted
// primary learns it at once). candidate says whether this node may become the primary:
// only a candidate's position confirms a signup.
func Report(ctx context.Context, m Mount, p *Peer, candidate bool, log *slog.Logger) {
	t := time.NewTicker(reportEvery)
	defer t.Stop()
	var sent uint64
	var sentAt time.Time
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		tx, err := m.TXID()
		if err != nil || (tx == sent && time.Since(sentAt) < time.Second) {
			continue
		}
		body, _ := json.Marshal(positionReport{TXID: tx, Candidate: candidate})
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err = p.post(pctx, PositionPath, body)
		cancel()
		switch {
		case err != nil && !failing:
			log.Warn("litefs: cannot report this replica's position to the primary; signups wait for another replica", "err", err)
			failing = true
		case err == nil:
			if failing {
				log.Info("litefs: reporting this replica's position to the primary again", "txid", tx)
			}
			failing = false
			sent, sentAt = tx, time.Now()
		}
	}
}

type positionReport struct {
	TXID      uint64 `json:"txid"`
	Candidate bool   `json:"candidate"` // the node may become primary (LITMUS_LITEFS_CANDIDATE)
}
