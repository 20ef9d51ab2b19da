package pages

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
	def := experimentDefinition{
		PassBar: passBarDefinition{
			TargetRate:  p.PassBar.TargetRate,
			MinVisitors: p.PassBar.MinVisitors,
			MinDays:     p.PassBar.MinDays,
		},
	}
	if p.PassBar.Counts == CountsConfirmed {
		def.PassBar.Counts = CountsConfirmed // judged on other numbers: another experiment
	}
	def.Variants = make([]variantDefinition, len(p.Variants))
	for i, v := range p.Variants {
		def.Variants[i] = variantDefinition{
			ID: v.ID, Weight: v.Weight,
			Headline: v.Headline, Subheadline: v.Subheadline, Body: v.Body, CTA: v.CTA, Price: v.Price,
		}
	}
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

// experimentDefinition is the JSON shape of Definition. Field order is the struct order.
type experimentDefinition struct {
	PassBar  passBarDefinition   `json:"pass_bar"`
	Variants []variantDefinition `json:"variants"`
}

type passBarDefinition struct {
	TargetRate  float64 `json:"target_rate"`
	MinVisitors int     `json:"min_visitors"`
	MinDays     int     `json:"min_days"`
	// Counts is only written when it is not the default, so the hashes of every page
	// written before it existed stay the same (and their tests keep running).
	Counts string `json:"counts,omitempty"`
}

type variantDefinition struct {
	ID          string `json:"id"`
	Weight      int    `json:"weight"`
	Headline    string `json:"headline"`
	Subheadline string `json:"subheadline"`
	Body        string `json:"body"`
	CTA         string `json:"cta"`
	Price       string `json:"price"`
}
