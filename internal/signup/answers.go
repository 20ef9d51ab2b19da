package signup

import "github.com/litmuslabs/litmus/pages"

// ReadAnswers collects the answers to the page's thank-you questions from get and validates
// them with the same rules as the signup form: a choice must be one of its options, a text
// answer is bounded and free of control and direction-changing characters. Every question
// is optional: an empty answer is left out. Values keeps what the visitor sent, bounded,
// for showing the form again.
func ReadAnswers(p *pages.Page, get func(name string) string) (map[string]string, Values, FieldErrors) {
	answers := map[string]string{}
	values := Values{}
	var errs FieldErrors
	for _, q := range p.Questions {
		f := pages.Field{Name: q.Name, Label: q.Label, Kind: pages.FieldText, MaxLength: q.MaxLength}
		if q.Kind == pages.QuestionChoice {
			f.Kind, f.Options = pages.FieldSelect, q.Options
		}
		raw := get(q.Name)
		values[q.Name] = keep(raw)
		v, msg := field(p.Msg(), &f, raw)
		switch {
		case msg != "":
			if errs == nil {
				errs = FieldErrors{}
			}
			errs[q.Name] = msg
		case v != "":
			answers[q.Name] = v
		}
	}
	return answers, values, errs
}
