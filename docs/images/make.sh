#!/bin/sh
# Makes the pictures in this folder with ohw itself. Run from the repository root,
# with ohw and the examples' extras installed (pip install ".[examples]").
set -eu
root=$(pwd)
ohw render examples/desk-lamp/parts/base.stl --out docs/images/desk-lamp-base.png --size 384 --force
# The desk lamp's head given the spool lamp's diffuser grooves, as a change to commit.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/desk-lamp "$work/lamp"
cd "$work/lamp"
git init -q -b main && git add -A && git -c user.name=ohw -c user.email=ohw@example.org commit -qm "The desk lamp"
python3 -c "
import sys; sys.path.insert(0, '$root/examples')
import make_meshes as m
head = m.on_bed(m.shade(length=164, width=34, height=20, diffuser=True))
open('parts/head.stl', 'wb').write(m.stl_bytes('head', head))"
ohw diff --images "$work/pictures"
cp "$work/pictures/head.png" "$root/docs/images/desk-lamp-head-diff.png"
