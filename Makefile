# Every target installs what it needs, so `make demo` and `make test` work on a fresh Debian machine as root.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: demo test lint typecheck bench bench-logs bench-images bench-bundle bench-gui package screenshots clean system-deps

system-deps:
	@if ! command -v tesseract >/dev/null 2>&1; then \
	  echo "Installing tesseract-ocr (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr >/dev/null; \
	fi
	@# Qt's offscreen platform still needs these shared libraries on a bare Debian.
	@if ! ldconfig -p | grep -q libEGL.so.1 || ! ldconfig -p | grep -q libxkbcommon.so.0 || ! ldconfig -p | grep -q libfontconfig.so.1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 >/dev/null; \
	fi

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || (apt-get update -qq && apt-get install -y -qq python3 python3-venv)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: system-deps $(STAMP)
	$(PY) -m redactor demo

test: system-deps $(STAMP) $(VENV)/.installed-package
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check redactor tests benchmarks
	$(VENV)/bin/mypy

bench: bench-logs bench-images bench-bundle bench-gui

bench-logs: system-deps $(STAMP)
	$(PY) benchmarks/bench_logs.py

bench-images: system-deps $(STAMP)
	$(PY) benchmarks/bench_images.py

bench-bundle: system-deps $(STAMP)
	$(PY) benchmarks/bench_bundle.py

bench-gui: system-deps $(STAMP)
	$(PY) benchmarks/bench_gui.py

bench-verify: $(STAMP)
	$(PY) benchmarks/bench_verify.py

# PyInstaller for the Linux package; `make test` needs it too (tests/test_package.py builds dist/ when stale).
PKG_STAMP := $(VENV)/.installed-package
$(PKG_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[dev,package]'
	touch $(PKG_STAMP)

package: system-deps $(PKG_STAMP)
	bash packaging/linux/build.sh

screenshots: system-deps $(STAMP)
	$(PY) tools/render_screenshots.py

clean:
	rm -rf build dist out benchmarks/_work .pytest_cache .mypy_cache
