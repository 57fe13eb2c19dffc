"""The Linux package (PyInstaller one-folder build with Tesseract inside: the tesserocr wheel and the pinned
tessdata) works with nothing else installed and behaves exactly like the source install on the demo data.

The module builds `dist/bisq-redactor/` with packaging/linux/build.sh when it is missing or older than the
sources (about a minute), then runs the built binary with PATH pointing at an empty folder, so no system
Tesseract can be found: every OCR call must run in process with the bundled tessdata. Outputs are compared with
the same commands run from source (`python -m redactor`: the same tesserocr wheel, the package's tessdata).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from redactor import __version__

pytestmark = [pytest.mark.package, pytest.mark.ocr]

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "dist"
APP_DIR = DIST / "bisq-redactor"
DEMO = REPO / "resources" / "demo"
# What the build bundles by default (packaging/linux/build.sh, BISQ_TESSERACT_LANGS): the redactor reads English.
LANGS = set(os.environ.get("BISQ_TESSERACT_LANGS", "eng").split(","))
# Manifest/report fields that name the tool, its environment or the moment: they may differ between runs.
VOLATILE_KEY = re.compile(r"^(created|generated|modified|tool|tool_version|app_version|version|tesseract\w*|"
                          r"duration\w*|elapsed\w*|seconds|\w*_at|\w*time\w*)$", re.IGNORECASE)


@pytest.fixture(scope="module")
def app() -> Path:
    """The packaged executable: BISQ_PACKAGED_APP (the release workflow on Windows/macOS), else the Linux
    build in dist/, built (or rebuilt when the sources changed) by packaging/linux/build.sh."""
    given = os.environ.get("BISQ_PACKAGED_APP")
    if given:
        return Path(given).resolve()
    if not sys.platform.startswith("linux"):
        pytest.skip("set BISQ_PACKAGED_APP to the built executable to smoke-test a package on this OS")
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (`make package` or `make test` installs it)")
    res = subprocess.run(["bash", str(REPO / "packaging" / "linux" / "build.sh"), "--if-stale"], cwd=REPO,
                         capture_output=True, text=True, env={**os.environ, "PY": sys.executable}, check=False)
    if res.returncode != 0:
        pytest.fail(f"packaging/linux/build.sh failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
    exe = APP_DIR / "bisq-redactor"
    assert exe.is_file()
    return exe


def _tessdata_dir(app: Path) -> Path:
    """resources/tesseract/tessdata inside the package: _internal/ (Linux, Windows) or the .app's Resources."""
    for base in (app.parent / "_internal", app.parent.parent / "Frameworks", app.parent.parent / "Resources"):
        if (base / "resources" / "tesseract" / "tessdata").is_dir():
            return base / "resources" / "tesseract" / "tessdata"
    raise AssertionError(f"no resources/tesseract/tessdata next to {app}")


@pytest.fixture
def bare_env(tmp_path: Path) -> dict[str, str]:
    """An environment with no Tesseract, Python or Qt reachable: PATH is an empty folder, HOME is empty."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": str(empty), "HOME": str(home), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
           "XDG_RUNTIME_DIR": str(home)}
    if sys.platform.startswith("win"):  # Windows processes need these to start at all
        env.update({k: os.environ[k] for k in ("SYSTEMROOT", "WINDIR", "TEMP", "TMP") if k in os.environ})
        env.update({"USERPROFILE": str(home), "APPDATA": str(home / "AppData"), "LOCALAPPDATA": str(home / "Local")})
    return env


def _run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    # UTF-8 whatever the locale (Tesseract writes UTF-8; Windows' default code page would garble "Müller").
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, encoding="utf-8", errors="replace",
                          timeout=timeout, check=False)


def _source_cmd() -> list[str]:
    return [sys.executable, "-m", "redactor"]


def _source_env(bare: dict[str, str], app: Path) -> dict[str, str]:
    """The packaged run's environment, but Python finds the checkout (and its venv's tesserocr, the wheel the
    package was built from), reading the package's tessdata."""
    return {**bare, "PATH": os.pathsep.join(["/usr/bin", "/bin", os.path.dirname(sys.executable)]),
            "PYTHONPATH": str(REPO), "TESSDATA_PREFIX": str(_tessdata_dir(app))}


def _skip_if_unimplemented(res: subprocess.CompletedProcess[str], command: str) -> None:
    if res.returncode != 0 and "not implemented yet" in res.stderr:
        pytest.skip(f"`{command}` is not implemented yet in the source tree")


def _normalize(obj: Any, roots: list[str]) -> Any:
    """Drop tool/moment-specific fields and replace run folders by a placeholder, recursively."""
    if isinstance(obj, dict):
        return {k: _normalize(v, roots) for k, v in obj.items() if not VOLATILE_KEY.search(k)}
    if isinstance(obj, list):
        return [_normalize(v, roots) for v in obj]
    if isinstance(obj, str):
        for root in roots:
            obj = obj.replace(root, "<run>")
        return obj
    return obj


def _same_file(a: Path, b: Path, roots: list[str]) -> None:
    if a.suffix == ".json":
        assert _normalize(json.loads(a.read_text()), roots) == _normalize(json.loads(b.read_text()), roots), a.name
    elif a.suffix == ".zip":
        _same_zip(a, b, roots)
    else:
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between the package and the source install"


def _same_zip(a: Path, b: Path, roots: list[str]) -> None:
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert sorted(za.namelist()) == sorted(zb.namelist())
        for name in za.namelist():
            da, db = za.read(name), zb.read(name)
            if name.endswith(".json"):
                na = _normalize(json.loads(da), roots)
                nb = _normalize(json.loads(db), roots)
                assert na == nb, f"{a.name}:{name} differs beyond tool/time fields"
            else:
                assert da == db, f"{a.name}:{name} differs between the package and the source install"


def _same_tree(a: Path, b: Path, roots: list[str]) -> None:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    assert files_a, "the command wrote nothing"
    for rel in files_a:
        _same_file(a / rel, b / rel, roots)


def _run_both(app: Path, bare_env: dict[str, str], tmp_path: Path, args: list[str], inputs: dict[str, Path],
              timeout: float = 300) -> tuple[Path, Path]:
    """Run the same command (relative paths) from the package and from source, each in its own folder."""
    outs = []
    for name, cmd, env in (("packaged", [str(app)], bare_env), ("source", _source_cmd(), _source_env(bare_env, app))):
        cwd = tmp_path / name
        (cwd / "in").mkdir(parents=True)
        (cwd / "out").mkdir()
        for rel, src in inputs.items():
            dest = cwd / "in" / rel
            if src.is_dir():
                shutil.copytree(src, dest)
            else:
                shutil.copyfile(src, dest)
        res = _run(cmd + args, env, cwd, timeout)
        if name == "packaged" and res.returncode != 0:
            # Say so when the source install fails the same way (command not there yet) rather than blaming
            # the package.
            _skip_if_unimplemented(_run(_source_cmd() + args, _source_env(bare_env, app), cwd, timeout), args[0])
        _skip_if_unimplemented(res, args[0])
        assert res.returncode == 0, f"{name} `{' '.join(args)}` failed: {res.stderr[-2000:]}"
        outs.append(cwd / "out")
    return outs[0], outs[1]


def test_version_reports_in_process_ocr_with_bundled_tessdata(app: Path, bare_env: dict[str, str],
                                                              tmp_path: Path) -> None:
    res = _run([str(app), "--version"], bare_env, tmp_path, timeout=60)
    assert res.returncode == 0, res.stderr
    assert f"bisq-redactor {__version__}" in res.stdout
    assert re.search(r"^OCR: in process \(tesserocr \d+\.\d+\.\d+\)$", res.stdout, re.M), res.stdout
    assert re.search(r"^Tesseract: 5\.\d+\.\d+ \(tesserocr's\); tessdata: bundled$", res.stdout, re.M), res.stdout


def test_bundled_tessdata_is_the_pinned_files(app: Path) -> None:
    import hashlib

    tessdata = _tessdata_dir(app)
    pins = dict(reversed(line.split()) for line in (REPO / "packaging" / "tessdata.sha256").read_text().splitlines()
                if line.strip() and not line.startswith("#"))
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tessdata.glob("*.traineddata")}
    assert set(found) == {f"{lang}.traineddata" for lang in LANGS}
    assert all(found[name] == pins[name] for name in found), "a bundled traineddata differs from its pin"


def test_packaged_app_reads_text_with_only_its_own_files(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    """OCR in the frozen app, no Tesseract anywhere on PATH: an IBAN and an e-mail on a rendered form are hidden."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(REPO / "resources" / "fonts" / "IBMPlexSans-Regular.ttf"), 24)
    image = Image.new("RGB", (900, 140), "white")
    draw = ImageDraw.Draw(image)
    draw.text((12, 16), "IBAN: DE89 3704 0044 0532 0130 00", fill="black", font=font)
    draw.text((12, 76), "E-Mail: juergen.mueller@example.de", fill="black", font=font)
    image.save(tmp_path / "form.png")
    res = _run([str(app), "redact-image", "form.png", "-o", "clean.png", "--boxes", "boxes.json"], bare_env,
               tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    boxes = json.loads((tmp_path / "boxes.json").read_text())["boxes"]
    for top in (16, 76):  # both values were read (and hidden), whichever rule found them
        assert any(b["y"] <= top + 20 and b["y"] + b["h"] >= top + 10 and b["x"] > 60 for b in boxes), boxes


def test_package_has_no_network_libraries(app: Path) -> None:
    """tesserocr's libtesseract is built without libcurl and libarchive (Debian's linked both, with their
    network/XML/ICU chains): nothing in the package could fetch a URL for Tesseract."""
    if not sys.platform.startswith("linux") or os.environ.get("BISQ_PACKAGED_APP"):
        pytest.skip("ldd is the Linux build's check")
    names = {p.name for p in APP_DIR.rglob("*.so*")}
    assert [n for n in names if n.startswith("libtesseract")], "no libtesseract in the package"
    assert not [n for n in names if re.match(r"lib(curl|archive)\b", n)], names
    for lib in [*APP_DIR.rglob("libtesseract*.so*"), *APP_DIR.rglob("libleptonica*.so*")]:
        ldd = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, check=True).stdout
        assert "libcurl" not in ldd and "libarchive" not in ldd and "not found" not in ldd, ldd


def test_linux_package_size_within_target(app: Path) -> None:
    """Issue 16: the unpacked Linux package stays within 200 MB (benchmarks/bench_package.py has the breakdown)."""
    if not sys.platform.startswith("linux") or os.environ.get("BISQ_PACKAGED_APP"):
        pytest.skip("the size target is the Linux build's")
    size = sum(p.stat().st_size for p in APP_DIR.rglob("*") if p.is_file() and not p.is_symlink())
    assert size <= 200e6, f"dist/bisq-redactor is {size / 1e6:.0f} MB unpacked, over the 200 MB target"


def test_deb_and_tarball_hold_a_working_app(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    if not sys.platform.startswith("linux") or os.environ.get("BISQ_PACKAGED_APP"):
        pytest.skip("the .deb and .tar.gz are the Linux build's")
    deb = DIST / f"bisq-redactor_{__version__}_amd64.deb"
    tarball = DIST / f"bisq-redactor-{__version__}-linux-x86_64.tar.gz"
    fields = subprocess.run(["dpkg-deb", "--field", str(deb), "Package", "Version", "Depends"],
                            capture_output=True, text=True, check=True).stdout
    assert "Package: bisq-redactor" in fields and f"Version: {__version__}" in fields
    assert "libc6 (>= " in fields
    assert "tesseract" not in fields.split("Depends:")[1]  # Tesseract is inside, not a dependency
    root = tmp_path / "deb"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    assert (root / "usr" / "share" / "applications" / "bisq-redactor.desktop").is_file()
    hicolor = root / "usr" / "share" / "icons" / "hicolor"
    from PIL import Image

    with Image.open(hicolor / "256x256" / "apps" / "bisq-redactor.png") as icon:  # the .desktop's Icon=
        assert icon.size == (256, 256) and icon.mode == "RGBA"
    assert "<svg" in (hicolor / "scalable" / "apps" / "bisq-redactor.svg").read_text()
    assert os.readlink(root / "usr" / "bin" / "bisq-redactor") == "/opt/bisq-redactor/bisq-redactor"
    res = _run([str(root / "opt" / "bisq-redactor" / "bisq-redactor"), "--version"], bare_env, tmp_path, timeout=60)
    assert res.returncode == 0 and "tessdata: bundled" in res.stdout, res.stdout + res.stderr
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
    assert {"bisq-redactor/bisq-redactor",
            "bisq-redactor/_internal/resources/tesseract/tessdata/eng.traineddata"} <= names
    assert [n for n in names if re.search(r"/_internal/tesserocr/tesserocr\.cpython-\d+.*\.so$", n)], \
        "tesserocr's extension module is not in the .tar.gz"


def test_sanitize_log_same_as_source(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    packaged, source = _run_both(app, bare_env, tmp_path,
                                 ["sanitize-log", "in/bisq.log", "-o", "out/bisq.log", "--report", "out/report.json"],
                                 {"bisq.log": DEMO / "Bisq" / "bisq.log"})
    _same_tree(packaged, source, [str(tmp_path / "packaged"), str(tmp_path / "source")])


def test_scrub_contract_same_as_source(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    packaged, source = _run_both(app, bare_env, tmp_path,
                                 ["scrub-contract", "in/contract.json", "-o", "out/contract.json"],
                                 {"contract.json": DEMO / "contract.json"})
    _same_tree(packaged, source, [str(tmp_path / "packaged"), str(tmp_path / "source")])


def test_redact_image_same_as_source(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    shots = sorted((DEMO / "screenshots").glob("*.png")) if (DEMO / "screenshots").is_dir() else []
    if not shots:
        pytest.skip("no demo screenshot in resources/demo/screenshots/ yet")
    packaged, source = _run_both(app, bare_env, tmp_path,
                                 ["redact-image", "in/shot.png", "-o", "out/shot.png", "--boxes", "out/boxes.json"],
                                 {"shot.png": shots[0]})
    boxes = json.loads((packaged / "boxes.json").read_text())
    assert boxes, "the packaged app redacted nothing on a screenshot that shows payment details"
    _same_tree(packaged, source, [str(tmp_path / "packaged"), str(tmp_path / "source")])


def test_in_process_ocr_same_as_processes(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    """The fallback still works from the frozen app (a system Tesseract program, run with the system's own
    libraries, not the package's), and it redacts the demo screenshot exactly as the bundled tesserocr does."""
    shot = DEMO / "screenshots" / "trade-details.png"
    if not shot.is_file():
        pytest.skip("no demo trade-details screenshot")
    program = shutil.which("tesseract")
    if program is None:
        pytest.skip("no Tesseract program on this machine for the fallback back-end")
    outs = {}
    for backend in ("library", "process"):
        env = {**bare_env, "BISQ_REDACTOR_OCR_BACKEND": backend}
        if backend == "process":
            env["PATH"] = os.path.dirname(program)
        version = _run([str(app), "--version"], env, tmp_path, timeout=60)
        assert ("OCR: in process" in version.stdout) == (backend == "library"), version.stdout
        out = tmp_path / f"{backend}.png"
        res = _run([str(app), "redact-image", str(shot), "-o", str(out)], env, tmp_path, timeout=120)
        assert res.returncode == 0, res.stderr[-2000:]
        outs[backend] = out.read_bytes()
    assert outs["library"] == outs["process"]


def test_demo_bundle_same_as_source(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    packaged, source = _run_both(app, bare_env, tmp_path, ["demo", "-o", "out"], {})
    assert any(p.suffix == ".zip" for p in packaged.rglob("*")), "demo wrote no bundle zip"
    _same_tree(packaged, source, [str(tmp_path / "packaged"), str(tmp_path / "source")])


def test_bundle_on_demo_data_dir_same_as_source(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    trade_id = json.loads((DEMO / "demo-facts.json").read_text())["trade_id"]
    shot = DEMO / "screenshots" / "trade-details.png"
    if not shot.is_file():
        pytest.skip("no demo trade-details screenshot yet")
    packaged, source = _run_both(
        app, bare_env, tmp_path,
        ["bundle", "--data-dir", "in/Bisq", "--trade-id", trade_id, "--role", "buyer",
         "--description-file", "in/description.txt", "--contract", "in/contract.json",
         "--screenshot", "in/trade-details.png:trade-details", "-o", "out/case.zip"],
        {"Bisq": DEMO / "Bisq", "description.txt": DEMO / "description.txt", "contract.json": DEMO / "contract.json",
         "trade-details.png": shot})
    with zipfile.ZipFile(packaged / "case.zip") as z:
        assert any(name.endswith(".png") for name in z.namelist()), "the screenshot is missing from the bundle"
    _same_tree(packaged, source, [str(tmp_path / "packaged"), str(tmp_path / "source")])


def test_gui_starts_offscreen_and_quits(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    res = _run([str(app), "gui", "--quit-after", "1"], bare_env, tmp_path, timeout=120)
    if res.returncode != 0:
        _skip_if_unimplemented(res, "gui")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Traceback" not in res.stderr, res.stderr[-2000:]


def test_compact_elf_keeps_wheel_libraries_loadable(tmp_path: Path) -> None:
    """packaging/linux/compact_elf.py on tesserocr's own wheel files: much smaller, and they still load with
    every symbol bound and read text (no PyInstaller build needed)."""
    tesserocr = pytest.importorskip("tesserocr")
    if not sys.platform.startswith("linux"):
        pytest.skip("ELF only")
    site = Path(tesserocr.__file__).resolve().parent.parent
    for name in ("tesserocr", "tesserocr.libs"):
        shutil.copytree(site / name, tmp_path / name)
    before = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    subprocess.run([sys.executable, str(REPO / "packaging" / "linux" / "compact_elf.py"), str(tmp_path)],
                   check=True, capture_output=True)
    after = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    assert after < before * 0.6, (before, after)
    from redactor.image.engines.tesserocr_engine import find_tessdata

    tessdata = find_tessdata("eng")
    if tessdata is None:
        pytest.skip("no eng tessdata here")
    code = ("import sys, tesserocr; from PIL import Image, ImageDraw; im = Image.new('L', (420, 60), 255); "
            "ImageDraw.Draw(im).text((10, 15), 'Payment 12345', fill=0, font_size=28); "
            "print(tesserocr.__file__); print(tesserocr.image_to_text(im, path=sys.argv[1]))")
    out = subprocess.run([sys.executable, "-c", code, str(tessdata) + os.sep], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(tmp_path), "LD_BIND_NOW": "1"}, check=True, cwd=tmp_path)
    assert out.stdout.splitlines()[0].startswith(str(tmp_path)), out.stdout
    assert "12345" in out.stdout
