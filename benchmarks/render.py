"""How fast ``ohw render`` draws a big part, side by side with matplotlib's
mplot3d (Poly3DCollection on the Agg backend), what a Python user would
otherwise reach for to get a picture of a mesh without a display.

Run it by hand from the project root, with the Python that has ohw installed:

    python benchmarks/render.py [--runs N] [--matplotlib-runs M]

matplotlib is not one of ohw's dependencies: ``pip install ".[bench]"`` (or
``pip install matplotlib``); without it that row is skipped with the reason.

The part is a 1.3 million-facet closed mesh (a trimesh icosphere,
subdivisions=8, radius 50 mm, written once as binary STL). Timed, each as the
median of several runs, round by round so that the machine's noise falls on all
of them alike:

1. in one process, the mesh already read: ``ohw.picture.part.thumbnail`` (a
   512 x 512 PNG, iso view), and mplot3d drawing the same facets to a 512 x 512
   PNG (figure, Poly3DCollection, savefig), both from the same array;
2. whole processes: ``ohw render FILE --out PNG --force``, start-up and reading
   the file included.

Target: the thumbnail under 1 s. Nothing outside a temporary folder is written.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

THUMBNAIL_SECONDS = 1.0
SIZE = 512


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` takes, by the wall clock."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def mplot3d_png(corners: object, out: Path) -> None:
    """The mesh drawn by mplot3d, as a matplotlib user would, to a 512 x 512 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    facets = np.asarray(corners)
    figure = plt.figure(figsize=(SIZE / 100, SIZE / 100), dpi=100)
    axes = figure.add_subplot(projection="3d")
    # Shaded like ohw's picture (matplotlib 3.7 and later shade by the facets' normals).
    collection = Poly3DCollection(facets, facecolors=(0.43, 0.56, 0.73), linewidths=0, shade=True)
    axes.add_collection3d(collection)
    low, high = facets.reshape(-1, 3).min(axis=0), facets.reshape(-1, 3).max(axis=0)
    axes.set_xlim(low[0], high[0])
    axes.set_ylim(low[1], high[1])
    axes.set_zlim(low[2], high[2])
    axes.set_axis_off()
    figure.savefig(out, dpi=100)
    plt.close(figure)


def row(label: str, seconds: float | None, times: list[float]) -> None:
    if seconds is None:
        print(f"   {label:44} {'-':>8}")
        return
    spread = f"{min(times):.2f} .. {max(times):.2f}"
    print(f"   {label:44} {seconds:7.2f}s  {spread:>14}  {len(times):4}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each ohw timing")
    parser.add_argument("--matplotlib-runs", type=int, default=3, help="runs of mplot3d (slow)")
    options = parser.parse_args()
    if importlib.util.find_spec("trimesh") is None:
        print("trimesh is needed to make the mesh: pip install trimesh")
        return 2
    import numpy as np
    import trimesh

    from ohw.mesh.reader import read_mesh
    from ohw.picture.part import thumbnail

    with tempfile.TemporaryDirectory(prefix="ohw-bench-render-") as temporary:
        folder = Path(temporary)
        stl = folder / "sphere.stl"
        trimesh.creation.icosphere(subdivisions=8, radius=50).export(stl, file_type="stl")
        triangles = read_mesh(stl.name, path=stl)
        corners = np.array(triangles.corners)
        print(f"A {len(corners):,}-facet sphere, {stl.stat().st_size / 1e6:.1f} MB of binary STL")
        print(f"   {'':44} {'median':>8}  {'min .. max':>14}  runs")
        has_matplotlib = importlib.util.find_spec("matplotlib") is not None
        ohw_times: list[float] = []
        mpl_times: list[float] = []
        process_times: list[float] = []
        command = [str(Path(sys.executable).parent / "ohw"), "render", str(stl)]
        command += ["--out", str(folder / "cli.png"), "--force", "--size", str(SIZE)]
        for number in range(max(options.runs, options.matplotlib_runs)):
            if number < options.runs:
                ohw_times.append(timed(lambda: thumbnail(triangles, "iso", SIZE)))
                process_times.append(
                    timed(lambda: subprocess.run(command, check=True, capture_output=True))
                )
            if has_matplotlib and number < options.matplotlib_runs:
                mpl_times.append(timed(lambda: mplot3d_png(corners, folder / "mplot3d.png")))
        ohw = statistics.median(ohw_times)
        row("ohw.picture.part.thumbnail, in process", ohw, ohw_times)
        if has_matplotlib:
            mpl = statistics.median(mpl_times)
            row("matplotlib mplot3d (Agg), in process", mpl, mpl_times)
            print(f"   mplot3d / ohw: {mpl / ohw:.1f}x")
        else:
            row("matplotlib mplot3d: not installed (pip install '.[bench]')", None, [])
        row("ohw render FILE --out PNG, whole process", statistics.median(process_times),
            process_times)  # fmt: skip
        met = "met" if ohw <= THUMBNAIL_SECONDS else "MISSED"
        print("\nTargets")
        goal = f"<= {THUMBNAIL_SECONDS:g}s"
        print(f"   512 x 512 thumbnail of 1.3M facets  {ohw:7.2f}s  {goal}  {met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
