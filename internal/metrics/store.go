package metrics

import "github.com/litmuslabs/litmus/internal/store"

// StoreHooks returns the store hooks that feed these metrics (first visitors, stored
// signups, writer commits). It is the one wiring of the store to the metrics: `litmus serve`
// and the tests that check metric values both use it. The store knows nothing of metrics;
// this package knows the store's hook types only.
func (m *Metrics) StoreHooks() store.Hooks {
	return store.Hooks{
		NewVisitor:   m.newVisitor,
		SignupStored: m.signupStored,
		Committed:    m.ObserveCommit,
	}
}
