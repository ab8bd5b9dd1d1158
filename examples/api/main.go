// Command api is a small HTTP JSON service served over TLS: GET /healthz
// answers {"status":"ok"} and GET /time?zone=America/Sao_Paulo answers the
// current time in that zone, loaded with time.LoadLocation, so its image
// needs CA certificates and time zone data.
//
//	api -addr :8443 -cert tls.crt -key tls.key   # or API_ADDR, API_CERT, API_KEY
//	api -healthcheck https://127.0.0.1:8443/healthz
//	api -zone America/Sao_Paulo
//
// With -healthcheck it is its own container health check: an HTTPS GET of the
// URL verified against the system's CA certificates (SSL_CERT_FILE), exit 0
// on a 2xx answer. With -zone it prints the zone's name and UTC offset.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	addr := flag.String("addr", envOr("API_ADDR", ":8443"), "listen address (API_ADDR)")
	cert := flag.String("cert", os.Getenv("API_CERT"), "TLS certificate PEM file (API_CERT)")
	key := flag.String("key", os.Getenv("API_KEY"), "TLS private key PEM file (API_KEY)")
	health := flag.String("healthcheck", "", "GET this HTTPS URL, print the answer and exit 0 if it is 2xx")
	zone := flag.String("zone", "", "print the UTC offset of this IANA time zone and exit")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch {
	case *health != "":
		err = healthcheck(ctx, *health, os.Stdout)
	case *zone != "":
		err = printZone(*zone, os.Stdout)
	default:
		err = serve(ctx, *addr, *cert, *key)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "api:", err)
		os.Exit(1)
	}
}

// envOr returns the environment variable key, or def when it is empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// printZone writes the zone's name, abbreviation and UTC offset now.
func printZone(name string, w io.Writer) error {
	t, err := zoneTime(name)
	if err != nil {
		return err
	}
	abbr, offset := t.Zone()
	_, err = fmt.Fprintf(w, "%s %s UTC%+03d:%02d\n", name, abbr, offset/3600, abs(offset%3600)/60)
	return err
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// errUsage is returned for a missing certificate or key.
var errUsage = errors.New("serving needs -cert and -key (or API_CERT and API_KEY)")
