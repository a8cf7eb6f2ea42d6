"""Chat models an answer writer talks to: a local GGUF file or an OpenAI-compatible endpoint, chosen by settings."""
