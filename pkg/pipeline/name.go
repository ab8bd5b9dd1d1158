package pipeline

import "strings"

// repositoryName derives an image name from a binary name: lowercase,
// accents dropped, and every run of characters a repository name cannot
// hold replaced by one "-" ("Olá Mundo" gives "ola-mundo").
func repositoryName(bin string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(bin) {
		if a, ok := unaccented[r]; ok {
			r = a
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(b.String(), "-._")
	if name == "" {
		return "app"
	}
	return name
}

// unaccented maps accented Latin letters to their base letter.
var unaccented = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãäåā", 'c': "çćč", 'e': "èéêëēę", 'i': "ìíîïī", 'n': "ñń",
		'o': "òóôõöøō", 'u': "ùúûüū", 'y': "ýÿ", 's': "śš", 'z': "źżž", 'l': "ł",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()
