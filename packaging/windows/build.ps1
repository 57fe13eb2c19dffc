# Windows package: PyInstaller one-folder build with Tesseract inside, wrapped by Inno Setup.
#
#   pwsh packaging/windows/build.ps1 [-AllowUnpinned]
#
# Needs Python 3.11+ on PATH and Inno Setup 6 (preinstalled on GitHub's windows runners; else `choco install
# innosetup`). Output: dist\bisq-redactor\ and dist\bisq-redactor-<version>-windows-x64-setup.exe.
param([switch]$AllowUnpinned)
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path (Join-Path $PSScriptRoot "..\.."))

python -m pip install -q -e ".[dev,package]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
& (Join-Path $PSScriptRoot "collect_tesseract.ps1") -Out "build\tesseract-windows" -AllowUnpinned:$AllowUnpinned

$env:BISQ_TESSERACT_DIR = "build\tesseract-windows"
python -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller packaging\bisq-redactor.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$version = (python -c "import redactor; print(redactor.__version__)").Trim()
$iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"
& $iscc "/DAppVersion=$version" packaging\windows\bisq-redactor.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem dist\*.exe | ForEach-Object { Write-Host "$($_.Name): $([math]::Round($_.Length / 1MB)) MB" }
