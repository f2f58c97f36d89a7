package main

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// tokenCookie carries API_TOKEN for the dashboard in a browser, set by /dashboard?token=…
const tokenCookie = "bridge_token"

// requireToken protects admin endpoints with API_TOKEN, as "Authorization: Bearer <token>" or (for the
// dashboard in a browser) the cookie set when the dashboard was opened with ?token=.
func (s *server) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	want := []byte(s.cfg.API.Token.Reveal())
	return func(c echo.Context) error {
		got := ""
		if h := c.Request().Header.Get(echo.HeaderAuthorization); strings.HasPrefix(h, "Bearer ") {
			got = strings.TrimPrefix(h, "Bearer ")
		} else if ck, err := c.Cookie(tokenCookie); err == nil {
			got = ck.Value
		}
		if len(want) == 0 || subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			return echo.NewHTTPError(http.StatusUnauthorized, "missing or wrong API token: send Authorization: Bearer <API_TOKEN>")
		}
		return next(c)
	}
}

// dashboardLogin turns /dashboard?token=… into a cookie and a clean URL (so the token does not stay in
// the address bar or the browser history).
func (s *server) dashboardLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := c.QueryParam("token")
		if token == "" {
			return next(c)
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.API.Token.Reveal())) != 1 {
			return echo.NewHTTPError(http.StatusUnauthorized, "wrong token")
		}
		c.SetCookie(&http.Cookie{Name: tokenCookie, Value: token, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Expires: time.Now().Add(12 * time.Hour)})
		return c.Redirect(http.StatusSeeOther, c.Request().URL.Path)
	}
}
