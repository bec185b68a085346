#!/usr/bin/env bash
# Installs the Debian packages Wathiqa needs, only those missing (a second run installs nothing).
set -euo pipefail
packages=(
  tesseract-ocr tesseract-ocr-ara tesseract-ocr-eng   # OCR, Arabic and English models
  libmagic1                                            # file type by content
  fonts-hosny-amiri fonts-noto-core fonts-dejavu-core  # fonts: the digit reader and word check draw with
                                                       # them; the generated fixtures are set in them
  poppler-utils qpdf ghostscript                       # PDF tools used by fixtures and benchmarks
  chromium                                             # the archivist page's browser tests
  default-jdk-headless maven golang-go                 # OpenSearch node and the S3 server build
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A JDK, Maven or Go already on PATH (e.g. from the machine image) is enough.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    default-jdk-headless) command -v javac >/dev/null || filtered+=("$p") ;;
    maven) command -v mvn >/dev/null || filtered+=("$p") ;;
    golang-go) command -v go >/dev/null || filtered+=("$p") ;;
    *) filtered+=("$p") ;;
  esac
done
if ((${#filtered[@]})); then
  echo "installing Debian packages: ${filtered[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${filtered[@]}"
fi
