"""What poppler says about a PDF: its text, its fonts, its pages, a page as a picture."""
from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """The text poppler extracts, whitespace collapsed (pdftotext breaks lines where the layout does)."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def pdf_words(pdf: bytes) -> str:
    """The text pypdf extracts from every page, with no whitespace at all: letter-spaced titles ("录 用 证 书")
    and table cells come out in reading order but spaced as the layout happened to be."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


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

