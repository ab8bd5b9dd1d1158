package exe

func suggestions(r *Report) []Suggestion { return nil }
