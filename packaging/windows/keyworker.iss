; Inno Setup 6 script: per-machine installer for Keyworker on Windows.
;
; Build on Windows, from the repository root, after the bundle:
;   py -3.11 -m venv build\package-venv
;   build\package-venv\Scripts\pip install -e ".[package]"
;   build\package-venv\Scripts\pyinstaller --noconfirm --clean --distpath dist ^
;       --workpath build\pyinstaller packaging\keyworker.spec
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" packaging\windows\keyworker.iss
; gives dist\keyworker-<version>-windows-x64-setup.exe. See packaging/windows/README.md.

#define AppName "Keyworker"
; The build passes /DAppVersion=<keyworker_app.__version__>; the default below is checked
; against it by tests/packaging/test_versions.py.
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppPublisher "Keyworker project"
#define BundleDir "..\..\dist\keyworker"

[Setup]
; A fixed AppId ties upgrades and the uninstaller together: never change it.
AppId={{6E0C8A52-3F7B-4C1D-9A2E-5B8F4D7C1E90}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
; Per-machine: Program Files, for every user, needs administrator rights.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; SetWindowDisplayAffinity(WDA_EXCLUDEFROMCAPTURE) needs Windows 10 2004 (build 19041).
MinVersion=10.0.19041
OutputDir=..\..\dist
OutputBaseFilename=keyworker-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\keyworker.ico
UninstallDisplayIcon={app}\Keyworker-desktop.exe
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; Where the organisation's policy goes, explained in place. Never overwrites anything there.
Source: "policy-location.txt"; DestDir: "{commonappdata}\Keyworker"; \
    Flags: onlyifdoesntexist uninsneveruninstall

[Dirs]
; Users may read the deployed policy but not change it (ProgramData's default would let
; users create files there).
Name: "{commonappdata}\Keyworker"; Permissions: users-readexec admins-full system-full; \
    Flags: uninsneveruninstall

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\Keyworker-desktop.exe"; \
    WorkingDir: "{app}"; Comment: "Encrypted case records for family key workers"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\Keyworker-desktop.exe"; Description: "Start {#AppName}"; \
    Flags: nowait postinstall skipifsilent unchecked

; Case stores (%LOCALAPPDATA%\Keyworker), the Credential Manager entries and the
; organisation's policy in %PROGRAMDATA%\Keyworker are deliberately left on uninstall.
