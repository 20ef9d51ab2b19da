package pages

import "github.com/litmuslabs/litmus/internal/email"

// The bounds of a page file. Every value a founder writes is bounded, so a typo (a pasted
// novel, a weight of 10^9) fails at load with a clear message instead of misbehaving in
// front of visitors. Lengths count characters (Unicode code points), not bytes. The same
// numbers are listed in docs/page-files.md.
const (
	maxFileBytes = 256 << 10 // one page file; the examples are under 8 KiB
	maxPageFiles = 100       // page files in one directory

	maxSlugLen        = 40   // short enough to read aloud and type
	maxTitleLen       = 120  // search engines cut titles around 60; leave room
	maxDescriptionLen = 300  // meta description; previews show about 160
	maxURLLen         = 2048 // what every browser and crawler accepts

	// A smoke test splits scarce traffic. DESIGN asks for two or three variants; five are
	// allowed so a founder can try a few angles at once, but every extra variant divides
	// the visitors each one gets, so more than five could not reach a verdict in time.
	// One variant is allowed: a plain "does anyone sign up?" test against the pass bar.
	minVariants, maxVariants = 1, 5
	maxVariantIDLen          = 32
	minWeight, maxWeight     = 1, 1000 // relative shares: 1/1 splits evenly, 3/1 gives 75%
	maxHeadlineLen           = 160
	maxSubheadlineLen        = 300
	maxBodyLen               = 20000 // Markdown; a long sales letter fits
	maxCTALen                = 60    // button text
	maxPriceLen              = 60    // "$12 / month, billed yearly"
	maxCommitmentLen         = 200   // if_validated / if_invalidated: one sentence each

	maxFields         = 20 // including the email field
	maxFieldNameLen   = 32
	maxLabelLen       = 200
	maxPlaceholderLen = 200
	minOptions        = 2 // a choice of one is not a choice
	maxOptions        = 50
	maxOptionLen      = 100

	maxThanksHeadlineLen = 160
	maxThanksBodyLen     = 5000
	maxShareTextLen      = 280 // fits a post on any network

	maxMinVisitors = 1_000_000 // a landing-page test that needs more has the wrong target
	maxMinDays     = 365
)

// The longest value a visitor may type into each kind of field, and the default when the
// page file sets no max_length.
const (
	maxEmailLength        = email.MaxLength
	defaultTextLength     = 200
	maxTextLength         = 1000
	defaultTextareaLength = 2000
	maxTextareaLength     = 10000
	checkboxValueLength   = 2 // a ticked checkbox sends "on"
)
