# Two commands do all the set-up on a fresh machine (Python 3.11+):
#   make demo   install, migrate, load the demo organisation and serve it on http://127.0.0.1:8000
#   make test   install with the test extras and run the whole test suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: demo test install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

demo: install
	$(BIN)/planner demo

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)
