"""Who may sign in: dashboard accounts with the failed-login throttle and sign-in limiter
(accounts), and the server-side sign-in sessions (sessions)."""
