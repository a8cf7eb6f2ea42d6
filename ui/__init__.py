"""What people use: the `policyqa` command line and the web chat."""
