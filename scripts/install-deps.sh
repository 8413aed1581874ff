#!/usr/bin/env bash
# Installs every build, test and run dependency of Glassbox from Debian 12 packages.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates python3 python3-venv python3-pip
  extra-cmake-modules clang-format
  qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools qt6-tools-dev-tools libqt6sql6-sqlite
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts qml6-module-qtquick-window
  qml6-module-qtquick-templates qml6-module-qtqml-workerscript qml6-module-qtquick-dialogs
  qml6-module-qtqml qml6-module-qttest qml6-module-qt-labs-settings qml6-module-qtcore
  qml6-module-qt-labs-folderlistmodel
  libgl-dev libvulkan-dev mesa-vulkan-drivers vulkan-tools glslc spirv-cross libspirv-cross-c-shared-dev
  libicu-dev libpcre2-dev libsqlite3-dev
  clang-14 libclang-rt-14-dev
  xvfb xauth
)
if ! dpkg-query -W -f='${Status}\n' "${PACKAGES[@]}" 2>/dev/null | grep -vq '^install ok installed$' \
   && [ "$(dpkg-query -W -f='${Status}\n' "${PACKAGES[@]}" 2>/dev/null | wc -l)" -eq "${#PACKAGES[@]}" ]; then
  exit 0
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
