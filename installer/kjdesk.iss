; Inno Setup script for kjdesk (科技兑现台): a per-user Windows installer in Chinese.
;
;   python installer\build.py --iss       (builds dist\kjdesk, then runs ISCC.exe on this file)
;   ISCC.exe /DMyAppVersion=0.1.0 installer\kjdesk.iss
;
; The version comes from kjdesk.__version__: build.py passes it as /DMyAppVersion and also
; writes installer\version.iss, which is included below when the script is compiled by hand.
;
; WHERE THE OFFICER'S DATA LIVES: the database (kjdesk.sqlite), its backups\ folder and the
; issued letters are in the platformdirs user data folder, %LOCALAPPDATA%\kjdesk, never under
; {app} (%LOCALAPPDATA%\Programs\kjdesk), which holds only the program. This script installs,
; replaces and uninstalls {app} only and has no [UninstallDelete] entry for the data folder,
; so an uninstall keeps the database and the backups, and an upgrade finds them in place.
; Per-PC window settings (QSettings, HKCU\Software\kjdesk) are kept as well.

#define MyAppName "科技兑现台"
#define MyAppPublisher "科学技术局"
#define MyAppExeName "kjdesk.exe"
#define MyAppCliName "kjdesk-cli.exe"
#ifndef MyAppVersion
  #ifexist AddBackslash(SourcePath) + "version.iss"
    #include "version.iss"
  #else
    #error 缺少版本号：请用 python installer\build.py --iss 构建，或传入 /DMyAppVersion=x.y.z
  #endif
#endif

[Setup]
; The AppId never changes: the installer of a later version finds the installed one by it
; and upgrades it in place (same folder, same Start-menu entries, one uninstall entry).
AppId={{6E3B0C52-8F1D-4C3A-9B7E-2D5A41C7F0B9}
AppName={#MyAppName}
AppVersion={#MyAppVersion}
AppVerName={#MyAppName} {#MyAppVersion}
AppPublisher={#MyAppPublisher}
; The file version must be numbers only (x.y.z): keep kjdesk.__version__ in that form for releases.
VersionInfoVersion={#MyAppVersion}
VersionInfoDescription={#MyAppName}安装程序
; Per-user install: no administrator rights, nothing outside the officer's own profile.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\kjdesk
DefaultGroupName={#MyAppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist\installer
OutputBaseFilename=kjdesk-{#MyAppVersion}-setup
SetupIconFile=..\resources\icons\kjdesk.ico
UninstallDisplayIcon={app}\{#MyAppExeName}
UninstallDisplayName={#MyAppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Close a running kjdesk before replacing its files; do not restart it afterwards.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建“{#MyAppName}”快捷方式"; GroupDescription: "快捷方式："

[InstallDelete]
; An upgrade replaces the bundle folder whole, so no file of an older version (a library
; that was renamed or dropped) is left beside the new one. No data lives here.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\kjdesk\{#MyAppExeName}"; DestDir: "{app}"; Flags: ignoreversion
Source: "..\dist\kjdesk\{#MyAppCliName}"; DestDir: "{app}"; Flags: ignoreversion
Source: "..\dist\kjdesk\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#MyAppName}"; Filename: "{app}\{#MyAppExeName}"; WorkingDir: "{app}"; Comment: "科技兴蒙政策资金兑现"
Name: "{group}\卸载{#MyAppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#MyAppName}"; Filename: "{app}\{#MyAppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#MyAppExeName}"; Description: "现在启动{#MyAppName}"; Flags: nowait postinstall skipifsilent

[Messages]
; The last page of the uninstaller says where the data stayed.
UninstalledAll=%1 已从电脑中卸载。%n%n数据库和备份仍保存在本用户的 AppData\Local\kjdesk 文件夹中，重新安装后可继续使用；如确实不再需要，可手工删除该文件夹。
