#!/usr/bin/env bash
# Run every benchmark (`make bench`). Each script generates its own data and prints its figures.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/search.py
.venv/bin/python bench/credit.py
.venv/bin/python bench/review_throughput.py
