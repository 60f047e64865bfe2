"""Build hook: ship the top-level templates/ and examples/ inside the wheel.

In a checkout they live beside the package (sysdesign.paths finds them there); in a wheel
they are copied to sysdesign/templates and sysdesign/examples.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in ("templates", "examples"):
            src = ROOT / name
            dst = Path(self.build_lib) / "sysdesign" / name
            if src.is_dir():
                if dst.exists():
                    shutil.rmtree(dst)
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
