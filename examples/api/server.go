package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// serve runs the HTTPS service on addr until ctx is done.
func serve(ctx context.Context, addr, cert, key string) error {
	if cert == "" || key == "" {
		return errUsage
	}
	srv := &http.Server{Addr: addr, Handler: handler(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServeTLS(cert, key) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// handler routes /healthz and /time.
func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /time", func(w http.ResponseWriter, r *http.Request) {
		zone := r.URL.Query().Get("zone")
		if zone == "" {
			zone = "UTC"
		}
		t, err := zoneTime(zone)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		_, offset := t.Zone()
		writeJSON(w, http.StatusOK, timeAnswer{Zone: zone, Time: t.Format(time.RFC3339), OffsetSeconds: offset})
	})
	return mux
}

// timeAnswer is the JSON body of GET /time.
type timeAnswer struct {
	Zone          string `json:"zone"`
	Time          string `json:"time"`
	OffsetSeconds int    `json:"offsetSeconds"`
}

// zoneTime is the current time in the IANA zone name.
func zoneTime(name string) (time.Time, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.Time{}, fmt.Errorf("loading time zone %q: %w", name, err)
	}
	return time.Now().In(loc), nil
}

// writeJSON writes v as the JSON body of a response with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
