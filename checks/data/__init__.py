"""Framework knowledge as TOML data files (see ``codeward.checks.knowledge``)."""
