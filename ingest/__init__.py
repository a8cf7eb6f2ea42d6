"""Turn policy documents into clean, structured, citable chunks."""
