"""Teaching tools: concept cards, grading, practice drills, the walkthrough, the spec wizard
and the scaling journey. Imported lazily by the CLI commands that use them."""
