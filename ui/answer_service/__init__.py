"""A local answer endpoint: a running `policyqa ui` or `policyqa serve` answers `policyqa ask` over a Unix
socket in the data directory, so a one-shot question does not load the model and the index again."""
