package main

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

// prompt is the seed's question, printed before every answer.
const prompt = "Qual é o seu nome:? \n"

func TestGreet(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"one word", "Maria\n", "Oi, Maria! Eu sou a linguagem Go!\n"},
		{"full line", "Maria Silva\n", "Oi, Maria Silva! Eu sou a linguagem Go!\n"},
		{"utf-8", "João\n", "Oi, João! Eu sou a linguagem Go!\n"},
		{"crlf", "Maria Silva\r\n", "Oi, Maria Silva! Eu sou a linguagem Go!\n"},
		{"no newline", "João", "Oi, João! Eu sou a linguagem Go!\n"},
		{"surrounding blanks", "  Ana \t\n", "Oi, Ana! Eu sou a linguagem Go!\n"},
		{"only first line", "Ana\nBeto\n", "Oi, Ana! Eu sou a linguagem Go!\n"},
		{"empty input", "", "Oi! Eu sou a linguagem Go!\n"},
		{"empty line", "\n", "Oi! Eu sou a linguagem Go!\n"},
		{"blank line", " \r\n", "Oi! Eu sou a linguagem Go!\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			if err := greet(strings.NewReader(tt.in), &out); err != nil {
				t.Fatalf("greet(%q) error = %v, want nil", tt.in, err)
			}
			if got, want := out.String(), prompt+tt.want; got != want {
				t.Errorf("greet(%q) wrote %q, want %q", tt.in, got, want)
			}
		})
	}
}

func TestGreetReadError(t *testing.T) {
	errBoom := errors.New("boom")
	var out strings.Builder
	if err := greet(iotest.ErrReader(errBoom), &out); !errors.Is(err, errBoom) {
		t.Errorf("greet(failing reader) error = %v, want %v", err, errBoom)
	}
}

// failWriter fails every write.
type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestGreetWriteError(t *testing.T) {
	errBoom := errors.New("boom")
	if err := greet(strings.NewReader("Ana\n"), failWriter{errBoom}); !errors.Is(err, errBoom) {
		t.Errorf("greet(failing writer) error = %v, want %v", err, errBoom)
	}
}
