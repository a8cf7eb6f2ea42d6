"""Answer writers: each turns a question and its passages into sentences that claim their sources."""
