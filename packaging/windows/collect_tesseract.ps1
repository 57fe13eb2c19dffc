# Collect Tesseract for the Windows package into one folder: tesseract.exe, its DLLs, tessdata/.
#
#   pwsh packaging/windows/collect_tesseract.ps1 [-Out build\tesseract-windows] [-AllowUnpinned]
#
# Source: UB Mannheim's installer, pinned by SHA-256 in tesseract-installer.json, installed silently into a
# temporary folder (never on the build machine's PATH), then copied. tessdata comes from
# packaging/fetch_tessdata.py (tessdata_fast at a fixed commit, SHA-256 checked), the same bytes as on Linux.
# Windows finds a program's DLLs in its own folder, so nothing needs rewriting.
param(
    [string]$Out = "build\tesseract-windows",
    [string]$Langs = "eng,deu,fra,spa,ita,por,pol,ces,vie",
    [switch]$AllowUnpinned
)
$ErrorActionPreference = "Stop"
$Repo = Resolve-Path (Join-Path $PSScriptRoot "..\..")
$pin = Get-Content (Join-Path $PSScriptRoot "tesseract-installer.json") -Raw | ConvertFrom-Json
$tmp = Join-Path ([IO.Path]::GetTempPath()) "bisq-redactor-tesseract"
Remove-Item -Recurse -Force $tmp -ErrorAction SilentlyContinue
New-Item -ItemType Directory $tmp | Out-Null

$installer = Join-Path $tmp "tesseract-setup.exe"
Invoke-WebRequest -Uri $pin.url -OutFile $installer -UseBasicParsing
$hash = (Get-FileHash -Algorithm SHA256 $installer).Hash.ToLower()
if (-not $pin.sha256) {
    if (-not $AllowUnpinned) { throw "tesseract-installer.json has no sha256; the download's is $hash (check it, then pin it)" }
    Write-Warning "UNPINNED Tesseract installer, SHA-256 $hash : pin it in packaging/windows/tesseract-installer.json"
} elseif ($hash -ne $pin.sha256.ToLower()) {
    throw "Tesseract installer SHA-256 $hash differs from the pinned $($pin.sha256)"
}

# NSIS installer: /S silent, /D= target (must be last and unquoted).
$installed = Join-Path $tmp "install"
$proc = Start-Process -FilePath $installer -ArgumentList "/S", "/D=$installed" -Wait -PassThru
if ($proc.ExitCode -ne 0 -or -not (Test-Path (Join-Path $installed "tesseract.exe"))) {
    throw "the Tesseract installer failed (exit $($proc.ExitCode))"
}

$Out = Join-Path $Repo $Out
Remove-Item -Recurse -Force $Out -ErrorAction SilentlyContinue
New-Item -ItemType Directory (Join-Path $Out "tessdata") | Out-Null
Copy-Item (Join-Path $installed "tesseract.exe") $Out
Copy-Item (Join-Path $installed "*.dll") $Out
Copy-Item -Recurse (Join-Path $installed "tessdata\configs") (Join-Path $Out "tessdata\configs")
New-Item -ItemType Directory (Join-Path $Out "licenses") | Out-Null
Get-ChildItem $installed -Filter "*.txt" | Where-Object { $_.Name -match "LICENSE|COPYING|AUTHORS" } |
    Copy-Item -Destination (Join-Path $Out "licenses")
python (Join-Path $Repo "packaging\fetch_tessdata.py") (Join-Path $Out "tessdata") --langs $Langs
if ($LASTEXITCODE -ne 0) { throw "fetch_tessdata.py failed" }

# Self-check: only the copied folder, no PATH, every language present.
$env:TESSDATA_PREFIX = Join-Path $Out "tessdata"
$oldPath = $env:PATH
$env:PATH = "$env:SystemRoot\system32"
$version = (& (Join-Path $Out "tesseract.exe") --version 2>&1 | Select-Object -First 1).ToString()
$have = & (Join-Path $Out "tesseract.exe") --list-langs 2>&1 | Select-Object -Skip 1
$env:PATH = $oldPath
Remove-Item Env:TESSDATA_PREFIX
foreach ($lang in $Langs.Split(",")) {
    if ($have -notcontains $lang) { throw "bundled tesseract lacks $lang" }
}
@{ tesseract_version = $version; installer = $pin.url; installer_sha256 = $hash; languages = $Langs.Split(",") } |
    ConvertTo-Json | Set-Content (Join-Path $Out "SOURCES.json")
Write-Host "collected $version into $Out"
