package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/litmuslabs/litmus/handlers"
	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/litefs"
	"github.com/litmuslabs/litmus/internal/metrics"
	"github.com/litmuslabs/litmus/internal/store"
)

// replicaWait bounds how long a replica waits at start for the primary to have written
// what it needs (the database, its schema, the pages' phases).
const replicaWait = 2 * time.Minute

// liteFSNode is the part of serve that runs when LITMUS_LITEFS_DIR is set: the node's
// role, and what it does for the other nodes (docs/high-availability.md). The role is
// decided once at start; when LiteFS changes it, serve stops (roleChanged) and the
// supervisor starts it again in its new role.
type liteFSNode struct {
	cfg     *config.Config
	mount   litefs.Mount
	primary bool
	log     *slog.Logger

	confirm *litefs.Confirmer // primary
	peer    *litefs.Peer      // replica
	shipper *litefs.Shipper   // replica
}

func newLiteFSNode(cfg *config.Config, logger *slog.Logger) (*liteFSNode, error) {
	m, err := litefs.NewMount(cfg.LiteFSDir, cfg.DB)
	if err != nil {
		return nil, err
	}
	primary, err := m.IsPrimary()
	if err != nil {
		return nil, err
	}
	n := &liteFSNode{cfg: cfg, mount: m, primary: primary, log: logger}
	if primary {
		n.confirm = litefs.NewConfirmer(m, cfg.LiteFSConfirm)
	}
	name, _ := m.Primary()
	logger.Info("litefs: running as one node of a LiteFS cluster", "role", n.role(), "primary", name, "mount", m.Dir)
	return n, nil
}

func (n *liteFSNode) role() string {
	if n.primary {
		return "primary"
	}
	return "replica"
}

// open opens the store for the node's role and hands it to load (the first load of the
// pages). A replica waits for the primary to have created the database and started the
// pages' phases: opening and load are retried while they fail with store.ErrNotReplicated.
func (n *liteFSNode) open(ctx context.Context, opts store.Options, load func(*store.Store) error) error {
	if n.primary {
		st, err := store.Open(n.cfg.DB, opts)
		if err != nil {
			return fmt.Errorf("open database %s: %w", n.cfg.DB, err)
		}
		if err := load(st); err != nil {
			st.Close()
			return err
		}
		return nil
	}
	opts.Replica = true
	opts.Ship = func(e store.Exposure) { n.shipper.Add(e) } // set below, before any request
	deadline := time.Now().Add(replicaWait)
	for {
		st, err := store.Open(n.cfg.DB, opts)
		if err == nil {
			n.peer = litefs.NewPeer(st.PrimaryAddress, litefs.Token(st.Secret()))
			n.shipper = litefs.NewShipper(n.peer, n.log)
			if err = load(st); err == nil {
				return nil
			}
			st.Close()
		} else {
			err = fmt.Errorf("open database %s: %w", n.cfg.DB, err)
		}
		if !errors.Is(err, store.ErrNotReplicated) || time.Now().After(deadline) {
			return err
		}
		n.log.Info("litefs: waiting for the primary's database", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// liteFSPagesReadOnly is why the admin can't edit pages on a LiteFS node: a save would
// change one node's files only.
const liteFSPagesReadOnly = "This server is one node of a LiteFS cluster: page files must be the same on every node, " +
	"so they are built into the image (LITMUS_PAGES) and edited there, then deployed. See docs/high-availability.md."

// deps is what the handlers need.
func (n *liteFSNode) deps(st *store.Store) *handlers.LiteFS {
	d := &handlers.LiteFS{FlyMachine: os.Getenv("FLY_MACHINE_ID"), Status: n.status}
	if n.primary {
		if n.cfg.LiteFSConfirm > 0 {
			d.Confirm = n.confirm.Confirm
		}
	} else {
		d.Primary = n.peer.Address
	}
	return d
}

// observe registers the node's metrics.
func (n *liteFSNode) observe(m *metrics.Metrics) {
	var g metrics.LiteFSGauges
	g.Primary = func() float64 {
		if n.primary {
			return 1
		}
		return 0
	}
	g.LagSeconds = func() float64 {
		if n.primary {
			return 0
		}
		ms, _ := n.mount.LagMillis()
		return float64(ms) / 1000
	}
	g.ReplicaBehind = func() float64 {
		if !n.primary {
			return 0
		}
		b, _, _ := n.confirm.Behind()
		return float64(b)
	}
	g.ExposuresShipped = func() float64 {
		if n.shipper == nil {
			return 0
		}
		return float64(n.shipper.Shipped())
	}
	g.ExposuresDropped = func() float64 {
		if n.shipper == nil {
			return 0
		}
		return float64(n.shipper.Dropped())
	}
	m.ObserveLiteFS(g)
}

// listen, on the primary, serves the internal endpoints on the metrics port and records
// in the database how the other nodes reach this one.
func (n *liteFSNode) listen(ctx context.Context, st *store.Store, mux *http.ServeMux, pub, met net.Addr) error {
	if !n.primary {
		return nil
	}
	(&litefs.Endpoints{Token: litefs.Token(st.Secret()), Confirmer: n.confirm, Record: st.RecordExposure, Log: n.log}).Register(mux)
	host := n.cfg.LiteFSHost
	if host == "" {
		var err error
		if host, err = os.Hostname(); err != nil {
			return fmt.Errorf("LITMUS_LITEFS_HOST is unset and the host name is unknown: %w", err)
		}
	}
	port := func(a net.Addr) string { return strconv.Itoa(a.(*net.TCPAddr).Port) }
	a := litefs.Address{
		Public:   "http://" + net.JoinHostPort(host, port(pub)),
		Internal: "http://" + net.JoinHostPort(host, port(met)),
		Machine:  os.Getenv("FLY_MACHINE_ID"),
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := st.SetPrimaryAddress(ctx, a.Encode()); err != nil {
		return fmt.Errorf("record this primary's address in the database: %w", err)
	}
	n.log.Info("litefs: this node is the primary", "public", a.Public, "internal", a.Internal)
	return nil
}

// start runs a replica's background work (reporting its position, shipping exposures)
// until ctx ends.
func (n *liteFSNode) start(ctx context.Context) (done <-chan struct{}) {
	d := make(chan struct{})
	if n.primary {
		close(d)
		return d
	}
	go litefs.Report(ctx, n.mount, n.peer, n.cfg.LiteFSCandidate, n.log)
	go func() {
		defer close(d)
		n.shipper.Run(ctx)
	}()
	return d
}

// roleChanged reports a role different from the one this process started with.
func (n *liteFSNode) roleChanged() error {
	p, err := n.mount.IsPrimary()
	if err != nil || p == n.primary {
		return nil
	}
	now := "replica"
	if p {
		now = "primary"
	}
	return fmt.Errorf("LiteFS made this node the %s (it started as the %s); stopping so the supervisor starts it in its new role", now, n.role())
}

// status is the role and lag shown by /healthz.
func (n *liteFSNode) status() string {
	if n.primary {
		b, since, err := n.confirm.Behind()
		s := fmt.Sprintf("role: primary\nreplica_behind_transactions: %d\n", b)
		if since > 0 {
			s += fmt.Sprintf("replica_last_report: %s ago\n", since.Round(time.Millisecond))
		} else {
			s += "replica_last_report: never\n"
		}
		if err != nil {
			s += "error: cannot read the LiteFS position\n"
		}
		return s
	}
	name, _ := n.mount.Primary()
	ms, err := n.mount.LagMillis()
	s := fmt.Sprintf("role: replica\nprimary_known: %t\nreplication_lag: %dms\nexposures_buffered: %d\n", name != "", ms, n.shipper.Buffered())
	if err != nil {
		s += "error: cannot read the LiteFS lag\n"
	}
	return s
}
