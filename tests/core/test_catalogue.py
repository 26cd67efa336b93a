from pathlib import Path

from core.catalogue import HOME, PAGES, sections

ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_page_file_exists_and_titles_are_unique():
    pages = [HOME, *PAGES]
    assert all((ROOT / p.path).is_file() for p in pages)
    assert len({p.title for p in pages}) == len(pages)


def test_sections_start_with_home():
    grouped = sections()
    assert next(iter(grouped.values()))[0] is HOME
    assert sum(len(v) for v in grouped.values()) == len(PAGES) + 1


def test_no_page_file_is_left_out_of_the_navigation():
    listed = {p.path for p in (HOME, *PAGES)}
    on_disk = {f"views/{f.name}" for f in (ROOT / "views").glob("*.py")}
    assert on_disk == listed
