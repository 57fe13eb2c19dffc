# Windows package: PyInstaller one-folder build with Tesseract inside, wrapped by Inno Setup.
#
#   pwsh packaging/windows/build.ps1 [-CondaPrefix <env from tesseract-conda.yml>] [-PkgsDir <its package cache>]
#                                    [-NoArchiveCheck]
#
# Needs Python 3.11+ on PATH and Inno Setup 6 (preinstalled on GitHub's windows runners; else `choco install
# innosetup`). Tesseract comes from conda-forge (tesseract-conda.yml: exact version and build): the release
# workflow creates that env with mamba-org/setup-micromamba and passes -CondaPrefix; without it, this script
# creates it with a micromamba on PATH in build\conda-tesseract. Output: dist\bisq-redactor\ and
# dist\bisq-redactor-<version>-windows-x64-setup.exe.
param(
    [string]$CondaPrefix = "",
    [string]$PkgsDir = "",
    [switch]$NoArchiveCheck  # rely on micromamba's download check alone (package archives no longer cached)
)
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path (Join-Path $PSScriptRoot "..\.."))

python -m pip install -q -e ".[dev,package]"  # PyInstaller brings pefile, which collect_tesseract.py uses
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

if (-not $CondaPrefix) {
    if (-not (Get-Command micromamba -ErrorAction SilentlyContinue)) {
        throw "no -CondaPrefix and no micromamba on PATH: install micromamba or pass the env made from packaging\windows\tesseract-conda.yml"
    }
    $CondaPrefix = Join-Path (Get-Location) "build\conda-tesseract"
    $PkgsDir = Join-Path (Get-Location) "build\conda-pkgs"
    $env:CONDA_PKGS_DIRS = $PkgsDir  # a cache of our own, so every archive is re-hashed from a known place
    micromamba create --yes --prefix $CondaPrefix --file packaging\windows\tesseract-conda.yml
    if ($LASTEXITCODE -ne 0) { throw "micromamba create failed" }
}
$collectArgs = @("packaging\windows\collect_tesseract.py", "--prefix", $CondaPrefix, "--out", "build\tesseract-windows")
if ($PkgsDir) { $collectArgs += @("--pkgs-dir", $PkgsDir) }
if ($NoArchiveCheck) { $collectArgs += "--no-archive-check" }
python @collectArgs
if ($LASTEXITCODE -ne 0) { throw "collect_tesseract.py failed" }

$env:BISQ_TESSERACT_DIR = "build\tesseract-windows"
python -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller packaging\bisq-redactor.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$version = (python -c "import redactor; print(redactor.__version__)").Trim()
$iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"
& $iscc "/DAppVersion=$version" packaging\windows\bisq-redactor.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem dist\*.exe | ForEach-Object { Write-Host "$($_.Name): $([math]::Round($_.Length / (1MB))) MB" }
