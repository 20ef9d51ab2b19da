package pages

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// defaultBrandColor is the theme's indigo, used when a page sets no BrandColor. app.css carries
// the palette derived from it, so a page without a brand colour needs no inline style at all.
const defaultBrandColor = "#4f46e5"

// rgb is an sRGB colour with 8-bit channels.
type rgb struct{ r, g, b uint8 }

// brandPalette is every colour the theme derives from one brand colour, each chosen so its pair
// meets WCAG AA (4.5:1 for text): the founder picks any colour and the page stays readable.
type brandPalette struct {
	Brand string // button background: the founder's colour, as given
	Ink   string // text on Brand: white if it reads, else near-black or black
	Hover string // button background under the pointer
	Text  string // links and focus rings on white: Brand darkened until 4.5:1
	Soft  string // the pale wash behind the hero: Brand at 8% on white
}

var (
	white     = rgb{0xff, 0xff, 0xff}
	black     = rgb{}
	nearBlack = rgb{0x11, 0x18, 0x27} // the theme's --ink
)

// parseHexColor reads "#rgb" or "#rrggbb" (any case).
func parseHexColor(s string) (rgb, error) {
	bad := fmt.Errorf("brand colour %q is not a hex colour like #4f46e5", s)
	h, ok := strings.CutPrefix(s, "#")
	if !ok || (len(h) != 3 && len(h) != 6) {
		return rgb{}, bad
	}
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return rgb{}, bad
	}
	return rgb{uint8(v >> 16), uint8(v >> 8), uint8(v)}, nil
}

func (c rgb) hex() string { return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b) }

// luminance is the WCAG 2 relative luminance, 0 (black) to 1 (white).
func (c rgb) luminance() float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrast is the WCAG 2 contrast ratio of two colours, 1 to 21.
func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// mix moves c towards to by the fraction t (0 keeps c, 1 gives to).
func mix(c, to rgb, t float64) rgb {
	ch := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
	return rgb{ch(c.r, to.r), ch(c.g, to.g), ch(c.b, to.b)}
}

// inkOn returns the text colour for a button filled with bg: white while white reaches AA
// (4.5:1), because brand buttons conventionally carry white text; otherwise the theme's
// near-black, or pure black for the few mid-tones where only black reaches 4.5:1 (when white
// falls short, black always clears it).
func inkOn(bg rgb) rgb {
	for _, ink := range []rgb{white, nearBlack} {
		if contrast(bg, ink) >= 4.5 {
			return ink
		}
	}
	return black
}

// hoverOf is the button colour under the pointer: a little darker, or a little lighter when
// darker would be no change (black) or would make the button's text hard to read.
func hoverOf(c, ink rgb) rgb {
	if d := mix(c, black, 0.12); d != c && contrast(d, ink) >= 4.5 {
		return d
	}
	return mix(c, white, 0.2)
}

// textOnWhite darkens c in small steps until it reads on white at 4.5:1, so links and focus
// rings in a pale brand colour (a yellow, a mint) stay legible.
func textOnWhite(c rgb) rgb {
	for i := 0; contrast(c, white) < 4.5 && i < 60; i++ {
		c = mix(c, black, 0.05)
	}
	return c
}

// newBrandPalette derives the palette from a page's BrandColor ("" means the default).
func newBrandPalette(color string) (brandPalette, error) {
	if color == "" {
		color = defaultBrandColor
	}
	c, err := parseHexColor(color)
	if err != nil {
		return brandPalette{}, err
	}
	ink := inkOn(c)
	return brandPalette{
		Brand: c.hex(),
		Ink:   ink.hex(),
		Hover: hoverOf(c, ink).hex(),
		Text:  textOnWhite(c).hex(),
		Soft:  mix(c, white, 0.92).hex(),
	}, nil
}

// css is the rule that hands the palette to app.css through custom properties.
func (p brandPalette) css() string {
	return ":root{--brand:" + p.Brand + ";--brand-ink:" + p.Ink + ";--brand-hover:" + p.Hover +
		";--brand-text:" + p.Text + ";--brand-soft:" + p.Soft + "}"
}
