#!/usr/bin/env bash
# How big the WebAssembly of a page with an island is, and what makes it so.
#
# Builds the hydrate library as `cargo leptos build --release` does
# (profile wasm-release), then the same two steps cargo-leptos 0.3.10 takes:
# wasm-bindgen --target web, and wasm-opt -Oz with bulk memory and
# non-trapping float-to-int. Prints the raw and brotli bytes (quality 11,
# window 22: what `--precompress` writes), then twiggy's view of a copy
# optimised the same way but keeping function names (-g).
#
#   end2end/wasm-size.sh            build, measure, analyse
#   NO_BUILD=1 end2end/wasm-size.sh measure the last build again
#   TOP=80 end2end/wasm-size.sh     more rows from twiggy
#
# Tools: wasm-bindgen (the version in Cargo.lock), wasm-opt (binaryen),
# brotli, twiggy, python3. WASM_BINDGEN, WASM_OPT, TWIGGY override where they are.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
out="${OUT_DIR:-$target/wasm-size}"
top="${TOP:-40}"
wasm_bindgen="${WASM_BINDGEN:-wasm-bindgen}"
wasm_opt="${WASM_OPT:-wasm-opt}"
twiggy="${TWIGGY:-twiggy}"

want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)"
have="$("$wasm_bindgen" --version | awk '{ print $2 }')"
[ "$want" = "$have" ] || { echo "wasm-bindgen $have, but Cargo.lock has $want" >&2; exit 1; }

if [ -z "${NO_BUILD:-}" ]; then
    nice -n 10 cargo build -p app --lib --target wasm32-unknown-unknown \
        --profile wasm-release --no-default-features --features hydrate
fi
input="$target/wasm32-unknown-unknown/wasm-release/app.wasm"

rm -rf "$out" && mkdir -p "$out"
"$wasm_bindgen" --target web --out-name mitforlob --out-dir "$out" "$input"
bg="$out/mitforlob_bg.wasm"
features=(--enable-bulk-memory --enable-nontrapping-float-to-int)
"$wasm_opt" -Oz "${features[@]}" "$bg" -o "$out/mitforlob.wasm"
"$wasm_opt" -Oz -g "${features[@]}" "$bg" -o "$out/named.wasm"

br() { brotli -c -q 11 -w 22 "$1" | wc -c; }
size() { wc -c < "$1"; }
printf '%-28s %9s %9s\n' file raw brotli
printf '%-28s %9d %9d\n' "app.wasm (cargo)" "$(size "$input")" "$(br "$input")"
printf '%-28s %9d %9d\n' "after wasm-bindgen" "$(size "$bg")" "$(br "$bg")"
printf '%-28s %9d %9d\n' "after wasm-opt -Oz (served)" "$(size "$out/mitforlob.wasm")" "$(br "$out/mitforlob.wasm")"
printf '%-28s %9d %9d\n' "mitforlob.js (glue)" "$(size "$out/mitforlob.js")" "$(br "$out/mitforlob.js")"
echo "brotli KB (1024) served: $(awk -v b="$(br "$out/mitforlob.wasm")" 'BEGIN { printf "%.1f", b / 1024 }')"

if command -v "$twiggy" >/dev/null; then
    echo
    echo "== twiggy top -n $top (optimised, with names)"
    "$twiggy" top -n "$top" "$out/named.wasm"
    echo
    echo "== twiggy dominators (depth 4, 40 rows)"
    "$twiggy" dominators -d 4 -r 40 "$out/named.wasm"
    echo
    echo "== by crate (shallow bytes of named functions and data; before brotli)"
    "$twiggy" top -n 100000 -f csv "$out/named.wasm" > "$out/top.csv"
    python3 - "$out/top.csv" <<'PY'
import collections, csv, re, sys
total = collections.Counter()
for row in csv.DictReader(open(sys.argv[1])):
    name, size = row["Name"], int(row["ShallowSize"])
    if name.startswith("custom section") or "subsection" in name:
        continue  # names and other custom sections: not in the served file
    if name.startswith("data segment"):
        total["(data)"] += size
        continue
    # "<T as krate::Trait>::f" counts for krate of the first path in the name
    found = re.search(r"([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::", name)
    total[found.group(1) if found else "(" + re.sub(r"[\[ ].*", "", name) + ")"] += size
for crate, size in total.most_common(25):
    print(f"{size:8d} {crate}")
print(f"{sum(total.values()):8d} in all")
PY
fi
