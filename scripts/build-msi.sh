#!/usr/bin/env bash
# The Windows installers: MSIs built with wixl from packaging/windows/trustedapp-tester.wxs.
#   scripts/build-msi.sh VERSION APP.exe CLI.exe OUT.msi [user|machine]
# user (the default): per-user, no administrator rights, under %LocalAppData%\Programs\
#   Trusted App Tester, the folder added to the user's PATH;
# machine: per-machine (Intune, SCCM, Group Policy), under C:\Program Files\Trusted App
#   Tester, the folder added to the system PATH.
# Both install the desktop app, the CLI, README.txt and THIRD-PARTY-NOTICES.txt, a
# Start-menu shortcut and an Apps entry with InstallLocation and EstimatedSize.
# wixl (msitools 0.101) has no Environment element, so the PATH entry is added to the
# built MSI with msibuild (the same msitools): an Environment table row and the
# standard actions that apply it, at the sequence numbers WiX gives them.
set -euo pipefail
usage="usage: scripts/build-msi.sh VERSION APP.exe CLI.exe OUT.msi [user|machine]"
version=${1:?$usage} app=${2:?$usage} cli=${3:?$usage} out=${4:?$usage} scope=${5:-user}
case $scope in
  user) wxscope=perUser envname='=-PATH' ;;       # = set, - removed on uninstall; user PATH
  machine) wxscope=perMachine envname='=-*PATH' ;; # * the system environment
  *) echo "build-msi: scope '$scope' is neither user nor machine ($usage)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
for tool in wixl msibuild msiinfo; do
  command -v "$tool" >/dev/null || { echo "build-msi: $tool is missing (scripts/install-deps.sh --windows)" >&2; exit 3; }
done
for f in "$app" "$cli"; do [ -s "$f" ] || { echo "build-msi: $f is missing or empty" >&2; exit 2; }; done
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$app" "$stage/trustedapp-tester.exe"
cp "$cli" "$stage/trustedapp-check.exe"
go run ./packaging/notices -o "$stage/THIRD-PARTY-NOTICES.txt" "$app" "$cli"
scripts/icons.sh "$stage/icons" >/dev/null
cp "$stage/icons/app.ico" "$stage/app.ico"
# The README the MSI installs (packaging/windows/README.txt.in), with the text of its scope.
# Lines between "@IF user@" (or machine) and "@END@" are for that scope only.
awk -v scope="$scope" '/^@IF /{keep=($2 == scope "@"); inblock=1; next} /^@END@$/{inblock=0; next} !inblock||keep' \
  packaging/windows/README.txt.in | sed "s/@VERSION@/$version/" >"$stage/README.txt"
sed -i 's/$/\r/' "$stage/README.txt" "$stage/THIRD-PARTY-NOTICES.txt"
# The Apps entry's EstimatedSize: what the installed files take, in KB (rounded up).
bytes=$(($(stat -c %s "$stage/trustedapp-tester.exe" "$stage/trustedapp-check.exe" "$stage/README.txt" "$stage/THIRD-PARTY-NOTICES.txt" | paste -sd+)))
sizekb=$(((bytes + 1023) / 1024))
# wixl resolves Source paths against the working directory.
(cd "$stage" && wixl -a x64 -D Version="${version%%[-+]*}" -D StageDir=. -D IconFile=app.ico \
  -D Scope="$wxscope" -D SizeKB="$sizekb" -o "$stage/out.msi" "$OLDPWD/packaging/windows/trustedapp-tester.wxs")
# The PATH entry: [~]; appends to the existing value. The component is the CLI's.
# WriteRegistryValues moves after RegisterProduct (6100), before PublishFeatures (6300),
# so the EstimatedSize the .wxs writes is the Apps entry's last word (see the .wxs).
q() { msibuild "$stage/out.msi" -q "$1"; }
q 'CREATE TABLE `Environment` (`Environment` CHAR(72) NOT NULL, `Name` CHAR(255) NOT NULL LOCALIZABLE, `Value` CHAR(255) LOCALIZABLE, `Component_` CHAR(72) NOT NULL PRIMARY KEY `Environment`)'
q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('PathCli', '$envname', '[~];[INSTALLDIR]', 'CliExe')"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('RemoveEnvironmentStrings', 3300)"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('WriteEnvironmentStrings', 5200)"
q "UPDATE \`InstallExecuteSequence\` SET \`Sequence\` = 6150 WHERE \`Action\` = 'WriteRegistryValues'"
# What the steps above must have left, read back from the MSI.
seq=$(msiinfo export "$stage/out.msi" InstallExecuteSequence | tr -d '\r')
for want in 'WriteEnvironmentStrings	.*	5200' 'RemoveEnvironmentStrings	.*	3300' 'WriteRegistryValues	.*	6150' 'RegisterProduct	.*	6100' 'SetARPINSTALLLOCATION	.*	1001'; do
  grep -q "^$want\$" <<<"$seq" || { echo "build-msi: the MSI's InstallExecuteSequence lacks '$want'" >&2; exit 1; }
done
msiinfo export "$stage/out.msi" Environment | grep -qF "$envname" || { echo "build-msi: the MSI has no PATH entry" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
mv -f "$stage/out.msi" "$out"
echo "build-msi: $out ($scope, $(du -h "$out" | cut -f1), installs ${sizekb} KB)"
