package pages

import (
	"strings"
	"testing"
)

func TestLanguageMistakesAreCheckErrorsWithTheirLine(t *testing.T) {
	cases := []struct{ name, extra, want string }{
		{"not a tag", `lang = "German"`, `a.toml:3: lang: "German" is not a language tag: use a BCP 47 tag like "de", "pt-BR" or "ja"`},
		{"no catalogue", `lang = "zh"`, `a.toml:3: lang: Litmus has no messages in "zh" yet; it has ar, de, en, es, fr, it, ja, nl, pl, pt-BR`},
		{"unknown message", "[messages]\n\"form.optionel\" = \"(freiwillig)\"", `a.toml:4: there is no message called "form.optionel"`},
		{"wrong placeholder", "[messages]\n\"field.fill_required\" = \"{name} fehlt\"", `a.toml:4: message "field.fill_required" can use {label}, not {name}`},
		{"empty message", "[messages]\n\"form.optional\" = \"\"", `a.toml:4: form.optional is empty`},
		{"not text", "[messages]\n\"form.optional\" = 3", `a.toml:4: form.optional must be text in double quotes`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadMap(t, map[string]string{"a.toml": domainPage("a", c.extra)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("errors:\n%v\nwant a line containing\n%s", err, c.want)
			}
		})
	}
}

func TestPageInItsLanguage(t *testing.T) {
	ps, err := loadMap(t, map[string]string{"a.toml": domainPage("a", "lang = \"pt-BR\"\n[messages]\n\"thanks.headline\" = \"Pronto!\"")})
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	if p.Lang != "pt-BR" || p.Fields[0].Label != "Seu e-mail" || p.Thanks.Headline != "Pronto!" || !strings.HasPrefix(p.Thanks.Body, "Ainda não está pronto") {
		t.Fatalf("lang %s, email label %q, thanks %q / %q", p.Lang, p.Fields[0].Label, p.Thanks.Headline, p.Thanks.Body)
	}
	prep, err := DefaultTheme().Prepare(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(prep.Thanks), `<html lang="pt-BR" dir="ltr">`) || !strings.Contains(string(prep.Previews["a"]), "Prévia da variante <strong>a</strong>") {
		t.Errorf("prepared pages are not in Brazilian Portuguese")
	}
}
