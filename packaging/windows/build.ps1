# Windows package: PyInstaller one-folder build with Tesseract inside, wrapped by Inno Setup.
#
#   pwsh packaging/windows/build.ps1
#
# Needs Python 3.11 (x64) on PATH and Inno Setup 6 (preinstalled on GitHub's windows runners; else `choco install
# innosetup`). Tesseract comes from tesserocr's win_amd64 wheel (libtesseract, Leptonica and their DLLs, pinned
# in pyproject.toml), installed by pip with the project; the language data is downloaded from a fixed
# tessdata_fast commit and checked against packaging\tessdata.sha256 (fetch_tessdata.py). Output:
# dist\bisq-redactor\ and dist\bisq-redactor-<version>-windows-x64-setup.exe.
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path (Join-Path $PSScriptRoot "..\.."))

python -m pip install -q -e ".[dev,package]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

python packaging\fetch_tessdata.py build\tessdata --check
if ($LASTEXITCODE -ne 0) { throw "fetch_tessdata.py failed" }

$env:BISQ_TESSDATA_DIR = "build\tessdata"
python -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller packaging\bisq-redactor.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$version = (python -c "import redactor; print(redactor.__version__)").Trim()
$iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"
& $iscc "/DAppVersion=$version" packaging\windows\bisq-redactor.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem dist\*.exe | ForEach-Object { Write-Host "$($_.Name): $([math]::Round($_.Length / (1MB))) MB" }
