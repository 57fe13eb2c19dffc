"""The Linux package (PyInstaller one-folder build with Tesseract inside) works with nothing else installed
and behaves exactly like the source install on the demo data.

The module builds `dist/bisq-redactor/` with packaging/linux/build.sh when it is missing or older than the
sources (about a minute), then runs the built binary with PATH pointing at an empty folder, so the system
Tesseract in /usr/bin cannot be found: every OCR call must use the bundled one. Outputs are compared with the
same commands run from source (`python -m redactor`, system Tesseract 5.3 with the same tessdata files).
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
LANGS = {"eng", "deu", "fra", "spa", "ita", "por", "pol", "ces", "vie"}
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


def _tesseract_dir(app: Path) -> Path:
    """resources/tesseract inside the package: _internal/ (Linux, Windows) or the .app's Frameworks/Resources."""
    for base in (app.parent / "_internal", app.parent.parent / "Frameworks", app.parent.parent / "Resources"):
        if (base / "resources" / "tesseract" / "tessdata").is_dir():
            return base / "resources" / "tesseract"
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
    """The packaged run's environment, but Python finds the checkout and Tesseract comes from the system
    (Linux: /usr/bin/tesseract 5.3, same tessdata files); on Windows/macOS runners, which have no system
    Tesseract, the source run is pointed at the package's copy."""
    env = {**bare, "PATH": os.pathsep.join(["/usr/bin", "/bin", os.path.dirname(sys.executable)]),
           "PYTHONPATH": str(REPO)}
    if not sys.platform.startswith("linux"):
        tess = _tesseract_dir(app)
        env["BISQ_REDACTOR_TESSERACT"] = str(tess / ("tesseract.exe" if sys.platform.startswith("win") else
                                                     "tesseract"))
        env["TESSDATA_PREFIX"] = str(tess / "tessdata")
    return env


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


def test_version_reports_bundled_tesseract(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    res = _run([str(app), "--version"], bare_env, tmp_path, timeout=60)
    assert res.returncode == 0, res.stderr
    assert f"bisq-redactor {__version__}" in res.stdout
    # "tesseract 5.3.0" (Debian), "tesseract 5.5.2" (conda-forge on Windows, Homebrew) or "v5.x.y.date" builds
    assert re.search(r"Tesseract: tesseract v?5\.[\d.]+ \(bundled\)", res.stdout), res.stdout
    if sys.platform.startswith("linux"):  # in process by default only on Linux (redactor/image/tesslib.py)
        assert re.search(r"OCR: in process \(libtesseract 5\.[\d.]+\)", res.stdout), res.stdout


def test_bundled_tesseract_has_languages_and_reads_text(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    tess_dir = _tesseract_dir(app)
    exe = str(tess_dir / ("tesseract.exe" if sys.platform.startswith("win") else "tesseract"))
    env = {**bare_env, "LD_LIBRARY_PATH": str(tess_dir), "TESSDATA_PREFIX": str(tess_dir / "tessdata"),
           "OMP_THREAD_LIMIT": "1"}
    langs = _run([exe, "--list-langs"], env, tmp_path, timeout=60)
    assert langs.returncode == 0, langs.stderr
    assert LANGS <= {line.strip() for line in langs.stdout.splitlines()[1:]}
    if sys.platform.startswith("linux"):
        # Every library Tesseract loads comes from the package, except glibc (always the system's).
        ldd = subprocess.run(["ldd", exe], env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                             check=True).stdout
        package = str(app.parent.resolve())
        outside = [line.split()[0] for line in ldd.splitlines() if "=>" in line
                   and package not in os.path.realpath(line.split("=>")[1].split()[0])
                   and not re.match(r"(libc|libm|ld-linux.*|libdl|libpthread|librt|libresolv)\.so", line.split()[0])]
        assert not outside, f"bundled tesseract loads system libraries: {outside}"

    font = ImageFont.truetype(str(REPO / "resources" / "fonts" / "IBMPlexSans-Regular.ttf"), 28)
    image = Image.new("RGB", (760, 70), "white")
    ImageDraw.Draw(image).text((12, 16), "Überweisung an Müller: DE89 3704 0044", fill="black", font=font)
    image.save(tmp_path / "line.png")
    ocr = _run([exe, "line.png", "-", "-l", "deu+eng"], env, tmp_path, timeout=60)
    assert ocr.returncode == 0, ocr.stderr
    assert "Überweisung an Müller" in ocr.stdout and "DE89 3704 0044" in ocr.stdout


def test_bundled_tesseract_cannot_fetch_urls(app: Path, bare_env: dict[str, str], tmp_path: Path) -> None:
    """Linux: libcurl (and libarchive) are build-time stand-ins: Tesseract refuses a URL instead of fetching it,
    and none of the real libraries' network/XML/ICU chain is in the package."""
    if not sys.platform.startswith("linux") or os.environ.get("BISQ_PACKAGED_APP"):
        pytest.skip("the stand-ins are the Linux build's")
    tess_dir = _tesseract_dir(app)
    env = {**bare_env, "LD_LIBRARY_PATH": str(tess_dir), "TESSDATA_PREFIX": str(tess_dir / "tessdata")}
    res = _run([str(tess_dir / "tesseract"), "http://127.0.0.1:9/shot.png", "stdout"], env, tmp_path, timeout=60)
    assert res.returncode != 0 and "curl_easy_init failed" in res.stderr, res.stderr
    names = {p.name for p in tess_dir.iterdir()}
    assert {"libarchive.so.13", "libcurl.so.4"} <= names
    assert not [n for n in names if re.match(r"lib(xml2|icu\w+|gnutls|ssh2|ldap|krb5|nghttp2)\.so", n)], names


def test_linux_package_size_within_target(app: Path) -> None:
    """Issue #6: the unpacked Linux package stays within 250 MB (benchmarks/bench_package.py has the breakdown)."""
    if not sys.platform.startswith("linux") or os.environ.get("BISQ_PACKAGED_APP"):
        pytest.skip("the size target is the Linux build's")
    size = sum(p.stat().st_size for p in APP_DIR.rglob("*") if p.is_file() and not p.is_symlink())
    assert size <= 250e6, f"dist/bisq-redactor is {size / 1e6:.0f} MB unpacked, over the 250 MB target"


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
    assert res.returncode == 0 and "(bundled)" in res.stdout, res.stdout + res.stderr
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
    assert {"bisq-redactor/bisq-redactor", "bisq-redactor/_internal/resources/tesseract/tesseract",
            "bisq-redactor/_internal/resources/tesseract/tessdata/eng.traineddata"} <= names


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
    """The bundled libtesseract loads in the frozen app and redacts exactly as Tesseract processes do. On
    Windows and macOS this is the check that must pass before in-process OCR becomes their default."""
    shot = DEMO / "screenshots" / "trade-details.png"
    if not shot.is_file():
        pytest.skip("no demo trade-details screenshot")
    outs = {}
    for backend in ("library", "process"):
        env = {**bare_env, "BISQ_REDACTOR_OCR_BACKEND": backend}
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
