package exe

// xrefLayer attributes data referenced from code.
func (a *analysis) xrefLayer() []claim { return nil }
