"""One module per CLI verb, each exposing a click command or group."""
