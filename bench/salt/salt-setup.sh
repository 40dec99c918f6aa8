# Sourced by bench/salt-compare.sh and bench/salt/salt-states.sh, after their options are read:
# the Debian packages Salt needs (installed as root when missing), Salt's source unpacked once
# into $work/salt-src, and salt_py, which runs Python with it. Expects: work, salt_src, here, py,
# java, and the scripts' fail and say. Sets: salt_dir, salt_version, TMPDIR, salt_py.

# ---- Debian packages ---------------------------------------------------------------------------
# What Salt 3007.10 imports, from Debian 12; looseversion (not packaged) and tornado >= 6.5's lazy
# submodules come from bench/salt/pyshim.
packages=(
  python3-zmq python3-msgpack python3-tornado python3-cryptography python3-jinja2 python3-yaml
  python3-psutil python3-distro python3-packaging python3-requests python3-markupsafe
  python3-pycryptodome python3-jmespath python3-aiohttp python3-setproctitle python3-croniter
  python3-dateutil python3-openssl python3-jaraco.text python3-jaraco.functools python3-urllib3
  python3-certifi python3-cffi python3-gnupg python3-distutils python3-importlib-metadata
  python3-zipp python3-frozenlist
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || fail "Salt needs these Debian packages; install them as root first: apt-get install -y --no-install-recommends ${missing[*]}"
  say "installing ${#missing[@]} Debian packages Salt needs: ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >"$work/apt.log" 2>&1; then
    # a fresh machine may not have the package lists yet
    DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$work/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$work/apt.log" 2>&1 ||
      fail "apt-get install failed; see $work/apt.log"
  fi
fi
for tool in "$py" openssl curl jq python3 "$java" timeout; do
  command -v "$tool" >/dev/null || fail "$tool is missing"
done

# ---- Salt's source -----------------------------------------------------------------------------
# Unpacked once per tarball (its sha256 is the marker); only the Salt tree, whatever else is in it.
sum="$(sha256sum "$salt_src" | cut -d' ' -f1)"
salt_dir="$work/salt-src"
if [ "$(cat "$salt_dir/.sha256" 2>/dev/null)" != "$sum" ]; then
  listing="$(tar tf "$salt_src")" || fail "tar cannot read $salt_src"
  top="$(grep -m1 -E '^[^/]+/scripts/salt-master$' <<<"$listing" | cut -d/ -f1)" ||
    fail "$salt_src holds no DIR/scripts/salt-master: not a Salt source tarball"
  say "unpacking $top from $salt_src into $salt_dir"
  rm -rf "$salt_dir"
  mkdir -p "$salt_dir.tmp"
  tar xf "$salt_src" -C "$salt_dir.tmp" "$top"
  mv "$salt_dir.tmp/$top" "$salt_dir"
  rmdir "$salt_dir.tmp"
  echo "$sum" >"$salt_dir/.sha256"
fi
mkdir -p "$work/tmp" "$work/pycache" "$work/keys"
export TMPDIR="$work/tmp"

# Salt runs with these: its source and the shims first, byte code kept out of both trees.
salt_py() {
  PYTHONPATH="$salt_dir:$here/pyshim" PYTHONPYCACHEPREFIX="$work/pycache" "$py" "$@"
}
salt_version="$(salt_py -c 'import salt.channel.client, salt.client, salt.crypt, salt.version; print(salt.version.__version__)' 2>"$work/salt-import.err")" ||
  fail "Salt does not import with $py: $(tail -n 1 "$work/salt-import.err")"
