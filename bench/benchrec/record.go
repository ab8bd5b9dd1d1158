package benchrec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// EnvFile is the environment variable naming the file Add appends to.
const EnvFile = "LEVE_BENCH_RESULTS"

// EnvQuick is the environment variable that, set to 1, asks benchmarks for
// one quick round each (the harness's --quick).
const EnvQuick = "LEVE_BENCH_QUICK"

// Line is one recorded figure: a key such as "hello.pull.leve" and its
// value, a number or a string.
type Line struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

var mu sync.Mutex

// Add records value (a number or a string) under key in the file named by
// LEVE_BENCH_RESULTS, and does nothing when it is unset. A later Add of
// the same key replaces the earlier value when the file is read.
func Add(key string, value any) error {
	path := os.Getenv(EnvFile)
	if path == "" {
		return nil
	}
	switch v := value.(type) {
	case int:
		value = float64(v)
	case int64:
		value = float64(v)
	case float64, string:
	default:
		return fmt.Errorf("recording %q: value of type %T, want a number or a string", key, value)
	}
	data, err := json.Marshal(Line{key, value})
	if err != nil {
		return fmt.Errorf("recording %q: %w", key, err)
	}
	mu.Lock()
	defer mu.Unlock()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("recording %q: %w", key, err)
	}
	_, err = f.Write(append(data, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("recording %q: %w", key, err)
	}
	return nil
}

// Quick reports whether LEVE_BENCH_QUICK=1 asks for one quick round.
func Quick() bool { return os.Getenv(EnvQuick) == "1" }

// ReadLines reads a file written by Add into a map from key to value; a
// missing file is an empty map.
func ReadLines(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseLines(data)
}

// ParseLines parses the JSON lines written by Add.
func ParseLines(data []byte) (map[string]any, error) {
	out := map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("records line %d: %w", n, err)
		}
		if l.Key == "" {
			return nil, fmt.Errorf("records line %d: no key", n)
		}
		out[l.Key] = l.Value
	}
	return out, sc.Err()
}
