package exe

func (a *analysis) needs(r *Report) []Need { return nil }
