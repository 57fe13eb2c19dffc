# Every target installs what it needs, so `make demo` and `make test` work on a fresh Debian machine as root.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Tests and benchmarks draw offscreen unless told otherwise; `make gui` opens a real window (the desktop's own
# platform: xcb on X11, wayland), so it drops that default unless the caller chose a platform.
ifeq ($(origin QT_QPA_PLATFORM),undefined)
GUI_ENV := env -u QT_QPA_PLATFORM
endif
export QT_QPA_PLATFORM ?= offscreen

.PHONY: demo gui test lint typecheck bench bench-logs bench-images bench-kinds bench-bundle bench-gui package screenshots clean system-deps

# Debian packages the app needs at run time from a source install: Tesseract's language data (tesserocr's wheel
# carries libtesseract but no tessdata), the Tesseract program (the fallback back-end), the libraries Qt loads
# on a bare Debian (offscreen and xcb platforms: the X11/xcb set packaging/linux/make_deb.py declares for the
# .deb), Xvfb for the GUI test that runs the app under the xcb platform, and the age tool for the hand-off
# round trips (app -> age -d, age -r -> app).
TESS_DEBS := tesseract-ocr tesseract-ocr-eng
QT_DEBS := libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
XCB_DEBS := libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
  libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 \
  libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
TEST_DEBS := xvfb age
SYSTEM_DEBS := $(TESS_DEBS) $(QT_DEBS) $(XCB_DEBS) $(TEST_DEBS)

system-deps:
	@missing=$$(for p in $(SYSTEM_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing (apt):" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || (apt-get update -qq && apt-get install -y -qq python3 python3-venv)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: system-deps $(STAMP)
	$(PY) -m redactor demo
	$(PY) -m redactor demo --bisq2
	@echo "Open the desktop app: make gui   (or: $(PY) -m redactor gui)"

gui: system-deps $(STAMP)
	$(GUI_ENV) $(PY) -m redactor gui

test: system-deps $(STAMP) $(VENV)/.installed-package
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check redactor tests benchmarks
	$(VENV)/bin/mypy

bench: bench-logs bench-images bench-kinds bench-bundle bench-gui

bench-logs: system-deps $(STAMP)
	$(PY) benchmarks/bench_logs.py

bench-kinds: system-deps $(STAMP)
	$(PY) benchmarks/bench_kinds.py

bench-images: system-deps $(STAMP)
	BISQ_REDACTOR_OCR_BACKEND=library $(PY) benchmarks/bench_images.py
	BISQ_REDACTOR_OCR_BACKEND=process $(PY) benchmarks/bench_images.py
	$(PY) benchmarks/bench_images.py --compare

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
