package pages

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Definition returns the page's experiment definition — what a visitor's numbers mean —
// as canonical JSON, and the SHA-256 of that JSON in hex.
//
// The definition is the pass bar (target rate, minimum visitors, minimum days) and, in
// order, each variant's id, weight and pitch (headline, subheadline, body, cta, price).
// When the hash changes after visitors have arrived, the rest of Litmus starts a new test
// phase: signups collected for one pitch, one traffic split or one pre-registered bar must
// not be counted towards another, or the verdict would mix two different experiments and
// moving the bar after seeing the data would go unnoticed. The title, description, images,
// colour, form fields and thank-you page are not part of it: fixing a typo in a label
// should not throw away a week of traffic.
//
// Weights are kept as written, not reduced (50/50 and 1/1 hash differently): visitor
// assignment may depend on the exact numbers, so only an unchanged file is safely the same
// test. The encoding is fixed by a golden test, because changing it would restart every
// running test.
func (p *Page) Definition() (hash string, canonical []byte) {
	def := p.ExperimentDefinition()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(def); err != nil {
		panic("pages: encoding a definition cannot fail: " + err.Error()) // only strings and numbers
	}
	canonical = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:]), canonical
}

// ExperimentDefinition returns the page's definition as a value (see Definition).
func (p *Page) ExperimentDefinition() ExperimentDefinition {
	def := ExperimentDefinition{
		PassBar: PassBarDefinition{
			TargetRate:    p.PassBar.TargetRate,
			MinVisitors:   p.PassBar.MinVisitors,
			MinDays:       p.PassBar.MinDays,
			Counts:        p.PassBar.Counts,
			IfValidated:   p.PassBar.IfValidated,
			IfInvalidated: p.PassBar.IfInvalidated,
		},
		Variants: make([]VariantDefinition, len(p.Variants)),
	}
	for i, v := range p.Variants {
		def.Variants[i] = VariantDefinition{
			ID: v.ID, Weight: v.Weight,
			Headline: v.Headline, Subheadline: v.Subheadline, Body: v.Body, CTA: v.CTA, Price: v.Price,
		}
	}
	return def
}

// ExperimentDefinition is the JSON shape of Definition, as each test phase stores it: what
// a phase's visitors were shown and what the founder committed to. Field order is the
// struct order. It is also how an old phase is reopened with the words its visitors read.
type ExperimentDefinition struct {
	PassBar  PassBarDefinition   `json:"pass_bar"`
	Variants []VariantDefinition `json:"variants"`
}

// ParseDefinition reads a definition stored by a phase (the canonical JSON of Definition).
func ParseDefinition(b []byte) (ExperimentDefinition, error) {
	var d ExperimentDefinition
	if err := json.Unmarshal(b, &d); err != nil {
		return ExperimentDefinition{}, fmt.Errorf("pages: read a stored definition: %w", err)
	}
	return d, nil
}

// Variant returns the variant with the given id, or nil.
func (d ExperimentDefinition) Variant(id string) *VariantDefinition {
	for i := range d.Variants {
		if d.Variants[i].ID == id {
			return &d.Variants[i]
		}
	}
	return nil
}

// PassBarDefinition is the pass bar in a definition. The commitments are left out of the
// JSON when empty, so pages written before they existed keep their hash (and their phase).
type PassBarDefinition struct {
	TargetRate  float64 `json:"target_rate"`
	MinVisitors int     `json:"min_visitors"`
	MinDays     int     `json:"min_days"`
	// Counts is what the bar judges: "" for every counted signup, or CountsConfirmed.
	// It is only written when it is not the default, like the commitments.
	Counts        string `json:"counts,omitempty"`
	IfValidated   string `json:"if_validated,omitempty"`
	IfInvalidated string `json:"if_invalidated,omitempty"`
}

// VariantDefinition is one variant's weight and pitch in a definition.
type VariantDefinition struct {
	ID          string `json:"id"`
	Weight      int    `json:"weight"`
	Headline    string `json:"headline"`
	Subheadline string `json:"subheadline"`
	Body        string `json:"body"`
	CTA         string `json:"cta"`
	Price       string `json:"price"`
}

// FromDefinition rebuilds, from a test phase's stored definition, the part of page slug that
// its results need: variants (the first is the control), weights and pass bar. It is how
// `litmus results` reports a page that is in the database but no longer in the page files.
// The result has no fields, theme or file; its title is its first variant's headline.
func FromDefinition(slug string, canonical []byte) (*Page, error) {
	def, err := ParseDefinition(canonical)
	if err != nil {
		return nil, fmt.Errorf("pages: the stored definition of /%s is not readable: %w", slug, err)
	}
	if len(def.Variants) == 0 || def.PassBar.TargetRate <= 0 || def.PassBar.TargetRate >= 1 {
		return nil, fmt.Errorf("pages: the stored definition of /%s has no variants or no pass bar", slug)
	}
	p := &Page{Slug: slug, Title: def.Variants[0].Headline, File: "the database",
		PassBar: PassBar{TargetRate: def.PassBar.TargetRate, MinVisitors: def.PassBar.MinVisitors, MinDays: def.PassBar.MinDays,
			IfValidated: def.PassBar.IfValidated, IfInvalidated: def.PassBar.IfInvalidated}}
	for _, v := range def.Variants {
		p.Variants = append(p.Variants, Variant{ID: v.ID, Weight: v.Weight, Headline: v.Headline,
			Subheadline: v.Subheadline, Body: v.Body, CTA: v.CTA, Price: v.Price})
	}
	return p, nil
}
