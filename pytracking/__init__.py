"""pytracking: tracker evaluation, benchmarks and analysis."""
