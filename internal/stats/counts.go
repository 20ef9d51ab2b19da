package stats

// Counts is what Litmus observed for one variant (or the page as a whole): how many
// visitors saw it and how many of them signed up.
type Counts struct {
	Visitors int64
	Signups  int64
}

// Rate is the observed conversion rate, Signups/Visitors, and 0 when there are no visitors
// (never NaN: the interval (0, 1) beside it says nothing is known).
func (c Counts) Rate() float64 {
	if c.Visitors <= 0 {
		return 0
	}
	return float64(c.Signups) / float64(c.Visitors)
}

// nonSignups is the number of visitors who did not sign up.
func (c Counts) nonSignups() int64 { return c.Visitors - c.Signups }
