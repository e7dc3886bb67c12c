"""What poppler says about a PDF: its text, its fonts, its pages, a page as a picture."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def pdf_text(pdf: bytes) -> str:
    """The text poppler extracts, whitespace collapsed (pdftotext breaks lines where the layout does)."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def pdf_fonts(pdf: bytes) -> list[dict]:
    """pdffonts' table: name, type and whether each font is embedded."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        listing = subprocess.run(["pdffonts", handle.name], capture_output=True, check=True, text=True).stdout
    lines = listing.splitlines()
    fonts = []
    for line in lines[2:]:
        columns = line.split()
        # name ... emb sub uni object ID: counted from the end, as the type has spaces in it
        fonts.append({"name": columns[0], "embedded": columns[-5] == "yes"})
    return fonts


def pdf_pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def page_png(pdf: bytes, page: int, directory: Path, *, crop: tuple[int, int, int, int] | None = None) -> bytes:
    """One page as a PNG at 60 dpi, optionally only the box (x, y, width, height) in pixels."""
    arguments = ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile"]
    if crop:
        x, y, width, height = crop
        arguments += ["-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height)]
    target = directory / f"page-{page}"
    with tempfile.NamedTemporaryFile(suffix=".pdf", dir=directory, delete=False) as handle:
        handle.write(pdf)
    subprocess.run([*arguments, handle.name, str(target)], check=True)
    return (directory / f"page-{page}.png").read_bytes()

