package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

func init() {
	commands["healthcheck"] = command{
		summary: "GET a URL and exit 0 on 2xx (the container health check; the image has no curl)",
		run:     healthcheck,
	}
}

func healthcheck(ctx context.Context, env *cli, args []string) error {
	fs := env.flags("healthcheck", "<url>")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fs.Arg(0), nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s", fs.Arg(0), res.Status)
	}
	fmt.Fprintln(env.stdout, "ok")
	return nil
}
