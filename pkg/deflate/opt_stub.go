package deflate

type optConfig struct{}

var optDefault, optMax optConfig

func newOptParser(c optConfig) parser { return newLazyParser(64, 258) }
