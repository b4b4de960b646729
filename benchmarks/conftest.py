"""Keep pytest away from the deliberately vulnerable corpus and the tool cache."""

collect_ignore = ["corpus", "corpus-holdout", "corpus-holdout2", ".cache", "tools"]
