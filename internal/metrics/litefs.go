package metrics

import "github.com/prometheus/client_golang/prometheus"

// LiteFSGauges are read at each scrape from the node's LiteFS state (internal/litefs).
type LiteFSGauges struct {
	Primary          func() float64 // 1 on the primary, 0 on a replica
	LagSeconds       func() float64 // a replica's LiteFS lag (.lag); 0 on the primary
	ReplicaBehind    func() float64 // on the primary: transactions the best replica lacks
	ExposuresShipped func() float64 // on a replica: exposures the primary accepted
	ExposuresDropped func() float64 // on a replica: exposures lost to a full buffer
}

// ObserveLiteFS registers the high-availability metrics of a LiteFS node. They exist only
// when LITMUS_LITEFS_DIR is set, so a single machine's metrics are unchanged.
func (m *Metrics) ObserveLiteFS(g LiteFSGauges) {
	m.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "litmus_litefs_primary",
			Help: "1 when this node is the LiteFS primary (it writes), 0 on a replica."}, g.Primary),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "litmus_litefs_replication_lag_seconds",
			Help: "On a replica: how old the last transaction received from the primary is (LiteFS .lag)."}, g.LagSeconds),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "litmus_litefs_replica_behind_transactions",
			Help: "On the primary: transactions committed here that no replica has reported holding yet."}, g.ReplicaBehind),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "litmus_litefs_exposures_shipped_total",
			Help: "On a replica: exposures sent to and accepted by the primary."}, g.ExposuresShipped),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "litmus_litefs_exposures_dropped_total",
			Help: "On a replica: exposures lost because the primary was unreachable for longer than the buffer lasts."}, g.ExposuresDropped),
	)
}
