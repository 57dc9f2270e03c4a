# Quick start: `make demo` and `make test` work on a fresh machine with only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench bench-typst clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the packaging changes; the install is editable, so code edits need none.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p output && touch output/.demo-start
	$(BIN)/briefgen brief examples/malmo.yaml -o output/malmo-brief.pdf
	$(BIN)/briefgen brief examples/malmo.yaml --brand examples/brand/_brand.yml -o output/branded/malmo-brief.pdf
	$(BIN)/briefgen factsheet --at-a-glance examples/malmo.yaml --brand examples/brand/_brand.yml -o output/branded/at-a-glance.pdf
	$(BIN)/briefgen brief --all -m Barcelona --country ES --organisation "UNICEF Spain" --date 2026-11-23 -o output/full-agenda.pdf
	$(BIN)/briefgen factsheet --all examples/malmo.yaml --out output/factsheets
	$(BIN)/briefgen factsheet --at-a-glance examples/malmo.yaml -o output/at-a-glance.pdf
	$(BIN)/briefgen campaign examples/campaign.csv --out output/campaign --packet --quiet
	@echo "Wrote:"
	@find output -newer output/.demo-start -type f \( -name '*.pdf' -o -name 'manifest.*' \) | sort | sed 's/^/  /'
	@rm -f output/.demo-start

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_brief.py
	$(BIN)/python bench/bench_campaign.py

# Typst, for the side-by-side bench only: its own environment, never a briefgen dependency.
TYPST_VENV := bench/.venv-typst
$(TYPST_VENV)/bin/python:
	$(PYTHON) -m venv $(TYPST_VENV)
	$(TYPST_VENV)/bin/python -m pip install --quiet 'typst>=0.15,<0.16'

bench-typst: $(STAMP) $(TYPST_VENV)/bin/python
	$(BIN)/python bench/bench_typst.py

clean:
	rm -rf $(VENV) $(TYPST_VENV) output build dist
