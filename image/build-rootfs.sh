#!/usr/bin/env bash
# Lays out the image's whole root filesystem in a folder, for Jib to pack FROM scratch (the `image`
# profile in cli/pom.xml runs it; docs/server.md, "The image"). No base image is pulled: no container
# registry needs to be reachable, only Debian's apt repositories.
#
#   image/build-rootfs.sh CRIA_JAR OUT_DIR
#
# OUT_DIR/
#   opt/cria/jre        a Java runtime cut by jlink to image/jre-modules (jdk.incubator.vector among them),
#                       from the JDK running this script (JAVA_HOME, a JDK 25)
#   opt/cria/cria.jar   the jar; entrypoint.sh and healthcheck.sh from image/
#   usr/local/bin/cria  the entrypoint again, so `podman exec CONTAINER cria list` works
#   / (lib, bin, ...)   what the runtime and the scripts need from Debian 12: glibc (libc6; libgcc-s1,
#                       which glibc loads for thread cancellation; gcc-12-base, its copyright), dash as
#                       /bin/sh (the entrypoint), bash with libtinfo6 (the health check) and libc-bin's
#                       C.UTF-8 locale, unpacked from the .debs `apt-get download` fetches; their
#                       versions go to opt/cria/debian-packages.txt
#   etc/passwd, etc/group  root and cria (uid/gid 10001, home /home/cria); etc/nsswitch.conf
#   models, home/cria, tmp  written by the user 10001 (Jib makes every file root's: mode 777 in cli/pom.xml)
#
# Reproducible as far as its inputs are: the same JDK, jar and .deb versions give the same files, and
# Jib writes fixed timestamps. The .debs are whatever versions the build machine's apt sources hold
# now (security updates change them); debian-packages.txt in the image says which.
# Needs apt-get and dpkg-deb (a Debian or Ubuntu build machine; the .debs are Debian 12's if its
# sources are) and runs as any user (apt-get download writes to the current folder).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 CRIA_JAR OUT_DIR" >&2; exit 2; }
jar=$(readlink -f "$1")
out=$2
here=$(cd "$(dirname "$0")" && pwd)
java_home=${JAVA_HOME:?JAVA_HOME must name a JDK 25}
packages=(libc6 libgcc-s1 gcc-12-base dash bash libtinfo6)

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
debs="$out.debs"
rm -rf "$debs" && mkdir -p "$debs"

# 1. Debian's files.
(cd "$debs" && apt-get download -q "${packages[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
# libc-bin only for its C.UTF-8 locale (LANG=C.UTF-8: Java then writes and reads UTF-8 names and output).
(cd "$debs" && mkdir libc-bin && cd libc-bin && apt-get download -q libc-bin 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
for p in "${packages[@]}"; do
  ls "$debs"/"${p}"_*.deb >/dev/null 2>&1 || { echo "build-rootfs: apt-get download $p failed" >&2; exit 1; }
done
for deb in "$debs"/*.deb; do
  dpkg-deb -x "$deb" "$out"
  dpkg-deb --show --showformat='${Package} ${Version} ${Architecture}\n' "$deb" >> "$debs/versions"
done
deb=$(ls "$debs"/libc-bin/libc-bin_*.deb) || { echo "build-rootfs: apt-get download libc-bin failed" >&2; exit 1; }
dpkg-deb -x "$deb" "$debs/libc-bin/files"
mkdir -p "$out/usr/lib/locale"
cp -R "$debs/libc-bin/files/usr/lib/locale/C.utf8" "$out/usr/lib/locale/"
dpkg-deb --show --showformat='${Package} ${Version} ${Architecture} (usr/lib/locale/C.utf8 only)\n' "$deb" >> "$debs/versions"
# Documentation and the rest no program here reads; each package's copyright file stays.
find "$out/usr/share/doc" -type f ! -name copyright -delete
rm -rf "$out/usr/share/man" "$out/usr/share/info" "$out/usr/share/lintian" "$out/usr/share/menu" \
       "$out/usr/share/locale" "$out/usr/lib/x86_64-linux-gnu/gconv" "$out/etc/skel" "$out/usr/bin/bashbug"

# 2. The Java runtime and cria.
mkdir -p "$out/opt/cria" "$out/usr/local/bin"
"$java_home/bin/jlink" --add-modules "$(tr -d '[:space:]' < "$here/jre-modules")" \
  --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$out/opt/cria/jre" 2>&1 \
  | grep -v 'WARNING: Using incubator modules' >&2 || true
[ -x "$out/opt/cria/jre/bin/java" ] || { echo "build-rootfs: jlink failed" >&2; exit 1; }
cp "$jar" "$out/opt/cria/cria.jar"
cp "$here/entrypoint.sh" "$here/healthcheck.sh" "$out/opt/cria/"
cp "$here/entrypoint.sh" "$out/usr/local/bin/cria"
sort "$debs/versions" > "$out/opt/cria/debian-packages.txt"

# 3. Users and the folders the server writes.
mkdir -p "$out/etc" "$out/models" "$out/home/cria" "$out/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\ncria:x:10001:10001:cria:/home/cria:/bin/sh\n' > "$out/etc/passwd"
printf 'root:x:0:\ncria:x:10001:\n' > "$out/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$out/etc/nsswitch.conf"
# 4. Jib packs files, not symbolic links: each link becomes a copy of what it names inside OUT_DIR
# (jlink's legal/ notices are links too); an absolute target, such as /lib64/ld-linux-x86-64.so.2's,
# is resolved in OUT_DIR, never on this machine.
while IFS= read -r -d '' link; do
  target=$(readlink "$link")
  case "$target" in
    /*) resolved="$out$target" ;;
    *) resolved="$(dirname "$link")/$target" ;;
  esac
  [ -e "$resolved" ] || { echo "build-rootfs: $link -> $target: not in the image" >&2; exit 1; }
  rm "$link"
  cp -RL "$resolved" "$link"
done < <(find "$out" -type l -print0 | sort -z)

rm -rf "$debs"
echo "build-rootfs: $(du -sh "$out" | cut -f1) in $out; Debian: $(paste -sd, < "$out/opt/cria/debian-packages.txt")"
