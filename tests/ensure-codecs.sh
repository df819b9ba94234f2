#!/usr/bin/env bash
# Makes sure the system codecs the decoders bind to are present (libturbojpeg for JPEG, libwebp for WebP).
# Run automatically before `dotnet test`; installs them with apt-get when missing and running as root, otherwise says
# what to install. Never fails the build: the tests that need a codec report a clear error themselves.
missing=()
ldconfig -p 2>/dev/null | grep -q 'libturbojpeg.so.0' || missing+=(libturbojpeg0)
ldconfig -p 2>/dev/null | grep -q 'libwebp.so.7' || missing+=(libwebp7)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "tessera: installing ${missing[*]} (system codecs for the JPEG/WebP decoders)"
  { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >/tmp/tessera-codecs.log 2>&1 \
    || echo "tessera: could not install ${missing[*]}; see /tmp/tessera-codecs.log"
else
  echo "tessera: the JPEG/WebP tests need ${missing[*]}: apt-get install -y ${missing[*]}"
fi
exit 0
