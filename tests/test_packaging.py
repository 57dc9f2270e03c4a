"""`pip install .` gives a briefgen that works from any folder: the wheel carries the
content pack, the layouts and the fonts."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from pypdf import PdfReader

from conftest import DATE, REPO


def test_wheel_carries_its_data_and_works_from_any_folder(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(REPO)], check=True, capture_output=True)
    wheel, = dist.glob("briefgen-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    for required in ("briefgen/_data/content/pack.yaml", "briefgen/_data/layouts/default/theme.yaml",
                     "briefgen/_data/layouts/letter/layout.yaml",
                     "briefgen/_data/fonts/NotoSans/NotoSans-Regular.ttf",
                     "briefgen/_data/fonts/NotoSans/OFL.txt",
                     "briefgen/_data/fonts/DejaVuSans/LICENSE"):
        assert required in names, required
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    probe = subprocess.run([sys.executable, "-c", "import briefgen; print(briefgen.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.startswith(str(tmp_path / "site"))
    result = subprocess.run([sys.executable, "-m", "briefgen", "brief", "-m", "Graz", "-p", "1",
                             "--date", DATE, "-o", "graz.pdf"], cwd=elsewhere, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Graz" in PdfReader(elsewhere / "graz.pdf").pages[0].extract_text()
