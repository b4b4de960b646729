"""Keep pytest away from the deliberately vulnerable corpus and the tool cache."""

collect_ignore = ["corpus", "corpus-holdout", ".cache", "tools"]
