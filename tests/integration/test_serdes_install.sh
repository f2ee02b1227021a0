#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# libcairn-serdes as installed: `make install` with DESTDIR and PREFIX puts the headers, the
# shared library (with its soname links), the static archive and cairn-serdes.pc in place; a
# program built with pkg-config against the shared library and one linked with the static
# archive both run; the shared library exports only cairn_* symbols.
set -euo pipefail
cd "$(dirname "$0")/../.."
O=${CAIRN_BUILD:-build}
case "$O" in
  *asan*) flavour=asan; san="-fsanitize=address,undefined" ;;
  *release*) flavour=release; san="" ;;
  *) flavour=debug; san="" ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make --no-print-directory -s BUILD=$flavour O="$O" install DESTDIR="$tmp/root" PREFIX=/usr >/dev/null

lib=$tmp/root/usr/lib
for f in include/cairn/serdes.h include/cairn/serdes_avro.h include/cairn/serdes_json.h \
         lib/libcairn-serdes.a \
         lib/libcairn-serdes.so lib/libcairn-serdes.so.0 lib/pkgconfig/cairn-serdes.pc; do
  [ -e "$tmp/root/usr/$f" ] || { echo "missing after install: /usr/$f"; exit 1; }
done
grep -q '^prefix=/usr$' "$lib/pkgconfig/cairn-serdes.pc"

bad=$(nm -D --defined-only "$lib/libcairn-serdes.so" | awk '$2 ~ /[TDBR]/ {print $3}' \
      | sed 's/@.*//' | grep -v '^cairn_' || true)
[ -z "$bad" ] || { echo "non-cairn_ symbols exported:"; echo "$bad"; exit 1; }

cat > "$tmp/use.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <cairn/serdes.h>
int main(void) {
    unsigned char b[6];
    int32_t id = 0;
    const void *p;
    size_t n;
    cairn_error_t err;
    cairn_conf_t *c = cairn_conf_new();
    cairn_frame_write(b, 77);
    b[5] = 0x54;
    if (cairn_frame_read(b, 6, &id, &p, &n, &err) != CAIRN_OK || id != 77 || n != 1)
        return 1;
    if (cairn_conf_set(c, "no.such.key", "1", &err) != CAIRN_ERR_CONF_UNKNOWN ||
        !strstr(err.msg, "no.such.key"))
        return 2;
    cairn_conf_free(c);
    puts("ok");
    return 0;
}
C
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$tmp/root"
# shellcheck disable=SC2046
cc $san -o "$tmp/use_shared" "$tmp/use.c" $(pkg-config --cflags --libs cairn-serdes)
LD_LIBRARY_PATH="$lib" "$tmp/use_shared" | grep -qx ok
# shellcheck disable=SC2046
cc $san -o "$tmp/use_static" "$tmp/use.c" $(pkg-config --cflags cairn-serdes) "$lib/libcairn-serdes.a" \
  $(pkg-config --libs libcurl jansson avro-c libprotobuf-c libpcre2-8) -lm -pthread
"$tmp/use_static" | grep -qx ok
ldd "$tmp/use_static" | grep -q libcairn-serdes && { echo "static program uses the .so"; exit 1; }
# <cairn/serdes_json.h> with pkg-config's flags alone (Jansson comes with them): a tombstone
# needs no registry.
cat > "$tmp/use_json.c" <<'C'
#include <stdio.h>
#include <cairn/serdes_json.h>
int main(void) {
    cairn_error_t err;
    cairn_conf_t *c = cairn_conf_new();
    cairn_serdes_t *sd;
    cairn_deserializer_t *des;
    json_t *v = json_true();
    int32_t id = 0;
    if (cairn_conf_set(c, "schema.registry.url", "http://127.0.0.1:1", &err) != CAIRN_OK ||
        !(sd = cairn_serdes_new(c, &err)) ||
        !(des = cairn_deserializer_new(sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, NULL, &err)))
        return 1;
    if (cairn_json_deserialize(des, "t", NULL, 0, &v, &id, &err) != CAIRN_OK || v || id != -1)
        return 2;
    cairn_deserializer_free(des);
    cairn_serdes_free(sd);
    puts("ok");
    return 0;
}
C
# shellcheck disable=SC2046
cc $san -o "$tmp/use_json" "$tmp/use_json.c" $(pkg-config --cflags --libs cairn-serdes)
LD_LIBRARY_PATH="$lib" "$tmp/use_json" | grep -qx ok
echo "install: headers, shared and static libraries, pkg-config: ok"
