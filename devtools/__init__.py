"""Developer tooling shared by the browser tests, the screenshot script and the load test."""
