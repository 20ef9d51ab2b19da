package pages

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// The keys of a page file, section by section, and what a founder probably meant by a
// key that is not one of them. docs/page-files.md describes each key; keep the two in step.
var (
	pageKeys = []string{"slug", "title", "description", "social_image", "brand_color", "logo", "default", "domains", "lang", "messages", "variants", "fields", "thanks", "pass_bar",
		"double_opt_in", "referrals", "questions", "confirmation"}
	pageSynonyms = map[string]string{
		"url": "slug", "path": "slug", "name": "title", "meta_description": "description",
		"image": "social_image", "og_image": "social_image", "share_image": "social_image",
		"color": "brand_color", "colour": "brand_color", "brand_colour": "brand_color", "theme_color": "brand_color",
		"is_default": "default", "home": "default", "variant": "[[variants]]", "field": "[[fields]]",
		"form": "[[fields]]", "thank_you": "[thanks]", "thankyou": "[thanks]", "success": "[thanks]",
		"language": "lang", "locale": "lang", "messages_override": "[messages]", "strings": "[messages]", "translations": "[messages]",
		"domain": "domains", "host": "domains", "hosts": "domains", "hostnames": "domains",
		"passbar": "[pass_bar]", "bar": "[pass_bar]", "goal": "[pass_bar]", "hypothesis": "[pass_bar]",
		"double_optin": "double_opt_in", "confirm": "double_opt_in", "confirm_email": "double_opt_in",
		"referral": "referrals", "share_links": "referrals", "question": "[[questions]]", "survey": "[[questions]]",
	}

	variantKeys     = []string{"id", "weight", "headline", "subheadline", "body", "cta", "price"}
	variantSynonyms = map[string]string{
		"name": "id", "title": "headline", "heading": "headline", "subtitle": "subheadline",
		"sub_headline": "subheadline", "subheading": "subheadline", "tagline": "subheadline",
		"copy": "body", "text": "body", "content": "body", "description": "body",
		"button": "cta", "cta_text": "cta", "call_to_action": "cta", "button_text": "cta",
		"share": "weight", "split": "weight", "traffic": "weight", "pricing": "price", "cost": "price",
	}

	fieldKeys     = []string{"name", "kind", "label", "placeholder", "required", "options", "max_length"}
	fieldSynonyms = map[string]string{
		"type": "kind", "choices": "options", "values": "options", "maxlength": "max_length",
		"max": "max_length", "limit": "max_length", "optional": "required", "title": "label",
		"text": "label", "hint": "placeholder", "id": "name",
	}

	thanksKeys     = []string{"headline", "body", "share_text"}
	thanksSynonyms = map[string]string{
		"title": "headline", "heading": "headline", "message": "body", "text": "body", "share": "share_text",
	}

	passBarKeys     = []string{"target", "min_visitors", "min_days", "counts", "if_validated", "if_invalidated"}
	passBarSynonyms = map[string]string{
		"target_rate": "target", "target_percent": "target", "rate": "target", "conversion": "target",
		"conversion_rate": "target", "signup_rate": "target", "visitors": "min_visitors",
		"sample": "min_visitors", "sample_size": "min_visitors", "min_sample": "min_visitors",
		"days": "min_days", "duration": "min_days", "count": "counts", "judge": "counts",
		"if_valid": "if_validated", "on_validated": "if_validated", "then": "if_validated", "if_pass": "if_validated",
		"if_invalid": "if_invalidated", "on_invalidated": "if_invalidated", "else": "if_invalidated", "if_fail": "if_invalidated",
	}

	fieldKindSynonyms = map[string]FieldKind{
		"dropdown": FieldSelect, "choice": FieldSelect, "radio": FieldSelect, "string": FieldText,
		"textbox": FieldText, "input": FieldText, "multiline": FieldTextarea, "paragraph": FieldTextarea,
		"long_text": FieldTextarea, "bool": FieldCheckbox, "boolean": FieldCheckbox, "consent": FieldCheckbox,
		"tick": FieldCheckbox, "mail": FieldEmail, "e-mail": FieldEmail,
	}
)

// keyHomes says where each key of the format belongs, to tell a founder who wrote a key
// below the wrong header where to move it.
var keyHomes = []struct {
	home, where string
	keys        []string
}{
	{"", "at the top of the file, before the first [section]", pageKeys},
	{"[pass_bar]", "in [pass_bar]", passBarKeys},
	{"[[variants]]", "in a [[variants]] section", variantKeys},
	{"[[fields]]", "in a [[fields]] section", fieldKeys},
	{"[thanks]", "in [thanks]", thanksKeys},
	{"[[questions]]", "in a [[questions]] section", questionKeys},
	{"[confirmation]", "in [confirmation]", confirmationKeys},
}

// homesOf lists where key belongs, other than the section it was found in.
func homesOf(key, foundIn string) []string {
	var out []string
	for _, h := range keyHomes {
		if h.home != foundIn && slices.Contains(h.keys, key) {
			out = append(out, h.where)
		}
	}
	return out
}

// The thank-you page a visitor sees when the page file has no [thanks], and the email field
// added to every form that does not declare its own, come from the page's language
// (internal/i18n: thanks.headline, thanks.body, form.email_label, form.email_placeholder).
// The default thank-you page is honest about the fake door: nothing is for sale yet, and
// the visitor knows what happens next. One signup is one email address, so the email field
// is always present, required and first.

// decodePage reads the whole page format from a decoded file.
func (d *fileDecoder) decodePage(values map[string]any) *Page {
	root := fileSection{values: values}
	d.unknownKeys(root, pageKeys, pageSynonyms)
	p := &Page{File: d.file}
	p.Slug = d.text(root, "slug", textRule{required: true, max: maxSlugLen, example: "my-idea"})
	if p.Slug != "" {
		if problem := checkSlug(p.Slug); problem != "" {
			d.errorf("slug", "slug %s", problem)
		}
	}
	p.Title = d.text(root, "title", textRule{required: true, max: maxTitleLen, example: "Chaser — invoices that chase themselves"})
	p.Description = d.text(root, "description", textRule{max: maxDescriptionLen, example: "One sentence for search results and link previews."})
	p.SocialImage = d.url(root, "social_image")
	p.Logo = d.url(root, "logo")
	if c := d.text(root, "brand_color", textRule{max: 40, example: "#4f46e5"}); c != "" {
		var problem string
		if p.BrandColor, problem = normalizeColor(c); problem != "" {
			d.errorf("brand_color", "brand_color %s", problem)
		}
	}
	p.Default, _ = d.boolean(root, "default")
	d.domains(root, p)
	d.language(root, p)
	d.msgs = p.Messages
	if p.Default && len(p.Domains) > 0 {
		d.errorf("default", "default = true is for a page without domains: this page is served at / on its own domains (%s); remove default = true", strings.Join(p.Domains, ", "))
	}
	p.Variants = d.variants(root)
	p.Fields = d.fields(root)
	p.Thanks = d.thanks(root)
	p.PassBar = d.passBar(root)
	p.DoubleOptIn, _ = d.boolean(root, "double_opt_in")
	p.Referrals, _ = d.boolean(root, "referrals")
	p.Questions = d.questions(root)
	p.Confirmation = d.confirmation(root, p)
	return p
}

// url reads an optional https:// or /static/ address.
func (d *fileDecoder) url(s fileSection, key string) string {
	u := d.text(s, key, textRule{max: maxURLLen, example: "/static/" + key + ".png"})
	if u == "" {
		return ""
	}
	if problem := checkURL(u); problem != "" {
		d.errorf(childPath(s.path, key), "%s %s", key, problem)
		return ""
	}
	return u
}

func (d *fileDecoder) variants(root fileSection) []Variant {
	list, present := d.tableList(root, "variants")
	if raw, isList := root.values["variants"].([]any); present && (!isList || len(raw) > 0 && len(list) == 0) {
		return nil // not [[variants]] sections: reported by tableList
	}
	if !present || len(list) == 0 {
		const msg = "missing [[variants]]: add at least one [[variants]] section with an id, a headline and a cta (two or three different pitches show which one works)"
		if present {
			d.errorf("variants", msg)
		} else {
			d.missing(root, "variants", msg)
		}
		return nil
	}
	if len(list) > maxVariants {
		d.errorf(list[maxVariants].path, "too many variants: %d, the limit is %d (each variant splits your visitors further, so more would take too long to judge)", len(list), maxVariants)
	}
	out := make([]Variant, 0, len(list))
	idLine := map[string]int{}
	for _, s := range list {
		d.unknownKeys(s, variantKeys, variantSynonyms)
		v := Variant{Weight: 1}
		v.ID = d.text(s, "id", textRule{required: true, max: maxVariantIDLen, example: "plain"})
		if v.ID != "" {
			idPath := childPath(s.path, "id")
			if problem := checkVariantID(v.ID); problem != "" {
				d.errorf(idPath, "id %s", problem)
			} else if line, dup := idLine[v.ID]; dup {
				d.errorf(idPath, "variant id %q is already used on line %d; each variant needs its own id", v.ID, line)
			} else {
				idLine[v.ID] = d.lines.line(idPath)
			}
		}
		if w, ok := d.integer(s, "weight", minWeight, maxWeight, 1, "weights are relative: 1 and 1 split visitors evenly, 3 and 1 send three quarters to the first"); ok {
			v.Weight = w
		}
		v.Headline = d.text(s, "headline", textRule{required: true, max: maxHeadlineLen, example: "Get paid on time, without the awkward emails"})
		v.Subheadline = d.text(s, "subheadline", textRule{max: maxSubheadlineLen, example: "One sentence that backs up the headline."})
		v.Body = d.text(s, "body", textRule{multiline: true, max: maxBodyLen, example: "A few short paragraphs of Markdown."})
		v.CTA = d.text(s, "cta", textRule{required: true, max: maxCTALen, example: "Join the waitlist"})
		v.Price = d.text(s, "price", textRule{max: maxPriceLen, example: "$12 / month"})
		out = append(out, v)
	}
	return out
}

func (d *fileDecoder) fields(root fileSection) []Field {
	list, _ := d.tableList(root, "fields")
	var out []Field
	nameLine := map[string]int{}
	emailDeclared := false
	for i, s := range list {
		d.unknownKeys(s, fieldKeys, fieldSynonyms)
		f := d.field(s)
		namePath := childPath(s.path, "name")
		if f.Name != "" {
			if line, dup := nameLine[f.Name]; dup {
				d.errorf(namePath, "field name %q is already used on line %d; each field needs its own name", f.Name, line)
			}
			nameLine[f.Name] = d.lines.line(namePath)
		}
		if f.Name == "email" {
			emailDeclared = true
			if i != 0 {
				d.errorf(namePath, "the email field must be the first [[fields]] section, because the form always shows it first; move this section above the others")
			}
		}
		out = append(out, f)
	}
	if !emailDeclared {
		email := Field{Name: "email", Kind: FieldEmail, Label: d.msgs.Text("form.email_label"), Placeholder: d.msgs.Text("form.email_placeholder"), Required: true, MaxLength: maxEmailLength}
		out = append([]Field{email}, out...)
	}
	if len(out) > maxFields {
		d.errorf(list[len(list)-1].path, "too many fields: %d including email, the limit is %d (every extra field costs signups)", len(out), maxFields)
	}
	return out
}

// field reads one [[fields]] section. The email field has its own rules: it is always of
// kind email and required, since a signup is an email address.
func (d *fileDecoder) field(s fileSection) Field {
	f := Field{}
	f.Name = d.text(s, "name", textRule{required: true, max: maxFieldNameLen, example: "role"})
	if f.Name != "" {
		if problem := checkFieldName(f.Name); problem != "" {
			d.errorf(childPath(s.path, "name"), "name %s", problem)
		}
	}
	isEmail := f.Name == "email"

	f.Kind = FieldText
	if isEmail {
		f.Kind = FieldEmail
	}
	if k := d.text(s, "kind", textRule{max: 40, example: "text"}); k != "" {
		f.Kind = d.fieldKind(s, k)
	}
	switch {
	case isEmail && f.Kind != FieldEmail:
		d.errorf(childPath(s.path, "kind"), "the field named email must have kind = \"email\" (or no kind at all)")
	case !isEmail && f.Kind == FieldEmail && f.Name != "":
		d.errorf(childPath(s.path, "kind"), "only the field named email can have kind = \"email\": a signup has exactly one email address")
	}

	labelRule := textRule{required: !isEmail, max: maxLabelLen, example: "What do you do?"}
	if f.Label = d.text(s, "label", labelRule); f.Label == "" && isEmail {
		f.Label = d.msgs.Text("form.email_label")
	}
	f.Placeholder = d.text(s, "placeholder", textRule{max: maxPlaceholderLen, example: "e.g. designer"})
	if f.Placeholder == "" && isEmail {
		f.Placeholder = d.msgs.Text("form.email_placeholder")
	}
	if f.Kind == FieldCheckbox && f.Placeholder != "" {
		d.errorf(childPath(s.path, "placeholder"), "a checkbox has no placeholder; put the text in its label")
	}

	required, set := d.boolean(s, "required")
	f.Required = required || isEmail
	if isEmail && set && !required {
		d.errorf(childPath(s.path, "required"), "the email field is always required: a signup is an email address; remove required = false")
	}

	options, hasOptions := d.texts(s, "options", maxOptionLen, `["Designer", "Developer"]`)
	_, optionsWritten := s.values["options"]
	switch {
	case f.Kind == FieldSelect && !optionsWritten:
		d.errorf(s.path, "missing options in %s: a select needs the choices to offer, like options = [\"Designer\", \"Developer\", \"Other\"]", s.name)
	case f.Kind != FieldSelect && optionsWritten:
		d.errorf(childPath(s.path, "options"), "options only apply to kind = \"select\" (this field is %s)", f.Kind)
	case f.Kind == FieldSelect && hasOptions:
		d.checkOptions(s, options)
		f.Options = options
	}

	f.MaxLength = d.maxLength(s, f)
	return f
}

// fieldKind reads a field's kind, suggesting the right word for common alternatives.
func (d *fileDecoder) fieldKind(s fileSection, k string) FieldKind {
	switch kind := FieldKind(k); kind {
	case FieldEmail, FieldText, FieldTextarea, FieldSelect, FieldCheckbox:
		return kind
	}
	msg := fmt.Sprintf("kind must be one of email, text, textarea, select, checkbox (found %s)", quoteShort(k))
	if alt, ok := fieldKindSynonyms[strings.ToLower(k)]; ok {
		msg += fmt.Sprintf("; did you mean %q?", alt)
	}
	d.errorf(childPath(s.path, "kind"), "%s", msg)
	return ""
}

func (d *fileDecoder) checkOptions(s fileSection, options []string) {
	path := childPath(s.path, "options")
	if len(options) < minOptions || len(options) > maxOptions {
		d.errorf(path, "a select needs between %d and %d options (found %d)", minOptions, maxOptions, len(options))
	}
	seen := map[string]bool{}
	for i, o := range options {
		if seen[o] {
			d.errorf(elemPath(path, i), "option %q is listed twice", o)
		}
		seen[o] = true
	}
}

// maxLength reads the longest answer a visitor may type. Selects and checkboxes have fixed
// answers, so their bound is the longest allowed value rather than something to set.
func (d *fileDecoder) maxLength(s fileSection, f Field) int {
	limit, def := 0, 0
	switch f.Kind {
	case FieldEmail:
		limit, def = maxEmailLength, maxEmailLength
	case FieldText:
		limit, def = maxTextLength, defaultTextLength
	case FieldTextarea:
		limit, def = maxTextareaLength, defaultTextareaLength
	case FieldSelect, FieldCheckbox:
		if _, set := s.values["max_length"]; set {
			d.errorf(childPath(s.path, "max_length"), "max_length does not apply to a %s: its answers are fixed", f.Kind)
		}
		if f.Kind == FieldCheckbox {
			return checkboxValueLength
		}
		longest := 0
		for _, o := range f.Options {
			longest = max(longest, len([]rune(o)))
		}
		return longest
	default:
		return 0 // unknown kind, already reported
	}
	if n, ok := d.integer(s, "max_length", 1, limit, def, ""); ok {
		return n
	}
	return def
}

func (d *fileDecoder) thanks(root fileSection) Thanks {
	t := Thanks{Headline: d.msgs.Text("thanks.headline"), Body: d.msgs.Text("thanks.body")}
	s, ok := d.table(root, "thanks")
	if !ok {
		return t
	}
	d.unknownKeys(s, thanksKeys, thanksSynonyms)
	if h := d.text(s, "headline", textRule{max: maxThanksHeadlineLen, example: "You're on the list"}); h != "" {
		t.Headline = h
	}
	if b := d.text(s, "body", textRule{multiline: true, max: maxThanksBodyLen, example: "We're not ready yet — you're on the list."}); b != "" {
		t.Body = b
	}
	t.ShareText = d.text(s, "share_text", textRule{max: maxShareTextLen, example: "I just joined the waitlist for Chaser"})
	return t
}

// passBar reads the pre-registered success criterion. It is required: deciding what counts
// as a pass after seeing the numbers is exactly the self-deception Litmus exists to stop.
func (d *fileDecoder) passBar(root fileSection) PassBar {
	s, ok := d.table(root, "pass_bar")
	if !ok {
		if _, present := root.values["pass_bar"]; !present {
			d.missing(root, "pass_bar", "missing [pass_bar]: decide now, before visitors arrive, what result means \"build it\", "+
				"or any number can be talked into a success later. Add a [pass_bar] section with "+
				"target = \"5%%\" (the sign-up rate that would convince you; 3–5%% is typical for a waitlist page) and "+
				"min_visitors = 400 (judge only after this many visitors; about 20 ÷ target, so 400 for 5%%, 670 for 3%%)")
		}
		return PassBar{}
	}
	d.unknownKeys(s, passBarKeys, passBarSynonyms)
	var bar PassBar
	bar.TargetRate = d.target(s)
	suggested := 400
	if bar.TargetRate > 0 {
		suggested = suggestMinVisitors(bar.TargetRate)
	}
	if _, present := s.values["min_visitors"]; !present {
		d.missing(s, "min_visitors", "missing min_visitors in [pass_bar]: add min_visitors = %d, the number of visitors to wait for before judging "+
			"(about 20 ÷ target, so that hitting the target means some 20 sign-ups)", suggested)
	}
	bar.MinVisitors, _ = d.integer(s, "min_visitors", 1, maxMinVisitors, suggested,
		fmt.Sprintf("about 20 ÷ target is enough (%d for this target)", suggested))
	bar.MinDays, _ = d.integer(s, "min_days", 0, maxMinDays, 7, "0 means no minimum")
	bar.Counts = d.counts(s)
	bar.IfValidated = d.text(s, "if_validated", textRule{max: maxCommitmentLen, example: "build the invoice importer"})
	bar.IfInvalidated = d.text(s, "if_invalidated", textRule{max: maxCommitmentLen, example: "try agencies instead"})
	return bar
}

// target reads the pass bar's sign-up rate, written as a percentage in quotes.
func (d *fileDecoder) target(s fileSection) float64 {
	path := childPath(s.path, "target")
	v, present := s.values["target"]
	switch v := v.(type) {
	case string:
		rate, problem := parsePercent(strings.TrimSpace(v))
		if problem != "" {
			d.errorf(path, "target %s", problem)
		}
		return rate
	case int64:
		d.errorf(path, "target must be a percentage in quotes, like target = \"%d%%\"", v)
	case float64:
		if v > 0 && v < 1 {
			d.errorf(path, "target must be a percentage in quotes: did you mean target = \"%g%%\"?", math.Round(v*10000)/100)
		} else {
			d.errorf(path, "target must be a percentage in quotes, like target = \"%g%%\"", v)
		}
	default:
		if !present {
			d.missing(s, "target", "missing target in [pass_bar]: add target = \"5%%\", the sign-up rate that would convince you to build it")
		} else {
			d.errorf(path, "target must be a percentage in quotes, like target = \"5%%\" (found %s)", describeValue(v))
		}
	}
	return 0
}

// suggestMinVisitors is the visitors needed to expect about 20 sign-ups at rate, rounded
// up to a tidy number: enough that the verdict rests on more than a handful of people.
func suggestMinVisitors(rate float64) int {
	n := int(math.Ceil(20/rate/10)) * 10
	return min(max(n, 10), maxMinVisitors)
}
