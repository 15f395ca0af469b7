#!/usr/bin/env bash
# Builds the training photographs that the photo models learn from besides
# ../shared/data/wallpapers and McMaster (model/MODELS.md says which model
# used them): 14 camera photographs from Debian's lomiri-wallpapers-16.04
# and lomiri-wallpapers-20.04 packages (CC-BY-4.0 or CC-BY-SA-4.0, by the
# photographers in their names; each package's copyright file lists them),
# downscaled as the wallpapers were (scripts/photodata). The packages'
# other images are renders and illustrations, left out. Nothing of this is
# committed.
#
#	scripts/photodata.sh DIR
set -euo pipefail
out=${1:?usage: scripts/photodata.sh DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 >/dev/null)
for deb in "$tmp"/*.deb; do
	dpkg-deb -x "$deb" "$tmp/x"
done
b=$tmp/x/usr/share/backgrounds
mkdir -p "$out"
cd "$here"
go run ./scripts/photodata -prefix lomiri- -o "$out" \
	"$b"/Bridge_by_Sander_Klootwijk.jpg "$b"/Dragonfly_by_Bolly.jpg \
	"$b"/Picture_0B_by_freespace.jpg "$b"/Picture_1A_by_freespace.jpg \
	"$b"/Wine_by_Jakkub_Mede.jpg "$b"/aitzgorri_by_Aitzol_Berasategi.jpg \
	"$b"/free_by_Peter_Nerlich.jpg "$b"/friends_by_Aitzol_Berasategi.jpg \
	"$b"/greentock_by_Peter_Nerlich.jpg "$b"/life_by_Aitzol_Berasategi.jpg \
	"$b"/picosdeeuropa_by_Aitzol_Berasategi.jpg "$b"/seeding_by_Clements_Engelhardt.jpg \
	"$b"/sunset_by_Aitzol_Berasategi.jpg "$b"/Kleiber_by_Lukas_Baubkus.jpg
