// Command server is a net/http + crypto/tls + encoding/json server that
// loads a time zone: it needs CA certificates, tzdata, DNS and a temp dir.
package main

import (
	"crypto/tls"
	"encoding/json"
	"log"
	"net/http"
	"time"
)

func main() {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"now": time.Now().In(loc).String()})
	})
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}}
	go c.Get("https://example.com/")
	log.Fatal(http.ListenAndServe(":8080", nil))
}
