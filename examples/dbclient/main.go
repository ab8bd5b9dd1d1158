// Command dbclient is a small PostgreSQL client built on pgx: it connects to
// the database DATABASE_URL (or -url) names, over TLS when the URL asks for
// it, runs one query and prints each row as tab-separated text.
//
//	DATABASE_URL=postgres://app@db:5432/shop?sslmode=verify-full dbclient "select id, name from item"
//	dbclient -url postgres://... -timeout 5s            # prints the server's version
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

func main() {
	url := flag.String("url", os.Getenv("DATABASE_URL"), "connection URL or DSN (DATABASE_URL)")
	timeout := flag.Duration("timeout", 10*time.Second, "bound on connecting and querying")
	flag.Parse()
	query := "select version()"
	if flag.NArg() > 0 {
		query = strings.Join(flag.Args(), " ")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, *url, query, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "dbclient:", err)
		os.Exit(1)
	}
}

// run connects to url, runs query and writes its rows to w.
func run(ctx context.Context, url, query string, w io.Writer) error {
	if url == "" {
		return fmt.Errorf("no database: set DATABASE_URL or -url")
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("parsing the connection URL: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connecting to %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return err
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = fmt.Sprint(v)
		}
		if _, err := fmt.Fprintln(w, strings.Join(cells, "\t")); err != nil {
			return err
		}
	}
	return rows.Err()
}
