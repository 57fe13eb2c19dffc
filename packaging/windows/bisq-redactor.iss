; Inno Setup script: installs the PyInstaller folder (dist\bisq-redactor) with a Start-menu entry.
; Built by packaging\windows\build.ps1:  ISCC.exe /DAppVersion=0.1.0 packaging\windows\bisq-redactor.iss
; Per-user install by default (no admin prompt); the user may choose all users. Nothing runs at install time.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "Bisq Support Redactor"
#define Root "..\.."

[Setup]
AppId={{6C1F0B1E-2F4B-4F3A-9E55-4C1D7B2A9B01}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Bisq Support Redactor developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=bisq-redactor-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
#if FileExists(AddBackslash(SourcePath) + Root + "\LICENSE")
LicenseFile={#Root}\LICENSE
#endif
UninstallDisplayIcon={app}\{#AppName}.exe
; Drawn by packaging\make_icons.py (the spec runs it before PyInstaller, so it exists once dist\ does).
SetupIconFile={#Root}\build\icons\app.ico
; Signing (see packaging\README.md): SignTool=signtool sign /fd sha256 /tr <timestamp-url> /td sha256 $f

[Files]
Source: "{#Root}\dist\bisq-redactor\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppName}.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppName}.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Run]
Filename: "{app}\{#AppName}.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
